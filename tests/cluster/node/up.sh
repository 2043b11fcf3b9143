#!/usr/bin/env bash
# Start the real node next to a control plane started by tests/cluster/up.sh (which calls this
# script when HGCTL_REAL_NODE=1 or --real-node): containerd + runc + kubelet + kube-proxy, and
# CoreDNS for cluster.local, all from the node binary cache (tests/cluster/build.sh --node).
#
# The node runs in a "node sandbox" so the kubelet cannot touch the machine:
#   - its own network namespace: a veth to the host (host 10.201.0.1/30, node 10.201.0.2/30),
#     pods on bridge cni0 (10.88.0.0/16), no default route and no NAT beyond the node;
#   - its own mount namespace: private /run, /var/lib, /var/log; the kernel tunables the kubelet
#     would rewrite machine-wide are masked; every mount vanishes with the namespace;
#   - its own UTS namespace (hostname = node name).
# On the host side, only while the node runs: the veth with two routes (pods and ClusterIPs via
# the node), a relay from 10.201.0.1:<API server port> to the API server on 127.0.0.1 (for the
# node and for pods: the `kubernetes` Service's endpoints point at it) and CoreDNS on
# 10.201.0.1:53 (the kubelet's clusterDNS). tests/cluster/node/down.sh removes all of it.
#
# The node is NODE_NAME (hgctl-real-node), labelled hgctl.test/real-node=true and tainted
# hgctl.test/real-node=true:NoSchedule: only pods that select and tolerate it land there.
# Images: every OCI archive in STATE/node-images/ (tests/cluster/node/images.sh) is imported;
# pods use them as hgctl.local/<name>:<tag> (nothing is ever pulled: the node has no route out).
#
# One real node per machine (fixed veth names, addresses and cgroup root).
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib.sh
source "$HERE/../lib.sh"
# shellcheck source=node.sh
source "$HERE/node.sh"

T0=$(now_ms)
STATE="$HGCTL_CLUSTER_STATE"
PKI="$STATE/pki"
TIMEOUT="${HGCTL_CLUSTER_TIMEOUT:-120}"
APISERVER_PORT="$(sed 's#.*:##' "$STATE/server")"
KUBECTL="$(cat "$STATE/bin-dir")/kubectl"
[[ -f $PKI/ca.key ]] || die "no control plane in $STATE (run tests/cluster/up.sh first)"
[[ ! -e $NODE_DIR/pids/holder.pid ]] || die "a real node already runs from $NODE_DIR (tests/cluster/node/down.sh first)"
if ip link show "$VETH_HOST" >/dev/null 2>&1; then
  die "$VETH_HOST exists: another real node runs on this machine (one per machine; stop it with its own state: HGCTL_CLUSTER_STATE=... tests/cluster/node/down.sh)"
fi

"$HERE/install-packages.sh"
NBIN="$(node_bin_dir)"
node_binaries_present "$NBIN" || "$HERE/../build.sh" --node
"$HERE/images.sh"

rm -rf "$NODE_DIR"
mkdir -p "$NODE_DIR"/{pids,logs,pki,cni/net.d,ctrd/root,ctrd/state,kubelet,varlog,sysctl-mask}
echo "$NBIN" >"$NODE_DIR/bin-dir"

