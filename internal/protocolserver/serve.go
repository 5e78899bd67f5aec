package protocolserver

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// The two ways the provider is served, written once: to the CLI that started the process (the
// release binary, main.go), and in a process of its own to a CLI pointed at it (the acceptance
// tests that drive a CLI directly, and the bench's profile).

// Serve serves the provider providerFunc returns at address to the CLI that started this
// process. Unless debug, the SDK's loggers first default to what the CLI keeps (see
// SetDefaultLogLevels): not under -debug, where the logs go to this process's stderr, not
// through a CLI. With debug it serves as providerserver.Serve does for ServeOpts.Debug.
func Serve(address string, providerFunc func() provider.Provider, debug bool) error {
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	} else if err := SetDefaultLogLevels(address); err != nil {
		return err
	}
	server, err := New(providerFunc)()
	if err != nil {
		return err
	}
	return tf6server.Serve(address, func() tfprotov6.ProviderServer { return server }, opts...)
}

// ServeInProcess serves the provider providerFunc returns at address in this process until ctx
// ends, for a CLI started with TF_REATTACH_PROVIDERS set to the value it returns; done is closed
// once the server has stopped. opts add to the debug serving (a logging sink, say).
func ServeInProcess(ctx context.Context, address string, providerFunc func() provider.Provider, opts ...tf6server.ServeOpt) (reattach string, done <-chan struct{}, err error) {
	server, err := New(providerFunc)()
	if err != nil {
		return "", nil, err
	}
	configs := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	serveErr := make(chan error, 1)
	go func() {
		opts := append([]tf6server.ServeOpt{
			tf6server.WithDebug(ctx, configs, closed),
			tf6server.WithGoPluginLogger(hclog.New(&hclog.LoggerOptions{Output: io.Discard, Level: hclog.Off})),
		}, opts...)
		serveErr <- tf6server.Serve(address, func() tfprotov6.ProviderServer { return server }, opts...)
	}()
	var cfg *plugin.ReattachConfig
	select {
	case cfg = <-configs:
	case err := <-serveErr:
		return "", nil, fmt.Errorf("serving the provider: %w", err)
	case <-time.After(30 * time.Second):
		return "", nil, fmt.Errorf("the provider server did not start within 30 s")
	}
	type addr struct{ Network, String string }
	type attach struct {
		Protocol        string
		ProtocolVersion int
		Pid             int
		Test            bool
		Addr            addr
	}
	b, err := json.Marshal(map[string]attach{address: {
		Protocol: string(cfg.Protocol), ProtocolVersion: cfg.ProtocolVersion, Pid: cfg.Pid, Test: true,
		Addr: addr{Network: cfg.Addr.Network(), String: cfg.Addr.String()},
	}})
	return string(b), closed, err
}
