#!/usr/bin/env bash
# Measures a user's first run, README's set-up commands on a machine that
# has never built the app: "npm ci && npx cdk synth" in a fresh checkout of
# REV (default HEAD) with every cache empty (Go's build cache and module
# cache, npm's cache, jsii's package cache), then a second, warm
# "npx cdk synth".
#
#   bench/first-run.sh               # HEAD, downloads Go modules too
#   WARM_MODULES=1 bench/first-run.sh # keep the module cache: no download
#
# Reports, for the first run: wall time, CPU time (user+sys of every
# process it ran; on a shared machine wall time grows with the load, CPU
# time much less), peak memory (the largest single process), and the disk
# each cache takes afterwards; then the warm synth's wall and CPU time.
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 CDK_DISABLE_VERSION_CHECK=1
rev=$(git rev-parse --short "${1:-HEAD}")
tmp=$(mktemp -d)
cleanup() {
  git worktree remove --force "$tmp/src" >/dev/null 2>&1 || true
  chmod -R u+w "$tmp" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
git worktree add -q --detach "$tmp/src" "$rev"

export GOCACHE=$tmp/go-build npm_config_cache=$tmp/npm GOFLAGS=-modcacherw
export JSII_RUNTIME_PACKAGE_CACHE=enabled JSII_RUNTIME_PACKAGE_CACHE_ROOT=$tmp/jsii
[ "${WARM_MODULES:-}" = 1 ] || export GOMODCACHE=$tmp/go-mod

run() { # run LABEL CMD...: prints LABEL wall_s cpu_s peak_mb
  local label=$1
  shift
  (cd "$tmp/src" && /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" bash -c "$*" >"$tmp/out" 2>&1) ||
    { cat "$tmp/out" >&2; exit 1; }
  awk -v l="$label" '{ printf "%-28s wall %6.1f s  cpu %6.1f s  peak %5.0f MB\n", l, $1, $2 + $3, $4 / 1024 }' "$tmp/time"
}
du_mb() { [ -d "$1" ] && du -sm "$1" | cut -f1 || echo 0; }

echo "first run of $rev on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)$([ "${WARM_MODULES:-}" = 1 ] && echo ', Go modules already downloaded')"
run "npm ci && npx cdk synth" "npm ci --no-audit --no-fund && npx cdk synth -q --no-notices"
go_build=$(du_mb "$GOCACHE") jsii=$(du_mb "$tmp/jsii") npm=$(du_mb "$tmp/npm") nm=$(du_mb "$tmp/src/node_modules")
mod=0
[ "${WARM_MODULES:-}" = 1 ] || mod=$(du_mb "$GOMODCACHE")
echo "caches: Go build $go_build MB, Go modules $mod MB, jsii $jsii MB, npm $npm MB, node_modules $nm MB;" \
  "total $((go_build + mod + jsii + npm + nm)) MB"
run "npx cdk synth (warm)" "npx cdk synth -q --no-notices"
run "npx cdk synth (warm)" "npx cdk synth -q --no-notices"