started=()
on_error() {
  local rc=$?
  log "real node startup FAILED (exit $rc); last log lines:"
  for f in "$NODE_DIR"/logs/*.log; do
    [[ -s $f ]] && { echo "----- $f" >&2; tail -n 20 "$f" >&2; }
  done
  "$HERE/down.sh" || true
  exit "$rc"
}
trap on_error ERR

k() { "$KUBECTL" --kubeconfig="$STATE/kubeconfig" --cache-dir="$STATE/kube-cache" "$@"; }

# wait_node WHAT cmd...: like wait_until, but fails at once when a node process exited.
wait_node() {
  local what="$1" deadline=$(( $(date +%s) + TIMEOUT )) c
  shift
  until "$@" >/dev/null 2>&1; do
    for c in "${started[@]}"; do
      is_exe "$(cat "$NODE_DIR/pids/$c.pid")" "$(node_exe "$c")" || { log "$c exited while waiting for $what"; return 1; }
    done
    (( $(date +%s) < deadline )) || { log "timed out after ${TIMEOUT}s waiting for $what"; return 1; }
    sleep 0.2
  done
}

# --- Node sandbox: one holder process owns the network, mount and UTS namespaces -------------
# Private /run (containerd shim sockets, runc state), /var/lib (the kubelet's hard-coded
# /var/lib/kubelet/{pki,device-plugins} = NODE_DIR/kubelet on disk, libcni's cache) and
# /var/log (pod logs); the six kernel tunables the kubelet sets machine-wide are bind-mounted
# over with files holding the values it wants, so it reads them and writes nothing.
declare -A want=([vm/overcommit_memory]=1 [vm/panic_on_oom]=0 [kernel/panic]=10
  [kernel/panic_on_oops]=1 [kernel/keys/root_maxkeys]=1000000 [kernel/keys/root_maxbytes]=25000000)
mask_cmds=""
for key in "${!want[@]}"; do
  f="$NODE_DIR/sysctl-mask/${key//\//.}"
  echo "${want[$key]}" >"$f"
  mask_cmds+="mount --bind $f /proc/sys/$key; "
done
setsid unshare --net --mount --uts --propagation private -- bash -c "
  set -e
  hostname $NODE_NAME
  mount -t tmpfs -o mode=755 tmpfs /run
  mkdir -p /run/lock
  mount --bind $NODE_DIR/varlog /var/log
  mount -t tmpfs -o mode=755 tmpfs /var/lib
  mkdir -p /var/lib/kubelet
  mount --bind $NODE_DIR/kubelet /var/lib/kubelet
  $mask_cmds
  exec sleep infinity" </dev/null >"$NODE_DIR/logs/holder.log" 2>&1 9>&- &
HOLDER=$!
echo $HOLDER >"$NODE_DIR/pids/holder.pid"
wait_until 10 "node sandbox" is_exe "$HOLDER" sleep
in_node() { nsenter -t "$HOLDER" -n -m -u -- "$@"; }

ip link add "$VETH_HOST" type veth peer name "$VETH_NODE"
ip link set "$VETH_NODE" netns "$HOLDER"
ip addr add "$HOST_IP/30" dev "$VETH_HOST"
ip link set "$VETH_HOST" up
in_node ip link set lo up
in_node ip addr add "$NODE_IP/30" dev "$VETH_NODE"
in_node ip link set "$VETH_NODE" up
# The host reaches pods and ClusterIPs through the node (its own traffic only: ip_forward stays 0).
ip route add "$NODE_POD_CIDR" via "$NODE_IP" dev "$VETH_HOST"
ip route add "$SERVICE_CIDR" via "$NODE_IP" dev "$VETH_HOST"
# Namespaced: route between veth and cni0; bridged pod->ClusterIP->pod replies see conntrack.
in_node sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
log "node sandbox up (holder $HOLDER, node IP $NODE_IP)"

# --- API server relay: the API server listens on 127.0.0.1 only ------------------------------
setsid socat "TCP-LISTEN:$APISERVER_PORT,bind=$HOST_IP,reuseaddr,fork" "TCP:127.0.0.1:$APISERVER_PORT" \
  </dev/null >"$NODE_DIR/logs/relay.log" 2>&1 9>&- &
echo $! >"$NODE_DIR/pids/relay.pid"
started+=(relay)

# --- Client certificates from the cluster CA ---------------------------------------------------
issue() { # issue NAME SUBJECT
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$NODE_DIR/pki/$1.key" 2>/dev/null
  openssl req -new -key "$NODE_DIR/pki/$1.key" -subj "$2" -out "$NODE_DIR/pki/$1.csr" 2>/dev/null
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=clientAuth" "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >"$NODE_DIR/pki/$1.ext"
  openssl x509 -req -in "$NODE_DIR/pki/$1.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -sha256 -days 365 -extfile "$NODE_DIR/pki/$1.ext" -out "$NODE_DIR/pki/$1.crt" 2>/dev/null
  rm -f "$NODE_DIR/pki/$1.csr" "$NODE_DIR/pki/$1.ext"
}
kubeconfig() { # kubeconfig NAME USER SERVER [TLS-SERVER-NAME]
  cat >"$NODE_DIR/$1.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: hgctl-test
  cluster:
    server: $3
    certificate-authority: $PKI/ca.crt${4:+
    tls-server-name: $4}
users:
- name: $2
  user:
    client-certificate: $NODE_DIR/pki/$1.crt
    client-key: $NODE_DIR/pki/$1.key
contexts:
- name: hgctl-test
  context: {cluster: hgctl-test, user: $2}
current-context: hgctl-test
EOF
}
# The node reaches the API server through the relay; the serving certificate names localhost.
issue kubelet "/O=system:nodes/CN=system:node:$NODE_NAME"
issue kube-proxy "/CN=system:kube-proxy"
issue coredns "/CN=system:coredns"
kubeconfig kubelet "system:node:$NODE_NAME" "https://$HOST_IP:$APISERVER_PORT" localhost
kubeconfig kube-proxy system:kube-proxy "https://$HOST_IP:$APISERVER_PORT" localhost
kubeconfig coredns system:coredns "https://127.0.0.1:$APISERVER_PORT"

# --- Cluster objects: the `kubernetes` Service's endpoints and CoreDNS's rights ---------------
# up.sh runs the API server with --endpoint-reconciler-type=none (it binds 127.0.0.1, which no
# pod can reach), so the node writes the endpoints itself: the relay on the host. Both the
# Endpoints (skip-mirror) and the EndpointSlice kube-proxy reads, as the API server would.
k apply -f - >"$NODE_DIR/logs/cluster-objects.log" 2>&1 <<EOF
apiVersion: v1
kind: Endpoints
metadata:
  name: kubernetes
  namespace: default
  labels: {endpointslice.kubernetes.io/skip-mirror: "true"}
subsets:
- addresses: [{ip: $HOST_IP}]
  ports: [{name: https, port: $APISERVER_PORT, protocol: TCP}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: kubernetes
  namespace: default
  labels: {kubernetes.io/service-name: kubernetes}
addressType: IPv4
endpoints:
- addresses: [$HOST_IP]
  conditions: {ready: true}
ports: [{name: https, port: $APISERVER_PORT, protocol: TCP}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:coredns
rules:
- apiGroups: [""]
  resources: [services, namespaces]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: system:coredns
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:coredns}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: system:coredns}
EOF

# --- CoreDNS on the host side of the veth: cluster.local only, nothing forwarded ----------------
cat >"$NODE_DIR/Corefile" <<EOF
cluster.local:53 in-addr.arpa:53 ip6.arpa:53 {
  bind $HOST_IP
  errors
  ready $HOST_IP:$DNS_READY_PORT
  kubernetes cluster.local in-addr.arpa ip6.arpa {
    kubeconfig $NODE_DIR/coredns.kubeconfig hgctl-test
  }
  cache 5
}
.:53 {
  bind $HOST_IP
  errors
}
EOF
setsid "$NBIN/coredns" -conf "$NODE_DIR/Corefile" </dev/null >"$NODE_DIR/logs/coredns.log" 2>&1 9>&- &
echo $! >"$NODE_DIR/pids/coredns.pid"
started+=(coredns)

# --- CNI: bridge + host-local; pods route only to pods, ClusterIPs and the host ----------------
cat >"$NODE_DIR/cni/net.d/10-hgctl.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "hgctl",
  "plugins": [
    {
      "type": "bridge", "bridge": "cni0", "isGateway": true, "isDefaultGateway": false,
      "ipMasq": false, "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "$NODE_POD_CIDR"}]],
        "routes": [{"dst": "$SERVICE_CIDR"}, {"dst": "$HOST_IP/32"}],
        "dataDir": "$NODE_DIR/cni/ipam"
      }
    }
  ]
}
EOF

# --- containerd ----------------------------------------------------------------------------------
cat >"$NODE_DIR/containerd.toml" <<EOF
version = 4
root = "$NODE_DIR/ctrd/root"
state = "$NODE_DIR/ctrd/state"
imports = []
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.erofs", "io.containerd.snapshotter.v1.blockfile", "io.containerd.nri.v1.nri"]
[plugins."io.containerd.server.v1.grpc"]
  address = "$CTRD_SOCK"
[plugins."io.containerd.server.v1.ttrpc"]
  address = "$CTRD_SOCK.ttrpc"
[plugins."io.containerd.cri.v1.images"]
  snapshotter = "overlayfs"
  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = "$PAUSE_IMAGE"
[plugins."io.containerd.cri.v1.runtime"]
  netns_mounts_under_state_dir = true
  enable_selinux = false
  disable_apparmor = true
  # Even root lacks CAP_SYS_RESOURCE on this machine kind, so no process may set the negative
  # oom_score_adj the CRI asks for (runc fails with "can't get final child's PID from pipe").
  restrict_oom_score_adj = true
  [plugins."io.containerd.cri.v1.runtime".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc)"
        SystemdCgroup = false
  [plugins."io.containerd.cri.v1.runtime".cni]
    bin_dirs = ["/usr/lib/cni"]
    conf_dir = "$NODE_DIR/cni/net.d"
    max_conf_num = 1
[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
EOF
PATH="$NBIN:$PATH" setsid nsenter -t "$HOLDER" -n -m -u -- "$NBIN/containerd" --config "$NODE_DIR/containerd.toml" \
  </dev/null >"$NODE_DIR/logs/containerd.log" 2>&1 9>&- &
echo $! >"$NODE_DIR/pids/containerd.pid"
started+=(containerd)
ctr() { "$NBIN/ctr" --address "$CTRD_SOCK" "$@"; }
wait_node containerd ctr version
t_img=$(now_ms)
for img in "$STATE"/node-images/*.tar; do
  ctr -n k8s.io images import --all-platforms "$img" >>"$NODE_DIR/logs/ctr-import.log" 2>&1
done
log "containerd ready, $(ctr -n k8s.io images ls -q 2>/dev/null | grep -c '^hgctl.local/') images imported in $(( $(now_ms) - t_img ))ms"

# --- kubelet ---------------------------------------------------------------------------------------
# cgroup v1 with cgroupfs: this machine kind's cgroup v2 has no controllers.
cat >"$NODE_DIR/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
containerRuntimeEndpoint: unix://$CTRD_SOCK
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
clusterDomain: cluster.local
clusterDNS: [$HOST_IP]
resolvConf: ""
registerNode: true
registerWithTaints:
- {key: $NODE_LABEL, value: "true", effect: NoSchedule}
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 100Mi, nodefs.available: 1Gi, imagefs.available: 1Gi, nodefs.inodesFree: 1%}
protectKernelDefaults: false
rotateCertificates: false
serverTLSBootstrap: false
maxPods: 110
EOF
setsid nsenter -t "$HOLDER" -n -m -u -- "$NBIN/kubelet" \
  --config="$NODE_DIR/kubelet.yaml" --kubeconfig="$NODE_DIR/kubelet.kubeconfig" \
  --hostname-override="$NODE_NAME" --node-ip="$NODE_IP" \
  --node-labels="$NODE_LABEL=true" --v=1 \
  </dev/null >"$NODE_DIR/logs/kubelet.log" 2>&1 9>&- &
echo $! >"$NODE_DIR/pids/kubelet.pid"
started+=(kubelet)

# --- kube-proxy (nftables, inside the node) --------------------------------------------------------
cat >"$NODE_DIR/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: nftables
clientConnection: {kubeconfig: $NODE_DIR/kube-proxy.kubeconfig}
hostnameOverride: $NODE_NAME
clusterCIDR: $NODE_POD_CIDR
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
nodePortAddresses: [$NODE_IP/32]
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
setsid nsenter -t "$HOLDER" -n -m -u -- "$NBIN/kube-proxy" --config="$NODE_DIR/kube-proxy.yaml" --v=1 \
  </dev/null >"$NODE_DIR/logs/kube-proxy.log" 2>&1 9>&- &
echo $! >"$NODE_DIR/pids/kube-proxy.pid"
started+=(kube-proxy)

node_ready() {
  [[ $(k get node "$NODE_NAME" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}') == True ]]
}
wait_node "node $NODE_NAME Ready" node_ready
wait_node "CoreDNS ready" curl -sf --max-time 2 "http://$HOST_IP:$DNS_READY_PORT/ready"
trap - ERR
echo $(( $(now_ms) - T0 )) >"$NODE_DIR/start-ms"
log "real node $NODE_NAME Ready, CoreDNS serving cluster.local on $HOST_IP ($(( $(now_ms) - T0 ))ms)"
