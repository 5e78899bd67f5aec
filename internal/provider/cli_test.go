package provider

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/protocolserver"
)

// cliWorkdir is a Terraform working directory driven by the CLI under test
// (TF_ACC_TERRAFORM_PATH) as a plain subprocess, for what terraform-plugin-testing cannot do:
// kill the CLI in the middle of an apply, or run two states against one vault at once. The
// provider is served in-process (the CLI attaches to it through TF_REATTACH_PROVIDERS, as
// terraform-plugin-testing does), one server per working directory.
type cliWorkdir struct {
	t   *testing.T
	cli string
	dir string
	env []string
}

// newCLIWorkdir writes config into a fresh directory and runs `init`. It skips the test
// unless TF_ACC is set, like every acceptance test.
func newCLIWorkdir(t *testing.T, config string) *cliWorkdir {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH to run it")
	}
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH must name the Terraform or OpenTofu binary to test with")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	cliConfig := filepath.Join(dir, "empty.tfrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	w := &cliWorkdir{t: t, cli: cli, dir: dir}
	w.env = append(cleanEnviron(),
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_REATTACH_PROVIDERS="+serveProviderForCLI(t),
	)
	if out, err := w.run(context.Background(), "init", "-input=false", "-no-color"); err != nil {
		t.Fatalf("init failed: %v\n%s", err, out)
	}
	return w
}

// cleanEnviron is the test process's environment without Terraform's own variables, so the
// CLI under test sees only what each test sets.
func cleanEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// serveProviderForCLI serves a new provider instance in-process until the test ends and
// returns the TF_REATTACH_PROVIDERS value that points the CLI at it.
func serveProviderForCLI(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	// The provider's logs go where terraform-plugin-testing sends them (TF_LOG,
	// TF_LOG_PATH_MASK), not into the test output.
	reattach, closed, err := protocolserver.ServeInProcess(ctx, "registry.terraform.io/hashicorp/bifrost", New("test"),
		tf6server.WithLoggingSink(t), tf6server.WithoutLogStderrOverride())
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		select {
		case <-closed:
		case <-time.After(10 * time.Second):
		}
	})
	return reattach
}

// command prepares a CLI command in the working directory; extraEnv adds variables
// (TF_VAR_*, TF_LOG, ...).
func (w *cliWorkdir) command(ctx context.Context, extraEnv []string, args ...string) (*exec.Cmd, *lockedBuffer) {
	cmd := exec.CommandContext(ctx, w.cli, args...)
	cmd.Dir = w.dir
	cmd.Env = append(slices.Clone(w.env), extraEnv...)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	return cmd, out
}

// run runs the CLI to completion and returns its combined output.
func (w *cliWorkdir) run(ctx context.Context, args ...string) (string, error) {
	cmd, out := w.command(ctx, nil, args...)
	err := cmd.Run()
	return out.String(), err
}

