#!/usr/bin/env bash
# Runs the benchmarks the way BENCHMARKS.md reports them: one test binary, the SDK and
# the hand-written baseline run alternately (so that drift in the machine's load hits
# both alike), RUNS times each, then benchstat compares them.
#
#   scripts/bench.sh                 # 8 alternating runs of 2 s each
#   RUNS=6 BENCHTIME=1s scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-8}
benchtime=${BENCHTIME:-2s}
out=${OUT:-bench-out}
benchstat_version=v0.0.0-20260908200009-22c9c6c9d4da

mkdir -p "$out"
rm -f "$out"/*.txt
benchstat="$(go env GOPATH)/bin/benchstat"
[ -x "$benchstat" ] || go install "golang.org/x/perf/cmd/benchstat@$benchstat_version"
go test -c -o "$out/mesh.test" .

run() { "$out/mesh.test" -test.run '^$' -test.bench "^Benchmark$1\$" -test.benchtime "$benchtime" -test.benchmem; }
for i in $(seq "$runs"); do
	echo "run $i/$runs" >&2
	for b in Baseline CreateLinkToken BaselineParallel CreateLinkTokenParallel BaselineNoNetwork CreateLinkTokenNoNetwork; do
		run "$b" | grep '^Benchmark' >>"$out/$b.txt"
	done
done
"$out/mesh.test" -test.run '^$' -test.bench '^BenchmarkValidate$' -test.count "$runs" -test.benchmem | grep '^Benchmark' >"$out/Validate.txt"

# The same name on both sides lets benchstat put baseline and SDK side by side.
sed -E 's/^BenchmarkBaseline(Parallel|NoNetwork)?-/BenchmarkLinkToken\1-/' "$out"/Baseline*.txt >"$out/baseline.txt"
sed -E 's/^BenchmarkCreateLinkToken(Parallel|NoNetwork)?-/BenchmarkLinkToken\1-/' "$out"/CreateLinkToken*.txt >"$out/sdk.txt"
{
	echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(go version), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
	"$benchstat" baseline="$out/baseline.txt" sdk="$out/sdk.txt"
	echo
	"$benchstat" "$out/Validate.txt"
} | tee "$out/summary.txt"
