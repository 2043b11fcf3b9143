#!/usr/bin/env bash
# Regenerate performerpb/ from proto/performer.proto, or check that the checked-in code is current.
#
# Usage: tests/images/gen.sh [--check]
#   --check  regenerate into a temporary directory and fail if it differs from performerpb/
#            (the lines naming the protoc version are ignored: Debian and others ship different ones)
#
# Needs protoc (apt: protobuf-compiler). The Go plugins are pinned here and installed from the Go
# module proxy into a cache directory outside the repository.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROTOC_GEN_GO_VERSION=v1.36.11
PROTOC_GEN_GO_GRPC_VERSION=v1.6.2
TOOLS="${HGCTL_IMAGES_CACHE:-${HOME:-/tmp}/.cache/hgctl-images}/tools/go-${PROTOC_GEN_GO_VERSION}_grpc-${PROTOC_GEN_GO_GRPC_VERSION}"

check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "gen.sh: unknown argument: $1" >&2; exit 2 ;;
esac

command -v protoc >/dev/null || { echo "gen.sh: protoc not found (apt-get install protobuf-compiler)" >&2; exit 1; }
if [[ ! -x $TOOLS/protoc-gen-go || ! -x $TOOLS/protoc-gen-go-grpc ]]; then
  mkdir -p "$TOOLS"
  GOWORK=off GOFLAGS= GOBIN="$TOOLS" go install "google.golang.org/protobuf/cmd/protoc-gen-go@$PROTOC_GEN_GO_VERSION"
  GOWORK=off GOFLAGS= GOBIN="$TOOLS" go install "google.golang.org/grpc/cmd/protoc-gen-go-grpc@$PROTOC_GEN_GO_GRPC_VERSION"
fi

out="$HERE/performerpb"
if [[ $check == 1 ]]; then
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
PATH="$TOOLS:$PATH" protoc -I "$HERE/proto" \
  --go_out="$out" --go_opt=paths=source_relative \
  --go-grpc_out="$out" --go-grpc_opt=paths=source_relative \
  "$HERE/proto/performer.proto"

if [[ $check == 1 ]]; then
  strip() { grep -v -E '^//[[:space:]]+protoc[[:space:]]+(v|\(unknown\))' "$1"; }
  for f in performer.pb.go performer_grpc.pb.go; do
    if ! diff -u <(strip "$HERE/performerpb/$f") <(strip "$out/$f"); then
      echo "gen.sh: performerpb/$f is stale; run tests/images/gen.sh and commit the result" >&2
      exit 1
    fi
  done
  echo "gen.sh: performerpb/ is current"
fi
