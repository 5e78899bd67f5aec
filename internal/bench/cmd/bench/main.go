// Command bench is `make bench` (see package bench): it prints a table and writes the results as
// JSON. Run with -wrap, it is the wrapper the CLI starts each provider through (see bench.Wrap).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bench"
)

func main() {
	if len(os.Args) > 2 && os.Args[1] == "-wrap" {
		os.Exit(bench.Wrap(os.Args[2], os.Args[3:]))
	}
	home, _ := os.UserHomeDir()
	var (
		sizes       = flag.String("sizes", "100 1000 3000", "resource counts N, separated by spaces or commas")
		out         = flag.String("out", "bench/results.json", "where the JSON results go")
		tofu        = flag.String("tofu", filepath.Join(home, ".cache/terraform-provider-bifrost/tools/bin/tofu"), "the OpenTofu CLI")
		dir         = flag.String("dir", ".cache/bench", "scratch directory")
		parallelism = flag.Int("parallelism", 10, "the CLI's -parallelism")
		latency     = flag.Duration("latency", 20*time.Millisecond, "the emulator's latency per Key Vault request")
		profileOp   = flag.String("profile", "", "instead of the bench: write a CPU profile of the provider during this command (apply, plan or destroy) of the first size's entries, served in-process")
		cpuProfile  = flag.String("cpuprofile", "bench/provider.cpu.pprof", "with -profile: where the profile goes")
	)
	flag.Parse()
	opts := bench.Options{Tofu: *tofu, Dir: *dir, ModuleDir: ".", Parallelism: *parallelism, Latency: *latency, Log: os.Stderr}
	for f := range strings.FieldsFuncSeq(*sizes, func(r rune) bool { return r == ' ' || r == ',' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "bench: invalid size %q\n", f)
			os.Exit(2)
		}
		opts.Sizes = append(opts.Sizes, n)
	}
	if len(opts.Sizes) == 0 {
		fmt.Fprintln(os.Stderr, "bench: no sizes given")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *profileOp != "" {
		if err := bench.Profile(ctx, opts, opts.Sizes[0], *profileOp, *cpuProfile); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	res, err := bench.Run(ctx, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	bench.PrintTable(os.Stdout, res)
	if err := bench.WriteJSON(*out, res); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	fmt.Printf("\nwrote %s\n", *out)
}
