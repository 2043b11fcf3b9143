#!/usr/bin/env bash
# Start the local control plane used by the end-to-end tests, the demo and the benchmarks:
# etcd, kube-apiserver (TLS, RBAC, audit log), kube-controller-manager, kube-scheduler and kwok
# (the kubelet stand-in for the fake nodes of tests/cluster/inventory.yaml), all on 127.0.0.1.
#
# Builds the binaries first if they are not cached (tests/cluster/build.sh). If a healthy cluster
# started by this script is already running, it is reused and the script returns at once.
#
# Writes (STATE = ${HGCTL_CLUSTER_STATE:-/tmp/hgctl-cluster}):
#   STATE/kubeconfig   admin kubeconfig (client certificate, system:masters); path is printed
#   STATE/env          `source` it: HGCTL_TEST_KUBECONFIG, KUBECONFIG, HGCTL_CLUSTER_BIN, ...
#   STATE/audit.log    API server audit log (JSON lines, Metadata level, one line per request)
#   STATE/logs/        one log per component
# Never touches ~/.kube/config.
#
# Environment: HGCTL_CLUSTER_STATE, HGCTL_CLUSTER_CACHE (binary cache, see build.sh),
#   HGCTL_CLUSTER_ETCD_DIR (etcd data; default: a fresh directory on /dev/shm),
#   HGCTL_CLUSTER_TIMEOUT (seconds per wait, default 120),
#   HGCTL_REAL_NODE=1 (same as --real-node): also start the real node (node/up.sh: kubelet,
#   containerd, kube-proxy, CoreDNS; needs root; one per machine). tests/run.sh sets it.
# Usage: tests/cluster/up.sh [--real-node]
# Ports (all on 127.0.0.1; override to run a second cluster with its own HGCTL_CLUSTER_STATE):
#   HGCTL_CLUSTER_ETCD_PORT=2379 (peer: +1), HGCTL_CLUSTER_APISERVER_PORT=6443,
#   HGCTL_CLUSTER_KCM_PORT=10257, HGCTL_CLUSTER_SCHEDULER_PORT=10259.
set -Eeuo pipefail # -E: the ERR trap (log tails + cleanup) also fires inside functions

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

real_node="${HGCTL_REAL_NODE:-0}"
for arg in "$@"; do
  case "$arg" in
    --real-node) real_node=1 ;;
    *) die "unknown argument: $arg (usage: up.sh [--real-node])" ;;
  esac
done
[[ $real_node == 1 ]] && export HGCTL_REAL_NODE=1

T0=$(now_ms)
STATE="$HGCTL_CLUSTER_STATE"
TIMEOUT="${HGCTL_CLUSTER_TIMEOUT:-120}"
APISERVER_PORT="${HGCTL_CLUSTER_APISERVER_PORT:-6443}"
ETCD_PORT="${HGCTL_CLUSTER_ETCD_PORT:-2379}"
ETCD_PEER_PORT=$((ETCD_PORT + 1))
KCM_PORT="${HGCTL_CLUSTER_KCM_PORT:-10257}"
SCHEDULER_PORT="${HGCTL_CLUSTER_SCHEDULER_PORT:-10259}"
SERVER="https://127.0.0.1:$APISERVER_PORT"
SERVICE_CIDR=10.96.0.0/16
POD_CIDR=10.244.0.0/16 # kwok hands out pod IPs from here; must not overlap SERVICE_CIDR

mkdir -p "$(dirname "$STATE")"
exec 9>"$STATE.flock"
flock 9

# ---------------------------------------------------------------------------------------------
# Reuse a healthy cluster.
pid_alive() { [[ -f "$STATE/pids/$1.pid" ]] && kill -0 "$(cat "$STATE/pids/$1.pid")" 2>/dev/null; }
components=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

