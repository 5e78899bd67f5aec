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

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

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
	v.requireEmulator("request counts (the test proves it met deletions in progress)")
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

// A second writer rotates, disables, expires and deletes entries at random while plans and
// applies run (saved plans, plain applies and applies without refresh). Applies may refuse a
// write (the entry changed since the plan) or fail on an entry deleted under them, but never
// with an inconsistent result; once the writer stops, two applies bring every entry back to
// what is declared (the second has nothing left to do), and no foreign version is taken as the
// provider's: the vault's latest version of each entry holds the declared value.
func TestAccSoak_otherWriters(t *testing.T) {
	n := soakEntries(t, 20)
	v := newAccVault(t)
	w := newCLIWorkdir(t, v.config(fmt.Sprintf(`
locals {
  names = [for i in range(%[1]d) : format("busy-%%03d", i)]
  # A recovery that the other writer undoes by deleting the secret again would be waited for
  # until the default 5 minutes; the soak's runs may fail, so they need not wait that long.
  timeouts = { create = "20s", read = "20s", update = "20s", delete = "20s" }
}

resource "bifrost_secret" "plain" {
  for_each        = toset([for i, n in local.names : n if i %% 3 == 0])
  organization_id = %[2]q
  name            = each.key
  value           = "value-of-${each.key}"
  description     = var.description
  timeouts        = local.timeouts
}

resource "bifrost_secret" "wo" {
  for_each         = toset([for i, n in local.names : n if i %% 3 == 1])
  organization_id  = %[2]q
  name             = each.key
  value_wo         = "value-of-${each.key}"
  value_wo_version = 1
  description      = var.description
  timeouts         = local.timeouts
}

resource "bifrost_config" "wo" {
  for_each         = toset([for i, n in local.names : replace(n, "-", "_") if i %% 3 == 2])
  organization_id  = %[2]q
  key              = each.key
  type             = "secret"
  value_wo         = "value-of-${each.key}"
  value_wo_version = 1
  description      = var.description
  timeouts         = local.timeouts
}

variable "description" {
  type    = string
  default = "round 0"
}
`, n, testOrg)))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	if v := w.versionOfCLI(ctx); !v.writeOnly() {
		t.Skipf("%s has no write-only attributes (1.11 and later)", v)
	}
	type entry struct {
		kind                bifrost.Kind
		name, kvName, value string
	}
	var entries []entry
	for i := range n {
		name := fmt.Sprintf("busy-%03d", i)
		e := entry{kind: bifrost.KindSecret, name: name, value: "value-of-" + name}
		if i%3 == 2 {
			e.kind, e.name = bifrost.KindConfig, strings.ReplaceAll(name, "-", "_")
			e.value = "value-of-" + e.name
		}
		e.kvName = bifrost.KeyVaultName(testOrg, e.kind, e.name)
		entries = append(entries, e)
	}
	run := func(args ...string) (string, error) {
		t.Helper()
		out, err := w.run(ctx, withAutomationFlags(args)...)
		w.noInconsistentResult(out)
		return out, err
	}
	if out, err := run("apply", "-auto-approve", "-parallelism=10"); err != nil {
		t.Fatalf("create: %v\n%s", err, out)
	}

	// The second writer, through the REST API as the officer, until stopped.
	stop := make(chan struct{})
	writes := map[string]int{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		kv := v.kvClient()
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Duration(20+rand.IntN(80)) * time.Millisecond):
			}
			e := entries[rand.IntN(len(entries))]
			var err error
			op := []string{"rotate", "disable", "expire", "delete"}[rand.IntN(4)]
			switch op {
			case "rotate":
				_, err = kv.SetSecret(ctx, e.kvName, azsecrets.SetSecretParameters{Value: to.Ptr("foreign-" + strconv.Itoa(rand.IntN(1000)))}, nil)
			case "disable":
				_, err = kv.UpdateSecretProperties(ctx, e.kvName, "", azsecrets.UpdateSecretPropertiesParameters{
					SecretAttributes: &azsecrets.SecretAttributes{Enabled: to.Ptr(false)}}, nil)
			case "expire":
				exp := time.Now().Add(time.Duration(rand.IntN(48)-24) * time.Hour).Truncate(time.Second)
				_, err = kv.UpdateSecretProperties(ctx, e.kvName, "", azsecrets.UpdateSecretPropertiesParameters{
					SecretAttributes: &azsecrets.SecretAttributes{Expires: &exp}}, nil)
			case "delete":
				_, err = kv.DeleteSecret(ctx, e.kvName, nil)
			}
			if err == nil {
				writes[op]++
			}
		}
	}()

	refused := 0
	for round := 1; round <= 6; round++ {
		w.env = append(w.env, fmt.Sprintf("TF_VAR_description=round %d", round))
		var out string
		var err error
		start := time.Now()
		switch round % 3 {
		case 0:
			if out, err = run("plan", "-out=round.tfplan", "-parallelism=10"); err == nil {
				out, err = run("apply", "-parallelism=10", "round.tfplan")
			}
		case 1:
			out, err = run("apply", "-auto-approve", "-parallelism=10")
		case 2:
			out, err = run("apply", "-auto-approve", "-refresh=false", "-parallelism=10")
		}
		if err != nil {
			refused++
			t.Logf("round %d (%s): the run failed (allowed while another writer works): %s", round, time.Since(start).Round(time.Second), firstError(out))
		} else {
			t.Logf("round %d (%s): the run succeeded", round, time.Since(start).Round(time.Second))
		}
	}
	close(stop)
	<-done
	t.Logf("the second writer made %v; %d of 6 runs failed", writes, refused)
	if writes["rotate"] == 0 || writes["delete"] == 0 {
		t.Fatal("the second writer wrote too little for the test to prove anything")
	}

	// Deletions still finishing: the final applies recover what they find deleted.
	for i := 1; i <= 2; i++ {
		if out, err := run("apply", "-auto-approve", "-parallelism=10"); err != nil {
			t.Fatalf("final apply %d: %v\n%s", i, err, out)
		}
	}
	if code, out := w.planExitCode(ctx); code != 0 {
		t.Fatalf("the plan after the final applies is not empty (exit %d):\n%s", code, out)
	}
	for _, e := range entries {
		got, err := v.store().Get(ctx, testOrg, e.kind, e.name)
		switch {
		case err != nil:
			t.Errorf("%s %q after the final applies: %v", e.kind, e.name, err)
		case got.Value != e.value:
			t.Errorf("%s %q: the latest version %s does not hold the declared value", e.kind, e.name, got.Version)
		case got.ExpiresAt != nil || !got.Enabled:
			t.Errorf("%s %q: expiry %v, enabled %v after the final applies", e.kind, e.name, got.ExpiresAt, got.Enabled)
		}
	}
}

// firstError is the first "Error:" line of CLI output, for logs.
func firstError(out string) string {
	for _, line := range strings.Split(out, "\n") {
		if i := strings.Index(line, "Error: "); i >= 0 {
			return strings.TrimSpace(line[i:])
		}
	}
	return "(no error line)"
}
