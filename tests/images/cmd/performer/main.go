// Command performer is the test performer of hgctl's real-node tests, and its client.
//
//	performer [serve]              serve the Hourglass PerformerService and grpc.health.v1
//	performer check ADDR [flags]   resolve ADDR's host, call grpc.health.v1 Check (and optionally
//	                               one task), print the result and latencies; exit 1 on failure
//	performer loop ADDR [flags]    call ExecuteTask repeatedly for --duration, count failures;
//	                               exit 1 if any call failed
//	performer pause                sleep until SIGTERM/SIGINT reaping children (pod sandbox image)
//	performer pki DIR NAME...      write a test CA (ca.crt) and a serving certificate for NAME...
//	                               and 127.0.0.1 (tls.crt, tls.key) into DIR, for tests
//
// serve reads its environment: GRPC_PORT (default 8080), PERFORMER_STARTUP_DELAY (a Go duration
// waited before the port is bound, a slow model load), PERFORMER_TLS_CERT_FILE and
// PERFORMER_TLS_KEY_FILE (serve TLS; plaintext is still accepted on the same port for the
// kubelet's gRPC probe unless PERFORMER_TLS_ONLY=true). A task's result is the hex SHA-256 of
// its payload; each task served is logged.
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
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"

	"hgctl.test/images/internal/perf"
	"hgctl.test/images/performerpb"
)

const usage = `usage:
  performer [serve]
  performer check ADDR [--tls] [--ca FILE] [--server-name NAME] [--service NAME] [--task PAYLOAD] [--timeout 5s]
  performer loop ADDR --duration 60s [--warmup 30s] [--interval 200ms] [--timeout 2s] [--new-conn] [--tls] [--ca FILE] [--server-name NAME]
  performer first-serving [--interval 100ms] [--timeout 3m] ADDR...
  performer pause
  performer pki DIR NAME...`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, stdout)
	case "check":
		err = check(ctx, args, stdout)
	case "loop":
		err = loop(ctx, args, stdout)
	case "first-serving":
		err = firstServing(ctx, args, stdout)
	case "pause":
		pause()
	case "pki":
		err = pki(args, stdout)
	case "-h", "--help", "help":
		fmt.Fprintln(stdout, usage)
	default:
		fmt.Fprintf(stderr, "performer: unknown command %q\n%s\n", cmd, usage)
		return 2
	}
	var u usageError
	if errors.As(err, &u) {
		fmt.Fprintf(stderr, "performer %s: %v\n%s\n", cmd, err, usage)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "performer %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

type usageError struct{ error }

func serverConfigFromEnv() (perf.ServerConfig, error) {
	cfg := perf.ServerConfig{
		Port:     8080,
		CertFile: os.Getenv("PERFORMER_TLS_CERT_FILE"),
		KeyFile:  os.Getenv("PERFORMER_TLS_KEY_FILE"),
		TLSOnly:  os.Getenv("PERFORMER_TLS_ONLY") == "true",
	}
	if p := os.Getenv("GRPC_PORT"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return cfg, fmt.Errorf("GRPC_PORT=%q is not a port number", p)
		}
		cfg.Port = n
	}
	if d := os.Getenv("PERFORMER_STARTUP_DELAY"); d != "" {
		v, err := time.ParseDuration(d)
		if err != nil || v < 0 {
			return cfg, fmt.Errorf("PERFORMER_STARTUP_DELAY=%q is not a duration like 90s", d)
		}
		cfg.StartupDelay = v
	}
	return cfg, nil
}

func serve(ctx context.Context, stdout io.Writer) error {
	cfg, err := serverConfigFromEnv()
	if err != nil {
		return err
	}
	logger := log.New(stdout, "performer: ", log.LstdFlags|log.Lmicroseconds|log.LUTC)
	return perf.Serve(ctx, cfg, logger, nil)
}

// parseWithAddr parses flags placed before or after the one positional ADDR.
func parseWithAddr(fs *flag.FlagSet, args []string) (string, error) {
	fs.SetOutput(io.Discard)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return "", usageError{err}
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(positional) != 1 {
		return "", usageError{fmt.Errorf("want exactly one ADDR (host:port), got %d arguments", len(positional))}
	}
	return positional[0], nil
}

func tlsFlags(fs *flag.FlagSet) *perf.ClientTLS {
	t := &perf.ClientTLS{}
	fs.BoolVar(&t.Enabled, "tls", false, "dial with TLS verified against the system roots")
	fs.StringVar(&t.CAFile, "ca", "", "extra CA file to trust (implies --tls)")
	fs.StringVar(&t.ServerName, "server-name", "", "name to verify instead of ADDR's host")
	return t
}

