# shellcheck shell=bash
# The real node's fixed names and addresses, shared by tests/cluster/node/*.sh (sourced after
# ../lib.sh). One real node per machine: the veth names, addresses and the kubelet's cgroup root
# (/kubepods) are machine-wide.

NODE_NAME=hgctl-real-node
# Label (value "true") and NoSchedule taint (same key) of the real node; tests select and tolerate it.
NODE_LABEL=hgctl.test/real-node
NODE_DIR="$HGCTL_CLUSTER_STATE/node"
HOST_IP=10.201.0.1   # host end of the veth: API relay, CoreDNS (the kubelet's clusterDNS)
NODE_IP=10.201.0.2   # node end of the veth: the node's InternalIP
VETH_HOST=hgctl-node-h
VETH_NODE=hgctl-node-n
NODE_POD_CIDR=10.88.0.0/16 # the real node's pods (kwok's fake pods use 10.244.0.0/16)
SERVICE_CIDR=10.96.0.0/16  # as up.sh's --service-cluster-ip-range
DNS_READY_PORT=8181
CTRD_SOCK="$NODE_DIR/ctrd/containerd.sock"
PAUSE_IMAGE=hgctl.local/pause:test

# is_exe PID NAME: PID runs a binary called NAME (a pid from a pid file may have been reused;
# an exited daemon reparented to PID 1 stays a zombie, which has no exe, until it is reaped).
is_exe() {
  local exe
  [[ $1 =~ ^[0-9]+$ ]] || return 1
  exe="$(readlink "/proc/$1/exe" 2>/dev/null)" || return 1
  [[ "$(basename "${exe% (deleted)}")" == "$2" ]]
}

# The binary name behind each pid file.
node_exe() {
  case "$1" in
    holder) echo sleep ;;
    relay) echo socat ;;
    *) echo "$1" ;;
  esac
}
