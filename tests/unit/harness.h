/*
 * harness.h — a tiny test harness in the manner of cmark's api_test:
 * each check prints "ok NAME" or "not ok NAME: why"; the binary ends with
 * "N passed, M failed" and exits non-zero when anything failed.
 */
#ifndef XH_HARNESS_H
#define XH_HARNESS_H

#include <stdio.h>
#include <string.h>

static int h_pass, h_fail;

#define CHECK(name, cond)                                                        \
	do {                                                                     \
		if (cond) {                                                      \
			h_pass++;                                                \
			printf("ok %s\n", name);                                 \
		} else {                                                         \
			h_fail++;                                                \
			printf("not ok %s: %s (%s:%d)\n", name, #cond, __FILE__, \
			       __LINE__);                                        \
		}                                                                \
	} while (0)

#define CHECK_STR(name, got, want)                                               \
	do {                                                                     \
		const char *g_ = (got), *w_ = (want);                            \
		if (g_ && w_ && strcmp(g_, w_) == 0) {                           \
			h_pass++;                                                \
			printf("ok %s\n", name);                                 \
		} else {                                                         \
			h_fail++;                                                \
			printf("not ok %s:\n  want: %s\n  got:  %s\n", name,     \
			       w_ ? w_ : "(null)", g_ ? g_ : "(null)");          \
		}                                                                \
	} while (0)

static int h_done(void)
{
	printf("%d passed, %d failed\n", h_pass, h_fail);
	return h_fail ? 1 : 0;
}

#endif
