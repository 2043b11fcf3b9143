#!/usr/bin/env bash
# mkimage.sh OUT.tar NAME:TAG ROOTFS CONFIG-JSON
# Writes a one-layer OCI image archive (oci-layout, index.json, blobs) from the directory ROOTFS,
# with CONFIG-JSON as the image config's `config` object (Entrypoint, Cmd, Env, User, ...): no
# registry, no daemon. The layer is an uncompressed tar (the archive never leaves the machine,
# and gzip of a debug hgctl would take longer than the import). Reproducible: same input, same
# digests. Import: ctr -n k8s.io images import --all-platforms OUT.tar
set -euo pipefail
[[ $# == 4 ]] || { echo "usage: mkimage.sh OUT.tar NAME:TAG ROOTFS CONFIG-JSON" >&2; exit 2; }
out="$1" ref="$2" rootfs="$3" config="$4"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/blobs/sha256"
blob() { # blob FILE: copy into blobs/, print the digest
  local d
  d="$(sha256sum "$1" | cut -d' ' -f1)"
  cp "$1" "$work/blobs/sha256/$d"
  echo "sha256:$d"
}
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$rootfs" -cf "$work/layer.tar" .
layer="$(blob "$work/layer.tar")"
jq -n --argjson config "$config" --arg diff "$layer" '{
  created: "1970-01-01T00:00:00Z", architecture: "amd64", os: "linux", config: $config,
  rootfs: {type: "layers", diff_ids: [$diff]},
  history: [{created: "1970-01-01T00:00:00Z", created_by: "tests/cluster/node/mkimage.sh"}]
}' >"$work/config.json"
jq -n --arg cd "$(blob "$work/config.json")" --argjson cs "$(stat -c %s "$work/config.json")" \
  --arg ld "$layer" --argjson ls "$(stat -c %s "$work/layer.tar")" '{
  schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cd, size: $cs},
  layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $ld, size: $ls}]
}' >"$work/manifest.json"
rm "$work/layer.tar"
echo '{"imageLayoutVersion":"1.0.0"}' >"$work/oci-layout"
jq -n --arg md "$(blob "$work/manifest.json")" --argjson ms "$(stat -c %s "$work/manifest.json")" --arg ref "$ref" '{
  schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
  manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $md, size: $ms,
    platform: {architecture: "amd64", os: "linux"},
    annotations: {"io.containerd.image.name": $ref, "org.opencontainers.image.ref.name": ($ref | split(":") | last)}}]
}' >"$work/index.json"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work" -cf "$out" oci-layout index.json blobs
