#!/usr/bin/env bash
# The main job, on a machine with no cluster of its own: build hgctl, bring up the local
# control plane (reused when already up), install the CRDs, create the examples (a GPU
# Performer, a TEE Performer, an executor and one Performer no node can take), run the
# reconciler until they settle, then show `hgctl status` and `hgctl doctor`.
#
# It always uses the local control plane's own kubeconfig, even when KUBECONFIG is set: a
# demo must never write to someone's real cluster by accident. To run it against another
# cluster on purpose: examples/demo.sh --kubeconfig FILE (asks for confirmation; --yes when
# not on a terminal).
#
# Options: --kubeconfig FILE, --yes, --namespace NS (default hgctl-demo), --fresh (delete and
# recreate the namespace first). Environment: HGCTL_CLUSTER_STATE (default /tmp/hgctl-cluster),
# HGCTL_DEMO_TIMEOUT (seconds to wait for the examples to settle, default 120).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }

kubeconfig=""
yes=false
fresh=false
ns=hgctl-demo
while [ $# -gt 0 ]; do
  case "$1" in
    --kubeconfig) kubeconfig="${2:?--kubeconfig needs a FILE}"; shift 2 ;;
    --kubeconfig=*) kubeconfig="${1#*=}"; shift ;;
    --yes|-y) yes=true; shift ;;
    --namespace|-n) ns="${2:?--namespace needs a name}"; shift 2 ;;
    --fresh) fresh=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "demo.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
timeout="${HGCTL_DEMO_TIMEOUT:-120}"
state="${HGCTL_CLUSTER_STATE:-/tmp/hgctl-cluster}"

echo "== building hgctl"
cargo build --locked --bin hgctl
hgctl_bin="$PWD/target/debug/hgctl"

if [ -z "$kubeconfig" ]; then
  echo "== local control plane"
  tests/cluster/up.sh
  kubeconfig="$state/kubeconfig"
else
  [ -r "$kubeconfig" ] || { echo "demo.sh: cannot read $kubeconfig" >&2; exit 2; }
  server=$(kubectl --kubeconfig "$kubeconfig" config view --minify -o jsonpath='{.clusters[0].cluster.server}')
  echo "== NOT the local control plane: $kubeconfig ($server)"
  echo "   the demo creates namespace $ns, installs the CRDs and creates example objects there."
  if ! $yes; then
    if [ -t 0 ]; then
      read -r -p "   Continue against $server? [y/N] " answer
      case "$answer" in y|Y|yes) ;; *) echo "aborted"; exit 1 ;; esac
    else
      echo "demo.sh: refusing to write to $server without --yes (not a terminal)" >&2
      exit 6
    fi
  fi
fi
# Every command below uses this kubeconfig and nothing else.
export KUBECONFIG="$kubeconfig"
unset HGCTL_TEST_KUBECONFIG
k() { kubectl --kubeconfig "$kubeconfig" "$@"; }
hgctl() { "$hgctl_bin" --kubeconfig "$kubeconfig" "$@"; }

echo "== installing the CRDs"
hgctl install --crds-only
k wait --for=condition=Established --timeout=60s \
  crd/performers.hourglass.eigenlayer.io crd/hourglassexecutors.hourglass.eigenlayer.io

if $fresh && k get namespace "$ns" >/dev/null 2>&1; then
  echo "== deleting namespace $ns (--fresh)"
  k delete namespace "$ns" --wait --timeout=120s
fi

echo "== creating the examples in namespace $ns"
k create namespace "$ns" --dry-run=client -o yaml | k apply -f -
# The executor reads its keys from the Secret operator-keys: placeholder values, never real keys.
k -n "$ns" create secret generic operator-keys \
  --from-literal=operator-private-key=0x0000000000000000000000000000000000000000000000000000000000000001 \
  --from-literal=ecdsa-private-key=0x0000000000000000000000000000000000000000000000000000000000000001 \
  --dry-run=client -o yaml | k apply -f -
for f in performer-gpu performer-tee performer-minimal performer-seed executor-full; do
  k -n "$ns" apply --server-side --field-manager=hgctl-demo -f "examples/$f.yaml"
done

echo "== reconciling with hgctl run-local until the examples settle (at most ${timeout}s)"
log="$(mktemp -t hgctl-demo-run-local.XXXXXX)"
# The binary itself (not the shell function), so that $! is its pid and the stop reaches it.
"$hgctl_bin" --kubeconfig "$kubeconfig" run-local -n "$ns" --lease-namespace "$ns" --take-over >"$log" 2>&1 &
run_local=$!
stop_run_local() {
  if kill -0 "$run_local" 2>/dev/null; then
    kill -TERM "$run_local" 2>/dev/null || true
    wait "$run_local" 2>/dev/null || true
  fi
}
trap stop_run_local EXIT
settled=true
k -n "$ns" wait --for=jsonpath='{.status.ready}'=true --timeout="${timeout}s" \
  performer/gpu-performer performer/tee-performer performer/minimal || settled=false
# The seed Performer never schedules: wait until the reconciler has recorded that.
k -n "$ns" wait --for=condition=Scheduled=false --timeout="${timeout}s" performer/example-performer || settled=false
if ! $settled; then
  stop_run_local
  trap - EXIT
  echo "demo.sh: the examples did not settle; run-local said:" >&2
  tail -n 30 "$log" >&2
  rm -f "$log"
  exit 1
fi

# run-local keeps reconciling while status and doctor look, so doctor sees a controller.
echo
echo "== hgctl status -n $ns"
hgctl status -n "$ns"
echo
echo "== hgctl doctor -n $ns"
# Doctor exits 1 here on purpose: it explains why example-performer cannot be scheduled.
code=0
hgctl doctor -n "$ns" || code=$?
summary=$(hgctl status -n "$ns" -o yaml | sed -n 's/^summary: //p' | tr -d '"')
why=$(k -n "$ns" get performer example-performer \
  -o jsonpath='{.status.conditions[?(@.type=="Scheduled")].message}')
stop_run_local
trap - EXIT
rm -f "$log"
echo
echo "Demo done: hgctl run-local reconciled namespace $ns ($summary); example-performer cannot be scheduled: $why"
[ "$code" -le 1 ]
