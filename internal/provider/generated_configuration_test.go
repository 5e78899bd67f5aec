package provider

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// listQuery is the generated configuration guide's query file (keep the two the same): every
// secret and config of one organization, with the resource objects that
// -generate-config-out writes from.
const listQuery = `
list "bifrost_secret" "org" {
  provider         = bifrost
  include_resource = true

  config {
    organization_id = %[1]q
  }
}

list "bifrost_config" "org" {
  provider         = bifrost
  include_resource = true

  config {
    organization_id = %[1]q
  }
}
`

// listQueryByType finds one organization's configs of one type.
const listQueryByType = `
list "bifrost_config" "refs" {
  provider = bifrost

  config {
    organization_id = %q
    type            = "secret_reference"
  }
}
`

// listFound is a list_resource_found message of `terraform query -json`.
type listFound struct {
	Address        string            `json:"address"`
	DisplayName    string            `json:"display_name"`
	Identity       map[string]string `json:"identity"`
	ResourceObject map[string]any    `json:"resource_object"`
}

// TestAccListResources_generateConfig: a vault holds entries of two organizations and the
// global scope; `terraform query` finds exactly one organization's, by identity and without
// values; -generate-config-out writes a resource and an import block for each, with no value
// in the file; once the user fills the values as the guide says, the plan imports them and
// changes nothing, and after its apply the next plan has no changes.
func TestAccListResources_generateConfig(t *testing.T) {
	v := newAccVault(t)
	w := newCLIWorkdir(t, v.config(""))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if cli := w.versionOfCLI(ctx); cli.openTofu || !cli.atLeast(1, 14) {
		t.Skipf("%s has no list resources (Terraform >= 1.14)", cli)
	}
	const secretValue, otherSecretValue, globalSecretValue, configValue = "list-secret-a", "list-secret-b", "list-secret-g", "list-config-a"
	dsSeed(t, v,
		dsSecretEntry(testOrg, "api-key", secretValue),
		dsSecretEntry(otherOrg, "api-key", otherSecretValue),
		dsSecretEntry("global", "api-key", globalSecretValue),
		dsConfigEntry(testOrg, "greeting", bifrost.TypeString, configValue),
		dsConfigEntry(testOrg, "stripe_key", bifrost.TypeSecretReference, testOrg+"/api-key"),
		dsConfigEntry(otherOrg, "greeting", bifrost.TypeString, configValue),
	)
	seeded := []string{secretValue, otherSecretValue, globalSecretValue, configValue}
	writeQuery := func(query string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(w.dir, "bifrost.tfquery.hcl"), []byte(query), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	// The query finds the organization's entries, each by its identity, and no value.
	writeQuery(fmt.Sprintf(listQuery, testOrg))
	v.ResetRequestCounts()
	found := queryResults(t, w, ctx)
	t.Logf("requests for the query of 2 list blocks (vault of 6 entries): %v", nonZero(v.RequestCounts()))
	// A query lists the vault (one sweep per list block) and reads no value: the results
	// come from the list alone.
	if got := slices.Collect(maps.Keys(nonZero(v.RequestCounts()))); !slices.Equal(got, []string{emulator.OpListSecrets}) {
		t.Errorf("requests for the query: %v, want list requests only", nonZero(v.RequestCounts()))
	}
	want := []string{
		"list.bifrost_config.org greeting key=greeting,organization_id=" + testOrg,
		"list.bifrost_config.org stripe_key key=stripe_key,organization_id=" + testOrg,
		"list.bifrost_secret.org api-key name=api-key,organization_id=" + testOrg,
	}
	if got := summarizeFound(found); !slices.Equal(got, want) {
		t.Errorf("query results:\n%s\nwant exactly the organization's entries:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, f := range found {
		for _, attr := range []string{"value", "value_wo", "value_wo_version", "secret_id"} {
			if f.ResourceObject[attr] != nil {
				t.Errorf("%s %s: %s is not null in the result", f.Address, f.DisplayName, attr)
			}
		}
		if f.Address == "list.bifrost_config.org" && f.DisplayName == "greeting" && f.ResourceObject["type"] != "string" {
			t.Errorf("greeting: type %v in the result, want string", f.ResourceObject["type"])
		}
	}

	// The config list filters by type.
	writeQuery(fmt.Sprintf(listQueryByType, testOrg))
	if got, want := summarizeFound(queryResults(t, w, ctx)), []string{"list.bifrost_config.refs stripe_key key=stripe_key,organization_id=" + testOrg}; !slices.Equal(got, want) {
		t.Errorf("query by type: %v, want %v", got, want)
	}

	// -generate-config-out writes a resource and an import block per entry, and no value.
	writeQuery(fmt.Sprintf(listQuery, testOrg))
	if out, err := w.run(ctx, "query", "-no-color", "-generate-config-out=generated.tf"); err != nil {
		t.Fatalf("query -generate-config-out failed: %v\n%s", err, out)
	}
	generatedPath := filepath.Join(w.dir, "generated.tf")
	b, err := os.ReadFile(generatedPath)
	if err != nil {
		t.Fatal(err)
	}
	generated := string(b)
	for _, s := range seeded {
		if strings.Contains(generated, s) {
			t.Fatal("generated.tf contains a seeded value")
		}
	}
	if n := strings.Count(generated, "\nimport {"); n != 3 {
		t.Errorf("generated.tf has %d import blocks, want 3:\n%s", n, generated)
	}
	if n := strings.Count(generated, "\nresource \"bifrost_"); n != 3 {
		t.Errorf("generated.tf has %d resource blocks, want 3:\n%s", n, generated)
	}

	// As generated, the configuration says what is missing: each entry's value.
	code, out := w.planExitCode(ctx)
	if code != 1 {
		t.Errorf("plan of the unfilled configuration exited %d, want 1 naming what is missing\n%s", code, out)
	}
	for _, summary := range []string{"Missing Attribute Configuration", "Missing value", "Missing secret_id"} {
		if !strings.Contains(out, summary) {
			t.Errorf("plan of the unfilled configuration does not say %q:\n%s", summary, out)
		}
	}

	// The user fills the values as the guide says: the secret keeps its value in Key Vault
	// (a placeholder that ignore_changes never writes), the string config takes it from a
	// sensitive variable, the reference names its secret.
	generated = fillGenerated(t, generated, map[string]string{
		"api-key":    "value = \"kept in Key Vault\"\n  lifecycle {\n    ignore_changes = [value]\n  }",
		"greeting":   "value = var.config_values[\"greeting\"]",
		"stripe_key": "secret_id = \"" + testOrg + "/api-key\"",
	})
	if err := os.WriteFile(generatedPath, []byte(generated), 0o600); err != nil {
		t.Fatal(err)
	}
	variables := `
variable "config_values" {
  type      = map(string)
  sensitive = true
}
`
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(v.config(variables)), 0o600); err != nil {
		t.Fatal(err)
	}
	w.env = append(w.env, `TF_VAR_config_values={"greeting":"`+configValue+`"}`)

	out, err = w.run(ctx, "plan", "-input=false", "-no-color", "-out=import.tfplan")
	if err != nil {
		t.Fatalf("plan of the filled configuration failed: %v\n%s", err, out)
	}
	if summary := "Plan: 3 to import, 0 to add, 0 to change, 0 to destroy."; !strings.Contains(out, summary) {
		t.Errorf("the plan does not say %q:\n%s", summary, out)
	}
	imported, changed := plannedImports(t, w, ctx, "import.tfplan")
	slices.Sort(imported)
	if want := []string{"bifrost_config.org_0", "bifrost_config.org_1", "bifrost_secret.org_0"}; !slices.Equal(imported, want) {
		t.Errorf("the plan imports %v, want %v", imported, want)
	}
	if len(changed) > 0 {
		t.Errorf("the import plan changes %v", changed)
	}
	if out, err := w.run(ctx, "apply", "-input=false", "-no-color", "import.tfplan"); err != nil {
		t.Fatalf("apply of the import plan failed: %v\n%s", err, out)
	}
	if code, out := w.planExitCode(ctx); code != 0 {
		t.Fatalf("plan after the import exited %d, want 0 (no changes)\n%s", code, out)
	}
	// Every value is as it was.
	st := v.store()
	for _, e := range []struct {
		scope bifrost.Scope
		kind  bifrost.Kind
		name  string
		value string
	}{
		{testOrg, bifrost.KindSecret, "api-key", secretValue},
		{otherOrg, bifrost.KindSecret, "api-key", otherSecretValue},
		{testOrg, bifrost.KindConfig, "greeting", configValue},
	} {
		got, err := st.Get(ctx, e.scope, e.kind, e.name)
		if err != nil {
			t.Fatalf("reading %s %s/%s: %v", e.kind, e.scope, e.name, err)
		}
		if got.Value != e.value {
			t.Errorf("%s %s/%s changed value", e.kind, e.scope, e.name)
		}
	}
}

// queryResults runs `query -json` and returns the results found, failing on an error
// message. The output is never printed: it is checked to hold no value, but a failure
// message is not the place to find out.
func queryResults(t *testing.T, w *cliWorkdir, ctx context.Context) []listFound {
	t.Helper()
	out, err := w.run(ctx, "query", "-json", "-no-color")
	if err != nil {
		t.Fatalf("query -json failed: %v", err)
	}
	var found []listFound
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 0, 1<<20), 1<<20)
	for sc.Scan() {
		var msg struct {
			Level string     `json:"@level"`
			Text  string     `json:"@message"`
			Found *listFound `json:"list_resource_found"`
		}
		if err := json.Unmarshal(sc.Bytes(), &msg); err != nil {
			t.Fatalf("query -json printed a line that is not JSON: %v", err)
		}
		if msg.Level == "error" {
			t.Errorf("query error: %s", msg.Text)
		}
		if msg.Found != nil {
			found = append(found, *msg.Found)
		}
	}
	return found
}

