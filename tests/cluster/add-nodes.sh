#!/usr/bin/env bash
# Add N extra plain CPU kwok nodes (bench-cpu-1 .. bench-cpu-N) to the running test cluster, for
# benchmarks; waits until they are Ready. Idempotent: re-running with the same N changes nothing,
# a larger N adds the missing ones. They carry `hgctl.test/inventory: extra`, so tests that check
# the fixed inventory ignore them.
#
# Usage: tests/cluster/add-nodes.sh N [--pods P] [--cpu C] [--memory M]
#        tests/cluster/add-nodes.sh --remove      delete all extra nodes
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

STATE="$HGCTL_CLUSTER_STATE"
[[ -f "$STATE/env" ]] || die "no running cluster in $STATE; start it with tests/cluster/up.sh"
KUBECTL="$(cat "$STATE/bin-dir")/kubectl"
k() { "$KUBECTL" --kubeconfig="$STATE/kubeconfig" --cache-dir="$STATE/kube-cache" "$@"; }

usage() { sed -n '2,9p' "$0"; exit 2; }
[[ $# -ge 1 ]] || usage

if [[ $1 == --remove ]]; then
  k delete nodes -l hgctl.test/inventory=extra --wait=true
  exit 0
fi

n="$1"; shift
[[ $n =~ ^[0-9]+$ ]] || usage
pods=250 cpu=32 memory=128Gi
while [[ $# -gt 0 ]]; do
  case "$1" in
    --pods) pods="$2"; shift 2 ;;
    --cpu) cpu="$2"; shift 2 ;;
    --memory) memory="$2"; shift 2 ;;
    *) usage ;;
  esac
done

T0=$(now_ms)
for ((i = 1; i <= n; i++)); do
  cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: bench-cpu-$i
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    hgctl.test/inventory: extra
    type: kwok
    kubernetes.io/hostname: bench-cpu-$i
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    node.kubernetes.io/instance-type: m5.8xlarge
spec: {}
status:
  addresses:
  - {type: InternalIP, address: 10.20.$((i / 250)).$((i % 250 + 1))}
  - {type: Hostname, address: bench-cpu-$i}
  capacity: {cpu: "$cpu", memory: $memory, pods: "$pods", ephemeral-storage: 1Ti}
  allocatable: {cpu: "$cpu", memory: $memory, pods: "$pods", ephemeral-storage: 1Ti}
  nodeInfo: {architecture: amd64, operatingSystem: linux}
EOF
done | k apply -f - >/dev/null

all_ready() {
  local ready
  ready="$(k get nodes -l hgctl.test/inventory=extra -o \
    'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True || true)"
  [[ $ready -ge $n ]]
}
wait_until "${HGCTL_CLUSTER_TIMEOUT:-300}" "$n extra nodes Ready" all_ready || exit 1
log "$n extra nodes Ready in $(( $(now_ms) - T0 ))ms"
