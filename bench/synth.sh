#!/usr/bin/env bash
# Times "cdk synth" of the Go app at 1, 10 and 100 vaults, against the same
# stacks written for aws-cdk-lib in JavaScript (bench/ts/app.js, what tsc
# emits for a TypeScript app), both under the pinned CDK CLI with the
# built-in CloudFormation validator on, as users run it. Before timing, it
# checks that both synthesize the same templates.
#
#   bench/synth.sh                 # 1, 10 and 100 vaults, 3 runs each
#   COUNTS="1 10" RUNS=5 bench/synth.sh
#
# Prints one line per vault count: the median wall time of each, their
# ratio, and the Go app's median with the validator off.
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
runs=${RUNS:-3}
counts=${COUNTS:-1 10 100}

[ -x node_modules/.bin/cdk ] || npm ci --no-audit --no-fund >/dev/null
[ -d bench/ts/node_modules/aws-cdk-lib ] || (cd bench/ts && npm ci --no-audit --no-fund >/dev/null)
cdk="node_modules/.bin/cdk synth -q --no-notices"
go build ./... # warm the build cache so the first timed run does not compile
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# seconds runs a command and prints its wall time in seconds.
seconds() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; return 1; }
  end=$(date +%s%N)
  awk -v ns=$((end - start)) 'BEGIN { printf "%.2f\n", ns / 1e9 }'
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

printf '%-7s %-10s %-10s %-9s %-14s\n' vaults go_s ts_s go/ts go_no_valid_s
for n in $counts; do
  vaults=$(seq -f 'Vault-%03g' 1 "$n" | paste -sd, -)
  $cdk -o "$tmp/go" -c vaults="$vaults" >/dev/null 2>&1
  $cdk -o "$tmp/ts" -c vaults="$vaults" --app 'node bench/ts/app.js' >/dev/null 2>&1
  node bench/same-templates.js "$tmp/go" "$tmp/ts"
  go_times=() ts_times=() off_times=()
  for _ in $(seq "$runs"); do
    go_times+=("$(seconds $cdk -o "$tmp/go" -c vaults="$vaults")")
    ts_times+=("$(seconds $cdk -o "$tmp/ts" -c vaults="$vaults" --app 'node bench/ts/app.js')")
    off_times+=("$(CDK_VALIDATION=false seconds $cdk -o "$tmp/go" -c vaults="$vaults")")
  done
  g=$(printf '%s\n' "${go_times[@]}" | median)
  t=$(printf '%s\n' "${ts_times[@]}" | median)
  o=$(printf '%s\n' "${off_times[@]}" | median)
  printf '%-7s %-10s %-10s %-9s %-14s\n' "$n" "$g" "$t" "$(awk -v g="$g" -v t="$t" 'BEGIN { printf "%.2f", g / t }')" "$o"
done