readyz() { # against the server this STATE's cluster was started with
  local server="$SERVER"
  [[ -f "$STATE/server" ]] && server="$(cat "$STATE/server")"
  curl -sf --max-time 5 --cacert "$STATE/pki/ca.crt" --cert "$STATE/pki/admin.crt" \
    --key "$STATE/pki/admin.key" "$server/readyz" >/dev/null
}

print_summary() {
  echo "kubeconfig: $STATE/kubeconfig"
  echo "env file:   $STATE/env   (source it: export HGCTL_TEST_KUBECONFIG=$STATE/kubeconfig)"
}

# The real node, when asked for and not already running (node/up.sh fails if it is).
start_real_node() {
  [[ $real_node == 1 ]] || return 0
  if [[ -f $STATE/node/start-ms ]]; then
    log "real node already running"
    return 0
  fi
  flock -u 9
  "$HERE/node/up.sh" 9>&-
  flock 9
  grep -q HGCTL_REAL_NODE "$STATE/env" || echo "export HGCTL_REAL_NODE=1" >>"$STATE/env"
}

if [[ -f "$STATE/env" ]]; then
  healthy=1
  for c in "${components[@]}"; do pid_alive "$c" || healthy=0; done
  if [[ $healthy == 1 ]] && readyz; then
    log "cluster already running and healthy in $STATE; reusing it ($(( ($(now_ms) - T0) ))ms)"
    start_real_node
    print_summary
    exit 0
  fi
  log "found stale cluster state in $STATE; cleaning it up first"
  flock -u 9
  "$HERE/down.sh"
  flock 9
fi

# ---------------------------------------------------------------------------------------------
# Binaries.
BIN="$(cluster_bin_dir)"
build_s=0
kind="warm"
if ! cluster_binaries_present "$BIN"; then
  kind="cold"
  tb=$(now_ms)
  "$HERE/build.sh"
  build_s=$(( ($(now_ms) - tb) / 1000 ))
fi
KUBECTL="$BIN/kubectl"
T_START=$(now_ms)

for port in $ETCD_PORT $ETCD_PEER_PORT $APISERVER_PORT $KCM_PORT $SCHEDULER_PORT; do
  if ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then
    die "port 127.0.0.1:$port is already in use (another cluster? run tests/cluster/down.sh, or look at: ss -ltnp 'sport = :$port')"
  fi
done

rm -rf "$STATE"
mkdir -p "$STATE"/{pki,pids,logs,certs}
echo "$BIN" >"$STATE/bin-dir"
echo "$SERVER" >"$STATE/server"

# ---------------------------------------------------------------------------------------------
# PKI: one CA, X.509 v3 certificates (rustls rejects v1), client certs per component.
PKI="$STATE/pki"
gen_key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }

make_ca() { # make_ca NAME CN
  gen_key "$PKI/$1.key"
  openssl req -x509 -new -key "$PKI/$1.key" -sha256 -days 3650 -subj "/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" \
    -out "$PKI/$1.crt" 2>/dev/null
}
make_ca ca hgctl-test-cluster-ca
# Front proxy (request-header authentication, as kubeadm sets it up): without it the delegated
# authentication of controller-manager and scheduler logs errors about a missing CA bundle.
make_ca front-proxy-ca hgctl-test-front-proxy-ca

# issue NAME SUBJECT EKU [SAN] [CA]
issue() {
  local name="$1" subj="$2" eku="$3" san="${4:-}" ca="${5:-ca}"
  gen_key "$PKI/$name.key"
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$eku"
    echo "subjectKeyIdentifier=hash"
    echo "authorityKeyIdentifier=keyid"
    if [[ -n $san ]]; then echo "subjectAltName=$san"; fi
  } >"$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/$ca.crt" -CAkey "$PKI/$ca.key" -CAcreateserial \
    -sha256 -days 3650 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr"
}

issue apiserver "/CN=kube-apiserver" serverAuth \
  "IP:127.0.0.1,DNS:localhost,IP:10.96.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
