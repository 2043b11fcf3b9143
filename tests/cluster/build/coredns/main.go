// CoreDNS with the few plugins the local cluster needs: cluster.local from the API server
// (kubernetes), bound to the real node's host address (bind), health/ready endpoints, a cache,
// and error/query logs. No forward plugin: the local cluster never resolves names off the
// machine.
package main

import (
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/ready"
)

func main() { coremain.Run() }
