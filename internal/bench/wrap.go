package bench

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

// The CLI starts a provider as its own child, so the bench cannot wait for it. Instead the CLI
// configuration's dev_overrides point at a directory of small scripts, one per provider, each
// running `bench -wrap REAL ARGS...`: Wrap runs the real provider binary as its child with the
// same stdin, stdout, stderr and environment (go-plugin's handshake and gRPC pass straight
// through), waits for it, and appends the child's resource usage (getrusage: user + system CPU
// time, peak RSS) as one JSON line to the file named by envRusageFile. A command that starts the
// provider more than once (tofu does for schemas, plan and apply) gets one line per process.

// envRusageFile names the file a wrapped provider appends its usage line to; unset, nothing is
// written.
const envRusageFile = "BENCH_RUSAGE_FILE"

// processUsage is one provider process's resource usage.
type processUsage struct {
	Provider string  `json:"provider"`
	CPUSec   float64 `json:"cpu_s"`
	MaxRSSKB int64   `json:"max_rss_kb"`
}

// Wrap runs the provider binary provider with args as described above and returns its exit code.
func Wrap(provider string, args []string) int {
	cmd := exec.Command(provider, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "bench wrapper:", err)
		return 1
	}
	// The CLI may interrupt or terminate its provider; the provider must get the signal.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		for s := range signals {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "bench wrapper:", err)
		return 1
	}
	if path := os.Getenv(envRusageFile); path != "" {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			u := processUsage{
				Provider: provider,
				CPUSec:   timevalSeconds(ru.Utime) + timevalSeconds(ru.Stime),
				MaxRSSKB: ru.Maxrss, // kilobytes on Linux
			}
			if err := appendJSONLine(path, u); err != nil {
				fmt.Fprintln(os.Stderr, "bench wrapper:", err)
			}
		}
	}
	return code
}

func timevalSeconds(t syscall.Timeval) float64 {
	return float64(t.Sec) + float64(t.Usec)/1e6
}

// appendJSONLine appends v as one line; O_APPEND keeps concurrent writers' lines whole.
func appendJSONLine(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(append(b, '\n'))
	return errors.Join(err, f.Close())
}