// apply runs `apply -auto-approve` with the given parallelism.
func (w *cliWorkdir) apply(ctx context.Context, parallelism int) (string, error) {
	return w.run(ctx, "apply", "-auto-approve", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", parallelism))
}

// planExitCode runs `plan -detailed-exitcode` and returns the exit code (0 no changes, 1 error,
// 2 changes) with the output.
func (w *cliWorkdir) planExitCode(ctx context.Context) (int, string) {
	out, err := w.run(ctx, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	if err == nil {
		return 0, out
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out
	}
	w.t.Fatalf("plan did not run: %v\n%s", err, out)
	return -1, out
}

// stateList returns the resource addresses in the working directory's state.
func (w *cliWorkdir) stateList(ctx context.Context) []string {
	w.t.Helper()
	out, err := w.run(ctx, "state", "list")
	if err != nil {
		if strings.Contains(out, "No state file") {
			return nil
		}
		w.t.Fatalf("state list: %v\n%s", err, out)
	}
	return strings.Fields(out)
}

// diagnosticAddresses returns the resource addresses that diagnostics with this summary name
// in CLI output (the "with ADDRESS," line that follows each diagnostic).
func diagnosticAddresses(output, summary string) []string {
	var addrs []string
	blocks := strings.Split(output, "Error: ")
	with := regexp.MustCompile(`(?m)^\s*(?:│\s*)?with ([^,\s]+),`)
	for _, b := range blocks[1:] {
		if !strings.HasPrefix(b, summary) {
			continue
		}
		if m := with.FindStringSubmatch(b); m != nil {
			addrs = append(addrs, m[1])
		}
	}
	slices.Sort(addrs)
	return slices.Compact(addrs)
}

// lockedBuffer collects a subprocess's output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// releasedProviderAddress is the address the released provider is published and served under:
// what a user's required_providers names.
const releasedProviderAddress = Address

// buildProviderBinary builds the provider's main package into a directory of t's and returns
// the directory, which holds terraform-provider-bifrost: the binary a user's CLI would start.
func buildProviderBinary(t *testing.T) string {
	t.Helper()
	// `go test` puts its own toolchain first in the test's PATH.
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("finding the go command to build the provider: %v", err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool, "build", "-o", filepath.Join(dir, "terraform-provider-bifrost"),
		"github.com/bifrost-platform/terraform-provider-bifrost")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	return dir
}

// newCLIWorkdirForBinary writes config into a fresh directory for the CLI under test, which
// starts the provider binary in binDir itself, exactly as for a user (so the provider's logs
// go through the CLI's own log pipeline): the CLI configuration's dev_overrides point
// releasedProviderAddress at binDir, which also makes `init` unnecessary. It skips the test
// unless TF_ACC is set, like every acceptance test.
func newCLIWorkdirForBinary(t *testing.T, config, binDir string) *cliWorkdir {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH to run it")
	}
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH must name the Terraform or OpenTofu binary to test with")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	cliConfig := filepath.Join(t.TempDir(), "dev.tfrc")
	overrides := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", releasedProviderAddress, binDir)
	if err := os.WriteFile(cliConfig, []byte(overrides), 0o600); err != nil {
		t.Fatal(err)
	}
	w := &cliWorkdir{t: t, cli: cli, dir: dir}
	w.env = append(cleanEnviron(),
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
	)
	return w
}

// cliVersion is the name and version of the CLI under test.
type cliVersion struct {
	openTofu            bool
	major, minor, patch int
}

// versionOfCLI runs `version` on the CLI under test ("Terraform v1.5.7", "OpenTofu v1.12.6").
func (w *cliWorkdir) versionOfCLI(ctx context.Context) cliVersion {
	w.t.Helper()
	out, err := w.run(ctx, "version")
	if err != nil {
		w.t.Fatalf("%s version: %v\n%s", w.cli, err, out)
	}
	m := regexp.MustCompile(`(?m)^(Terraform|OpenTofu) v(\d+)\.(\d+)\.(\d+)`).FindStringSubmatch(out)
	if m == nil {
		w.t.Fatalf("%s version: no version in its output:\n%s", w.cli, out)
	}
	v := cliVersion{openTofu: m[1] == "OpenTofu"}
	v.major, _ = strconv.Atoi(m[2])
	v.minor, _ = strconv.Atoi(m[3])
	v.patch, _ = strconv.Atoi(m[4])
	return v
}

// atLeast reports whether the CLI is of version major.minor or later.
func (v cliVersion) atLeast(major, minor int) bool { //nolint:unparam // every CLI so far is 1.x; a 2.0 would not be
	return v.major > major || (v.major == major && v.minor >= minor)
}

// ephemeral reports whether the CLI has ephemeral resources and variables (Terraform 1.10,
// OpenTofu 1.11).
func (v cliVersion) ephemeral() bool {
	if v.openTofu {
		return v.atLeast(1, 11)
	}
	return v.atLeast(1, 10)
}

// writeOnly reports whether the CLI has write-only arguments (Terraform and OpenTofu 1.11).
func (v cliVersion) writeOnly() bool {
	return v.atLeast(1, 11)
}

func (v cliVersion) String() string {
	name := "Terraform"
	if v.openTofu {
		name = "OpenTofu"
	}
	return fmt.Sprintf("%s %d.%d.%d", name, v.major, v.minor, v.patch)
}
