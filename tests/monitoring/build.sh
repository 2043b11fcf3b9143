#!/usr/bin/env bash
# Builds promtool (github.com/prometheus/prometheus/cmd/promtool, pinned by the wrapper
# module tests/monitoring/build/promtool) from the Go module proxy, once, into the same
# cache as the test control plane; later runs reuse it. Prints the binary's path.
#
#   tests/monitoring/build.sh            # build if missing, print the path
#   tests/monitoring/build.sh --force    # rebuild
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODULE="$HERE/build/promtool"
CACHE="${HGCTL_CLUSTER_CACHE:-${HOME:-/tmp}/.cache/hgctl-cluster}"
version="$(awk '($1 == "github.com/prometheus/prometheus") { print $2; exit } ($1 == "require" && $2 == "github.com/prometheus/prometheus") { print $3; exit }' "$MODULE/go.mod")"
[[ -n $version ]] || { echo "build.sh: no prometheus version in $MODULE/go.mod" >&2; exit 1; }
key="promtool-${version}_$(cat "$MODULE"/go.{mod,sum} | sha256sum | cut -c1-8)"
BIN_DIR="$CACHE/bin/$key"

if [[ ${1:-} != --force && -x $BIN_DIR/promtool ]]; then
  echo "$BIN_DIR/promtool"
  exit 0
fi
command -v go >/dev/null || { echo "build.sh: go is not on PATH (Go >= 1.26 builds promtool)" >&2; exit 1; }
echo "[monitoring] building promtool $version into $BIN_DIR" >&2
export GOWORK=off GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false"
mkdir -p "$CACHE/bin"
tmp="$(mktemp -d "$CACHE/bin/.promtool.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
t0=$(date +%s)
(cd "$MODULE" && go build -trimpath -ldflags "-s -w" -o "$tmp/promtool" github.com/prometheus/prometheus/cmd/promtool)
rm -rf "$BIN_DIR"
mv "$tmp" "$BIN_DIR"
trap - EXIT
echo "[monitoring] built promtool in $(( $(date +%s) - t0 ))s" >&2
echo "$BIN_DIR/promtool"
