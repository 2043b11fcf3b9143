#!/usr/bin/env bash
# Build the Go programs of the real-node test images into OUTDIR:
#   performer  test performer (PerformerService + grpc.health.v1), and its check/loop/pause modes
#   executor   the executor stand-in (`executor run --config FILE`)
#
# Static (CGO_ENABLED=0), from the checked-in go.mod/go.sum only (no go.work, no toolchain
# download, no module edits). Binaries are cached outside the repository, keyed by a hash of the
# sources (this module and tests/executor-compat, whose loader the stand-in uses) and the Go
# version: ${HGCTL_IMAGES_CACHE:-$HOME/.cache/hgctl-images}/bin/<key>/. A warm run copies them
# without invoking the compiler.
#
# Usage: tests/images/build.sh OUTDIR [--force]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
COMPAT="$(cd "$HERE/../executor-compat" && pwd)"
PROGRAMS=(performer executor)

out="" force=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) echo "build.sh: unknown flag: $arg" >&2; exit 2 ;;
    *) [[ -z $out ]] || { echo "build.sh: one OUTDIR only" >&2; exit 2; }; out="$arg" ;;
  esac
done
[[ -n $out ]] || { echo "usage: tests/images/build.sh OUTDIR [--force]" >&2; exit 2; }
command -v go >/dev/null || { echo "build.sh: go is not on PATH" >&2; exit 1; }

key="$(
  {
    go env GOVERSION GOARCH
    cd "$HERE" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum -o -name '*.proto' \) -print0 |
      LC_ALL=C sort -z | xargs -0 sha256sum
    cd "$COMPAT" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) -print0 |
      LC_ALL=C sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-16
)"
cache="${HGCTL_IMAGES_CACHE:-${HOME:-/tmp}/.cache/hgctl-images}/bin/$key"

present() { local p; for p in "${PROGRAMS[@]}"; do [[ -x $cache/$p ]] || return 1; done; }
if [[ $force == 1 ]] || ! present; then
  mkdir -p "$(dirname "$cache")"
  tmp="$(mktemp -d "$(dirname "$cache")/.build.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  t0=$(date +%s)
  (
    cd "$HERE"
    export GOWORK=off GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false"
    for p in "${PROGRAMS[@]}"; do
      go build -trimpath -ldflags "-s -w" -o "$tmp/$p" "./cmd/$p"
    done
  )
  rm -rf "$cache"
  mv "$tmp" "$cache"
  echo "build.sh: built ${PROGRAMS[*]} in $(( $(date +%s) - t0 ))s into $cache" >&2
else
  echo "build.sh: ${PROGRAMS[*]} cached in $cache (no rebuild)" >&2
fi
mkdir -p "$out"
for p in "${PROGRAMS[@]}"; do cp -f "$cache/$p" "$out/$p"; done
