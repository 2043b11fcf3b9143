package perf

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// ClientTLS says how a client dials: plaintext, or TLS verified against the system roots (which Go
// reads from SSL_CERT_FILE / SSL_CERT_DIR when set) plus an optional extra CA file.
type ClientTLS struct {
	Enabled    bool
	CAFile     string
	ServerName string
}

// Credentials returns the transport credentials for t.
func (t ClientTLS) Credentials() (credentials.TransportCredentials, error) {
	if !t.Enabled && t.CAFile == "" {
		return insecure.NewCredentials(), nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("reading the CA file: %w", err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("no PEM certificate in %s", t.CAFile)
		}
	}
	return credentials.NewTLS(&tls.Config{RootCAs: pool, ServerName: t.ServerName, MinVersion: tls.VersionTLS12}), nil
}

// Dial returns a client connection to addr (host:port), connecting lazily like grpc.NewClient.
func Dial(addr string, t ClientTLS) (*grpc.ClientConn, error) {
	creds, err := t.Credentials()
	if err != nil {
		return nil, err
	}
	return grpc.NewClient("passthrough:///"+addr, grpc.WithTransportCredentials(creds))
}

// Resolution is the outcome of resolving a host name.
type Resolution struct {
	Addrs   []string
	Latency time.Duration
}

// Resolve looks up the host of addr (host:port); an IP address resolves to itself.
func Resolve(ctx context.Context, addr string) (Resolution, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return Resolution{}, fmt.Errorf("address %q is not host:port: %w", addr, err)
	}
	start := time.Now()
	addrs, err := net.DefaultResolver.LookupHost(ctx, host)
	return Resolution{Addrs: addrs, Latency: time.Since(start)}, err
}

// CheckHealth calls grpc.health.v1 Check for service ("" = the whole server).
func CheckHealth(ctx context.Context, conn *grpc.ClientConn, service string) (healthpb.HealthCheckResponse_ServingStatus, error) {
	resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{Service: service})
	if err != nil {
		return healthpb.HealthCheckResponse_UNKNOWN, err
	}
	return resp.Status, nil
}
