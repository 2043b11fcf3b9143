#!/usr/bin/env bash
# The benchmark: convergence of N Performers against the control plane's own
# floor, per-object latency, API cost (from the API server's audit log),
# run-local memory and CPU at N and 2N, a blue-green rollout of all N, and
# the CLI's wall time. Measurements only; nothing is judged.
#
#   tests/bench/run.sh                # N=1000 (as in the README's table)
#   tests/bench/run.sh --count 100    # a quick run (CI runs this one)
#   tests/bench/run.sh --scale 5000  # also M=5000 last (real node stopped first): every row
#   --skip-double (no 2N run), --steady-secs S, --concurrency C, --real-pods N (default 20 on the
#   real node, started here; 0 skips that scenario), --scale M (a larger N, with its floor)
#
# Reports: target/bench/report.json and target/bench/report.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

count=1000
scale=0
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    --scale) scale="$2"; extra+=("$1" "$2"); shift 2 ;;
    *) extra+=("$1"); shift ;;
  esac
done

state="${HGCTL_CLUSTER_STATE:-/tmp/hgctl-cluster}"
# The real node too, for the real-pod scenario (HGCTL_REAL_NODE=0 or --real-pods 0 skip it).
export HGCTL_REAL_NODE="${HGCTL_REAL_NODE:-1}"
tests/cluster/up.sh
# shellcheck disable=SC1091
source "$state/env"
# Capacity is not what is measured: the most pods of any phase (2N at 2N during its rollout,
# or M) fit on the extra nodes with room.
most=$(( 2 * count > scale ? 2 * count : scale ))
tests/cluster/add-nodes.sh $(( (most + 499) / 500 + 1 )) --pods 1000

cargo build --release --locked
echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(cargo --version); Kubernetes $HGCTL_CLUSTER_K8S_VERSION"
cargo bench --locked --bench fleet -- --count "$count" "${extra[@]}"
