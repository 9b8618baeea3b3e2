#!/usr/bin/env bash
# Runs the benchmarks the way BENCHMARKS.md reports them: one test binary, the floor
# (the same exchange by hand), plain resty and the SDK run alternately, one benchmark
# at a time (so that drift in the machine's load hits every side alike), RUNS rounds,
# then benchstat compares their medians.
#
#   scripts/bench.sh                     # 10 alternating runs of 1 s each
#   RUNS=20 BENCHTIME=2s scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-10}
benchtime=${BENCHTIME:-1s}
out=${OUT:-bench-out}
benchstat_version=v0.0.0-20260908200009-22c9c6c9d4da

mkdir -p "$out"
rm -f "$out"/*.txt
benchstat="$(go env GOPATH)/bin/benchstat"
[ -x "$benchstat" ] || go install "golang.org/x/perf/cmd/benchstat@$benchstat_version"
go test -c -o "$out/mesh.test" .

# run NAME SIDE BENCHTIME runs the sub-benchmark NAME/SIDE (NAME is Benchmark/config, e.g.
# LinkToken/TLS) and appends it to SIDE.txt without the side, so that benchstat puts the
# floor, resty and the SDK side by side: LinkToken/TLS/floor and LinkToken/TLS/sdk both
# become LinkToken/TLS.
run() {
	"$out/mesh.test" -test.run '^$' -test.bench "^Benchmark${1//\//\$/^}\$/^$2\$" -test.benchtime "$3" -test.benchmem |
		grep '^Benchmark' | sed -E "s#^(Benchmark[^[:space:]]*)/$2#\1#" >>"$out/$2.txt"
}
for i in $(seq "$runs"); do
	echo "run $i/$runs" >&2
	for c in Loopback LoopbackParallel TLS TLSParallel NoNetwork; do
		for s in floor resty sdk; do run "LinkToken/$c" "$s" "$benchtime"; done
	done
	for c in Networks Integrations; do
		for s in floor sdk; do run "Catalog/$c" "$s" "$benchtime"; done
	done
	# One scale run is 20,000 calls; more would exhaust loopback ports (TIME_WAIT).
	for s in floor sdk; do run Scale "$s" 1x; done
done
"$out/mesh.test" -test.run '^$' -test.bench '^BenchmarkValidate$' -test.count "$runs" -test.benchmem | grep '^Benchmark' >"$out/Validate.txt"

{
	echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(go version), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
	"$benchstat" floor="$out/floor.txt" sdk="$out/sdk.txt"
	echo
	echo "# what resty costs: floor, plain resty, SDK"
	"$benchstat" -filter '.name:LinkToken' floor="$out/floor.txt" resty="$out/resty.txt" sdk="$out/sdk.txt"
	echo
	"$benchstat" "$out/Validate.txt"
} | tee "$out/summary.txt"
