package protocolserver

import (
	"os"
	"runtime/debug"
)

// DefaultGCPercent is the garbage collector's target (GOGC) of a provider process whose user
// left GOGC unset. A provider's live heap is small and flat (a few MB once the per-RPC leak is
// gone, see the package comment), while the framework allocates about 1 MB per resource per
// plan converting values, so at Go's default of 100 the collector runs every few resources.
// Measured on this repository's 2-CPU machine: BenchmarkRPCPlan (internal/provider) takes about
// 4.0 ms of CPU per resource at 100, 2.6 to 3.2 at 200 and 2.0 to 2.7 at 400; the provider's peak
// RSS in `make bench SIZES=1000` is 37 MB at 100, 46 MB at 200 and 64 to 73 MB at 400. 200 keeps
// the peak well under the 64 MB the project allows at 3000 resources.
const DefaultGCPercent = 200

// SetDefaultGCPercent sets the collector's target to DefaultGCPercent unless the GOGC
// environment variable says otherwise (the runtime has then applied it already).
func SetDefaultGCPercent() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(DefaultGCPercent)
	}
}
