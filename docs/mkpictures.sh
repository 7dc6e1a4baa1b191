#!/bin/sh
# Renders the two pictures of README.md: the publicity-notice template templates/公示.docx on the
# page with its table (the tags as staff see them in Word/WPS) and the same page of the document
# xhgen writes from the sample year, output/2025/notice/公示.docx.
#
#   sh docs/mkpictures.sh            # from the top of the checkout, after `make`
#
# Needs ./xhgen, LibreOffice (soffice) and pdftoppm (poppler-utils).  Fonts: the documents name
# the official Chinese fonts; tests/client/fonts.conf maps them to Noto CJK.  LibreOffice runs
# with a throw-away profile, so a user's own LibreOffice settings neither matter nor change.
# Writes docs/images/公示-模板.png and docs/images/公示-生成.png (grey, 70 dpi, about 100 KB each).
set -eu

cd "$(dirname "$0")/.."
PAGE=${PAGE:-2}            # the attachment page (附件: the list of projects), page 2 of both
RES=${RES:-70}

[ -x ./xhgen ] || { echo "mkpictures: build ./xhgen first (make)" >&2; exit 2; }
for t in soffice pdftoppm; do
	command -v "$t" >/dev/null 2>&1 || { echo "mkpictures: $t is not installed" >&2; exit 2; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

./xhgen run input -o output >/dev/null
cp templates/公示.docx "$tmp/template.docx"
cp output/2025/notice/公示.docx "$tmp/output.docx"

FONTCONFIG_FILE=$(pwd)/tests/client/fonts.conf
export FONTCONFIG_FILE
soffice --headless "-env:UserInstallation=file://$tmp/profile" \
	--convert-to pdf --outdir "$tmp" "$tmp/template.docx" "$tmp/output.docx" >/dev/null 2>&1

mkdir -p docs/images
for pair in "template 公示-模板" "output 公示-生成"; do
	src=${pair% *}
	dst=${pair#* }
	[ -s "$tmp/$src.pdf" ] || { echo "mkpictures: LibreOffice did not convert $src.docx" >&2; exit 3; }
	pdftoppm -r "$RES" -png -gray -f "$PAGE" -l "$PAGE" -singlefile "$tmp/$src.pdf" "$tmp/$src"
	cp "$tmp/$src.png" "docs/images/$dst.png"
	echo "docs/images/$dst.png: page $PAGE of $src, $(wc -c <"docs/images/$dst.png") bytes"
done
