// Package bench is `make bench`: it measures the provider through the real CLI (OpenTofu) against
// the Key Vault emulator, next to what the same work costs the CLI alone (terraform_data), the CLI
// with a do-nothing provider (the plugin protocol's own cost, see nullprovider), and raw azsecrets
// making the same requests (the floor), and counts the Key Vault requests of each operation.
package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// Options configure a bench run.
type Options struct {
	Sizes       []int         // N: resources per configuration
	Tofu        string        // the CLI
	Dir         string        // scratch directory: binaries, CLI configuration, working directories
	ModuleDir   string        // the provider's module, built with go build
	Parallelism int           // the CLI's -parallelism
	Latency     time.Duration // the emulator's latency per data-plane request
	Log         io.Writer     // progress lines
}

// Results is the JSON document `make bench` writes.
type Results struct {
	RequestsPerOp map[string]map[string]float64 `json:"requests_per_op"`
	// RequestsDetail is RequestsPerOp by Key Vault operation (GetSecret, SetSecret, ...).
	RequestsDetail map[string]map[string]map[string]float64 `json:"requests_detail"`
	Scale          []ScaleRow                               `json:"scale"`
	PeakRSSMB      float64                                  `json:"peak_rss_mb"`
	Machine        Machine                                  `json:"machine"`
	CLI            map[string]string                        `json:"cli_versions"`
	Settings       Settings                                 `json:"settings"`
	Method         string                                   `json:"method"`
}

// ScaleRow is one operation at one size. Times are wall-clock seconds of the whole CLI command.
type ScaleRow struct {
	N    int     `json:"n"`
	Op   string  `json:"op"` // apply, plan, destroy
	Prov float64 `json:"provider_s"`
	// CLIBaseline is terraform_data x N: the CLI's own cost.
	CLIBaseline float64 `json:"cli_baseline_s"`
	// Floor is raw azsecrets making the provider command's Key Vault requests at the same concurrency.
	Floor float64 `json:"floor_s"`
	// ProviderShare is (provider - cli_baseline) / floor.
	ProviderShare float64 `json:"provider_share"`
	ProviderCPU   float64 `json:"provider_cpu_s"`
	// ProviderCPUMSPerResource is provider_cpu_s per resource, in milliseconds.
	ProviderCPUMSPerResource float64 `json:"provider_cpu_ms_per_resource"`
	PeakRSSMB                float64 `json:"peak_rss_mb"`
	// ProviderProcesses is how many times the command started the provider.
	ProviderProcesses int `json:"provider_processes"`
	// Requests is the number of Key Vault requests the command made (challenges included).
	Requests int `json:"requests"`
	// Protocol* are the do-nothing provider's numbers (benchnull_thing x N): the CLI plus the
	// plugin protocol, the least a provider can cost.
	Protocol          float64 `json:"protocol_s"`
	ProtocolCPU       float64 `json:"protocol_cpu_s"`
	ProtocolPeakRSSMB float64 `json:"protocol_peak_rss_mb"`
	// ProviderShareOverProtocol is (provider - protocol) / floor: the provider's share once the
	// plugin protocol's own cost is set aside.
	ProviderShareOverProtocol float64 `json:"provider_share_over_protocol"`
	// SchemaTwin* are the do-nothing provider's benchnull_secret x N, which has bifrost_secret's
	// schema: the CLI, the plugin protocol and the framework's work for this schema, the least
	// bifrost_secret can cost whatever its own code does.
	SchemaTwin                 float64 `json:"schema_twin_s"`
	SchemaTwinCPU              float64 `json:"schema_twin_cpu_s"`
	SchemaTwinCPUMSPerResource float64 `json:"schema_twin_cpu_ms_per_resource"`
	SchemaTwinPeakRSSMB        float64 `json:"schema_twin_peak_rss_mb"`
	// ProviderShareOverSchemaTwin is (provider - schema_twin) / floor: the share of the
	// provider's own code and requests.
	ProviderShareOverSchemaTwin float64 `json:"provider_share_over_schema_twin"`
}

// Machine is where the bench ran.
type Machine struct {
	NProc     int    `json:"nproc"`
	Model     string `json:"model"`
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
}

// Settings are the run's parameters.
type Settings struct {
	Sizes       []int   `json:"sizes"`
	Parallelism int     `json:"parallelism"`
	LatencyMS   float64 `json:"latency_ms"`
	StartedAt   string  `json:"started_at"`
	DurationS   float64 `json:"duration_s"`
}

const method = "Each number is one run of the whole CLI command (OpenTofu, -parallelism as in settings) in a fresh " +
	"working directory: apply creates N entries, plan refreshes them, destroy removes them. The provider is the real " +
	"binary (go build of this module) reached through dev_overrides; it and the do-nothing provider run under a " +
	"wrapper that records each provider process's getrusage (user+system CPU, peak RSS); cpu sums every provider " +
	"process of the command, peak RSS is the largest. The do-nothing provider serves two resources: benchnull_thing " +
	"(a name, a value and an id: the plugin protocol's own cost) and benchnull_secret, the schema twin, which has " +
	"bifrost_secret's schema and does nothing (the least bifrost_secret can cost, the framework's work for its " +
	"schema included). The emulator runs in the bench process. The floor replays the " +
	"emulator's audit log of the provider's command with raw azsecrets at concurrency 10. requests_per_op counts the " +
	"emulator's data-plane requests per resource (4 resources per type) for the apply of a saved plan (create, " +
	"update, rotate, destroy), a plan without changes (refresh) and a plan with import blocks (import)."

