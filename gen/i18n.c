/*
 * i18n.c — see i18n.h.
 */
#include "i18n.h"
#include "util.h"

#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef XH_LOCALEDIR
#define XH_LOCALEDIR "/usr/local/share/locale"
#endif

/* dir holds a compiled catalogue of ours */
static int S_has_catalogue(const char *dir)
{
	char *path = xasprintf("%s/zh_CN/LC_MESSAGES/xhgen.mo", dir);
	struct stat st;
	int ok = stat(path, &st) == 0;
	free(path);
	return ok;
}

void xh_i18n_init(void)
{
	setlocale(LC_MESSAGES, "");
	const char *dir = getenv("XHGEN_LOCALEDIR");
	char *local = NULL;
	if (!dir || !*dir) {
		dir = XH_LOCALEDIR;
		char exe[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		char *slash = n > 0 ? memrchr(exe, '/', (size_t)n) : NULL;
		if (slash) {
			/* a checkout: ./xhgen with build/locale beside it */
			local = xasprintf("%.*s/build/locale", (int)(slash - exe), exe);
			if (S_has_catalogue(local))
				dir = local;
		}
	}
	bindtextdomain("xhgen", dir); /* copies dir */
	bind_textdomain_codeset("xhgen", "UTF-8");
	textdomain("xhgen");
	free(local);
}
