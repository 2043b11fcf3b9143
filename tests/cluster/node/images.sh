#!/usr/bin/env bash
# Images for the real node, without a registry: OCI archives built by mkimage.sh.
#
#   images.sh              build the test images into STATE/node-images/ (node/up.sh imports
#                          every archive there): hgctl.local/pause:test (sandbox image),
#                          hgctl.local/performer:test (root, like upstream AVS images; also the
#                          check/loop client), hgctl.local/executor:tls and :plaintext (the
#                          executor stand-in, official executor layout, no ENTRYPOINT)
#   images.sh hgctl BINARY build the operator image from BINARY (hgctl; dynamically linked, so
#                          with the shared libraries ldd lists) and import it into the running
#                          node; prints hgctl.local/hgctl:v<version>-<content hash>
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib.sh
source "$HERE/../lib.sh"
# shellcheck source=node.sh
source "$HERE/node.sh"
ROOT="$(cd "$HERE/../../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# new_rootfs DIR: the directories every image has (the runtime mounts /proc, /sys, /dev and
# writes /etc/hosts, /etc/resolv.conf).
new_rootfs() { mkdir -p "$1"/{etc,tmp,proc,sys,dev,run}; chmod 1777 "$1/tmp"; }

if [[ ${1:-} == hgctl ]]; then
  bin="${2:?usage: images.sh hgctl BINARY}"
  version="$(grep -m1 '^version' "$ROOT/Cargo.toml" | cut -d'"' -f2)"
  ref="hgctl.local/hgctl:v$version-$(sha256sum "$bin" | cut -c1-12)"
  rootfs="$work/rootfs"
  new_rootfs "$rootfs"
  install -D -m 0755 "$bin" "$rootfs/usr/local/bin/hgctl"
  # The loader and every library ldd resolves, at the same paths.
  ldd "$bin" | grep -o '/[^ ]*' | while read -r lib; do
    install -D -m 0755 "$(readlink -f "$lib")" "$rootfs$lib"
  done
  mkdir -p "$rootfs/etc/ssl/certs"
  [[ -f /etc/ssl/certs/ca-certificates.crt ]] && cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
  "$HERE/mkimage.sh" "$work/hgctl.tar" "$ref" "$rootfs" \
    '{"Entrypoint": ["/usr/local/bin/hgctl"], "Env": ["PATH=/usr/local/bin"], "User": "65532"}'
  "$(node_bin_dir)/ctr" --address "$CTRD_SOCK" -n k8s.io images import --all-platforms "$work/hgctl.tar" >/dev/null
  echo "$ref"
  exit 0
fi

out="$HGCTL_CLUSTER_STATE/node-images"
t0=$(now_ms)
"$ROOT/tests/images/build.sh" "$work/bin"
rm -rf "$out"
mkdir -p "$out"

new_rootfs "$work/performer"
install -m 0755 "$work/bin/performer" "$work/performer/performer"
"$HERE/mkimage.sh" "$out/pause.tar" "$PAUSE_IMAGE" "$work/performer" \
  '{"Entrypoint": ["/performer", "pause"], "User": "65535"}'
"$HERE/mkimage.sh" "$out/performer.tar" hgctl.local/performer:test "$work/performer" \
  '{"Entrypoint": ["/performer"], "Env": ["PATH=/"], "ExposedPorts": {"8080/tcp": {}}}'

new_rootfs "$work/executor"
install -D -m 0755 "$work/bin/executor" "$work/executor/usr/local/bin/executor"
mkdir -p "$work/executor/etc/ssl/certs"
for transport in tls plaintext; do
  tls=true
  [[ $transport == plaintext ]] && tls=false
  "$HERE/mkimage.sh" "$out/executor-$transport.tar" "hgctl.local/executor:$transport" "$work/executor" \
    "{\"Env\": [\"PATH=/usr/local/bin\", \"STANDIN_PERFORMER_TLS=$tls\"]}"
done
log "node images built in $(( $(now_ms) - t0 ))ms: $(cd "$out" && echo *.tar)"
