# shellcheck shell=bash
# Shared helpers for tests/cluster/*.sh. Sourced, not executed.

CLUSTER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { printf '[hgctl-cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Version of module $2 required by the wrapper go.mod $1.
_required_version() {
  awk -v m="$2" '($1 == m || ($1 == "require" && $2 == m)) { for (i = 1; i <= NF; i++) if ($i ~ /^v[0-9]/) { print $i; exit } }' "$1"
}

K8S_VERSION="$(_required_version "$CLUSTER_DIR/build/k8s/go.mod" k8s.io/kubernetes)"
ETCD_VERSION="$(_required_version "$CLUSTER_DIR/build/etcd/go.mod" go.etcd.io/etcd/server/v3)"
KWOK_VERSION="$(_required_version "$CLUSTER_DIR/build/kwok/go.mod" sigs.k8s.io/kwok)"
[[ -n $K8S_VERSION && -n $ETCD_VERSION && -n $KWOK_VERSION ]] ||
  die "could not read versions from tests/cluster/build/*/go.mod"

CLUSTER_BINARIES=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok)

HGCTL_CLUSTER_CACHE="${HGCTL_CLUSTER_CACHE:-${HOME:-/tmp}/.cache/hgctl-cluster}"
HGCTL_CLUSTER_STATE="${HGCTL_CLUSTER_STATE:-/tmp/hgctl-cluster}"

cluster_versions_key() {
  # The go.sum files pin every dependency; fold them in so a dependency bump rebuilds too, and
  # the patches build.sh applies to kwok.
  local sum
  sum="$(cat "$CLUSTER_DIR"/build/{k8s,etcd,kwok}/go.{mod,sum} "$CLUSTER_DIR"/build/kwok/patches/*.patch |
    sha256sum | cut -c1-8)"
  echo "k8s-${K8S_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}_${sum}"
}

cluster_bin_dir() { echo "$HGCTL_CLUSTER_CACHE/bin/$(cluster_versions_key)"; }

cluster_binaries_present() {
  local dir="$1" b
  for b in "${CLUSTER_BINARIES[@]}"; do
    [[ -x "$dir/$b" ]] || return 1
  done
}

# The real node's binaries (tests/cluster/node/) have their own wrapper modules and their own
# cache key, so the control plane (and the kwok-only lane) never needs, waits for or rebuilds them.
NODE_BINARIES=(kubelet kube-proxy containerd containerd-shim-runc-v2 ctr coredns)
CONTAINERD_VERSION="$(_required_version "$CLUSTER_DIR/build/containerd/go.mod" github.com/containerd/containerd/v2)"
COREDNS_VERSION="$(_required_version "$CLUSTER_DIR/build/coredns/go.mod" github.com/coredns/coredns)"

node_versions_key() {
  local sum
  sum="$(cat "$CLUSTER_DIR"/build/{node,containerd,coredns}/go.{mod,sum} "$CLUSTER_DIR"/build/coredns/main.go |
    sha256sum | cut -c1-8)"
  echo "node-${K8S_VERSION}_containerd-${CONTAINERD_VERSION}_coredns-${COREDNS_VERSION}_${sum}"
}

node_bin_dir() { echo "$HGCTL_CLUSTER_CACHE/bin/$(node_versions_key)"; }

node_binaries_present() {
  local dir="$1" b
  for b in "${NODE_BINARIES[@]}"; do
    [[ -x "$dir/$b" ]] || return 1
  done
}

# wait_until TIMEOUT_SECONDS DESCRIPTION cmd... : poll cmd every 0.2 s until it succeeds.
wait_until() {
  local timeout="$1" what="$2"; shift 2
  local deadline=$(( $(date +%s) + timeout ))
  until "$@" >/dev/null 2>&1; do
    if (( $(date +%s) >= deadline )); then
      log "timed out after ${timeout}s waiting for: $what"
      return 1
    fi
    sleep 0.2
  done
}

now_ms() { date +%s%3N; }
