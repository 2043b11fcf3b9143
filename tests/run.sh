#!/usr/bin/env bash
# Runs every test of hgctl: unit tests, generated-file drift tests, and the
# end-to-end tests against a real local control plane (built from upstream
# Kubernetes on first use, then cached; see tests/cluster/).
#
#   tests/run.sh                 # everything
#   tests/run.sh --test examples # extra arguments go to `cargo test`
#
# A cluster that was already running is reused and left running; one this
# script started is stopped at the end, also when tests fail.
#
# The real node (tests/cluster/node/: kubelet, containerd, CoreDNS; needs root,
# installs its Debian packages with apt-get on first use) is started too, and
# its tests fail rather than skip without it. HGCTL_REAL_NODE=0 leaves it out
# (its tests then skip).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

state="${HGCTL_CLUSTER_STATE:-/tmp/hgctl-cluster}"
started=0
if ! { [[ -f "$state/kubeconfig" ]] &&
  kubectl --kubeconfig "$state/kubeconfig" --request-timeout=5s get --raw /readyz >/dev/null 2>&1; }; then
  started=1
fi
stop_cluster() {
  local rc=$?
  # A failed run keeps what the control plane said: the state folder goes with the cluster.
  if [[ $rc != 0 && -d "$state/logs" ]]; then
    for log in "$state"/logs/{kwok,kube-scheduler,kube-controller-manager}.log; do
      [[ -f $log ]] || continue
      echo "== last lines of $log (the run failed)" >&2
      tail -n 40 "$log" >&2
    done
  fi
  if [[ $started == 1 && -z "${HGCTL_KEEP_CLUSTER:-}" ]]; then
    tests/cluster/down.sh || true
  fi
}
trap stop_cluster EXIT

export HGCTL_REAL_NODE="${HGCTL_REAL_NODE:-1}"
tests/cluster/up.sh
# shellcheck disable=SC1091
source "$state/env"

# promtool and the Prometheus Operator's CRDs (tests/monitoring/, from the Go module proxy,
# cached) are fetched while cargo builds; their tests fail, never skip, without them.
tests/monitoring/build.sh >/tmp/hgctl-promtool-build.log 2>&1 &
promtool_build=$!
cargo build --locked --lib --bins --tests
if ! wait "$promtool_build"; then
  cat /tmp/hgctl-promtool-build.log >&2
  echo "tests/run.sh: building promtool failed (log above)" >&2
  exit 1
fi
tests/monitoring/crds.sh >/dev/null
cargo test --locked --lib --bins --tests "$@"
