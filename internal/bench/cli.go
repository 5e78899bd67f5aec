package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// workdir is one Terraform working directory driven through the CLI.
type workdir struct {
	b   *bencher
	dir string
}

// cliRun is what one CLI command cost.
type cliRun struct {
	Wall  time.Duration
	Start time.Time // the emulator's audit log window of the command
	End   time.Time
	// The provider processes the command started, through the wrapper (see Wrap): their CPU
	// time added up, and the largest peak RSS among them.
	ProviderCPU  float64
	PeakRSSMB    float64
	ProviderRuns int
	Output       string
}

var runSeq atomic.Int64

func (b *bencher) newWorkdir(name, config string) (*workdir, error) {
	dir := filepath.Join(b.dir, "work", name)
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &workdir{b: b, dir: dir}, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600)
}

// setConfig replaces the configuration.
func (w *workdir) setConfig(config string) error {
	return os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(config), 0o600)
}

// run runs the CLI with args in the working directory and measures it.
func (w *workdir) run(ctx context.Context, args ...string) (cliRun, error) {
	usageFile := filepath.Join(w.b.dir, "work", fmt.Sprintf("rusage-%d.jsonl", runSeq.Add(1)))
	_ = os.Remove(usageFile)
	defer os.Remove(usageFile)
	cmd := exec.CommandContext(ctx, w.b.opts.Tofu, args...)
	cmd.Dir = w.dir
	cmd.Env = append(w.b.cliEnv(), envRusageFile+"="+usageFile)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	r := cliRun{Start: time.Now()}
	err := cmd.Run()
	r.End = time.Now()
	r.Wall = r.End.Sub(r.Start)
	r.Output = out.String()
	if err != nil {
		return r, fmt.Errorf("%s %s in %s: %w\n%s", filepath.Base(w.b.opts.Tofu), strings.Join(args, " "), w.dir, err, tail(r.Output, 4000))
	}
	usages, err := readUsages(usageFile)
	if err != nil {
		return r, err
	}
	for _, u := range usages {
		r.ProviderCPU += u.CPUSec
		r.PeakRSSMB = max(r.PeakRSSMB, float64(u.MaxRSSKB)/1024)
		r.ProviderRuns++
	}
	return r, nil
}

func readUsages(path string) ([]processUsage, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []processUsage
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var u processUsage
		if err := json.Unmarshal(sc.Bytes(), &u); err != nil {
			return nil, fmt.Errorf("reading %s: %w", path, err)
		}
		out = append(out, u)
	}
	return out, sc.Err()
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// cliEnv is the environment of every CLI command: the bench's own CLI configuration (its
// dev_overrides), the emulator's CA, and nothing of the user's Azure, Bifrost or CLI settings.
func (b *bencher) cliEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "TF_"), strings.HasPrefix(name, "ARM_"), strings.HasPrefix(name, "AZURE_"),
			strings.HasPrefix(name, "BIFROST_"), name == "SSL_CERT_FILE", name == "CHECKPOINT_DISABLE":
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"TF_CLI_CONFIG_FILE="+filepath.Join(b.dir, "cli.tfrc"),
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"SSL_CERT_FILE="+b.em.CACertFile(),
	)
	return append(env, b.extraEnv...)
}