// testOrg is the organization of the bench's entries.
const testOrg = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"

// bencher holds a run's state.
type bencher struct {
	opts     Options
	dir      string
	em       *emulator.Emulator
	extraEnv []string // added to every CLI command's environment
}

// Run builds the providers, starts the emulator and measures everything Results holds.
func Run(ctx context.Context, opts Options) (*Results, error) {
	started := time.Now()
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	b := &bencher{opts: opts, dir: dir}
	if err := b.setup(ctx); err != nil {
		return nil, err
	}
	defer b.em.Close()

	res := &Results{Machine: machine(), CLI: map[string]string{}, Method: method,
		Settings: Settings{Sizes: opts.Sizes, Parallelism: opts.Parallelism, LatencyMS: float64(opts.Latency) / float64(time.Millisecond),
			StartedAt: started.UTC().Format(time.RFC3339)}}
	version := exec.CommandContext(ctx, opts.Tofu, "version")
	version.Env = b.cliEnv()
	if out, err := version.Output(); err == nil {
		res.CLI[filepath.Base(opts.Tofu)] = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	}

	floor, err := newFloorClient(b.em)
	if err != nil {
		return nil, err
	}
	b.logf("counting requests per operation")
	if res.RequestsPerOp, res.RequestsDetail, err = b.requestsPerOp(ctx, floor); err != nil {
		return nil, err
	}
	for _, n := range opts.Sizes {
		rows, err := b.scale(ctx, n, floor)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			res.PeakRSSMB = max(res.PeakRSSMB, r.PeakRSSMB)
		}
		res.Scale = append(res.Scale, rows...)
	}
	res.Settings.DurationS = round(time.Since(started).Seconds(), 1)
	return res, nil
}

func (b *bencher) logf(format string, args ...any) {
	if b.opts.Log != nil {
		fmt.Fprintf(b.opts.Log, "bench: "+format+"\n", args...)
	}
}

// setup builds the provider and the do-nothing provider, writes the wrappers and the CLI
// configuration, and starts the emulator.
func (b *bencher) setup(ctx context.Context) error {
	realDir, pluginDir := filepath.Join(b.dir, "real"), filepath.Join(b.dir, "plugins")
	for _, d := range []string{realDir, pluginDir, filepath.Join(b.dir, "work")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	for name, pkg := range map[string]string{
		"terraform-provider-bifrost":   ".",
		"terraform-provider-benchnull": "./internal/bench/nullprovider",
	} {
		b.logf("building %s", name)
		build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(realDir, name), pkg)
		build.Dir, build.Stdout, build.Stderr = b.opts.ModuleDir, os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("go build %s: %w", pkg, err)
		}
		script := fmt.Sprintf("#!/bin/sh\nexec %q -wrap %q \"$@\"\n", self, filepath.Join(realDir, name))
		if err := os.WriteFile(filepath.Join(pluginDir, name), []byte(script), 0o755); err != nil {
			return err
		}
	}
	tfrc := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/bifrost-platform/bifrost"   = %[1]q
    "registry.terraform.io/bifrost-platform/benchnull" = %[1]q
  }
  direct {}
}
`, pluginDir)
	if err := os.WriteFile(filepath.Join(b.dir, "cli.tfrc"), []byte(tfrc), 0o600); err != nil {
		return err
	}
	caCert, caKey := filepath.Join(b.dir, "ca.pem"), filepath.Join(b.dir, "ca-key.pem")
	b.em, err = emulator.Start(emulator.Options{CACertFile: caCert, CAKeyFile: caKey, Faults: emulator.Faults{Latency: b.opts.Latency}})
	if err != nil {
		return fmt.Errorf("starting the emulator: %w", err)
	}
	// The floor's azsecrets client trusts the emulator as the provider does: Go reads
	// SSL_CERT_FILE once, at the first TLS connection, which is after this.
	return os.Setenv("SSL_CERT_FILE", b.em.CACertFile())
}

// providerBlock is the configuration that reaches the emulator as its officer.
func (b *bencher) providerBlock() string {
	p := b.em.Principal("officer")
	return fmt.Sprintf(`terraform {
  required_providers {
    bifrost = { source = "registry.terraform.io/bifrost-platform/bifrost" }
  }
}

provider "bifrost" {
  vault_url                            = %q
  authority_host                       = %q
  tenant_id                            = %q
  client_id                            = %q
  client_secret                        = %q
  skip_challenge_resource_verification = true
}
`, b.em.VaultURL(), b.em.AuthorityHost(), b.em.TenantID(), p.ClientID, p.ClientSecret)
}

func machine() Machine {
	m := Machine{NProc: runtime.NumCPU(), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.Model = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}

func round(x float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	if x < 0 {
		return -float64(int64(-x*p+0.5)) / p
	}
	return float64(int64(x*p+0.5)) / p
}

// WriteJSON writes r to path, creating its directory.
func WriteJSON(path string, r *Results) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
