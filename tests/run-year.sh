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

# pack: one 项目申报书 per eligible society, 申报须知 and the zip (xhgen finds the templates:
# INPUTDIR/templates/, $XHGEN_TEMPLATES, the installed share folder, the checkout's)
run "$xhgen" pack "$in" -o "$out"
wrote "$out/$year/pack"

# review: formal review, eligibility and the proposed list
run "$xhgen" review "$in" -o "$out"
wrote "$out/$year/review"

# ledger: allocations, payments, spending and the spending rules
run "$xhgen" ledger "$in" -o "$out"
wrote "$out/$year/ledger"
