// Command executor-compat loads an hgctl-rendered executor config.yaml the
// way the real Hourglass executor ("ponos") loads it, and validates it.
//
// The executor's own module (github.com/Layr-Labs/hourglass-monorepo/ponos)
// is not served by the Go module proxy (403 "not available"), so package
// loader reproduces its loader and checks from /work/shared/reference/executor.md
// (source commit 11f1554). Unlike the binary it rejects unknown keys, so a key
// hgctl misspells (e.g. `badger` for `badgerConfig`) fails here instead of
// being silently dropped.
//
// Usage: executor-compat CONFIG.yaml  (prints the loaded config as JSON)
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"hgctl.test/executor-compat/loader"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: executor-compat CONFIG.yaml")
		os.Exit(2)
	}
	cfg, err := loader.Load(os.Args[1], true)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := loader.Validate(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "invalid:", err)
		os.Exit(1)
	}
	out, _ := json.Marshal(cfg)
	fmt.Println(string(out))
}
