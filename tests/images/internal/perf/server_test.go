package perf

import (
	"bytes"
	"context"
	"log"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"hgctl.test/images/performerpb"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// start serves cfg on a free port and returns its address and the log.
func start(t *testing.T, cfg ServerConfig) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, cfg, log.New(logs, "", 0), ready) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	select {
	case addr := <-ready:
		_, port, _ := net.SplitHostPort(addr.String())
		return "127.0.0.1:" + port, logs
	case err := <-done:
		t.Fatalf("Serve returned before binding: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("performer did not bind within 10s")
	}
	return "", nil
}

func callTask(t *testing.T, addr string, c ClientTLS, payload string) (*performerpb.TaskResponse, error) {
	t.Helper()
	conn, err := Dial(addr, c)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return performerpb.NewPerformerServiceClient(conn).ExecuteTask(ctx,
		&performerpb.TaskRequest{TaskId: []byte("t1"), Payload: []byte(payload)})
}

func TestPlaintextHealthAndTask(t *testing.T) {
	addr, logs := start(t, ServerConfig{})
	conn, err := Dial(addr, ClientTLS{})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, svc := range []string{"", "eigenlayer.hourglass.v1.performer.PerformerService"} {
		st, err := CheckHealth(context.Background(), conn, svc)
		if err != nil || st != healthpb.HealthCheckResponse_SERVING {
			t.Fatalf("health(%q) = %v, %v; want SERVING", svc, st, err)
		}
	}
	resp, err := callTask(t, addr, ClientTLS{}, "hello")
	if err != nil {
		t.Fatal(err)
	}
	// sha256("hello")
	const want = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
	if string(resp.Result) != want || string(resp.TaskId) != "t1" {
		t.Fatalf("task = %q/%q, want t1/%s", resp.TaskId, resp.Result, want)
	}
	if !strings.Contains(logs.String(), `task served id="t1" payload_bytes=5 result=`+want) {
		t.Fatalf("task not logged:\n%s", logs)
	}
}

func TestTLSServesVerifiedTLSAndPlaintextUnlessTLSOnly(t *testing.T) {
	dir := t.TempDir()
	ca, cert, key, err := TestPKI(dir, []net.IP{net.ParseIP("127.0.0.1")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	addr, logs := start(t, ServerConfig{CertFile: cert, KeyFile: key})
	if _, err := callTask(t, addr, ClientTLS{CAFile: ca}, "x"); err != nil {
		t.Fatalf("verified TLS call: %v", err)
	}
	if _, err := callTask(t, addr, ClientTLS{}, "x"); err != nil {
		t.Fatalf("plaintext call to a TLS performer (probe path): %v", err)
	}
	if _, err := callTask(t, addr, ClientTLS{Enabled: true}, "x"); err == nil {
		t.Fatal("TLS without the CA verified a certificate from an unknown CA")
	}
	if !strings.Contains(logs.String(), "transport=tls") || !strings.Contains(logs.String(), "transport=plaintext") {
		t.Fatalf("transports not logged:\n%s", logs)
	}

	strict, _ := start(t, ServerConfig{CertFile: cert, KeyFile: key, TLSOnly: true})
	if _, err := callTask(t, strict, ClientTLS{CAFile: ca}, "x"); err != nil {
		t.Fatalf("verified TLS call (TLS only): %v", err)
	}
	if _, err := callTask(t, strict, ClientTLS{}, "x"); err == nil {
		t.Fatal("a TLS-only performer answered plaintext")
	}
}

func TestStartupDelayBindsLate(t *testing.T) {
	begin := time.Now()
	addr, logs := start(t, ServerConfig{StartupDelay: 400 * time.Millisecond})
	if waited := time.Since(begin); waited < 400*time.Millisecond {
		t.Fatalf("bound after %s, before the 400ms start-up delay", waited)
	}
	if !strings.Contains(logs.String(), "start-up: loading for 400ms") {
		t.Fatalf("delay not logged:\n%s", logs)
	}
	if _, err := callTask(t, addr, ClientTLS{}, "x"); err != nil {
		t.Fatal(err)
	}
}

func TestStopDuringStartupDelay(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, ServerConfig{StartupDelay: time.Hour}, log.New(&bytes.Buffer{}, "", 0), nil)
	}()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("SIGTERM during the start-up delay did not stop the performer")
	}
}

func TestHalfTLSConfigIsAnError(t *testing.T) {
	if _, err := NewServer(ServerConfig{CertFile: "x"}, log.New(&bytes.Buffer{}, "", 0)); err == nil ||
		!strings.Contains(err.Error(), "both a certificate and a key") {
		t.Fatalf("err = %v", err)
	}
}
