#!/bin/sh
# Benchmark xhgen against its peer, docxtemplater, on the shared workloads
# (see ../shared/bench/README.md).  `make bench` runs `sh tests/bench/run.sh ./xhgen`.
#
#   sh tests/bench/run.sh [XHGEN]        default XHGEN: ./xhgen
#
# This script prepares; tests/bench/bench.py measures and reports:
#   1. shared/ is ../shared beside the repo root (override: BENCH_SHARED=DIR);
#      everything is written under build/bench/ (git-ignored).
#   2. data: form-1000.json, table-10000.json, table-100000.json, generated
#      with shared/bench/data/make_bench_data.py into build/bench/.
#   3. docxtemplater: shared/bench/docxtemplater/ is copied to
#      build/bench/docxtemplater and `npm ci` runs there once (again only
#      when package-lock.json changes).  Without node/npm, or if npm ci
#      fails, xhgen is benched alone.
#   4. /usr/bin/time (Debian package `time`) is installed if missing.
#   5. bench.py times whole processes with /usr/bin/time -f '%e %M %U %S' after an
#      unmeasured warm-up (the 10,000-row table, each tool),
#      alternating the tools, BENCH_RUNS (default 3) runs each, and prints
#      medians, ratios and the targets (MET / NOT MET).
#
# A measuring script, not a test: it exits 0 whether or not the targets are
# met, and 1 only when a measured command failed (non-zero exit, signal, or
# missing/empty/invalid output) or the set-up itself could not be done.
# Environment: BENCH_RUNS=N (default 3), BENCH_SHARED=DIR, BENCH_SKIP_PEER=1
# (xhgen alone).
set -u

XHGEN=${1:-./xhgen}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SHARED=${BENCH_SHARED:-$ROOT/../shared}
say() { echo "bench: $*"; }
die() { echo "bench: error: $*" >&2; exit 1; }

# XHGEN as an absolute path (or a command name found in PATH).
case $XHGEN in
/*) ;;
*/*) XHGEN=$(pwd)/$XHGEN ;;
*) XHGEN=$(command -v "$XHGEN") || die "xhgen not found: ${1:-./xhgen}" ;;
esac
[ -x "$XHGEN" ] || die "$XHGEN is not an executable file (run make first)"
[ -d "$SHARED/bench" ] || die "no $SHARED/bench (shared/ belongs beside the repo; or set BENCH_SHARED)"
SHARED=$(cd "$SHARED" && pwd)
B=$SHARED/bench
W=$ROOT/build/bench
mkdir -p "$W" || die "cannot create $W"
PY=$(command -v python3) || die "python3 is needed"

# 2. Data (deterministic; regenerated only when missing or the generator changed).
gen() { # kind n
	out=$W/$1-$2.json
	if [ ! -s "$out" ] || [ "$B/data/make_bench_data.py" -nt "$out" ]; then
		say "generating $1 $2"
		"$PY" "$B/data/make_bench_data.py" "$1" "$2" "$out.tmp" >/dev/null &&
			mv "$out.tmp" "$out" || die "make_bench_data.py $1 $2 failed"
	fi
}
gen form 1000
gen table 10000
gen table 100000

# 3. docxtemplater, the peer.
DT=$W/docxtemplater
PEER=0
if [ "${BENCH_SKIP_PEER:-0}" = 1 ]; then
	say "BENCH_SKIP_PEER=1: benching xhgen alone"
elif ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	say "node or npm is missing: benching xhgen alone (apt-get install nodejs npm for the peer)"
else
	mkdir -p "$DT" || die "cannot create $DT"
	for f in "$B"/docxtemplater/* "$B"/docxtemplater/.[!.]*; do
		[ -f "$f" ] || continue
		rm -f "$DT/${f##*/}" && cp "$f" "$DT/" && chmod u+w "$DT/${f##*/}" || die "cannot copy $f"
	done
	if [ -d "$DT/node_modules" ] && cmp -s "$DT/package-lock.json" "$DT/.installed-lock"; then
		PEER=1
	else
		say "npm ci in $DT"
		if (cd "$DT" && npm ci --no-audit --no-fund --loglevel=error) >"$W/npm-ci.log" 2>&1; then
			cp "$DT/package-lock.json" "$DT/.installed-lock"
			PEER=1
		else
			rm -rf "$DT/node_modules"
			say "npm ci failed (see $W/npm-ci.log): benching xhgen alone"
		fi
	fi
fi

# 4. /usr/bin/time.
if [ ! -x /usr/bin/time ]; then
	say "installing /usr/bin/time (Debian package time)"
	SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	{ $SUDO apt-get update -qq &&
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends time; } >/dev/null 2>&1
	[ -x /usr/bin/time ] || say "could not install /usr/bin/time: timing with os.wait4 instead"
fi

# 5. Measure and report.
exec "$PY" "$HERE/bench.py" --xhgen "$XHGEN" --shared "$B" --work "$W" \
	--peer "$PEER" --runs "${BENCH_RUNS:-3}"
