package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"hgctl.test/executor-compat/loader"
	"hgctl.test/images/internal/perf"
)

const avs = "0xAbC0000000000000000000000000000000000001"

// The body the real executor sends for this config, byte for byte (encoding/json of its types).
const wantBody = `{"kind":"Performer","apiVersion":"hourglass.eigenlayer.io/v1alpha1",` +
	`"metadata":{"name":"performer-abcdef-12345678","namespace":"avs","creationTimestamp":null,` +
	`"labels":{"app":"hourglass-performer","hourglass.eigenlayer.io/avs":"0xabc0000000000000000000000000000000000001","hourglass.eigenlayer.io/performer":"performer-abcdef-12345678"}},` +
	`"spec":{"avsAddress":"0xabc0000000000000000000000000000000000001","image":"hgctl.local/performer:v1","imagePullPolicy":"Never","version":"v1",` +
	`"config":{"grpcPort":8080,"environment":{"AVS_ADDRESS":"0xabc0000000000000000000000000000000000001","GRPC_PORT":"8080","MODEL":"small"},` +
	`"environmentFrom":[{"name":"API_KEY","valueFrom":{"secretKeyRef":{"name":"keys","key":"api"}}},{"name":"REGION","valueFrom":{"configMapKeyRef":{"name":"settings","key":"region"}}}],` +
	`"serviceAccountName":"performer-sa"},"resources":{}},"status":{}}`

func config(t *testing.T, grpcPort int, override string) string {
	t.Helper()
	overrideLine := ""
	if override != "" {
		overrideLine = "\n      endpointOverride: " + override
	}
	text := fmt.Sprintf(`grpcPort: %d
managementServerGrpcPort: 0
operator:
  address: "0x1111111111111111111111111111111111111111"
  operatorPrivateKey:
    privateKey: "0x01"
  signingKeys:
    ecdsa:
      privateKey: "0x02"
l1Chain:
  rpcUrl: http://127.0.0.1:1
  chainId: 31337
storage:
  type: memory
someKeyTheBinaryIgnores: true
avsPerformers:
  - avsAddress: "%s"
    image:
      repository: hgctl.local/performer
      tag: v1
    processType: server
    deploymentMode: kubernetes
    envs:
      - name: MODEL
        value: small
      - name: API_KEY
        kubernetesEnv:
          valueFrom:
            secretKeyRef: {name: keys, key: api}
      - name: REGION
        kubernetesEnv:
          valueFrom:
            configMapKeyRef: {name: settings, key: region}
      - name: FROM_HOST
        valueFromEnv: HOME
    kubernetes:
      serviceAccountName: performer-sa%s
kubernetes:
  namespace: avs
  operatorNamespace: hgctl-system
  crdGroup: hourglass.eigenlayer.io
  crdVersion: v1alpha1
  connectionTimeout: 30s
  inCluster: true
`, grpcPort, avs, overrideLine)
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPerformerBodyIsTheExecutors(t *testing.T) {
	cfg, err := loader.Load(config(t, 9000, ""), false)
	if err != nil {
		t.Fatal(err)
	}
	body := buildPerformer("performer-abcdef-12345678", "avs", "hourglass.eigenlayer.io", "v1alpha1", lower(avs), cfg.AvsPerformers[0])
	got, _ := json.Marshal(body)
	if string(got) != wantBody {
		t.Fatalf("body:\n%s\nwant:\n%s", got, wantBody)
	}
}

func TestPerformerName(t *testing.T) {
	a, _ := performerName(lower(avs))
	b, _ := performerName(lower(avs))
	re := regexp.MustCompile(`^performer-[0-9a-f]{6}-[0-9a-f]{8}$`)
	if !re.MatchString(a) || a[:16] != b[:16] || a == b {
		t.Fatalf("names %q %q: want performer-<6 hex of the address>-<8 random hex>", a, b)
	}
}

// fakeAPI is an API server holding Performers: status.ready turns true on the second GET.
type fakeAPI struct {
	mu      sync.Mutex
	created [][]byte
	deleted []string
	gets    int
	auth    []string
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	base := "/apis/hourglass.eigenlayer.io/v1alpha1/namespaces/avs/performers"
	switch {
	case r.Method == "POST" && r.URL.Path == base:
		b, _ := io.ReadAll(r.Body)
		f.created = append(f.created, b)
		w.WriteHeader(201)
		_, _ = w.Write(b)
	case r.Method == "GET" && strings.HasPrefix(r.URL.Path, base+"/"):
		f.gets++
		fmt.Fprintf(w, `{"status":{"phase":"Running","ready":%v}}`, f.gets >= 2)
	case r.Method == "DELETE" && strings.HasPrefix(r.URL.Path, base+"/"):
		f.deleted = append(f.deleted, strings.TrimPrefix(r.URL.Path, base+"/"))
		_, _ = w.Write([]byte(`{}`))
	default:
		http.Error(w, `{"message":"unexpected"}`, 404)
	}
}

type lineWaiter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lineWaiter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lineWaiter) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }
func (l *lineWaiter) wait(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(l.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the log within 20s:\n%s", want, l.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// inCluster points the stand-in at api as a pod would see it.
func inCluster(t *testing.T, api *httptest.Server) {
	dir := t.TempDir()
	ca := pemCert(api)
	_ = os.WriteFile(filepath.Join(dir, "ca.crt"), ca, 0o600)
	_ = os.WriteFile(filepath.Join(dir, "token"), []byte("sa-token\n"), 0o600)
	host, port, _ := net.SplitHostPort(strings.TrimPrefix(api.URL, "https://"))
	t.Setenv("KUBERNETES_SERVICE_HOST", host)
	t.Setenv("KUBERNETES_SERVICE_PORT", port)
	t.Setenv("STANDIN_SERVICE_ACCOUNT_DIR", dir)
	t.Setenv("STANDIN_POLL_INTERVAL", "50ms")
	t.Setenv("STANDIN_CALL_RETRIES", "0")
}

func startPerformer(t *testing.T, cfg perf.ServerConfig) int {
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- perf.Serve(ctx, cfg, log.New(io.Discard, "", 0), ready) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case a := <-ready:
		return a.(*net.TCPAddr).Port
	case err := <-done:
		t.Fatalf("performer: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("performer did not start")
	}
	return 0
}

// runStandin runs `executor run` until want appears in its log, then stops it like SIGTERM.
func runStandin(t *testing.T, configPath, want string) (string, int) {
	ctx, cancel := context.WithCancel(context.Background())
	logs := &lineWaiter{}
	code := make(chan int, 1)
	go func() { code <- run(ctx, []string{"run", "--config", configPath}, logs, logs) }()
	logs.wait(t, want)
	cancel()
	select {
	case c := <-code:
		return logs.String(), c
	case <-time.After(20 * time.Second):
		t.Fatal("the stand-in did not stop on cancel")
	}
	return "", -1
}

func TestStandinCreatesWaitsCallsAndCleansUp(t *testing.T) {
	api := &fakeAPI{}
	srv := httptest.NewTLSServer(api)
	defer srv.Close()
	inCluster(t, srv)
	t.Setenv("STANDIN_PERFORMER_TLS", "false")
	t.Setenv("STANDIN_TASK_PAYLOAD", "hello")
	port := startPerformer(t, perf.ServerConfig{})
	grpcPort := freePort(t)
	logs, code := runStandin(t, config(t, grpcPort, fmt.Sprintf("127.0.0.2:%d", port)), "task call succeeded")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, logs)
	}
	if !strings.Contains(logs, "result=2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824") ||
		!strings.Contains(logs, "transport=plaintext: SERVING") {
		t.Fatalf("log:\n%s", logs)
	}
	api.mu.Lock()
	defer api.mu.Unlock()
	if len(api.created) != 1 {
		t.Fatalf("created %d Performers", len(api.created))
	}
	var obj performerObject
	_ = json.Unmarshal(api.created[0], &obj)
	name := obj.Metadata.Name
	want := strings.ReplaceAll(wantBody, "performer-abcdef-12345678", name)
	if string(api.created[0]) != want {
		t.Fatalf("sent:\n%s\nwant:\n%s", api.created[0], want)
	}
	if len(api.deleted) != 1 || api.deleted[0] != name {
		t.Fatalf("deleted %v on shutdown, want [%s]", api.deleted, name)
	}
	if api.auth[0] != "Bearer sa-token" {
		t.Fatalf("Authorization %q", api.auth[0])
	}
}

