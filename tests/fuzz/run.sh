#!/bin/sh
# usage: sh tests/fuzz/run.sh SECONDS TARGET...  (what `make fuzz` calls)
# Runs each libFuzzer target for SECONDS on a scratch copy of its corpus
# (tests/fuzz/corpus/<name>, with tests/fuzz/dict/<name>.dict when there is
# one) and reports executions, coverage and crashes.  New inputs stay in
# build/fuzz/work/<name>/corpus; crashes in build/fuzz/work/<name>/.  Copy a
# crash into tests/fuzz/corpus/<name>/ once it is fixed: `make test`
# replays it from then on.
set -u
secs=$1
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
found=0
for t in "$@"; do
	name=$(basename "$t")
	short=${name#fuzz_}
	work="$root/build/fuzz/work/$name"
	mkdir -p "$work/corpus"
	dict=
	[ -f "$root/tests/fuzz/dict/$short.dict" ] && dict="-dict=$root/tests/fuzz/dict/$short.dict"
	echo "fuzz: $name for $secs s"
	(cd "$work" && "$root/$t" -max_total_time="$secs" -max_len=65536 -timeout=10 \
		-print_final_stats=1 $dict corpus "$root/tests/fuzz/corpus/$short" >"$work/log" 2>&1)
	rc=$?
	execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$')
	cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -n 1)
	crashes=$(ls "$work" | grep -c -E '^(crash|leak|timeout|oom)-' || true)
	echo "  $name: ${execs:-?} executions, ${cov:-cov: ?}, $crashes crash(es), exit $rc"
	[ "$crashes" -gt 0 ] || [ "$rc" -ne 0 ] && found=1
done
exit $found
