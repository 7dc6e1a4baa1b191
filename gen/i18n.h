/*
 * i18n.h — translated messages (gettext, domain "xhgen").
 *
 * Messages are written in English in the code and translated to Chinese
 * in po/zh_CN.po; the locale picks the language (LANG=zh_CN.UTF-8 gives
 * Chinese, anything else English).  Only LC_MESSAGES follows the locale:
 * numbers, dates and character classes stay those of the C locale, so
 * that the same inputs give the same outputs whatever the machine's
 * locale.  Catalogues are always returned in UTF-8.
 *
 * Most messages need no marking at their call: xh_diag_add() translates
 * its format, the record checks translate their reason, fmt.c's reasons
 * go through S_fail(); xgettext is told these keywords (Makefile "pot").
 */
#ifndef XH_I18N_H
#define XH_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Sets LC_MESSAGES from the environment and binds the catalogue: from
 * $XHGEN_LOCALEDIR, else build/locale beside the executable (a checkout),
 * else the installed share/locale. */
void xh_i18n_init(void);

#endif
