#!/bin/sh
# Memcheck over xhgen on a golden template (tests/golden/letter.fodt, converted by LibreOffice
# unless tests/run.py already left the converted copy in tests/out/golden-templates):
#   1. fill          (exit 0 expected)
#   2. merge -j 2    of 6 records (exit 0 expected)
#   3. fill with a value missing (exit 1 expected: the error path must not leak either)
# Each under `valgrind --leak-check=full --error-exitcode=9`.  Prints one line per run and a
# verdict; exits 0 only when all runs are clean.   usage: sh tests/valgrind.sh [./xhgen]
set -u
XH=${1:-./xhgen}
cd "$(dirname "$0")/.." || exit 3
case $XH in /*) ;; *) XH=$(pwd)/$XH ;; esac
export LANG=C.UTF-8
unset LC_ALL LANGUAGE
command -v valgrind >/dev/null 2>&1 || { echo "valgrind: not installed (tests/setup.sh installs it)"; exit 2; }
[ -x "$XH" ] || { echo "valgrind: $XH is not an executable (make xhgen)"; exit 2; }

W=tests/out/valgrind
rm -rf "$W"
mkdir -p "$W/merge"
TPL=tests/out/golden-templates/letter.docx
if [ ! -f "$TPL" ] || [ tests/golden/letter.fodt -nt "$TPL" ]; then
	PROF=/tmp/xhgen-valgrind-lo-$$
	FONTCONFIG_FILE=$(pwd)/tests/client/fonts.conf soffice --headless --norestore \
		-env:UserInstallation=file://$PROF --convert-to docx --outdir "$W" \
		tests/golden/letter.fodt >"$W/soffice.log" 2>&1
	rm -rf "$PROF"
	TPL=$W/letter.docx
	[ -f "$TPL" ] || { echo "valgrind: LibreOffice could not convert tests/golden/letter.fodt"; cat "$W/soffice.log"; exit 3; }
fi
python3 - "$W" <<'EOF'
import json, sys
w = sys.argv[1]
base = json.load(open("tests/golden/letter.json", encoding="utf-8"))
recs = []
for i, n in enumerate(["Ada", "Grace", "张三", "Alan", "Joan", "李四"]):
    r = dict(base, name="%s %d" % (n, i))
    recs.append(r)
json.dump(recs, open(w + "/records.json", "w", encoding="utf-8"), ensure_ascii=False)
miss = dict(base)
del miss["city"]
json.dump(miss, open(w + "/missing.json", "w", encoding="utf-8"), ensure_ascii=False)
EOF

fails=0
vg() { # vg NAME EXPECTED_STATUS ARGS...
	name=$1 want=$2
	shift 2
	valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
		--error-exitcode=9 --log-file="$W/$name.vg.log" "$XH" "$@" >"$W/$name.out" 2>"$W/$name.err"
	rc=$?
	if [ "$rc" -eq 9 ] || [ -s "$W/$name.vg.log" ]; then
		echo "FAIL valgrind/$name: memcheck errors (exit $rc):"
		sed -n '1,40p' "$W/$name.vg.log"
		fails=$((fails + 1))
	elif [ "$rc" -ne "$want" ]; then
		echo "FAIL valgrind/$name: exit $rc, expected $want: $(head -c 300 "$W/$name.err")"
		fails=$((fails + 1))
	else
		echo "PASS valgrind/$name"
	fi
}
vg fill 0 fill "$TPL" tests/golden/letter.json -o "$W/filled.docx"
vg merge 0 merge "$TPL" "$W/records.json" -o "$W/merge" --name '{name}.docx' -j 2
vg fill-error 1 fill "$TPL" "$W/missing.json" -o "$W/missing.docx"
vg check 0 check input
vg check-errors 1 check tests/fixtures/check
printf 'id,name\nR1,甲\nR2,乙\n' >"$W/rows.csv"
vg merge-rows 0 merge "$TPL" "$W/rows.csv" -o "$W/rows" --name '{id}.docx' --allow-missing
vg run 0 run input -o "$W/year"
vg verify 0 verify input -o "$W/year"
mkdir -p "$W/collect-year"
cp input/programme.xml input/societies.xml "$W/collect-year/"
vg collect 0 collect "$W/year/$(sed -n 's:.*<year>\([0-9]*\)</year>.*:\1:p' input/programme.xml)/pack" -o "$W/collect-year"
n=$(ls "$W/merge" | grep -c '\.docx$')
if [ "$n" -ne 6 ]; then
	echo "FAIL valgrind/merge-count: $n documents, expected 6"
	fails=$((fails + 1))
fi
if [ "$fails" -eq 0 ]; then
	echo "valgrind: clean (fill, merge, check, merge over CSV rows, the whole year's run, verify, collect, error paths: no memory errors, no leaks)"
	exit 0
fi
echo "valgrind: $fails problem(s); logs in $W"
exit 1
