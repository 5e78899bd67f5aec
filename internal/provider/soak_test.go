package provider

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// soakEntriesEnv names the variable that sets how many entries the fault, crash and transition
// tests manage; `make soak` sets it to 200. Not a BIFROST_ variable: TestMain unsets those.
const soakEntriesEnv = "SOAK_ENTRIES"

// soakEntries is how many entries a scale test manages: def, or SOAK_ENTRIES when it is set.
func soakEntries(t *testing.T, def int) int {
	t.Helper()
	s := os.Getenv(soakEntriesEnv)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 8 {
		t.Fatalf("%s=%q: want a whole number of at least 8", soakEntriesEnv, s)
	}
	return n
}

// Deletions and recoveries that take far longer than Key Vault's usual few seconds: a destroy
// followed at once by an apply of the same names meets every secret still being deleted, waits,
// recovers it (waiting again) and writes the new value; a destroy with purge_on_destroy waits
// out each deletion before purging. Each phase ends with the vault equal to the state.
func TestAccSoak_transitionDelays(t *testing.T) {
	n := soakEntries(t, 20)
	v := newAccVault(t, func(o *emulator.Options) {
		o.Faults.DeleteDelay = 5 * time.Second
		o.Faults.RecoverDelay = 5 * time.Second
	})
	config := func(purge bool) string {
		return v.config(fmt.Sprintf(`
resource "bifrost_secret" "fleet" {
  for_each        = toset([for i in range(%d) : format("slow-%%03d", i)])
  organization_id = %q
  name            = each.key
  value           = "value-of-${each.key}"
}
`, n, testOrg), fmt.Sprintf("purge_on_destroy = %t", purge))
	}
	w := newCLIWorkdir(t, config(false))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	want := map[string]string{}
	for i := range n {
		name := fmt.Sprintf("slow-%03d", i)
		want[name] = "value-of-" + name
	}
	destroy := func() {
		t.Helper()
		if out, err := w.run(ctx, "destroy", "-auto-approve", "-input=false", "-no-color", "-parallelism=10"); err != nil {
			t.Fatalf("destroy failed: %v\n%s", err, out)
		}
		if got := w.stateList(ctx); len(got) != 0 {
			t.Fatalf("after destroy the state holds %d entries", len(got))
		}
	}

	if out, err := w.apply(ctx, 10); err != nil {
		t.Fatalf("apply failed: %v\n%s", err, out)
	}
	destroy()
	// Every name is still being deleted: the creates wait, recover and write.
	start := time.Now()
	if out, err := w.apply(ctx, 10); err != nil {
		t.Fatalf("apply over secrets being deleted failed: %v\n%s", err, out)
	}
	if v.StatusCounts()[http.StatusConflict] == 0 || v.RequestCounts()[emulator.OpRecoverDeletedSecret] == 0 {
		t.Fatal("the apply after destroy met no deletion in progress or recovered nothing: the test proves nothing")
	}
	t.Logf("re-created %d entries over deletions in progress in %s", n, time.Since(start).Round(time.Second))
	if err := v.checkVaultHolds(testOrg, want, n); err != nil {
		t.Fatal(err)
	}
	if code, out := w.planExitCode(ctx); code != 0 {
		t.Fatalf("the plan after the recovering apply is not empty (exit %d):\n%s", code, out)
	}

	// With purge_on_destroy, destroy waits for each deletion and purges: nothing is left,
	// not even in the vault's deleted secrets.
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(config(true)), 0o600); err != nil {
		t.Fatal(err)
	}
	destroy()
	if left, err := v.store().List(ctx, testOrg, bifrost.KindSecret); err != nil || len(left) != 0 {
		t.Fatalf("after the purging destroy the vault holds %d entries (err %v)", len(left), err)
	}
	deleted := 0
	pager := v.kvClient().NewListDeletedSecretPropertiesPager(nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.Value {
			if s.ID != nil && strings.Contains(string(*s.ID), "-slow-") {
				deleted++
			}
		}
	}
	if deleted != 0 {
		t.Fatalf("after the purging destroy %d secrets are left soft-deleted", deleted)
	}
}

// A CLI killed with SIGKILL at random points of several applies and destroys leaves the vault
// and the state apart; the next complete run of each brings them together again: the vault
// holds exactly the entries of the state, with their values, and the plan after it is empty.
func TestAccSoak_killedAtRandomPoints(t *testing.T) {
	n := soakEntries(t, 20)
	v := newAccVault(t, func(o *emulator.Options) { o.Faults.Latency = 30 * time.Millisecond })
	w := newCLIWorkdir(t, v.config(fmt.Sprintf(`
resource "bifrost_secret" "fleet" {
  for_each        = toset([for i in range(%d) : format("killed-%%03d", i)])
  organization_id = %q
  name            = each.key
  value           = "value-of-${each.key}"
}
`, n, testOrg)))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	requests := func() int {
		total := 0
		for _, c := range v.RequestCounts() {
			total += c
		}
		return total
	}
	// runKilled runs the CLI and kills it once the vault has answered `after` more requests,
	// unless it ends before; it reports whether it was killed.
	runKilled := func(after int, args ...string) bool {
		t.Helper()
		start := requests()
		cmd, _ := w.command(ctx, nil, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return false
			case <-tick.C:
				if requests()-start >= after {
					_ = cmd.Process.Signal(syscall.SIGKILL)
					<-done
					return true
				}
			}
		}
	}
	// The kill points stay before the command's last request, so that the CLI is not killed
	// while it writes the state file (a torn state file is the CLI's risk, not the provider's).
	args := func(verb string) []string {
		return []string{verb, "-auto-approve", "-input=false", "-no-color", "-parallelism=10"}
	}
	for round := range 3 {
		after := 1 + rand.IntN(n) // an apply of n creates makes about 2n requests
		killed := runKilled(after, args("apply")...)
		t.Logf("apply %d: killed after %d requests: %t; %d entries in state", round+1, after, killed, len(w.stateList(ctx)))
	}
	if out, err := w.apply(ctx, 10); err != nil {
		t.Fatalf("apply after the killed ones failed: %v\n%s", err, out)
	}
	want := map[string]string{}
	for i := range n {
		name := fmt.Sprintf("killed-%03d", i)
		want[name] = "value-of-" + name
	}
	if got := len(w.stateList(ctx)); got != n {
		t.Fatalf("after the complete apply the state holds %d entries, want %d", got, n)
	}
	if err := v.checkVaultHolds(testOrg, want, n); err != nil {
		t.Fatal(err)
	}
	if code, out := w.planExitCode(ctx); code != 0 {
		t.Fatalf("the plan after the complete apply is not empty (exit %d):\n%s", code, out)
	}

	for round := range 2 {
		after := 1 + rand.IntN(n+n/2) // a destroy of n entries makes about 2n requests
		killed := runKilled(after, args("destroy")...)
		t.Logf("destroy %d: killed after %d requests: %t; %d entries in state", round+1, after, killed, len(w.stateList(ctx)))
	}
	if out, err := w.run(ctx, args("destroy")...); err != nil {
		t.Fatalf("destroy after the killed ones failed: %v\n%s", err, out)
	}
	if got := w.stateList(ctx); len(got) != 0 {
		t.Fatalf("after the complete destroy the state holds %d entries", len(got))
	}
	if left, err := v.store().List(ctx, testOrg, bifrost.KindSecret); err != nil || len(left) != 0 {
		t.Fatalf("after the complete destroy the vault holds %d entries (err %v)", len(left), err)
	}
}
