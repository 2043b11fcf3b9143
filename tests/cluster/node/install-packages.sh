#!/usr/bin/env bash
# Install the Debian packages the real node needs (runc, CNI plugins, netfilter tools, socat for
# the API relay, conntrack for kube-proxy, protoc for tests/images' drift check). Idempotent:
# does nothing (and prints one line) when everything is already installed. Needs root.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../lib.sh
source "$HERE/lib.sh"

packages=(runc containernetworking-plugins nftables iptables socat conntrack iproute2 util-linux jq protobuf-compiler)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  log "node packages already installed"
  exit 0
fi
[[ $(id -u) == 0 ]] || die "installing ${missing[*]} needs root (apt-get)"
t0=$(now_ms)
log "installing ${missing[*]} (apt-get)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
log "installed ${missing[*]} in $(( ($(now_ms) - t0) / 1000 ))s"
