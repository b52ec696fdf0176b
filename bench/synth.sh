#!/usr/bin/env bash
# Times "cdk synth" of the Go app at 1, 10 and 100 vaults (and, with
# BUCKETS, at that many buckets), against the same
# stacks written for aws-cdk-lib in JavaScript (bench/ts/app.js, what tsc
# emits for a TypeScript app), both under the pinned CDK CLI with the
# built-in CloudFormation validator on, as users run it. Before timing, it
# checks that both synthesize the same templates.
#
#   bench/synth.sh                 # 1, 10 and 100 vaults, 3 runs each
#   COUNTS="1 10" RUNS=5 bench/synth.sh
#   COUNTS= BUCKETS=20 RUNS=5 bench/synth.sh   # 20 buckets only
#   AGAINST=008bb11 COUNTS=100 RUNS=5 bench/synth.sh   # also that revision's Go app
#
# Prints one line per vault or bucket count: the median wall time of each, their
# ratio, the median CPU time (user+sys of the CLI, the app and its jsii
# kernel) of each and their ratio, and the Go app's median wall time with
# the validator off. Runs alternate Go, TypeScript, Go without validator,
# so a busy machine slows each alike; on a shared machine the CPU ratio is
# the steadier of the two. With AGAINST, the Go app at that git revision
# (built in a temporary worktree, run under the same CLI) joins the
# alternation, and two more columns give its median CPU time and this
# tree's CPU time over it: an A/B under the same load.
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
runs=${RUNS:-3}
counts=${COUNTS-1 10 100}
buckets=${BUCKETS-}

[ -x node_modules/.bin/cdk ] || npm ci --no-audit --no-fund >/dev/null
[ -d bench/ts/node_modules/aws-cdk-lib ] || (cd bench/ts && npm ci --no-audit --no-fund >/dev/null)
cdk="node_modules/.bin/cdk synth -q --no-notices"
go build ./... # warm the build cache so the first timed run does not compile
tmp=$(mktemp -d)
cleanup() {
  [ -d "$tmp/rev" ] && git worktree remove --force "$tmp/rev" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
against=${AGAINST:-}
if [ -n "$against" ]; then
  git worktree add -q --detach "$tmp/rev" "$(git rev-parse --short "$against")"
  (cd "$tmp/rev" && go build ./...)
fi

# seconds runs a command and prints its wall time and CPU time (user+sys,
# children included) in seconds.
seconds() {
  /usr/bin/time -f '%e %U %S' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; return 1; }
  awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$tmp/time"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

printf '%-11s %-8s %-8s %-7s %-10s %-10s %-8s %-14s' stacks go_s ts_s go/ts go_cpu_s ts_cpu_s cpu_go/ts go_no_valid_s
[ -z "$against" ] && echo || printf ' %-10s %s\n' rev_cpu_s cpu_go/rev
cases=()
for n in $counts; do cases+=("vaults:$n"); done
for n in $buckets; do cases+=("buckets:$n"); done
for case in "${cases[@]}"; do
  kind=${case%%:*} n=${case#*:}
  if [ "$kind" = vaults ]; then names=$(seq -f 'Vault-%03g' 1 "$n" | paste -sd, -); else names=$(seq -f 'bucket-%03g' 1 "$n" | paste -sd, -); fi
  ctx="$kind=$names"
  $cdk -o "$tmp/go" -c "$ctx" >/dev/null 2>&1
  $cdk -o "$tmp/ts" -c "$ctx" --app 'node bench/ts/app.js' >/dev/null 2>&1
  node bench/same-templates.js "$tmp/go" "$tmp/ts"
  if [ -n "$against" ]; then # warm its go run, and check it builds the same stacks
    (cd "$tmp/rev" && "$OLDPWD"/$cdk -o "$tmp/revout" -c "$ctx" >/dev/null 2>&1)
    node bench/same-templates.js "$tmp/go" "$tmp/revout"
  fi
  : >"$tmp/go.t"; : >"$tmp/ts.t"; : >"$tmp/off.t"; : >"$tmp/rev.t"
  for _ in $(seq "$runs"); do
    seconds $cdk -o "$tmp/go" -c "$ctx" >>"$tmp/go.t"
    if [ -n "$against" ]; then
      (cd "$tmp/rev" && seconds "$OLDPWD"/$cdk -o "$tmp/revout" -c "$ctx") >>"$tmp/rev.t"
    fi
    seconds $cdk -o "$tmp/ts" -c "$ctx" --app 'node bench/ts/app.js' >>"$tmp/ts.t"
    CDK_VALIDATION=false seconds $cdk -o "$tmp/go" -c "$ctx" >>"$tmp/off.t"
  done
  g=$(cut -d' ' -f1 "$tmp/go.t" | median) gc=$(cut -d' ' -f2 "$tmp/go.t" | median)
  t=$(cut -d' ' -f1 "$tmp/ts.t" | median) tc=$(cut -d' ' -f2 "$tmp/ts.t" | median)
  o=$(cut -d' ' -f1 "$tmp/off.t" | median)
  printf '%-11s %-8s %-8s %-7s %-10s %-10s %-8s %-14s' "$n $kind" "$g" "$t" "$(ratio "$g" "$t")" "$gc" "$tc" "$(ratio "$gc" "$tc")" "$o"
  if [ -z "$against" ]; then
    echo
  else
    rc=$(cut -d' ' -f2 "$tmp/rev.t" | median)
    printf ' %-10s %s\n' "$rc" "$(ratio "$gc" "$rc")"
  fi
done