// summarizeFound is "address display_name identity" per result, sorted.
func summarizeFound(found []listFound) []string {
	out := make([]string, 0, len(found))
	for _, f := range found {
		ids := make([]string, 0, len(f.Identity))
		for _, k := range slices.Sorted(maps.Keys(f.Identity)) {
			ids = append(ids, k+"="+f.Identity[k])
		}
		out = append(out, f.Address+" "+f.DisplayName+" "+strings.Join(ids, ","))
	}
	slices.Sort(out)
	return out
}

// fillGenerated replaces, in the generated resource block of each entry (by name or key), the
// `value = null` line (`secret_id = null` for a reference) with what the user writes.
func fillGenerated(t *testing.T, generated string, fills map[string]string) string {
	t.Helper()
	block := regexp.MustCompile(`(?ms)^resource "bifrost_\w+" "\w+" \{\n.*?^\}`)
	nameLine := regexp.MustCompile(`(?m)^\s*(?:name|key)\s*=\s*"([^"]+)"`)
	filled := 0
	out := block.ReplaceAllStringFunc(generated, func(b string) string {
		m := nameLine.FindStringSubmatch(b)
		if m == nil {
			return b
		}
		fill, ok := fills[m[1]]
		if !ok {
			return b
		}
		attr := strings.Fields(fill)[0]
		line := regexp.MustCompile(`(?m)^\s*` + attr + `\s*=\s*null.*$`)
		if !line.MatchString(b) {
			t.Fatalf("generated block of %s has no `%s = null` line:\n%s", m[1], attr, b)
		}
		filled++
		return line.ReplaceAllLiteralString(b, "  "+fill)
	})
	if filled != len(fills) {
		t.Fatalf("filled %d generated blocks, want %d:\n%s", filled, len(fills), generated)
	}
	return out
}
