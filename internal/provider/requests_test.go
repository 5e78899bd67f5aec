package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// requestMeter counts the Key Vault requests the provider makes between two points, as the
// emulator's audit log shows them. Each provider process's client first sends one request
// without a token to learn the authentication challenge (answered 401, and counted by
// RequestCounts like any other); that is azsecrets' handshake, not a request of the
// operation, so the meter leaves unauthenticated requests out.
type requestMeter struct {
	v     *accVault
	start int
}

func (m *requestMeter) reset() { m.start = len(m.v.AuditLog()) }

// requests are the authenticated requests per operation since the last reset.
func (m *requestMeter) requests() map[string]int {
	got := map[string]int{}
	for _, e := range m.v.AuditLog()[m.start:] {
		if e.Principal != "" {
			got[e.Operation]++
		}
	}
	return got
}

// requestsConfig is one secret with value and description.
func requestsConfig(v *accVault, value, description string, lines ...string) string {
	return v.config(fmt.Sprintf(`
resource "bifrost_secret" "api" {
  organization_id = %q
  name            = "api-key"
  value           = %q
  description     = %q
  %s
}
`, testOrg, value, description, strings.Join(lines, "\n  ")))
}

// Requests of the apply after a plan: a refresh that checked ownership lets the update and the
// destroy that follow skip the GET they otherwise make before writing, so each is one request;
// with -refresh=false nothing checked, and the GET stays. Clearing a content type (or a date)
// still reads the value, to write it again without it. Each case runs `plan -out` (with or
// without refresh), then counts the requests of `apply` of that plan alone, and then a plan
// must find Key Vault as configured.
func TestAccRequests_writesAfterARefreshingPlan(t *testing.T) {
	v := newAccVault(t)
	v.requireEmulator("audit log (the test counts the provider's requests)")
	w := newCLIWorkdir(t, requestsConfig(v, "requests-test-v1-3c3c", "one"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if out, err := w.apply(ctx, 10); err != nil {
		t.Fatalf("create: %v\n%s", err, out)
	}
	meter := &requestMeter{v: v}

	cases := []struct {
		name   string
		config string
		plan   []string
		want   map[string]int
	}{
		{"new value after a refreshing plan", requestsConfig(v, "requests-test-v2-3c3c", "one"), nil,
			map[string]int{emulator.OpSetSecret: 1}},
		{"new value with -refresh=false", requestsConfig(v, "requests-test-v3-3c3c", "one"), []string{"-refresh=false"},
			map[string]int{emulator.OpGetSecret: 1, emulator.OpSetSecret: 1}},
		{"description after a refreshing plan", requestsConfig(v, "requests-test-v3-3c3c", "two"), nil,
			map[string]int{emulator.OpUpdateSecret: 1}},
		{"description with -refresh=false", requestsConfig(v, "requests-test-v3-3c3c", "three"), []string{"-refresh=false"},
			map[string]int{emulator.OpGetSecret: 1, emulator.OpUpdateSecret: 1}},
		{"content type after a refreshing plan", requestsConfig(v, "requests-test-v3-3c3c", "three", `content_type = "text/plain"`), nil,
			map[string]int{emulator.OpUpdateSecret: 1}},
		{"content type cleared after a refreshing plan", requestsConfig(v, "requests-test-v3-3c3c", "three"), nil,
			map[string]int{emulator.OpGetSecret: 1, emulator.OpSetSecret: 1}},
		// Plus the apply's one listing of the vault (here one page) that finds the configs
		// still referencing the secret, shared by every secret the apply destroys (references.go).
		{"destroy after a refreshing plan", "", []string{"-destroy"},
			map[string]int{emulator.OpDeleteSecret: 1, emulator.OpListSecrets: 1}},
	}
	for _, c := range cases {
		if c.config != "" {
			if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(c.config), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		args := append([]string{"plan", "-input=false", "-no-color", "-out=tfplan"}, c.plan...)
		if out, err := w.run(ctx, args...); err != nil {
			t.Fatalf("%s: plan: %v\n%s", c.name, err, out)
		}
		meter.reset()
		if out, err := w.run(ctx, "apply", "-input=false", "-no-color", "tfplan"); err != nil {
			t.Fatalf("%s: apply: %v\n%s", c.name, err, out)
		}
		if got := meter.requests(); !maps.Equal(got, c.want) {
			t.Errorf("%s: the apply made requests %v, want %v", c.name, got, c.want)
		}
		if c.config == "" {
			continue // the destroy: its configuration still declares the secret
		}
		if code, out := w.planExitCode(ctx); code != 0 {
			t.Errorf("%s: the plan after the apply exited %d, want 0 (Key Vault as configured)\n%s", c.name, code, out)
		}
	}
	if got := w.stateList(ctx); len(got) != 0 {
		t.Errorf("state after the destroy: %v", got)
	}
}

// A destroy planned without a refresh, after a write (which leaves no check behind), checks
// ownership itself: GET + DELETE (and the listing that finds references to the secret).
func TestAccRequests_destroyWithoutRefresh(t *testing.T) {
	v := newAccVault(t)
	v.requireEmulator("audit log (the test counts the provider's requests)")
	w := newCLIWorkdir(t, requestsConfig(v, "requests-test-v1-7d7d", "one"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if out, err := w.apply(ctx, 10); err != nil {
		t.Fatalf("create: %v\n%s", err, out)
	}
	if stateHoldsCheck(t, w) {
		t.Fatal("the create left an ownership check in the state")
	}
	meter := &requestMeter{v: v}
	if out, err := w.run(ctx, "plan", "-input=false", "-no-color", "-destroy", "-refresh=false", "-out=tfplan"); err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	meter.reset()
	if out, err := w.run(ctx, "apply", "-input=false", "-no-color", "tfplan"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	want := map[string]int{emulator.OpGetSecret: 1, emulator.OpDeleteSecret: 1, emulator.OpListSecrets: 1}
	if got := meter.requests(); !maps.Equal(got, want) {
		t.Errorf("destroy with -refresh=false made requests %v, want %v", got, want)
	}
}

// stateHoldsCheck reports whether the private state of the working directory's secret holds
// a refresh's ownership check.
func stateHoldsCheck(t *testing.T, w *cliWorkdir) bool {
	t.Helper()
	out, err := w.run(context.Background(), "state", "pull")
	if err != nil {
		t.Fatalf("state pull: %v\n%s", err, out)
	}
	var state struct {
		Resources []struct {
			Instances []struct {
				Private []byte `json:"private"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal([]byte(out), &state); err != nil {
		t.Fatalf("state pull: %v", err)
	}
	for _, r := range state.Resources {
		for _, i := range r.Instances {
			if strings.Contains(string(i.Private), privateVerifiedKey) {
				return true
			}
		}
	}
	return false
}

// The plural data sources of one plan share one listing of the vault per scope and kind: two
// bifrost_secrets of the same scope page through the vault once, a bifrost_configs once more.
// Key Vault pages 25 secrets at a time, so the 30 entries take 2 pages per listing.
func TestAccRequests_dataSourcesShareOneListing(t *testing.T) {
	v := newAccVault(t)
	v.requireEmulator("audit log (the test counts the provider's requests)")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	store := v.store()
	for i := range 30 {
		e := bifrost.Entry{Scope: testOrg, Kind: bifrost.KindSecret, Name: fmt.Sprintf("listed-%02d", i), Value: "list-test-value-1f1f", Enabled: true}
		if _, err := store.Create(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	w := newCLIWorkdir(t, v.config(fmt.Sprintf(`
data "bifrost_secrets" "one" {
  organization_id = %[1]q
}
data "bifrost_secrets" "two" {
  organization_id = %[1]q
}
data "bifrost_configs" "configs" {
  organization_id = %[1]q
}
output "counts" {
  value = [length(data.bifrost_secrets.one.secrets), length(data.bifrost_secrets.two.secrets), length(data.bifrost_configs.configs.configs)]
}
`, testOrg)))
	meter := &requestMeter{v: v}
	meter.reset()
	out, err := w.run(ctx, "plan", "-input=false", "-no-color")
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	if !strings.Contains(strings.Join(strings.Fields(out), " "), "+ counts = [ + 30, + 30, + 0, ]") {
		t.Errorf("plan output does not show both lists with 30 secrets:\n%s", out)
	}
	want := map[string]int{emulator.OpListSecrets: 4}
	if got := meter.requests(); !maps.Equal(got, want) {
		t.Errorf("the plan made requests %v, want %v (2 pages for the secrets, 2 for the configs)", got, want)
	}
}

// A listing shared by the data sources of an apply is not shared across a write: a data source
// read after a resource was written in the same apply lists it.
func TestAccRequests_listingAfterAWriteSeesIt(t *testing.T) {
	v := newAccVault(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: v.config(fmt.Sprintf(`
resource "bifrost_secret" "first" {
  organization_id = %[1]q
  name            = "first"
  value           = "listing-test-first-2b2b"
}
data "bifrost_secrets" "after_first" {
  organization_id = %[1]q
  depends_on      = [bifrost_secret.first]
}
resource "bifrost_secret" "second" {
  organization_id = %[1]q
  name            = "second"
  value           = "listing-test-second-2b2b"
  depends_on      = [data.bifrost_secrets.after_first]
}
data "bifrost_secrets" "after_second" {
  organization_id = %[1]q
  depends_on      = [bifrost_secret.second]
}
`, testOrg)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.bifrost_secrets.after_first", tfjsonpath.New("secrets"), knownvalue.ListSizeExact(1)),
				statecheck.ExpectKnownValue("data.bifrost_secrets.after_second", tfjsonpath.New("secrets"), knownvalue.ListSizeExact(2)),
			},
		}},
	})
}
