#!/usr/bin/env bash
# Prints the folder with the Prometheus Operator's CRD files (monitoring.coreos.com_*.yaml),
# taken from its Go module on the module proxy (cached by Go in its module cache), so the
# tests can install ServiceMonitor and PrometheusRule without the operator itself.
set -euo pipefail
# Outside any go.mod: -mod=mod must not touch a module of the project.
cd "${TMPDIR:-/tmp}"
VERSION=v0.85.0
MODULE=github.com/prometheus-operator/prometheus-operator
dir="$(GOWORK=off GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "$MODULE@$VERSION" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
crds="$dir/example/prometheus-operator-crd"
[[ -f $crds/monitoring.coreos.com_servicemonitors.yaml ]] ||
  { echo "crds.sh: no CRD files in $crds" >&2; exit 1; }
echo "$crds"
