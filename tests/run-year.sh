#!/bin/sh
# Runs every xhgen command that exists so far over one programme-year folder.
# usage: sh tests/run-year.sh XHGEN INPUTDIR OUTDIR      (what `make run` calls)
# Writes OUTDIR/<year>/...; exits non-zero as soon as xhgen fails, with xhgen's status.
set -e

if [ "$#" -ne 3 ]; then
	echo "usage: sh tests/run-year.sh XHGEN INPUTDIR OUTDIR" >&2
	exit 2
fi
xhgen=$1
in=$2
out=$3
# the checkout's templates/ is the last place a template is looked up
repo=$(cd "$(dirname "$0")/.." && pwd)

if [ ! -f "$in/programme.xml" ]; then
	echo "run-year: $in/programme.xml: no such file" >&2
	exit 1
fi
# <year>2026</year>, possibly with spaces around the value
year=$(sed -n 's:.*<year>[[:space:]]*\([0-9][0-9][0-9][0-9]\)[[:space:]]*</year>.*:\1:p' "$in/programme.xml" | head -n 1)
if [ -z "$year" ]; then
	echo "run-year: $in/programme.xml: no <year>YYYY</year>" >&2
	exit 1
fi

# template NAME: INPUTDIR/templates/ (staff-edited) first, then $XHGEN_TEMPLATES, then the checkout's
template() {
	for dir in "$in/templates" ${XHGEN_TEMPLATES:+"$XHGEN_TEMPLATES"} "$repo/templates"; do
		if [ -f "$dir/$1" ]; then
			echo "$dir/$1"
			return 0
		fi
	done
	echo "run-year: template $1 not found in $in/templates or $repo/templates" >&2
	return 1
}

# run CMD...: echo it, run it, report a failure with its status
run() {
	echo "+ $*"
	status=0
	"$@" || status=$?
	if [ "$status" -ne 0 ]; then
		echo "run-year: xhgen $2 failed (exit $status)" >&2
		exit "$status"
	fi
}

# wrote DIR: list what a step wrote
wrote() {
	find "$1" -type f | LC_ALL=C sort | while IFS= read -r f; do
		echo "wrote $f ($(wc -c <"$f" | tr -d ' ') bytes)"
	done
}

# check: the year folder against SCHEMA.md (nothing is written)
run "$xhgen" check "$in"

pack="$out/$year/pack"
mkdir -p "$pack"

# pack: one 项目申报书 per society
tpl=$(template "项目申报书.docx")
run "$xhgen" merge "$tpl" "$in/societies.xml" -o "$pack" --name '{name}-项目申报书.docx'
wrote "$pack"

# review: formal review, eligibility and the proposed list
run "$xhgen" review "$in" -o "$out"
wrote "$out/$year/review"

# ledger: allocations, payments, spending and the spending rules
run "$xhgen" ledger "$in" -o "$out"
wrote "$out/$year/ledger"
