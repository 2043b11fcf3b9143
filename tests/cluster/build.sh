#!/usr/bin/env bash
# Build the local control plane from the upstream Go modules (through the Go module proxy):
#   etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl and kwok.
#
# The wrapper modules in tests/cluster/build/{k8s,kwok,etcd} pin the versions (go.mod + go.sum
# are checked in). Binaries are cached OUTSIDE the repository, keyed by those versions:
#   ${HGCTL_CLUSTER_CACHE:-$HOME/.cache/hgctl-cluster}/bin/<versions-key>/
# A warm run (all binaries present) does not invoke the Go toolchain at all.
#
# Usage: tests/cluster/build.sh [--node] [--print-bin-dir] [--force]
#   --node           build the real node's binaries instead (kubelet, kube-proxy, containerd, its
#                    runc shim, ctr, CoreDNS; wrapper modules build/{node,containerd,coredns}),
#                    cached under their own key so the control plane never needs them
#   --print-bin-dir  only print the cache directory for the current versions (no build)
#   --force          rebuild even when the binaries are cached
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

force=0
print_only=0
node=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    --node) node=1 ;;
    --print-bin-dir) print_only=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

if [[ $node == 1 ]]; then
  BIN_DIR="$(node_bin_dir)" what="real node" present=node_binaries_present
else
  BIN_DIR="$(cluster_bin_dir)" what="control plane" present=cluster_binaries_present
fi
if [[ $print_only == 1 ]]; then
  echo "$BIN_DIR"
  exit 0
fi

if [[ $force == 0 ]] && $present "$BIN_DIR"; then
  log "$what binaries cached in $BIN_DIR (no rebuild)"
  exit 0
fi

command -v go >/dev/null || die "go is not on PATH; Go >= 1.26 is needed to build the $what"
log "building $what into $BIN_DIR with $(go version)"

# Make the build independent of the caller's Go environment: use exactly the checked-in
# go.mod/go.sum (no silent edits), never a go.work from a parent directory, never a toolchain
# download, and static binaries.
export GOWORK=off GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false"

start_all=$(date +%s)
mkdir -p "$(dirname "$BIN_DIR")"
TMP_OUT="$(mktemp -d "$(dirname "$BIN_DIR")/.build.XXXXXX")"
trap 'rm -rf "$TMP_OUT"' EXIT

build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

timed() { # timed LABEL cmd...
  local label="$1"; shift
  local t0; t0=$(date +%s)
  "$@"
  log "built $label in $(( $(date +%s) - t0 ))s"
}

# --- Kubernetes --------------------------------------------------------------------------------
k8s_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=$K8S_VERSION"
  k8s_ldflags+=" -X $pkg.gitMajor=$(echo "${K8S_VERSION#v}" | cut -d. -f1)"
  k8s_ldflags+=" -X $pkg.gitMinor=$(echo "${K8S_VERSION#v}" | cut -d. -f2)"
  k8s_ldflags+=" -X $pkg.gitTreeState=clean"
  k8s_ldflags+=" -X $pkg.buildDate=$build_date"
done

publish() { # publish: move TMP_OUT to BIN_DIR atomically (a half-finished build never looks cached)
  $present "$TMP_OUT" || die "build finished but some binaries are missing in $TMP_OUT"
  rm -rf "$BIN_DIR"
  mv "$TMP_OUT" "$BIN_DIR"
  trap - EXIT
  chmod 755 "$BIN_DIR"
  log "cold build took $(( $(date +%s) - start_all ))s total; binaries in $BIN_DIR"
}

if [[ $node == 1 ]]; then
  (
    cd "$HERE/build/node"
    timed "kubelet kube-proxy $K8S_VERSION" \
      go build -trimpath -ldflags "$k8s_ldflags" -o "$TMP_OUT/" \
        k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy
  )
  (
    cd "$HERE/build/containerd"
    timed "containerd $CONTAINERD_VERSION" \
      go build -trimpath -tags "no_btrfs no_devmapper no_zfs urfave_cli_no_docs" \
        -ldflags "-s -w -X github.com/containerd/containerd/v2/version.Version=$CONTAINERD_VERSION" \
        -o "$TMP_OUT/" github.com/containerd/containerd/v2/cmd/containerd \
        github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2 \
        github.com/containerd/containerd/v2/cmd/ctr
  )
  (
    cd "$HERE/build/coredns"
    timed "coredns $COREDNS_VERSION" \
      go build -trimpath -ldflags "-s -w -X github.com/coredns/coredns/coremain.GitCommit=$COREDNS_VERSION" \
        -o "$TMP_OUT/coredns" .
  )
  publish
  "$BIN_DIR/kubelet" --version
  "$BIN_DIR/containerd" --version
  "$BIN_DIR/coredns" -version | head -1
  exit 0
fi

(
  cd "$HERE/build/k8s"
  timed "kube-apiserver kube-controller-manager kube-scheduler kubectl $K8S_VERSION" \
    go build -trimpath -ldflags "$k8s_ldflags" -o "$TMP_OUT/" \
      k8s.io/kubernetes/cmd/kube-apiserver \
      k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kube-scheduler \
      k8s.io/kubernetes/cmd/kubectl
)

# --- etcd --------------------------------------------------------------------------------------
(
  cd "$HERE/build/etcd"
  timed "etcd $ETCD_VERSION" \
    go build -trimpath \
      -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD_VERSION" \
      -o "$TMP_OUT/etcd" go.etcd.io/etcd/server/v3
)

# --- kwok --------------------------------------------------------------------------------------
# With build/kwok/patches/*.patch (unified diffs against the module root; each says why), kwok is
# built from a patched copy of its module, put in place by a `replace` in a copy of go.mod
# (-modfile): the module cache and the checked-in go.mod stay as they are.
(
  cd "$HERE/build/kwok"
  patches=("$HERE"/build/kwok/patches/*.patch)
  modfile=()
  if [[ -f ${patches[0]} ]]; then
    go mod download sigs.k8s.io/kwok
    src="$TMP_OUT/.kwok-src"
    cp -r "$(go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)" "$src"
    chmod -R u+w "$src"
    for patch_file in "${patches[@]}"; do
      patch --quiet -p1 -d "$src" <"$patch_file"
      log "kwok: applied $(basename "$patch_file")"
    done
    cp go.mod "$TMP_OUT/.kwok.mod"
    cp go.sum "$TMP_OUT/.kwok.sum"
    echo "replace sigs.k8s.io/kwok => $src" >>"$TMP_OUT/.kwok.mod"
    modfile=(-modfile "$TMP_OUT/.kwok.mod")
  fi
  timed "kwok $KWOK_VERSION" \
    go build -trimpath "${modfile[@]}" \
      -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}" \
      -o "$TMP_OUT/kwok" sigs.k8s.io/kwok/cmd/kwok
  rm -rf "$TMP_OUT/.kwok-src" "$TMP_OUT"/.kwok.{mod,sum}
)

publish
"$BIN_DIR/kube-apiserver" --version
"$BIN_DIR/etcd" --version | head -1
"$BIN_DIR/kwok" --version 2>/dev/null | head -1 || true
