#!/bin/sh
# Installs what building and testing xhgen need on Debian 12, once.
# Called by `make deps` (and so by `make run` and `make test`); does nothing
# when everything is there. As root it runs apt-get itself, otherwise
# through sudo.  `tests/setup.sh build` installs only the build dependencies.
set -e
BUILD="gcc make pkg-config libxml2-dev libzip-dev libxlsxwriter-dev libpcre2-dev zlib1g-dev libyajl-dev libcsv-dev nettle-dev gettext"
TEST="python3 cppcheck clang-tidy libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-noto-cjk locales valgrind clang libclang-rt-14-dev"
want="$BUILD"
[ "${1:-all}" = build ] || want="$BUILD $TEST"
missing=
for p in $want; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "setup: installing$missing"
	SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# zh_CN.UTF-8 for the translated-message test.
if [ "${1:-all}" != build ] && ! locale -a 2>/dev/null | grep -qi '^zh_CN.utf8$'; then
	SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO sed -i 's/^# *zh_CN.UTF-8 UTF-8/zh_CN.UTF-8 UTF-8/' /etc/locale.gen 2>/dev/null || true
	grep -q '^zh_CN.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null || echo 'zh_CN.UTF-8 UTF-8' | $SUDO tee -a /etc/locale.gen >/dev/null
	$SUDO locale-gen >/dev/null
fi
exit 0
