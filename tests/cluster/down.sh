#!/usr/bin/env bash
# Stop every process tests/cluster/up.sh started (by the pid files in STATE/pids; the real node
# with tests/cluster/node/down.sh) and remove the
# cluster state (STATE and the etcd data directory). Safe to run twice and when nothing runs.
# Keeps the binary cache. Usage: tests/cluster/down.sh [--keep-logs]
#   --keep-logs  copy STATE/logs and STATE/audit.log to STATE-logs.<timestamp>/ before removing.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

STATE="$HGCTL_CLUSTER_STATE"
keep_logs=0
[[ ${1:-} == --keep-logs ]] && keep_logs=1

mkdir -p "$(dirname "$STATE")"
exec 9>"$STATE.flock"
flock 9

if [[ ! -d "$STATE" ]]; then
  log "nothing to stop ($STATE does not exist)"
  exit 0
fi

# A pid from a pid file is only ours if it still runs one of our binaries (pids get reused).
ours() {
  local pid="$1" name="$2" exe
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null)" || return 1
  [[ "$(basename "${exe% (deleted)}")" == "$name" ]]
}

# The real node first (if any), while the API server can still see its pods go.
"$HERE/node/down.sh" 9>&-

# Stop in reverse start order so nothing reconnects to a stopped dependency.
stopped=()
for name in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
  f="$STATE/pids/$name.pid"
  [[ -f $f ]] || continue
  pid="$(cat "$f")"
  if [[ $pid =~ ^[0-9]+$ ]] && ours "$pid" "$name"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do # up to 10 s
      ours "$pid" "$name" || break
      sleep 0.2
    done
    if ours "$pid" "$name"; then
      log "$name ($pid) ignored SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    stopped+=("$name($pid)")
  fi
  rm -f "$f"
done
if ((${#stopped[@]})); then
  log "stopped ${stopped[*]}"
else
  log "no running cluster processes"
fi

if [[ $keep_logs == 1 ]]; then
  dest="$STATE-logs.$(date +%Y%m%d-%H%M%S)"
  mkdir -p "$dest"
  cp -r "$STATE/logs" "$dest/" 2>/dev/null || true
  cp "$STATE"/audit*.log "$dest/" 2>/dev/null || true
  log "kept logs in $dest"
fi

if [[ -f "$STATE/etcd-dir" ]]; then
  etcd_dir="$(cat "$STATE/etcd-dir")"
  # Only remove what up.sh created for us (never an arbitrary path from a corrupted file).
  if [[ $etcd_dir == /dev/shm/hgctl-cluster-etcd.* || $etcd_dir == "$STATE"/* ||
        ( -n ${HGCTL_CLUSTER_ETCD_DIR:-} && $etcd_dir == "$HGCTL_CLUSTER_ETCD_DIR" ) ]]; then
    rm -rf "$etcd_dir"
  fi
fi
rm -rf "$STATE"
log "removed $STATE"
