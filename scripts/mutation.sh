#!/usr/bin/env bash
# Mutation testing: how much of the code the tests actually check. Runs a pinned
# gremlins over the root package and package webhook, prints each package's score
# (efficacy: killed mutants over killed + lived) and every mutant that lived, and
# keeps gremlins' results in bench-out/mutation-*.json. The mutants gremlins cannot
# place in its coverage map it leaves NOT COVERED; scripts/uncovered-mutants.go runs
# them and prints the score over all of them.
#
# Too slow for CI on 2 cores (each mutant reruns a package's tests): run it by hand
# after a change to the code or its tests, and read the survivors. A survivor is a
# line no test needs (delete it) or a behaviour no test checks (add the test); an
# equivalent mutant (one that cannot change behaviour) is noted as such in the closing
# note of the change, not silenced here.
#
#   scripts/mutation.sh             # both packages
#   scripts/mutation.sh ./webhook   # one
set -euo pipefail
cd "$(dirname "$0")/.."

GREMLINS_VERSION=v0.6.0
bin="$(go env GOPATH)/gremlins-$GREMLINS_VERSION/gremlins"
if [ ! -x "$bin" ]; then
	GOBIN="$(dirname "$bin")" go install "github.com/go-gremlins/gremlins/cmd/gremlins@$GREMLINS_VERSION"
fi

mkdir -p bench-out
# gremlins times each mutant's tests against its coverage run: a cached coverage run
# would make every mutant time out.
export GOFLAGS=-count=1
status=0
for pkg in "${@:-. ./webhook}"; do
	for p in $pkg; do
		name=$(basename "$(cd "$p" && pwd)")
		out="bench-out/mutation-$name.json"
		echo "== mutation testing $p"
		# Test files and examples are not mutated; --integration is off, so each mutant
		# runs only the tests of its own package.
		# From the module's root, gremlins reaches the subpackages too: each is scored on
		# its own run.
		sub=()
		[ "$p" = . ] && sub=(--exclude-files '^webhook/')
		"$bin" unleash "$p" --workers 2 --test-cpu 1 --timeout-coefficient 4 "${sub[@]}" \
			--exclude-files '_test\.go$' --exclude-files '^examples/' --exclude-files '^meshtest/' --exclude-files '^scripts/' \
			--output "$out" --output-statuses lt | grep -Ev '^\s*$' || status=1
		# gremlins reports a mutant in a switch's case expression or a package-level
		# declaration NOT COVERED without running it (no cover-profile block holds it):
		# run those too, and print the package's score over all its mutants.
		go run scripts/uncovered-mutants.go "$out" "$p" || status=1
	done
done
exit $status
