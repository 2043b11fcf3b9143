// Command executor is hgctl's stand-in for the Hourglass executor ("ponos") in real-node tests.
// Its image has the official layout (binary at /usr/local/bin/executor, no ENTRYPOINT), so the
// pod hgctl renders runs it exactly as it runs the real one: `executor run --config FILE`.
//
// It loads the config as the real loader does (the compatibility harness's loader, lenient like
// the binary), then for each avsPerformers entry in kubernetes mode: creates the Performer with
// the body the real executor sends (see performer_body.go), polls it every 5 s until
// status.ready (5 min at most; on timeout it deletes it and exits 1, as upstream does), resolves
// performer-<name>.<ns>.svc.cluster.local, and calls grpc.health.v1 Check and then one task,
// logging "task call succeeded ..." or "task call failed ...: <error>". It keeps running and
// serving TCP on grpcPort (and managementServerGrpcPort) so TCP probes pass; on SIGTERM it
// deletes its Performers (the real executor's clean shutdown).
//
// It does not call the L1 RPC and serves no executor API. Environment:
//
//	STANDIN_PERFORMER_TLS  "true" (default): dial performers with TLS verified against the system
//	                       roots (SSL_CERT_FILE / SSL_CERT_DIR honoured), as upstream's current
//	                       executor does; "false": plaintext, as its docker mode and older releases
//	STANDIN_TASK_PAYLOAD   payload of the task (default "hgctl executor stand-in")
//	STANDIN_CALL_RETRIES   retries of a failed call (default 5, with upstream's backoff 2 s .. 30 s)
//	STANDIN_POLL_INTERVAL  status poll interval (default 5s)
//	STANDIN_READY_TIMEOUT  how long to wait for status.ready (default 5m)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"hgctl.test/executor-compat/loader"
	"hgctl.test/images/internal/perf"
	"hgctl.test/images/performerpb"
)

const serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// options are the stand-in's own knobs (the config file has none).
type options struct {
	tls          bool
	payload      string
	retries      int
	pollInterval time.Duration
	readyTimeout time.Duration
	saDir        string
}

func optionsFromEnv() (options, error) {
	o := options{tls: true, payload: "hgctl executor stand-in", retries: 5, pollInterval: 5 * time.Second,
		readyTimeout: 5 * time.Minute, saDir: serviceAccountDir}
	var errs []string
	if v := os.Getenv("STANDIN_PERFORMER_TLS"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("STANDIN_PERFORMER_TLS=%q is not true or false", v))
		}
		o.tls = b
	}
	if v, ok := os.LookupEnv("STANDIN_TASK_PAYLOAD"); ok {
		o.payload = v
	}
	if v := os.Getenv("STANDIN_CALL_RETRIES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			errs = append(errs, fmt.Sprintf("STANDIN_CALL_RETRIES=%q is not a count", v))
		}
		o.retries = n
	}
	for _, d := range []struct {
		name string
		into *time.Duration
	}{{"STANDIN_POLL_INTERVAL", &o.pollInterval}, {"STANDIN_READY_TIMEOUT", &o.readyTimeout}} {
		if v := os.Getenv(d.name); v != "" {
			t, err := time.ParseDuration(v)
			if err != nil || t <= 0 {
				errs = append(errs, fmt.Sprintf("%s=%q is not a duration like 5s", d.name, v))
			}
			*d.into = t
		}
	}
	if v := os.Getenv("STANDIN_SERVICE_ACCOUNT_DIR"); v != "" {
		o.saDir = v
	}
	if len(errs) > 0 {
		return o, errors.New(strings.Join(errs, "; "))
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "run" {
		fmt.Fprintln(stderr, "usage: executor run --config FILE [--debug]")
		return 2
	}
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "config file (.yaml, .yml or .json)")
	fs.Bool("debug", false, "accepted for compatibility")
	if err := fs.Parse(args[1:]); err != nil || *configPath == "" || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: executor run --config FILE [--debug]")
		return 2
	}
	logger := log.New(stdout, "executor-standin: ", log.LstdFlags|log.Lmicroseconds|log.LUTC)
	opts, err := optionsFromEnv()
	if err != nil {
		logger.Printf("invalid environment: %v", err)
		return 1
	}
	cfg, err := loader.Load(*configPath, false)
	if err == nil {
		err = loader.Validate(cfg)
	}
	if err != nil {
		logger.Printf("config %s rejected: %v", *configPath, err)
		return 1
	}
	logger.Printf("config %s loaded: operator %s, %d AVS performer(s), grpcPort %d (L1 RPC not called: stand-in)",
		*configPath, cfg.Operator.Address, len(cfg.AvsPerformers), cfg.GrpcPort)

	listeners, err := listen(cfg)
	if err != nil {
		logger.Printf("listen: %v", err)
		return 1
	}
	servers := make([]*grpc.Server, 0, len(listeners))
	for _, ln := range listeners {
		gs := grpc.NewServer() // no services: like the real one, only TCP probes can pass
		servers = append(servers, gs)
		go func() { _ = gs.Serve(ln) }()
		logger.Printf("serving TCP on %s", ln.Addr())
	}
	defer func() {
		for _, gs := range servers {
			gs.Stop()
		}
	}()

	s := &standin{cfg: cfg, opts: opts, log: logger}
	if code := s.deployAll(ctx); code != 0 {
		return code
	}
	<-ctx.Done()
	s.shutdown()
	return 0
}