func check(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	t := tlsFlags(fs)
	service := fs.String("service", "", "health service name (\"\" = the whole server)")
	task := fs.String("task", "", "also call ExecuteTask with this payload")
	timeout := fs.Duration("timeout", 5*time.Second, "deadline for each step")
	addr, err := parseWithAddr(fs, args)
	if err != nil {
		return err
	}
	transport := "plaintext"
	if t.Enabled || t.CAFile != "" {
		transport = "tls"
	}
	rctx, cancel := context.WithTimeout(ctx, *timeout)
	res, err := perf.Resolve(rctx, addr)
	cancel()
	if err != nil {
		fmt.Fprintf(stdout, "check %s: DNS FAILED after %s: %v\n", addr, ms(res.Latency), err)
		return errors.New("DNS resolution failed")
	}
	fmt.Fprintf(stdout, "check %s: resolved to %s in %s\n", addr, strings.Join(res.Addrs, ","), ms(res.Latency))
	conn, err := perf.Dial(addr, *t)
	if err != nil {
		return err
	}
	defer conn.Close()
	hctx, cancel := context.WithTimeout(ctx, *timeout)
	start := time.Now()
	status, err := perf.CheckHealth(hctx, conn, *service)
	cancel()
	if err != nil {
		fmt.Fprintf(stdout, "check %s: health FAILED (%s) after %s: %v\n", addr, transport, ms(time.Since(start)), err)
		return errors.New("health check failed")
	}
	fmt.Fprintf(stdout, "check %s: %s (%s) in %s\n", addr, status, transport, ms(time.Since(start)))
	if status != healthpb.HealthCheckResponse_SERVING {
		return fmt.Errorf("status %s, want SERVING", status)
	}
	if *task == "" {
		return nil
	}
	tctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	start = time.Now()
	var header metadata.MD
	resp, err := performerpb.NewPerformerServiceClient(conn).ExecuteTask(tctx,
		&performerpb.TaskRequest{TaskId: []byte("check"), Payload: []byte(*task)}, grpc.Header(&header))
	if err != nil {
		fmt.Fprintf(stdout, "check %s: task FAILED after %s: %v\n", addr, ms(time.Since(start)), err)
		return errors.New("task call failed")
	}
	fmt.Fprintf(stdout, "check %s: task result=%s host=%s in %s\n", addr, resp.Result, first(header.Get(perf.HostHeader)), ms(time.Since(start)))
	return nil
}

// loop calls ExecuteTask through one connection (as the executor does) or a new connection per
// call (--new-conn), and reports how many calls failed, why, and which pods answered.
func loop(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("loop", flag.ContinueOnError)
	t := tlsFlags(fs)
	duration := fs.Duration("duration", 0, "how long to call (required)")
	interval := fs.Duration("interval", 200*time.Millisecond, "pause between calls")
	timeout := fs.Duration("timeout", 2*time.Second, "deadline of each call")
	newConn := fs.Bool("new-conn", false, "dial a new connection for every call")
	warmup := fs.Duration("warmup", 0, "call until the first answer for at most this long before counting")
	addr, err := parseWithAddr(fs, args)
	if err != nil {
		return err
	}
	if *duration <= 0 {
		return usageError{errors.New("--duration is required")}
	}
	var conn *grpc.ClientConn
	if !*newConn {
		if conn, err = perf.Dial(addr, *t); err != nil {
			return err
		}
		defer conn.Close()
	}
	call := func(i int) (string, error) {
		c := conn
		if c == nil {
			var err error
			if c, err = perf.Dial(addr, *t); err != nil {
				return "", err
			}
			defer c.Close()
		}
		cctx, cancel := context.WithTimeout(ctx, *timeout)
		defer cancel()
		payload := []byte(fmt.Sprintf("loop-%d", i))
		var header metadata.MD
		resp, err := performerpb.NewPerformerServiceClient(c).ExecuteTask(cctx,
			&performerpb.TaskRequest{TaskId: []byte(strconv.Itoa(i)), Payload: payload}, grpc.Header(&header))
		if err != nil {
			return "", err
		}
		if want := perf.TaskResult(payload); string(resp.Result) != string(want) {
			return "", fmt.Errorf("wrong result %q, want %q", resp.Result, want)
		}
		return first(header.Get(perf.HostHeader)), nil
	}
	// A Service is routable on a node only once its proxy has synced (~1 s after the pod is
	// Ready); calls before the first answer measure that lag, not the rollout being watched.
	if *warmup > 0 {
		if err := untilFirstAnswer(ctx, call, *warmup, *interval, stdout); err != nil {
			return err
		}
	}
	deadline := time.Now().Add(*duration)
	var calls, failed int
	hosts := map[string]int{}
	failures := map[string]int{}
	for i := 0; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
		calls++
		host, err := call(i)
		if err != nil {
			failed++
			failures[err.Error()]++
			fmt.Fprintf(stdout, "loop: call %d failed at %s: %v\n", i, time.Now().UTC().Format(time.RFC3339Nano), err)
		} else {
			hosts[host]++
		}
		select {
		case <-time.After(*interval):
		case <-ctx.Done():
		}
	}
	fmt.Fprintf(stdout, "loop done: calls=%d ok=%d failed=%d duration=%s hosts=%s\n",
		calls, calls-failed, failed, *duration, tally(hosts))
	for _, f := range sortedKeys(failures) {
		fmt.Fprintf(stdout, "loop failure x%d: %s\n", failures[f], f)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d calls failed", failed, calls)
	}
	return nil
}

