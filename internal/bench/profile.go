package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/protocolserver"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/provider"
)

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
	if err := protocolserver.SetDefaultLogLevels(provider.Address); err != nil {
		return err
	}
	serveCtx, stop := context.WithCancel(ctx)
	defer stop()
	reattach, _, err := protocolserver.ServeInProcess(serveCtx, provider.Address, provider.New("bench"))
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
