#!/usr/bin/env bash
# Compares the cold compile of the CDK app at two git revisions, side by
# side: what a user's first "cdk synth" (go run .) compiles before the app
# starts. Each revision is checked out into a temporary worktree and built
# with an empty Go build cache (GOCACHE), alternating A/B/A/B so that a busy
# machine slows both alike. The module cache is shared and left warm: the
# download is not what is measured.
#
#   bench/cold.sh 78dcc40            # REV against HEAD, 2 runs each
#   RUNS=3 bench/cold.sh 78dcc40 HEAD
#   PKGS=./... bench/cold.sh 78dcc40 # build the tests' packages too
#
# Reports CPU time (user+sys of the go command and every compiler and linker
# it ran), which a shared machine does not inflate the way it does wall
# time, the wall time for reference, the build cache's size on disk after
# the build, peak memory of the largest process, and the count of
# aws-cdk-go packages the app depends on. Last line: medians and B/A ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: bench/cold.sh REV [REV2 (default HEAD)]" >&2; exit 2; }
a=$(git rev-parse --short "$1")
b=$(git rev-parse --short "${2:-HEAD}")
runs=${RUNS:-2}
pkgs=${PKGS:-.}
tmp=$(mktemp -d)
cleanup() {
  git worktree remove --force "$tmp/A" >/dev/null 2>&1 || true
  git worktree remove --force "$tmp/B" >/dev/null 2>&1 || true
  chmod -R u+w "$tmp" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
git worktree add -q --detach "$tmp/A" "$a"
git worktree add -q --detach "$tmp/B" "$b"
# Both revisions' modules in the (shared) module cache before timing.
(cd "$tmp/A" && go mod download) && (cd "$tmp/B" && go mod download)

cdkpkgs() { (cd "$1" && go list -deps $pkgs | grep -c '^github.com/aws/aws-cdk-go/'); }

# build DIR prints "cpu_s wall_s cache_mb peak_rss_mb" for one cold build.
build() {
  local dir=$1 cache=$tmp/gocache
  rm -rf "$cache" && mkdir -p "$cache"
  (cd "$dir" && GOCACHE=$cache GOFLAGS=-mod=readonly /usr/bin/time -f '%U %S %e %M' -o "$tmp/time" \
    go build -o /dev/null $pkgs)
  local cache_kb
  cache_kb=$(du -sk "$cache" | cut -f1)
  read -r user sys wall rss <"$tmp/time"
  awk -v u="$user" -v s="$sys" -v w="$wall" -v c="$cache_kb" -v m="$rss" \
    'BEGIN { printf "%.1f %.1f %.0f %.0f\n", u + s, w, c / 1024, m / 1024 }'
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo "cold go build $pkgs, GOCACHE empty, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-4s %-9s %-8s %-8s %-9s %-9s\n' run rev cpu_s wall_s cache_mb peak_mb
declare -A cpu cache
for i in $(seq "$runs"); do
  for side in A B; do
    rev=$a; [ $side = B ] && rev=$b
    read -r c w m r < <(build "$tmp/$side")
    cpu[$side]+="$c "; cache[$side]+="$m "
    printf '%-4s %-9s %-8s %-8s %-9s %-9s\n' "$i$side" "$rev" "$c" "$w" "$m" "$r"
  done
done
ca=$(tr ' ' '\n' <<<"${cpu[A]}" | grep . | median); cb=$(tr ' ' '\n' <<<"${cpu[B]}" | grep . | median)
ma=$(tr ' ' '\n' <<<"${cache[A]}" | grep . | median); mb=$(tr ' ' '\n' <<<"${cache[B]}" | grep . | median)
echo "aws-cdk-go packages: $a $(cdkpkgs "$tmp/A"), $b $(cdkpkgs "$tmp/B")"
awk -v a="$a" -v b="$b" -v ca="$ca" -v cb="$cb" -v ma="$ma" -v mb="$mb" 'BEGIN {
  printf "median cpu_s %s %s, %s %s: ratio %.2f; cache_mb %s %s, %s %s: ratio %.2f\n", a, ca, b, cb, cb / ca, a, ma, b, mb, mb / ma }'
