// Package perf is the test performer (server side) and the gRPC client helpers shared by the
// performer's check/loop modes and the executor stand-in.
package perf

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"

	"hgctl.test/images/performerpb"
)

// HostHeader is the response header naming the pod that served a task, so that a client calling
// through a Service can tell the old and the new pod of a blue-green rollout apart.
const HostHeader = "performer-host"

// TaskResult is the performer's deterministic answer to a payload (hex SHA-256), so a test can
// check a result without talking to the performer.
func TaskResult(payload []byte) []byte {
	sum := sha256.Sum256(payload)
	return []byte(hex.EncodeToString(sum[:]))
}

// ServerConfig is what the performer reads from its environment.
type ServerConfig struct {
	Port int
	// StartupDelay is waited before the port is bound (a slow model load).
	StartupDelay time.Duration
	// CertFile and KeyFile, both set, turn TLS on.
	CertFile, KeyFile string
	// TLSOnly refuses plaintext when TLS is on. Otherwise the port takes both (the first byte of
	// a connection tells them apart), so the kubelet's gRPC probe, which has no TLS, still works.
	TLSOnly bool
}

type performerService struct {
	performerpb.UnimplementedPerformerServiceServer
	host string
	log  *log.Logger
}

func (s *performerService) StartSync(context.Context, *performerpb.StartSyncRequest) (*performerpb.StartSyncResponse, error) {
	return &performerpb.StartSyncResponse{}, nil
}

func (s *performerService) ExecuteTask(ctx context.Context, req *performerpb.TaskRequest) (*performerpb.TaskResponse, error) {
	result := TaskResult(req.Payload)
	from, security := "unknown", "plaintext"
	if p, ok := peer.FromContext(ctx); ok {
		from = p.Addr.String()
		if _, isTLS := p.AuthInfo.(credentials.TLSInfo); isTLS {
			security = "tls"
		}
	}
	_ = grpc.SetHeader(ctx, metadata.Pairs(HostHeader, s.host))
	s.log.Printf("task served id=%q payload_bytes=%d result=%s from=%s transport=%s",
		req.TaskId, len(req.Payload), result, from, security)
	return &performerpb.TaskResponse{TaskId: req.TaskId, Result: result}, nil
}

// NewServer builds the gRPC server: PerformerService and grpc.health.v1 ("" and the performer
// service both SERVING, like the upstream performer server, which answers SERVING to any name).
func NewServer(cfg ServerConfig, logger *log.Logger) (*grpc.Server, error) {
	var opts []grpc.ServerOption
	if cfg.CertFile != "" || cfg.KeyFile != "" {
		if cfg.CertFile == "" || cfg.KeyFile == "" {
			return nil, fmt.Errorf("TLS needs both a certificate and a key file (got cert %q, key %q)", cfg.CertFile, cfg.KeyFile)
		}
		cert, err := tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("loading the TLS key pair: %w", err)
		}
		tc := credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		if cfg.TLSOnly {
			opts = append(opts, grpc.Creds(tc))
		} else {
			opts = append(opts, grpc.Creds(&sniffCreds{tls: tc}))
		}
	}
	host, _ := os.Hostname()
	gs := grpc.NewServer(opts...)
	performerpb.RegisterPerformerServiceServer(gs, &performerService{host: host, log: logger})
	hs := health.NewServer()
	hs.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	hs.SetServingStatus(performerpb.PerformerService_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(gs, hs)
	return gs, nil
}

// sniffCreds serves TLS to connections that open with a TLS record and plaintext to the others.
type sniffCreds struct {
	tls credentials.TransportCredentials
}

const tlsHandshakeRecord = 0x16

func (c *sniffCreds) ServerHandshake(conn net.Conn) (net.Conn, credentials.AuthInfo, error) {
	first := make([]byte, 1)
	if _, err := io.ReadFull(conn, first); err != nil {
		return nil, nil, err
	}
	replay := &replayConn{Conn: conn, head: bytes.NewReader(first)}
	if first[0] == tlsHandshakeRecord {
		return c.tls.ServerHandshake(replay)
	}
	return insecure.NewCredentials().ServerHandshake(replay)
}

func (c *sniffCreds) ClientHandshake(ctx context.Context, authority string, conn net.Conn) (net.Conn, credentials.AuthInfo, error) {
	return c.tls.ClientHandshake(ctx, authority, conn)
}
func (c *sniffCreds) Info() credentials.ProtocolInfo          { return c.tls.Info() }
func (c *sniffCreds) Clone() credentials.TransportCredentials { return &sniffCreds{tls: c.tls.Clone()} }
func (c *sniffCreds) OverrideServerName(name string) error {
	return c.tls.OverrideServerName(name) //nolint:staticcheck // part of the interface
}

// replayConn gives back the bytes read while sniffing before reading on.
type replayConn struct {
	net.Conn
	head *bytes.Reader
}

func (c *replayConn) Read(p []byte) (int, error) {
	if c.head.Len() > 0 {
		return c.head.Read(p)
	}
	return c.Conn.Read(p)
}

// Serve waits the start-up delay (returning early if ctx ends), binds the port and serves until
// ctx ends. ready, if not nil, receives the bound address.
func Serve(ctx context.Context, cfg ServerConfig, logger *log.Logger, ready chan<- net.Addr) error {
	gs, err := NewServer(cfg, logger)
	if err != nil {
		return err
	}
	mode := "plaintext"
	if cfg.CertFile != "" {
		mode = "TLS and plaintext"
		if cfg.TLSOnly {
			mode = "TLS only"
		}
	}
	if cfg.StartupDelay > 0 {
		logger.Printf("start-up: loading for %s before binding port %d (PERFORMER_STARTUP_DELAY)", cfg.StartupDelay, cfg.Port)
		select {
		case <-time.After(cfg.StartupDelay):
		case <-ctx.Done():
			return nil
		}
	}
	ln, err := net.Listen("tcp", fmt.Sprintf(":%d", cfg.Port))
	if err != nil {
		return err
	}
	logger.Printf("serving PerformerService and grpc.health.v1 on %s (%s, uid %d)", ln.Addr(), mode, os.Getuid())
	if ready != nil {
		ready <- ln.Addr()
	}
	go func() {
		<-ctx.Done()
		stopped := make(chan struct{})
		go func() { gs.GracefulStop(); close(stopped) }()
		select {
		case <-stopped:
		case <-time.After(5 * time.Second):
			gs.Stop()
		}
	}()
	return gs.Serve(ln)
}