issue admin "/O=system:masters/CN=hgctl-test-admin" clientAuth
issue kube-controller-manager "/CN=system:kube-controller-manager" clientAuth
issue kube-scheduler "/CN=system:kube-scheduler" clientAuth
issue kwok "/O=system:masters/CN=kwok-controller" clientAuth
issue front-proxy-client "/CN=front-proxy-client" clientAuth "" front-proxy-ca
# The API server's client certificate towards kubelets (logs, exec, port-forward on the real node).
issue apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth

# Service-account token signing key pair.
gen_key "$PKI/sa.key"
openssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null

b64() { base64 -w0 <"$1"; }
write_kubeconfig() { # write_kubeconfig FILE CERTNAME USER
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: hgctl-test
  cluster:
    server: $SERVER
    certificate-authority-data: $(b64 "$PKI/ca.crt")
users:
- name: $3
  user:
    client-certificate-data: $(b64 "$PKI/$2.crt")
    client-key-data: $(b64 "$PKI/$2.key")
contexts:
- name: hgctl-test
  context:
    cluster: hgctl-test
    user: $3
    namespace: default
current-context: hgctl-test
EOF
  chmod 600 "$1"
}
write_kubeconfig "$STATE/kubeconfig" admin hgctl-test-admin
write_kubeconfig "$STATE/kube-controller-manager.kubeconfig" kube-controller-manager system:kube-controller-manager
write_kubeconfig "$STATE/kube-scheduler.kubeconfig" kube-scheduler system:kube-scheduler
write_kubeconfig "$STATE/kwok.kubeconfig" kwok kwok-controller

# ---------------------------------------------------------------------------------------------
# Process helpers.
started=()
start() { # start NAME cmd... : run detached (own session), log to STATE/logs/NAME.log
  local name="$1"; shift
  # 9>&-: the daemons must not inherit the lock fd, or they would hold the lock forever.
  setsid "$@" >"$STATE/logs/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$STATE/pids/$name.pid"
  started+=("$name")
}

