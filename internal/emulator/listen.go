package emulator

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"time"
)

// listen binds the address, tells the identity side where it listens (its
// issuer URLs contain the port) and serves TLS (HTTP/1.1 only:
// dropped-connection faults hijack the connection, which HTTP/2 does not
// allow).
func (e *Emulator) listen(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("emulator: address %q: %w", addr, err)
	}
	cert, err := e.ca.serverCertificate(host)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("emulator: %w", err)
	}
	tcpAddr, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		_ = ln.Close()
		return fmt.Errorf("emulator: listening on %s gave a %T address, not TCP", addr, ln.Addr())
	}
	e.baseURL = "https://" + urlHost(host, tcpAddr) + "/"
	e.identity.Bind(e.baseURL, e.ca.cert)
	baseCtx, cancel := context.WithCancel(context.Background())
	e.cancelBase = cancel
	e.srv = &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		// TLS handshake errors from clients that do not trust the CA are
		// the client's to report; the emulator stays quiet.
		ErrorLog:    log.New(io.Discard, "", 0),
		BaseContext: func(net.Listener) context.Context { return baseCtx },
	}
	tlsLn := tls.NewListener(ln, &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"http/1.1"},
	})
	go func() {
		defer close(e.served)
		_ = e.srv.Serve(tlsLn)
	}()
	return nil
}

// urlHost is the host[:port] clients should use: the configured name when it
// is one, loopback for a wildcard address.
func urlHost(host string, addr *net.TCPAddr) string {
	port := strconv.Itoa(addr.Port)
	ip := net.ParseIP(host)
	switch {
	case host != "" && ip == nil:
		return net.JoinHostPort(host, port)
	case ip != nil && !ip.IsUnspecified():
		return net.JoinHostPort(ip.String(), port)
	case addr.IP.To4() == nil && !addr.IP.IsUnspecified():
		return net.JoinHostPort("::1", port)
	}
	return net.JoinHostPort("127.0.0.1", port)
}
