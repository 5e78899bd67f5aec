package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/protocolserver"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/provider"
)

// providerAddress is the provider's address, as main.go serves it.
const providerAddress = "registry.terraform.io/bifrost-platform/bifrost"

// Profile writes a CPU profile of the provider during one command (apply, plan or destroy) of n
// entries to cpuFile. The provider is served in this process, as main.go serves it (protocolserver,
// default log levels), and the CLI attaches to it through TF_REATTACH_PROVIDERS; the commands
// before op run unprofiled. The emulator runs in this process too: its frames are under
// internal/emulator and net/http's server, and `go tool pprof -focus` leaves them out.
func Profile(ctx context.Context, opts Options, n int, op, cpuFile string) error {
	if !slices.Contains(scaleOps, op) {
		return fmt.Errorf("cannot profile %q: want one of %v", op, scaleOps)
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return err
	}
	b := &bencher{opts: opts, dir: dir}
	if err := b.setup(ctx); err != nil {
		return err
	}
	defer b.em.Close()
	if err := protocolserver.SetDefaultLogLevels(providerAddress); err != nil {
		return err
	}
	serveCtx, stop := context.WithCancel(ctx)
	defer stop()
	reattach, err := serveInProcess(serveCtx)
	if err != nil {
		return err
	}
	b.extraEnv = []string{"TF_REATTACH_PROVIDERS=" + reattach}
	w, err := b.newWorkdir(fmt.Sprintf("profile-%d", n), b.scaleConfigs(n)["provider"])
	if err != nil {
		return err
	}
	for _, o := range scaleOps[:slices.Index(scaleOps, op)] {
		if _, err := w.run(ctx, b.opArgs(o)...); err != nil {
			return err
		}
	}
	f, err := os.Create(cpuFile)
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		return errors.Join(err, f.Close())
	}
	r, err := w.run(ctx, b.opArgs(op)...)
	pprof.StopCPUProfile()
	if err := errors.Join(err, f.Close()); err != nil {
		return err
	}
	b.logf("N=%d %s: %.2f s; wrote %s: go tool pprof -top -cum -focus 'bifrost|terraform-plugin|grpc' %s", n, op, r.Wall.Seconds(), cpuFile, cpuFile)
	return nil
}

// serveInProcess serves the provider in this process until ctx ends and returns the
// TF_REATTACH_PROVIDERS value that points the CLI at it.
func serveInProcess(ctx context.Context) (string, error) {
	server, err := protocolserver.New(provider.New("bench"))()
	if err != nil {
		return "", err
	}
	reattach := make(chan *plugin.ReattachConfig, 1)
	serveErr := make(chan error, 1)
	go func() {
		serveErr <- tf6server.Serve(providerAddress, func() tfprotov6.ProviderServer { return server },
			tf6server.WithDebug(ctx, reattach, nil),
			tf6server.WithGoPluginLogger(hclog.New(&hclog.LoggerOptions{Output: io.Discard, Level: hclog.Off})))
	}()
	var cfg *plugin.ReattachConfig
	select {
	case cfg = <-reattach:
	case err := <-serveErr:
		return "", fmt.Errorf("serving the provider: %w", err)
	case <-time.After(30 * time.Second):
		return "", fmt.Errorf("the provider server did not start")
	}
	type addr struct{ Network, String string }
	type attach struct {
		Protocol        string
		ProtocolVersion int
		Pid             int
		Test            bool
		Addr            addr
	}
	b, err := json.Marshal(map[string]attach{providerAddress: {
		Protocol: string(cfg.Protocol), ProtocolVersion: cfg.ProtocolVersion, Pid: cfg.Pid, Test: true,
		Addr: addr{Network: cfg.Addr.Network(), String: cfg.Addr.String()},
	}})
	return string(b), err
}
