#!/usr/bin/env bash
# Counts the jsii round trips the Go app makes: every request the Go side
# sends to the jsii kernel (create, invoke, get, set, static calls, and each
# answer to a callback), as the kernel logs them with JSII_DEBUG=1. A call
# costs a JSON message each way and a switch between the two processes;
# TypeScript makes none of them, so they are the Go app's cost over its
# TypeScript twin beyond the fixed start-up.
#
#   bench/jsii-calls.sh              # this tree
#   bench/jsii-calls.sh 78dcc40      # also the app at that revision
#
# Prints the requests for one vault, two vaults, one bucket and two
# buckets, and the cost of one more vault and one more bucket (their
# differences), by kind of request.
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 CDK_VALIDATION=false
tmp=$(mktemp -d)
cleanup() {
  [ -d "$tmp/rev" ] && git worktree remove --force "$tmp/rev" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT

# count BIN CONTEXT prints the number of requests and, after it, a summary
# by API.
count() {
  CDK_OUTDIR="$tmp/out" CDK_CONTEXT_JSON="$2" JSII_DEBUG=1 "$1" 2>"$tmp/log" >/dev/null
  rm -rf "$tmp/out"
  grep '^> {' "$tmp/log" | sed -E 's/^> \{"(api":"[a-z]+|[a-z]+)".*/\1/; s/^api":"//' | sort | uniq -c |
    awk '{ n += $1; s = s sprintf(" %s=%d", $2, $1) } END { printf "%d%s\n", n, s }'
}

measure() {
  local bin=$1 label=$2 v1 v2 b1 b2
  v1=$(count "$bin" '{"vaults":"Vault-1"}')
  v2=$(count "$bin" '{"vaults":"Vault-1,Vault-2"}')
  b1=$(count "$bin" '{"buckets":"bucket-1"}')
  b2=$(count "$bin" '{"buckets":"bucket-1,bucket-2"}')
  printf '%-9s 1 vault: %s\n%-9s 2 vaults: %s\n%-9s 1 bucket: %s\n%-9s 2 buckets: %s\n' \
    "$label" "$v1" "$label" "$v2" "$label" "$b1" "$label" "$b2"
  printf '%-9s one more vault: %d requests, one more bucket: %d requests\n' "$label" \
    $((${v2%% *} - ${v1%% *})) $((${b2%% *} - ${b1%% *}))
}

if [ $# -ge 1 ]; then
  rev=$(git rev-parse --short "$1")
  git worktree add -q --detach "$tmp/rev" "$rev"
  (cd "$tmp/rev" && go build -o "$tmp/app-rev" .)
  measure "$tmp/app-rev" "$rev"
fi
go build -o "$tmp/app" .
measure "$tmp/app" "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- '*.go' || echo +)"