// untilFirstAnswer calls until one call succeeds, for at most limit, and reports the calls
// that failed before it; it fails when none succeeds in time.
func untilFirstAnswer(ctx context.Context, call func(int) (string, error), limit, interval time.Duration, stdout io.Writer) error {
	start := time.Now()
	for i := 0; ; i++ {
		_, err := call(-1 - i)
		if err == nil {
			fmt.Fprintf(stdout, "loop: first answer at %s after %d failed warm-up calls in %s\n",
				time.Now().UTC().Format(time.RFC3339Nano), i, ms(time.Since(start)))
			return nil
		}
		if time.Since(start) >= limit || ctx.Err() != nil {
			return fmt.Errorf("no answer within the %s warm-up (%d calls; last error: %v)", limit, i+1, err)
		}
		fmt.Fprintf(stdout, "loop: warm-up call %d failed: %v\n", i, err)
		select {
		case <-time.After(interval):
		case <-ctx.Done():
		}
	}
}

// firstServing polls every ADDR (resolving its name and dialling anew each time, as a new
// client would) until its health check answers SERVING, and prints when, one line per
// address: the benchmark's time from creation to a first answer through the Service name.
func firstServing(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("first-serving", flag.ContinueOnError)
	interval := fs.Duration("interval", 100*time.Millisecond, "pause between attempts at one address")
	timeout := fs.Duration("timeout", 3*time.Minute, "give up on the addresses not serving by then")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	addrs := fs.Args()
	if len(addrs) == 0 {
		return usageError{errors.New("no address")}
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	var mu sync.Mutex
	missing := map[string]bool{}
	for _, a := range addrs {
		missing[a] = true
	}
	var wg sync.WaitGroup
	for _, addr := range addrs {
		wg.Add(1)
		go func(addr string) {
			defer wg.Done()
			for attempt := 1; ctx.Err() == nil; attempt++ {
				if servingOnce(ctx, addr) {
					mu.Lock()
					delete(missing, addr)
					fmt.Fprintf(stdout, "first-serving %s at %s after %d attempts\n",
						addr, time.Now().UTC().Format(time.RFC3339Nano), attempt)
					mu.Unlock()
					return
				}
				select {
				case <-time.After(*interval):
				case <-ctx.Done():
				}
			}
		}(addr)
	}
	wg.Wait()
	if len(missing) > 0 {
		return fmt.Errorf("not serving within %s: %s", *timeout, strings.Join(sortedKeys(boolCounts(missing)), ","))
	}
	return nil
}

// servingOnce resolves addr's host, dials the first address plainly and asks health once.
func servingOnce(ctx context.Context, addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	rctx, cancel := context.WithTimeout(ctx, time.Second)
	res, err := perf.Resolve(rctx, addr)
	cancel()
	if err != nil || len(res.Addrs) == 0 {
		return false
	}
	conn, err := perf.Dial(net.JoinHostPort(res.Addrs[0], port), perf.ClientTLS{})
	if err != nil {
		return false
	}
	defer conn.Close()
	hctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	status, err := perf.CheckHealth(hctx, conn, "")
	return err == nil && status == healthpb.HealthCheckResponse_SERVING
}

func boolCounts(m map[string]bool) map[string]int {
	out := make(map[string]int, len(m))
	for k := range m {
		out[k] = 1
	}
	return out
}

// pki writes the test PKI the TLS modes of serve and check use (tests outside Go need it too).
func pki(args []string, stdout io.Writer) error {
	if len(args) < 2 {
		return usageError{errors.New("pki needs DIR and at least one NAME")}
	}
	if err := os.MkdirAll(args[0], 0o700); err != nil {
		return err
	}
	ca, cert, key, err := perf.TestPKI(args[0], []net.IP{net.ParseIP("127.0.0.1")}, args[1:])
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n%s\n%s\n", ca, cert, key)
	return nil
}

// pause is PID 1 of a pod sandbox: it sleeps until told to stop and reaps orphaned children.
func pause() {
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGCHLD)
	for s := range sigs {
		if s != syscall.SIGCHLD {
			return
		}
		for {
			var ws syscall.WaitStatus
			if pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil); pid <= 0 || err != nil {
				break
			}
		}
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

func first(v []string) string {
	if len(v) == 0 {
		return "?"
	}
	return v[0]
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func tally(m map[string]int) string {
	parts := []string{}
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s:%d", k, m[k]))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ",")
}
