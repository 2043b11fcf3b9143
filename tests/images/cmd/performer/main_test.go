package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"testing"
	"time"

	"hgctl.test/images/internal/perf"
)

func startPerformer(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- perf.Serve(ctx, perf.ServerConfig{}, log.New(io.Discard, "", 0), ready) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case a := <-ready:
		_, port, _ := net.SplitHostPort(a.String())
		return "localhost:" + port
	case <-time.After(10 * time.Second):
		t.Fatal("performer did not start")
	}
	return ""
}

func TestCheckResolvesAndReportsServingAndTask(t *testing.T) {
	addr := startPerformer(t)
	var out, errOut bytes.Buffer
	if code := run([]string{"check", addr, "--task", "hello", "--timeout", "5s"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{"resolved to", "SERVING (plaintext) in", "task result=2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestCheckFailsOnRefusedAndUnresolvable(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := ln.Addr().String()
	ln.Close()
	var out bytes.Buffer
	if code := run([]string{"check", closed, "--timeout", "2s"}, &out, io.Discard); code != 1 || !strings.Contains(out.String(), "health FAILED") {
		t.Fatalf("refused port: exit %d\n%s", code, out.String())
	}
	out.Reset()
	if code := run([]string{"check", "no-such-host.invalid:8080", "--timeout", "2s"}, &out, io.Discard); code != 1 || !strings.Contains(out.String(), "DNS FAILED") {
		t.Fatalf("unresolvable: exit %d\n%s", code, out.String())
	}
}

func TestLoopCountsCalls(t *testing.T) {
	addr := startPerformer(t)
	var out bytes.Buffer
	if code := run([]string{"loop", addr, "--duration", "600ms", "--interval", "50ms"}, &out, io.Discard); code != 0 {
		t.Fatalf("exit %d\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "failed=0") || strings.Contains(out.String(), "calls=0 ") {
		t.Fatalf("summary:\n%s", out.String())
	}
	// A loop against nothing counts every call as failed and exits 1.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := ln.Addr().String()
	ln.Close()
	out.Reset()
	if code := run([]string{"loop", closed, "--duration", "300ms", "--timeout", "200ms", "--new-conn"}, &out, io.Discard); code != 1 || !strings.Contains(out.String(), "ok=0") {
		t.Fatalf("exit %d\n%s", code, out.String())
	}
}

func TestLoopWarmUpWaitsForTheFirstAnswer(t *testing.T) {
	// A performer that binds its port only after a 1 s load: the calls before are warm-up.
	port := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- perf.Serve(ctx, perf.ServerConfig{Port: port, StartupDelay: time.Second}, log.New(io.Discard, "", 0), nil)
	}()
	t.Cleanup(func() { cancel(); <-done })
	late := fmt.Sprintf("localhost:%d", port)
	var out bytes.Buffer
	code := run([]string{"loop", late, "--warmup", "10s", "--duration", "200ms", "--interval", "50ms", "--timeout", "200ms", "--new-conn"}, &out, io.Discard)
	if code != 0 || !strings.Contains(out.String(), "failed=0") || !strings.Contains(out.String(), "loop: first answer at") {
		t.Fatalf("exit %d\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "warm-up call 0 failed") {
		t.Fatalf("no warm-up failure reported before the port answered:\n%s", out.String())
	}
	// Nothing ever answers: the warm-up fails and says so.
	out.Reset()
	if code := run([]string{"loop", fmt.Sprintf("localhost:%d", freePort(t)), "--warmup", "300ms", "--duration", "1s", "--timeout", "100ms", "--new-conn"}, &out, io.Discard); code != 1 {
		t.Fatalf("exit %d\n%s", code, out.String())
	}
}

// freePort is a port nothing listens on (bound once by the kernel's choice, then released).
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"nope"}, {"check"}, {"check", "a:1", "b:2"}, {"loop", "a:1"}, {"check", "--bogus", "a:1"}, {"pki"}, {"pki", "dir"}} {
		if code := run(args, io.Discard, io.Discard); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestServeRejectsBadEnv(t *testing.T) {
	t.Setenv("PERFORMER_STARTUP_DELAY", "ninety")
	var errOut bytes.Buffer
	if code := run([]string{"serve"}, io.Discard, &errOut); code != 1 || !strings.Contains(errOut.String(), "PERFORMER_STARTUP_DELAY") {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
}

func TestFirstServingReportsEachAddressOnceAndFailsOnTheMissing(t *testing.T) {
	a, b := startPerformer(t), startPerformer(t)
	var out, errOut bytes.Buffer
	if code := run([]string{"first-serving", "--timeout", "10s", a, b}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	for _, addr := range []string{a, b} {
		if n := strings.Count(out.String(), "first-serving "+addr+" at "); n != 1 {
			t.Errorf("%s reported %d times:\n%s", addr, n, out.String())
		}
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := ln.Addr().String()
	ln.Close()
	out.Reset()
	errOut.Reset()
	code := run([]string{"first-serving", "--timeout", "1s", "--interval", "50ms", a, closed}, &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "not serving within 1s: "+closed) {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "first-serving "+a+" at ") {
		t.Errorf("the serving address is still reported:\n%s", out.String())
	}
}
