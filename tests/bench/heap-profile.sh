#!/usr/bin/env bash
# Where run-local's memory goes: heaptrack over run-local while it converges N
# Performers (created with one `kubectl apply`), then the peak heap split by
# what holds it. Needs heaptrack (Debian: apt-get install heaptrack); a
# measurement for the README's "Performance" section, not a test.
#
#   tests/bench/heap-profile.sh            # N=1000
#   tests/bench/heap-profile.sh --count 200
#
# Output: target/bench/heap.zst (open with heaptrack_gui / heaptrack_print)
# and the split on stdout.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
count=1000
[[ "${1:-}" == "--count" ]] && count="$2"
command -v heaptrack >/dev/null || { echo "heaptrack is not installed (apt-get install heaptrack)" >&2; exit 2; }

state="${HGCTL_CLUSTER_STATE:-/tmp/hgctl-cluster}"
tests/cluster/up.sh >/dev/null
# shellcheck disable=SC1091
source "$state/env"
tests/cluster/add-nodes.sh $(( count / 500 + 1 )) --pods 1000 >/dev/null
cargo build --profile profiling --locked
out=target/bench; mkdir -p "$out"; rm -f "$out"/heap.*

ns="heap-$count-$$"
kubectl apply --server-side -f crds/ >/dev/null
kubectl wait --for=condition=Established crd --all --timeout=60s >/dev/null
kubectl create namespace "$ns" >/dev/null
trap 'kubectl delete namespace "$ns" --wait=false >/dev/null 2>&1 || true' EXIT

heaptrack -o "$out/heap" target/profiling/hgctl run-local -n "$ns" --lease-namespace "$ns" \
  2>"$out/heap-run-local.log" &
tracker=$!
python3 - "$count" >"$out/heap-performers.yaml" <<'PY'
import sys
for i in range(int(sys.argv[1])):
    print(f"---\napiVersion: hourglass.eigenlayer.io/v1alpha1\nkind: Performer\n"
          f"metadata: {{name: p{i:05d}}}\n"
          f"spec: {{avsAddress: '0x1234567890abcdef1234567890abcdef12345678', image: 'bench/performer:v1'}}")
PY
kubectl apply -n "$ns" --server-side -f "$out/heap-performers.yaml" >/dev/null
deadline=$(( SECONDS + 900 ))
until [[ "$(kubectl get performers -n "$ns" -o jsonpath='{range .items[*]}{.status.ready}{"\n"}{end}' | grep -c true)" -ge "$count" ]]; do
  (( SECONDS < deadline )) || { echo "not all $count Performers ready within 900 s" >&2; exit 1; }
  sleep 1
done
echo "all $count Performers ready; stopping run-local"
pkill -TERM -f "hgctl run-local -n $ns" || true
wait "$tracker" || true

heaptrack_print -f "$out"/heap.zst --print-peaks 0 --print-allocators 0 --print-temporary 0 \
  --print-leaks 0 --flamegraph-cost-type peak -F "$out/heap-stacks.txt" 2>/dev/null \
  | grep -E "peak heap|peak RSS"
python3 - "$out/heap-stacks.txt" <<'PY'
import collections, re, sys
# Frames carry function and file names only: classify each peak stack by what it passes through.
def kind(stack):
    if re.search(r"\{async_fn#0\} \(events\.rs\)", stack):
        return "kube event Recorder (6 min series cache)"
    if "apply_watcher_event" in stack or "event_decode.rs" in stack or "watcher.rs" in stack:
        for name, files in [("Pod", "pod"), ("Service", "service"), ("EndpointSlice", "endpoint"),
                            ("Performer", "performer.rs")]:
            if re.search(files, stack):
                return f"watch caches: {name}s (decoded)"
        return "watch caches: object headers (Arc per cached object, every type)"
    if "scheduler.rs" in stack:
        return "controller queue"
    if "hyper" in stack or "bytes_mut.rs" in stack:
        return "HTTP buffers"
    return "other"
total, by = 0, collections.Counter()
for line in open(sys.argv[1]):
    stack, _, cost = line.rstrip().rpartition(" ")
    if cost.isdigit():
        total += int(cost); by[kind(stack)] += int(cost)
print(f"peak heap split ({total / 2**20:.1f} MiB):")
for k, v in by.most_common():
    print(f"  {v / 2**20:5.1f} MiB  {k}")
PY
