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

void xh_i18n_init(void)
{
	setlocale(LC_MESSAGES, "");
	const char *dir = getenv("XHGEN_LOCALEDIR");
	/* a checkout: build/locale beside ./xhgen (or above build/asan/xhgen) */
	char *local = NULL;
	if (!dir || !*dir) {
		local = xh_exe_path("build/locale/zh_CN/LC_MESSAGES/xhgen.mo");
		if (local)
			*strstr(local, "/zh_CN/LC_MESSAGES/xhgen.mo") = '\0';
		dir = local ? local : XH_LOCALEDIR;
	}
	bindtextdomain("xhgen", dir); /* copies dir */
	bind_textdomain_codeset("xhgen", "UTF-8");
	textdomain("xhgen");
	free(local);
}