func listen(cfg *loader.ExecutorConfig) ([]net.Listener, error) {
	ports := []int{cfg.GrpcPort}
	if cfg.ManagementServerGrpcPort != 0 && cfg.ManagementServerGrpcPort != cfg.GrpcPort {
		ports = append(ports, cfg.ManagementServerGrpcPort)
	}
	var out []net.Listener
	for _, p := range ports {
		ln, err := net.Listen("tcp", fmt.Sprintf(":%d", p))
		if err != nil {
			for _, l := range out {
				l.Close()
			}
			return nil, err
		}
		out = append(out, ln)
	}
	return out, nil
}

type standin struct {
	cfg     *loader.ExecutorConfig
	opts    options
	log     *log.Logger
	kube    *kubeClient
	created []string
}

func (s *standin) deployAll(ctx context.Context) int {
	var kubeAVS []*loader.AvsPerformerConfig
	for _, avs := range s.cfg.AvsPerformers {
		if avs.DeploymentMode == "kubernetes" {
			kubeAVS = append(kubeAVS, avs)
		} else {
			s.log.Printf("AVS %s: deploymentMode %q is not kubernetes; the stand-in runs no docker performer", avs.AvsAddress, avs.DeploymentMode)
		}
	}
	if len(kubeAVS) == 0 {
		return 0
	}
	k := s.cfg.Kubernetes
	if !k.InCluster {
		s.log.Printf("kubernetes.inCluster is false: the stand-in only talks to the API server in-cluster")
		return 1
	}
	timeout := k.ConnectionTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	kube, err := inClusterClient(s.opts.saDir, timeout)
	if err != nil {
		s.log.Printf("kubernetes client: %v", err)
		return 1
	}
	s.kube = kube
	for _, avs := range kubeAVS {
		if err := s.deploy(ctx, avs); err != nil {
			if ctx.Err() != nil {
				s.shutdown()
				return 0
			}
			s.log.Printf("AVS %s: deploy failed: %v", avs.AvsAddress, err)
			return 1
		}
	}
	return 0
}

func (s *standin) deploy(ctx context.Context, avs *loader.AvsPerformerConfig) error {
	k := s.cfg.Kubernetes
	address := lower(avs.AvsAddress)
	name, err := performerName(address)
	if err != nil {
		return err
	}
	body := buildPerformer(name, k.Namespace, k.CRDGroup, k.CRDVersion, address, avs)
	path := performersPath(k.CRDGroup, k.CRDVersion, k.Namespace)
	if err := s.kube.do(ctx, "POST", path, body, nil); err != nil {
		return fmt.Errorf("creating Performer %s/%s: %w", k.Namespace, name, err)
	}
	s.created = append(s.created, name)
	s.log.Printf("created Performer %s/%s for AVS %s (image %s)", k.Namespace, name, address, body.Spec.Image)

	if err := s.waitReady(ctx, path+"/"+name); err != nil {
		s.deletePerformer(name)
		return fmt.Errorf("performer not ready: %w", err)
	}
	endpoint := fmt.Sprintf("performer-%s.%s.svc.cluster.local:%d", name, k.Namespace, performerGRPCPort)
	if avs.Kubernetes != nil && avs.Kubernetes.EndpointOverride != "" {
		s.log.Printf("performer %s: endpoint override %s replaces %s", name, avs.Kubernetes.EndpointOverride, endpoint)
		endpoint = avs.Kubernetes.EndpointOverride
	}
	s.callPerformer(ctx, name, endpoint)
	return nil
}

