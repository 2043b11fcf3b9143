#!/usr/bin/env bash
# Stop the real node started by tests/cluster/node/up.sh and leave nothing behind: processes
# (by their pid files, plus the shims and pod processes our containerd started), the node
# sandbox (its namespaces take every mount, the veth and its routes with them), the kubelet's
# cgroups and NODE_DIR. Safe to run twice and when no node runs. tests/cluster/down.sh calls it.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib.sh
source "$HERE/../lib.sh"
# shellcheck source=node.sh
source "$HERE/node.sh"
STATE="$HGCTL_CLUSTER_STATE"
[[ -d $NODE_DIR ]] || exit 0
t0=$(now_ms)

pid_of() { [[ -f $NODE_DIR/pids/$1.pid ]] && cat "$NODE_DIR/pids/$1.pid"; }
stop() { # stop NAME: SIGTERM, up to 10 s, then SIGKILL
  local name="$1" pid exe
  pid="$(pid_of "$name")" || return 0
  exe="$(node_exe "$name")"
  is_exe "$pid" "$exe" || return 0
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 50); do is_exe "$pid" "$exe" || return 0; sleep 0.2; done
  log "$name ($pid) ignored SIGTERM; SIGKILL"
  kill -KILL "$pid" 2>/dev/null
}

holder="$(pid_of holder || true)"
mntns=""
is_exe "$holder" sleep && mntns="$(readlink "/proc/$holder/ns/mnt" 2>/dev/null || true)"

# Graceful first while the API server is there: the kubelet stops its pods, then forget the node.
kubectl_bin="$(cat "$STATE/bin-dir" 2>/dev/null)/kubectl"
if [[ -x $kubectl_bin ]] && is_exe "$(pid_of kubelet)" kubelet; then
  k() { "$kubectl_bin" --kubeconfig="$STATE/kubeconfig" --request-timeout=10s "$@"; }
  k delete pods -A --field-selector "spec.nodeName=$NODE_NAME" --grace-period=1 --timeout=30s >/dev/null 2>&1
  k delete node "$NODE_NAME" --ignore-not-found --wait=false >/dev/null 2>&1
fi
for c in kube-proxy kubelet containerd coredns; do stop "$c"; done

# Leftovers, all started by our containerd: shims (in the sandbox's mount namespace) and pod
# processes (their own mount namespaces, but in the kubelet's /kubepods cgroups).
if [[ -n $mntns ]]; then
  for sig in TERM KILL; do
    victims=()
    for p in /proc/[0-9]*; do
      p="${p#/proc/}"
      [[ $p == "$holder" ]] && continue
      readlink "/proc/$p/exe" >/dev/null 2>&1 || continue
      if [[ $(readlink "/proc/$p/ns/mnt" 2>/dev/null) == "$mntns" ]] ||
        grep -q '^[0-9]*:pids:/kubepods' "/proc/$p/cgroup" 2>/dev/null; then
        victims+=("$p")
      fi
    done
    ((${#victims[@]})) || break
    log "SIG$sig to ${#victims[@]} leftover node processes"
    kill "-$sig" "${victims[@]}" 2>/dev/null
    for _ in $(seq 10); do
      alive=0
      for p in "${victims[@]}"; do readlink "/proc/$p/exe" >/dev/null 2>&1 && alive=1; done
      ((alive)) || break
      sleep 0.2
    done
  done
fi
stop holder
stop relay

# The veth and its routes go with the network namespace; make sure.
wait_until 5 "veth gone" bash -c "! ip link show $VETH_HOST"
ip link show "$VETH_HOST" >/dev/null 2>&1 && ip link del "$VETH_HOST"

# The kubelet's cgroups in every hierarchy, depth-first.
for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/unified/; do
  [[ -d ${h}kubepods ]] || continue
  find "${h}kubepods" -depth -type d -exec rmdir {} \; 2>/dev/null
  [[ -d ${h}kubepods ]] && log "WARNING: ${h}kubepods could not be removed"
done

# Nothing of ours may stay mounted in the host's mount namespace.
findmnt -rn -o TARGET | grep "^$NODE_DIR" | sort -r | xargs -r -n1 umount -l
rm -rf "$NODE_DIR"
# The cluster's env file no longer promises a real node (its tests skip again).
[[ -f $STATE/env ]] && sed -i '/HGCTL_REAL_NODE/d' "$STATE/env"
log "real node stopped and removed ($(( $(now_ms) - t0 ))ms)"
