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

run() { "$out/mesh.test" -test.run '^$' -test.bench "^Benchmark$1\$" -test.benchtime "$2" -test.benchmem | grep '^Benchmark' >>"$out/$1.txt"; }
for i in $(seq "$runs"); do
	echo "run $i/$runs" >&2
	for b in Baseline Resty CreateLinkToken BaselineParallel RestyParallel CreateLinkTokenParallel \
		BaselineTLS RestyTLS CreateLinkTokenTLS BaselineTLSParallel RestyTLSParallel CreateLinkTokenTLSParallel \
		BaselineNoNetwork RestyNoNetwork CreateLinkTokenNoNetwork \
		BaselineNetworks Networks BaselineIntegrations Integrations; do
		run "$b" "$benchtime"
	done
	# One scale run is 20,000 calls; more would exhaust loopback ports (TIME_WAIT).
	run BaselineScale 1x
	run Scale 1x
done
"$out/mesh.test" -test.run '^$' -test.bench '^BenchmarkValidate$' -test.count "$runs" -test.benchmem | grep '^Benchmark' >"$out/Validate.txt"

# The same name on every side lets benchstat put the floor, resty and the SDK side by
# side: BaselineTLS, RestyTLS and CreateLinkTokenTLS all become TLS.
name='s/^Benchmark(Baseline|CreateLinkToken|Resty)/Benchmark/; s/^Benchmark-/BenchmarkLinkToken-/'
sed -E "$name" "$out"/Baseline*.txt >"$out/floor.txt"
sed -E "$name" "$out"/CreateLinkToken*.txt "$out/Networks.txt" "$out/Integrations.txt" "$out/Scale.txt" >"$out/sdk.txt"
sed -E "$name" "$out"/Resty*.txt >"$out/resty.txt"
{
	echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(go version), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
	"$benchstat" floor="$out/floor.txt" sdk="$out/sdk.txt"
	echo
	echo "# what resty costs: floor, plain resty, SDK"
	"$benchstat" -filter '.name:(LinkToken OR Parallel OR TLS OR TLSParallel OR NoNetwork)' floor="$out/floor.txt" resty="$out/resty.txt" sdk="$out/sdk.txt"
	echo
	"$benchstat" "$out/Validate.txt"
} | tee "$out/summary.txt"
