//go:build tools

// Package tools pins the commands tests/monitoring/build.sh builds.
package tools

import (
	_ "github.com/prometheus/prometheus/cmd/promtool"
)