on_error() {
  local rc=$?
  log "startup FAILED (exit $rc). Last lines of the component logs:"
  for f in "$STATE"/logs/*.log; do
    [[ -f $f ]] || continue
    echo "----- $f" >&2
    tail -n 25 "$f" >&2
  done
  log "stopping what was started; logs stay in $STATE/logs (tests/cluster/down.sh removes them)"
  local c
  for c in "${started[@]}"; do
    kill "$(cat "$STATE/pids/$c.pid")" 2>/dev/null || true
  done
  exit "$rc"
}
trap on_error ERR

must_run() { # must_run NAME : fail early if the process died
  kill -0 "$(cat "$STATE/pids/$1.pid")" 2>/dev/null || { log "$1 exited; see $STATE/logs/$1.log"; return 1; }
}

wait_healthy() { # wait_healthy NAME TIMEOUT cmd...
  local name="$1" timeout="$2"; shift 2
  local deadline=$(( $(date +%s) + timeout ))
  until "$@" >/dev/null 2>&1; do
    must_run "$name"
    if (( $(date +%s) >= deadline )); then
      log "timed out after ${timeout}s waiting for $name"
      return 1
    fi
    sleep 0.2
  done
}

# ---------------------------------------------------------------------------------------------
# etcd, data on tmpfs when available.
if [[ -n ${HGCTL_CLUSTER_ETCD_DIR:-} ]]; then
  ETCD_DIR="$HGCTL_CLUSTER_ETCD_DIR"
elif [[ -d /dev/shm && -w /dev/shm ]]; then
  ETCD_DIR="$(mktemp -d /dev/shm/hgctl-cluster-etcd.XXXXXX)"
else
  ETCD_DIR="$STATE/etcd-data"
fi
mkdir -p "$ETCD_DIR"
echo "$ETCD_DIR" >"$STATE/etcd-dir"

start etcd "$BIN/etcd" --name=hgctl-test --data-dir="$ETCD_DIR" \
  --listen-client-urls=http://127.0.0.1:$ETCD_PORT --advertise-client-urls=http://127.0.0.1:$ETCD_PORT \
  --listen-peer-urls=http://127.0.0.1:$ETCD_PEER_PORT --initial-advertise-peer-urls=http://127.0.0.1:$ETCD_PEER_PORT \
  --initial-cluster=hgctl-test=http://127.0.0.1:$ETCD_PEER_PORT --initial-cluster-state=new \
  --unsafe-no-fsync=true --quota-backend-bytes=8589934592 --log-level=warn
wait_healthy etcd "$TIMEOUT" curl -sf --max-time 2 http://127.0.0.1:$ETCD_PORT/health
log "etcd healthy ($(( ($(now_ms) - T_START) ))ms)"

# ---------------------------------------------------------------------------------------------
# kube-apiserver with TLS, RBAC and an audit log.
cat >"$STATE/audit-policy.yaml" <<'EOF'
apiVersion: audit.k8s.io/v1
kind: Policy
# One line per request (ResponseComplete; long-running watches log ResponseStarted instead).
omitStages: [RequestReceived]
rules:
# kwok's node lease renewals and health probes would drown everything else.
- level: None
  users: [kwok-controller]
  resources: [{group: coordination.k8s.io, resources: [leases]}]
- level: None
  nonResourceURLs: [/healthz*, /readyz*, /livez*, /version]
# Everything else (reads and writes) at Metadata: user, userAgent, verb, objectRef, code.
- level: Metadata
EOF

start kube-apiserver "$BIN/kube-apiserver" \
  --etcd-servers=http://127.0.0.1:$ETCD_PORT \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port=$APISERVER_PORT \
  --cert-dir="$STATE/certs" \
  --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --client-ca-file="$PKI/ca.crt" \
  --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" \
  --requestheader-allowed-names=front-proxy-client \
  --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
  --requestheader-extra-headers-prefix=X-Remote-Extra- \
  --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
  --authorization-mode=Node,RBAC \
  --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
  --kubelet-preferred-address-types=InternalIP \
  --anonymous-auth=true \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$PKI/sa.pub" \
  --service-account-signing-key-file="$PKI/sa.key" \
  --service-cluster-ip-range=$SERVICE_CIDR \
  --endpoint-reconciler-type=none \
  --allow-privileged=true \
  --audit-log-path="$STATE/audit.log" --audit-policy-file="$STATE/audit-policy.yaml" \
  --audit-log-format=json --audit-log-mode=blocking --audit-log-maxsize=1024 --audit-log-maxbackup=3 \
  --profiling=false --v=1
wait_healthy kube-apiserver "$TIMEOUT" readyz
log "kube-apiserver ready ($(( ($(now_ms) - T_START) ))ms)"

# ---------------------------------------------------------------------------------------------
# kube-controller-manager, kube-scheduler, kwok.
start kube-controller-manager "$BIN/kube-controller-manager" \
  --kubeconfig="$STATE/kube-controller-manager.kubeconfig" \
  --authentication-kubeconfig="$STATE/kube-controller-manager.kubeconfig" \
  --authorization-kubeconfig="$STATE/kube-controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port=$KCM_PORT --cert-dir="$STATE/certs" \
  --leader-elect=false \
  --use-service-account-credentials=true \
  --service-account-private-key-file="$PKI/sa.key" \
  --root-ca-file="$PKI/ca.crt" \
  --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
  --allocate-node-cidrs=false \
  --kube-api-qps=200 --kube-api-burst=400 \
  --profiling=false --v=1

cat >"$STATE/kube-scheduler.yaml" <<EOF
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection:
  kubeconfig: $STATE/kube-scheduler.kubeconfig
  qps: 200
  burst: 400
leaderElection:
  leaderElect: false
EOF
start kube-scheduler "$BIN/kube-scheduler" \
  --config="$STATE/kube-scheduler.yaml" \
  --authentication-kubeconfig="$STATE/kube-scheduler.kubeconfig" \
  --authorization-kubeconfig="$STATE/kube-scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port=$SCHEDULER_PORT --cert-dir="$STATE/certs" \
  --v=1

stage_args=()
for f in "$HERE"/kwok-stages/*.yaml; do stage_args+=("--config=$f"); done
# kwok manages the inventory's nodes (fixed and add-nodes.sh's extra) only: never the real node.
start kwok "$BIN/kwok" \
  --kubeconfig="$STATE/kwok.kubeconfig" \
  "${stage_args[@]}" \
  --manage-nodes-with-label-selector=hgctl.test/inventory \
  --cidr=$POD_CIDR \
  --node-lease-duration-seconds=40

k() { "$KUBECTL" --kubeconfig="$STATE/kubeconfig" --cache-dir="$STATE/kube-cache" "$@"; }

# The inventory: nodes (with status) and RuntimeClasses.
k apply -f "$HERE/inventory.yaml" >"$STATE/logs/inventory-apply.log" 2>&1

wait_healthy kube-controller-manager "$TIMEOUT" curl -skf --max-time 2 https://127.0.0.1:$KCM_PORT/healthz
wait_healthy kube-scheduler "$TIMEOUT" curl -skf --max-time 2 https://127.0.0.1:$SCHEDULER_PORT/healthz
log "controller-manager and scheduler healthy ($(( ($(now_ms) - T_START) ))ms)"

inventory_nodes_ready() {
  local out
  out="$(k get nodes -l hgctl.test/inventory=fixed -o \
    'jsonpath={range .items[*]}{.metadata.name}{" "}{.status.conditions[?(@.type=="Ready")].status}{" "}{.spec.taints[*].key}{"\n"}{end}')"
  local want have
  want="$(grep -c '^kind: Node$' "$HERE/inventory.yaml")"
  have="$(grep -c ' True' <<<"$out" || true)"
  [[ $have == "$want" ]] && ! grep -q 'node.kubernetes.io/not-ready\|node.kubernetes.io/unreachable' <<<"$out"
}
wait_healthy kwok "$TIMEOUT" inventory_nodes_ready
log "all $(grep -c '^kind: Node$' "$HERE/inventory.yaml") inventory nodes Ready ($(( ($(now_ms) - T_START) ))ms)"

wait_healthy kube-controller-manager "$TIMEOUT" k get serviceaccount default -n default
log "default ServiceAccount exists ($(( ($(now_ms) - T_START) ))ms)"

for c in "${components[@]}"; do must_run "$c"; done
trap - ERR

cat >"$STATE/env" <<EOF
# Written by tests/cluster/up.sh. Source it: . $STATE/env
export HGCTL_TEST_KUBECONFIG=$STATE/kubeconfig
export KUBECONFIG=$STATE/kubeconfig
export HGCTL_CLUSTER_STATE=$STATE
export HGCTL_CLUSTER_BIN=$BIN
export HGCTL_CLUSTER_AUDIT_LOG=$STATE/audit.log
export HGCTL_CLUSTER_K8S_VERSION=$K8S_VERSION
EOF

start_s=$(( ($(now_ms) - T_START) ))
if [[ $real_node == 1 ]]; then
  trap on_error ERR
  start_real_node
  trap - ERR
fi
total_s=$(( ($(now_ms) - T0) ))
printf '%s start: cluster Ready in %d.%03ds (build %ds; total %d.%03ds) -- %s, etcd %s, kwok %s\n' \
  "$kind" $((start_s / 1000)) $((start_s % 1000)) "$build_s" $((total_s / 1000)) $((total_s % 1000)) \
  "$K8S_VERSION" "$ETCD_VERSION" "$KWOK_VERSION" | tee "$STATE/start-timing.txt"
print_summary