func TestStandinServesTCPOnGrpcPort(t *testing.T) {
	api := &fakeAPI{}
	srv := httptest.NewTLSServer(api)
	defer srv.Close()
	inCluster(t, srv)
	t.Setenv("STANDIN_PERFORMER_TLS", "false")
	port := startPerformer(t, perf.ServerConfig{})
	grpcPort := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &lineWaiter{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"run", "--config", config(t, grpcPort, fmt.Sprintf("127.0.0.2:%d", port))}, logs, logs)
	}()
	logs.wait(t, "task call succeeded")
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", grpcPort))
	if err != nil {
		t.Fatalf("TCP probe on grpcPort: %v", err)
	}
	c.Close()
	cancel()
	<-done
}

// TLS mode against verified TLS works; against a plaintext performer it fails with a clear line.
func TestStandinTLSMode(t *testing.T) {
	dir := t.TempDir()
	ca, cert, key, err := perf.TestPKI(dir, []net.IP{net.ParseIP("127.0.0.2")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Go reads SSL_CERT_FILE once per process; only this test dials verified TLS.
	t.Setenv("SSL_CERT_FILE", ca)
	api := &fakeAPI{}
	srv := httptest.NewTLSServer(api)
	defer srv.Close()
	inCluster(t, srv)
	t.Setenv("STANDIN_PERFORMER_TLS", "true")

	tlsPort := startPerformer(t, perf.ServerConfig{CertFile: cert, KeyFile: key, TLSOnly: true})
	logs, code := runStandin(t, config(t, freePort(t), fmt.Sprintf("127.0.0.2:%d", tlsPort)), "task call")
	if code != 0 || !strings.Contains(logs, "task call succeeded") || !strings.Contains(logs, "transport=tls result=") {
		t.Fatalf("verified TLS: exit %d\n%s", code, logs)
	}

	api.gets = 0
	plainPort := startPerformer(t, perf.ServerConfig{})
	logs, _ = runStandin(t, config(t, freePort(t), fmt.Sprintf("127.0.0.2:%d", plainPort)), "task call")
	if !regexp.MustCompile(`task call failed performer=performer-\S+ endpoint=127.0.0.2:\d+ transport=tls: .+`).MatchString(logs) {
		t.Fatalf("TLS against plaintext did not fail clearly:\n%s", logs)
	}
}

func TestStandinRejectsBadConfigAndUsage(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"--config", "x.yaml"}, &out, &out); code != 2 {
		t.Fatalf("without run: exit %d", code)
	}
	bad := filepath.Join(t.TempDir(), "config.yaml")
	_ = os.WriteFile(bad, []byte("grpcPort: 9000\n"), 0o600)
	out.Reset()
	if code := run(context.Background(), []string{"run", "--config", bad}, &out, &out); code != 1 || !strings.Contains(out.String(), "operator: required") {
		t.Fatalf("exit %d: %s", code, out.String())
	}
}
