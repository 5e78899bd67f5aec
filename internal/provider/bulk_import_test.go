package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// bulkImportConfig is the import guide's "Many entries at once" configuration (keep the two
// the same): every secret the organization has in the vault, imported by one import block
// with for_each over the bifrost_secrets list into one for_each resource. The values are
// taken over as they are: ignore_changes keeps the placeholder from ever being written, and
// rotating an entry later is a change of this block (value_wo with a value_wo_version, or a
// value) for that entry.
const bulkImportConfig = `
locals {
  org = %q
}

data "bifrost_secrets" "org" {
  organization_id = local.org
}

locals {
  org_secrets = toset([for s in data.bifrost_secrets.org.secrets : s.name])
}

import {
  for_each = local.org_secrets
  to       = bifrost_secret.org[each.key]
  id       = "${local.org}/${each.key}"
}

resource "bifrost_secret" "org" {
  for_each        = local.org_secrets
  organization_id = local.org
  name            = each.key
  value           = "kept in Key Vault"

  lifecycle {
    ignore_changes = [value]
  }
}
`

// TestAccBulkImport_organization: 50 secrets of two organizations exist in the vault; one
// plan imports exactly one organization's 25 and changes nothing else, its apply imports
// them, and the next plan has no changes. Driven through the CLI directly: import blocks
// with for_each address for_each instances, which terraform-plugin-testing's state view
// rejects.
func TestAccBulkImport_organization(t *testing.T) {
	const perOrg = 25
	v := newAccVault(t)
	v.requireEmulator("request counts (the test counts the import's requests)")
	// The working directory starts with the provider block alone: an older CLI's init
	// refuses a configuration with for_each in an import block before the version is known.
	w := newCLIWorkdir(t, v.config(""))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if cli := w.versionOfCLI(ctx); !cli.atLeast(1, 7) {
		t.Skipf("%s has no for_each in import blocks (Terraform and OpenTofu >= 1.7)", cli)
	}
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(v.config(fmt.Sprintf(bulkImportConfig, testOrg))), 0o600); err != nil {
		t.Fatal(err)
	}

	st := v.store()
	var want []string
	for _, org := range []string{testOrg, otherOrg} {
		for i := range perOrg {
			name := fmt.Sprintf("app-%02d", i)
			if _, err := st.Create(ctx, dsSecretEntry(org, name, fmt.Sprintf("bulk-%s-%02d", org[:4], i))); err != nil {
				t.Fatalf("seeding secret %q in %s: %v", name, org, err)
			}
			if org == testOrg {
				want = append(want, fmt.Sprintf("bifrost_secret.org[%q]", name))
			}
		}
	}

	v.ResetRequestCounts()
	out, err := w.run(ctx, "plan", "-input=false", "-no-color", "-out=import.tfplan")
	if err != nil {
		t.Fatalf("plan failed: %v\n%s", err, out)
	}
	if summary := fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", perOrg); !strings.Contains(out, summary) {
		t.Errorf("the import plan does not say %q:\n%s", summary, out)
	}
	imported, changed := plannedImports(t, w, ctx, "import.tfplan")
	slices.Sort(imported)
	if !slices.Equal(imported, want) {
		t.Errorf("the plan imports %d instances %v; want the %d of organization %s", len(imported), imported, len(want), testOrg)
	}
	if len(changed) > 0 {
		t.Errorf("the import plan changes %v; an import of entries as they are changes nothing", changed)
	}
	planCounts := v.RequestCounts()
	v.ResetRequestCounts()
	if out, err = w.run(ctx, "apply", "-input=false", "-no-color", "import.tfplan"); err != nil {
		t.Fatalf("apply of the import plan failed: %v\n%s", err, out)
	}
	applyCounts := v.RequestCounts()
	t.Logf("requests for the import of %d secrets (vault of %d): plan %v, apply %v", perOrg, 2*perOrg, nonZero(planCounts), nonZero(applyCounts))
	// The import guide gives these numbers: the plan lists the vault once (2 pages of 25, the
	// first sent twice because the Azure client learns the token's audience from an
	// unauthenticated request) and reads each imported secret once; the saved plan's apply
	// sends nothing.
	wantPlan := map[string]int{emulator.OpListSecrets: 3, emulator.OpGetSecret: perOrg}
	if !maps.Equal(nonZero(planCounts), wantPlan) || len(nonZero(applyCounts)) != 0 {
		t.Errorf("requests: plan %v, apply %v; want plan %v, apply none", nonZero(planCounts), nonZero(applyCounts), wantPlan)
	}

	if got := w.stateList(ctx); !slices.Equal(got, append([]string{"data.bifrost_secrets.org"}, want...)) {
		t.Errorf("state after the import: %v", got)
	}
	if code, out := w.planExitCode(ctx); code != 0 {
		t.Fatalf("plan after the import exited %d, want 0 (no changes)\n%s", code, out)
	}
	// A secret added to the organization outside Terraform is imported by the next plan.
	if _, err := st.Create(ctx, dsSecretEntry(testOrg, "app-late", "bulk-late")); err != nil {
		t.Fatal(err)
	}
	if code, out := w.planExitCode(ctx); code != 2 || !strings.Contains(out, "Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.") {
		t.Errorf("plan after a secret was added exited %d, want 2 with one import\n%s", code, out)
	}
	// The other organization's secrets and every value are as they were.
	for _, org := range []string{testOrg, otherOrg} {
		for i := range perOrg {
			name := fmt.Sprintf("app-%02d", i)
			got, err := st.Get(ctx, bifrost.Scope(org), bifrost.KindSecret, name)
			if err != nil {
				t.Fatal(err)
			}
			if got.Value != fmt.Sprintf("bulk-%s-%02d", org[:4], i) {
				t.Errorf("secret %q in %s has another value after the import (a new version %s)", name, org, got.Version)
			}
		}
	}
}

// plannedImports reads a saved plan with `show -json` and returns the addresses it imports and
// those it changes (any action other than no-op).
func plannedImports(t *testing.T, w *cliWorkdir, ctx context.Context, planFile string) (imported, changed []string) {
	t.Helper()
	out, err := w.run(ctx, "show", "-json", "-no-color", planFile)
	if err != nil {
		t.Fatalf("show -json %s: %v\n%s", planFile, err, out)
	}
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions   []string        `json:"actions"`
				Importing json.RawMessage `json:"importing"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	// The JSON is the last line: a CLI may print warnings before it.
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &plan); err != nil {
		t.Fatalf("show -json %s: %v", planFile, err)
	}
	for _, rc := range plan.ResourceChanges {
		if len(rc.Change.Importing) > 0 && string(rc.Change.Importing) != "null" {
			imported = append(imported, rc.Address)
		}
		if !slices.Equal(rc.Change.Actions, []string{"no-op"}) && !slices.Equal(rc.Change.Actions, []string{"read"}) {
			changed = append(changed, rc.Address+" "+strings.Join(rc.Change.Actions, ","))
		}
	}
	return imported, changed
}

// nonZero is the request counts without the operations that were not called.
func nonZero(counts map[string]int) map[string]int {
	out := maps.Clone(counts)
	maps.DeleteFunc(out, func(_ string, n int) bool { return n == 0 })
	return out
}