func (s *standin) waitReady(ctx context.Context, path string) error {
	ctx, cancel := context.WithTimeout(ctx, s.opts.readyTimeout)
	defer cancel()
	tick := time.NewTicker(s.opts.pollInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("timeout waiting for %s to be ready", path)
		case <-tick.C:
		}
		var p struct {
			Status struct {
				Phase string `json:"phase"`
				Ready bool   `json:"ready"`
			} `json:"status"`
		}
		if err := s.kube.do(ctx, "GET", path, nil, &p); err != nil {
			s.log.Printf("performer status: %v", err)
			continue
		}
		s.log.Printf("performer status: phase=%q ready=%v", p.Status.Phase, p.Status.Ready)
		if p.Status.Ready {
			return nil
		}
	}
}

// callPerformer resolves the endpoint, then calls health and one task through one connection,
// as the executor's client does.
func (s *standin) callPerformer(ctx context.Context, name, endpoint string) {
	transport := "plaintext"
	if s.opts.tls && !forcedPlaintext(endpoint) {
		transport = "tls"
	}
	if res, err := perf.Resolve(ctx, endpoint); err != nil {
		s.log.Printf("performer %s: resolving %s failed after %s: %v", name, endpoint, res.Latency, err)
	} else {
		s.log.Printf("performer %s: %s resolves to %s (%s)", name, endpoint, strings.Join(res.Addrs, ","), res.Latency)
	}
	conn, err := perf.Dial(endpoint, perf.ClientTLS{Enabled: transport == "tls"})
	if err != nil {
		s.log.Printf("task call failed performer=%s endpoint=%s transport=%s: %v", name, endpoint, transport, err)
		return
	}
	defer conn.Close()
	if st, err := withRetry(ctx, s.opts.retries, func(c context.Context) (string, error) {
		st, err := perf.CheckHealth(c, conn, "")
		return st.String(), err
	}); err != nil {
		s.log.Printf("health check failed performer=%s endpoint=%s transport=%s: %v", name, endpoint, transport, err)
	} else {
		s.log.Printf("health check performer=%s endpoint=%s transport=%s: %s", name, endpoint, transport, st)
	}
	start := time.Now()
	result, err := withRetry(ctx, s.opts.retries, func(c context.Context) (string, error) {
		resp, err := performerpb.NewPerformerServiceClient(conn).ExecuteTask(c,
			&performerpb.TaskRequest{TaskId: []byte("standin-task-1"), Payload: []byte(s.opts.payload)})
		if err != nil {
			return "", err
		}
		return string(resp.Result), nil
	})
	if err != nil {
		s.log.Printf("task call failed performer=%s endpoint=%s transport=%s: %v", name, endpoint, transport, err)
		return
	}
	s.log.Printf("task call succeeded performer=%s endpoint=%s transport=%s result=%s latency=%s",
		name, endpoint, transport, result, time.Since(start).Round(time.Millisecond))
}

// forcedPlaintext mirrors the executor's gRPC client, which never uses TLS for localhost.
func forcedPlaintext(endpoint string) bool {
	return strings.Contains(endpoint, "localhost:") || strings.Contains(endpoint, "127.0.0.1:")
}

// withRetry retries retryable failures like the executor's client: 15 s per attempt, backoff
// from 2 s doubling to at most 30 s.
func withRetry(ctx context.Context, retries int, call func(context.Context) (string, error)) (string, error) {
	delay := 2 * time.Second
	var err error
	for attempt := 0; ; attempt++ {
		c, cancel := context.WithTimeout(ctx, 15*time.Second)
		var out string
		out, err = call(c)
		cancel()
		if err == nil || !retryable(err) || attempt >= retries || ctx.Err() != nil {
			if err != nil && attempt > 0 {
				err = fmt.Errorf("after %d attempts: %w", attempt+1, err)
			}
			return out, err
		}
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return "", ctx.Err()
		}
		delay = min(2*delay, 30*time.Second)
	}
}

func retryable(err error) bool {
	switch status.Code(err) {
	case codes.Unavailable, codes.DeadlineExceeded, codes.ResourceExhausted, codes.Aborted:
		return true
	}
	return false
}

func (s *standin) deletePerformer(name string) {
	k := s.cfg.Kubernetes
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.kube.do(ctx, "DELETE", performersPath(k.CRDGroup, k.CRDVersion, k.Namespace)+"/"+name, nil, nil); err != nil {
		s.log.Printf("deleting Performer %s: %v", name, err)
		return
	}
	s.log.Printf("deleted Performer %s/%s", k.Namespace, name)
}

// shutdown deletes the Performers this process created, as the executor's clean shutdown does.
func (s *standin) shutdown() {
	s.log.Printf("shutting down: deleting %d Performer(s)", len(s.created))
	for _, name := range s.created {
		s.deletePerformer(name)
	}
	s.created = nil
}
