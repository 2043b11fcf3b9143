#!/usr/bin/env bash
# The main job, on a machine with no cluster of its own: build hgctl, bring up
# the local control plane (reused when already up), install the CRDs, create the
# examples, reconcile them, and show what hgctl sees.
#
# It always uses the local control plane's own kubeconfig, even when KUBECONFIG
# is set: a demo must never write to someone's real cluster by accident.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

state="${HGCTL_CLUSTER_STATE:-/tmp/hgctl-cluster}"
ns=hgctl-demo

echo "== building hgctl"
cargo build --release --locked
hgctl="$PWD/target/release/hgctl"

echo "== local control plane"
tests/cluster/up.sh
export KUBECONFIG="$state/kubeconfig"
unset HGCTL_TEST_KUBECONFIG
k() { kubectl --kubeconfig "$KUBECONFIG" "$@"; }

echo "== installing the CRDs"
"$hgctl" crds | k apply --server-side --field-manager=hgctl -f -
k wait --for=condition=Established --timeout=60s crd/performers.hourglass.eigenlayer.io crd/hourglassexecutors.hourglass.eigenlayer.io

echo "== creating the examples in namespace $ns"
k create namespace "$ns" --dry-run=client -o yaml | k apply -f -
for f in performer-gpu performer-tee performer-minimal performer-upstream performer-seed executor-full; do
  k -n "$ns" apply --server-side --field-manager=hgctl-demo -f "examples/$f.yaml"
done

echo "== what the cluster holds"
k get nodes -L nvidia.com/gpu.product
k -n "$ns" get hourglass
"$hgctl" version --server
