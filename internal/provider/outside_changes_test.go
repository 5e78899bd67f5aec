package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// Other writers: a person rotating a value in the portal, a responder disabling a secret or
// setting an expiry, a pipeline writing a version, another state importing the same entry.
// Each test makes its out-of-band change through the Key Vault REST API (the azsecrets client
// as the officer), as such a writer would, and asserts what a user sees: the diagnostics, the
// next plan and what the vault holds. The rules are in internal/bifrost/changes.go and the
// rotation guide's "Changes made outside Terraform".

// outsideTimeout bounds each of these tests.
const outsideTimeout = 5 * time.Minute

// setConfig replaces the working directory's configuration.
func (w *cliWorkdir) setConfig(config string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(config), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// mustRun runs the CLI and fails the test when it fails; every run is checked for the CLI's
// "inconsistent result" report, which must never appear.
func (w *cliWorkdir) mustRun(ctx context.Context, args ...string) string {
	w.t.Helper()
	out, err := w.run(ctx, withAutomationFlags(args)...)
	if err != nil {
		w.t.Fatalf("%s failed: %v\n%s", args[0], err, out)
	}
	w.noInconsistentResult(out)
	return out
}

// mustFail runs the CLI and fails the test when it succeeds.
func (w *cliWorkdir) mustFail(ctx context.Context, args ...string) string {
	w.t.Helper()
	out, err := w.run(ctx, withAutomationFlags(args)...)
	if err == nil {
		w.t.Fatalf("%s succeeded, want it to fail\n%s", args[0], out)
	}
	w.noInconsistentResult(out)
	return out
}

// withAutomationFlags puts -input=false and -no-color after the command of args where the
// command takes them.
func withAutomationFlags(args []string) []string {
	switch args[0] {
	case "plan", "apply", "destroy":
		return slices.Concat(args[:1], []string{"-input=false", "-no-color"}, args[1:])
	case "show":
		return slices.Concat(args[:1], []string{"-no-color"}, args[1:])
	}
	return args
}

func (w *cliWorkdir) noInconsistentResult(out string) {
	w.t.Helper()
	if strings.Contains(out, "inconsistent result") || strings.Contains(out, "Provider produced invalid") {
		w.t.Fatalf("the CLI reported a provider bug:\n%s", out)
	}
}

// changes runs a plan and returns the addresses it changes with their actions ("ADDR update"),
// sorted.
func (w *cliWorkdir) changes(ctx context.Context) []string {
	w.t.Helper()
	w.mustRun(ctx, "plan", "-out=changes.tfplan")
	_, changed := plannedImports(w.t, w, ctx, "changes.tfplan")
	slices.Sort(changed)
	return changed
}

// requireWriteOnly skips a test of write-only attributes on a CLI without them.
func (w *cliWorkdir) requireWriteOnly(ctx context.Context) {
	w.t.Helper()
	if v := w.versionOfCLI(ctx); !v.writeOnly() {
		w.t.Skipf("%s has no write-only attributes (1.11 and later)", v)
	}
}

// diagnosticText is CLI output with the diagnostic frame (│) removed and white space
// collapsed, so that a test finds a sentence however the CLI wrapped it.
func diagnosticText(out string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(out, "│", " ")), " ")
}

// assertSays fails unless the CLI output contains each phrase.
func assertSays(t *testing.T, out string, phrases ...string) {
	t.Helper()
	text := diagnosticText(out)
	for _, p := range phrases {
		if !strings.Contains(text, p) {
			t.Errorf("the output does not say %q:\n%s", p, out)
		}
	}
}

// foreignVersion writes value as a new version of the Key Vault secret kvName, as a person in
// the portal or `az keyvault secret set` would: the value alone, no tags. It returns the version.
func (v *accVault) foreignVersion(kvName, value string) string {
	v.t.Helper()
	resp, err := v.kvClient().SetSecret(context.Background(), kvName, azsecrets.SetSecretParameters{Value: to.Ptr(value)}, nil)
	if err != nil {
		v.t.Fatalf("writing a version out of band: %v", err)
	}
	return resp.ID.Version()
}

// foreignPatch changes the latest version of kvName in place, as a responder would.
func (v *accVault) foreignPatch(kvName string, params azsecrets.UpdateSecretPropertiesParameters) {
	v.t.Helper()
	if _, err := v.kvClient().UpdateSecretProperties(context.Background(), kvName, "", params, nil); err != nil {
		v.t.Fatalf("changing the secret out of band: %v", err)
	}
}

// latest is the latest version of kvName as the REST API answers it.
func (v *accVault) latest(kvName string) azsecrets.Secret {
	v.t.Helper()
	resp, err := v.kvClient().GetSecret(context.Background(), kvName, "", nil)
	if err != nil {
		v.t.Fatalf("reading %s: %v", kvName, err)
	}
	return resp.Secret
}

// outsideWriters declares one entry of each kind whose value the vault's latest version must
// hold: a value in state, a write-only secret, a write-only config and a copied value; each
// with the description given.
func outsideWriters(v *accVault, description string) string {
	return v.config(fmt.Sprintf(`
resource "bifrost_secret" "plain" {
  organization_id = %[1]q
  name            = "plain"
  value           = "declared-plain"
  description     = %[2]q
}

resource "bifrost_secret" "wo" {
  organization_id  = %[1]q
  name             = "wo"
  value_wo         = "declared-wo"
  value_wo_version = 1
  description      = %[2]q
}

resource "bifrost_config" "wo" {
  organization_id  = %[1]q
  key              = "wo_config"
  type             = "secret"
  value_wo         = "declared-wo-config"
  value_wo_version = 1
  description      = %[2]q
}

resource "bifrost_secret" "copy" {
  organization_id             = %[1]q
  name                        = "copy"
  value_from_key_vault_secret = "legacy-copy-source"
  description                 = %[2]q
}
`, testOrg, description))
}

// outsideWriterEntries are the Key Vault names of outsideWriters' entries and the value each
// must end with.
var outsideWriterEntries = []struct{ address, kvName, declared string }{
	{"bifrost_secret.plain", bifrost.KeyVaultName(testOrg, bifrost.KindSecret, "plain"), "declared-plain"},
	{"bifrost_secret.wo", bifrost.KeyVaultName(testOrg, bifrost.KindSecret, "wo"), "declared-wo"},
	{"bifrost_config.wo", bifrost.KeyVaultName(testOrg, bifrost.KindConfig, "wo_config"), "declared-wo-config"},
	{"bifrost_secret.copy", bifrost.KeyVaultName(testOrg, bifrost.KindSecret, "copy"), "copied-value"},
}

// Issue 1: a metadata change applied after another writer's new version. Applied without a
// refresh, the apply reads first and refuses, writing nothing; from a saved plan made moments
// before, it changes the version the plan saw. Either way the CLI reports no inconsistent
// result, the other writer's version is not recorded as the provider's (the next plan shows
// it, for write-only and copied values too), and the apply after that restores every value.
func TestAccOutsideChanges_newVersionBeforeAMetadataChange(t *testing.T) {
	v := newAccVault(t)
	ctx, cancel := context.WithTimeout(context.Background(), outsideTimeout)
	defer cancel()
	v.seedLegacy(ctx, "legacy-copy-source", "copied-value", true)
	w := newCLIWorkdir(t, outsideWriters(v, "one"))
	w.requireWriteOnly(ctx)
	w.mustRun(ctx, "apply", "-auto-approve")

	// Without a refresh: refused before anything is written.
	before := map[string]string{}
	for _, e := range outsideWriterEntries {
		before[e.address] = v.foreignVersion(e.kvName, "rotated-outside")
	}
	w.setConfig(outsideWriters(v, "two"))
	out := w.mustFail(ctx, "apply", "-auto-approve", "-refresh=false")
	for _, e := range outsideWriterEntries {
		assertSays(t, out, "Entry changed outside Terraform since the plan", "a new version \""+before[e.address]+"\" was written", "Nothing was written")
		if got := v.latest(e.kvName); got.ID.Version() != before[e.address] || got.Tags[bifrost.TagDescription] != nil {
			t.Errorf("%s: the refused apply wrote (latest version %s, description tag %v)", e.address, got.ID.Version(), got.Tags[bifrost.TagDescription])
		}
	}
	want := []string{"bifrost_config.wo update", "bifrost_secret.copy update", "bifrost_secret.plain update", "bifrost_secret.wo update"}
	if got := w.changes(ctx); !slices.Equal(got, want) {
		t.Errorf("the plan after the refused apply changes %v, want %v (each value written again)", got, want)
	}
	w.mustRun(ctx, "apply", "-auto-approve")
	v.assertDeclared(t, w, ctx)

	// From a saved plan: the description goes to the version the plan saw.
	w.setConfig(outsideWriters(v, "three"))
	w.mustRun(ctx, "plan", "-out=metadata.tfplan")
	planned := map[string]string{}
	for _, e := range outsideWriterEntries {
		planned[e.address] = v.latest(e.kvName).ID.Version()
		v.foreignVersion(e.kvName, "rotated-outside-again")
	}
	w.mustRun(ctx, "apply", "metadata.tfplan")
	state := w.showState(ctx)
	for _, e := range outsideWriterEntries {
		if got := state[e.address]["version"]; got != planned[e.address] {
			t.Errorf("%s: the state records version %v after the metadata change, want %s, the version the plan saw", e.address, got, planned[e.address])
		}
	}
	if got := w.changes(ctx); !slices.Equal(got, want) {
		t.Errorf("the plan after the saved plan's apply changes %v, want %v: the other writer's versions are drift", got, want)
	}
	w.mustRun(ctx, "apply", "-auto-approve")
	v.assertDeclared(t, w, ctx)
}

// assertDeclared checks that the latest version of every outsideWriters entry holds its
// declared value and that the next plan has nothing to do.
func (v *accVault) assertDeclared(t *testing.T, w *cliWorkdir, ctx context.Context) {
	t.Helper()
	for _, e := range outsideWriterEntries {
		if got := v.latest(e.kvName); got.Value == nil || *got.Value != e.declared {
			t.Errorf("%s: the latest version %s does not hold the declared value", e.address, got.ID.Version())
		}
	}
	if got := w.changes(ctx); len(got) != 0 {
		t.Errorf("the plan after converging changes %v, want nothing", got)
	}
}

// showState returns the attributes of each resource in the state, by address.
func (w *cliWorkdir) showState(ctx context.Context) map[string]map[string]any {
	w.t.Helper()
	out := w.mustRun(ctx, "show", "-json")
	var doc struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &doc); err != nil {
		w.t.Fatalf("show -json: %v", err)
	}
	state := map[string]map[string]any{}
	for _, r := range doc.Values.RootModule.Resources {
		state[r.Address] = r.Values
	}
	return state
}

// described is one bifrost_secret with a description.
func described(v *accVault, description string) string {
	return v.config(fmt.Sprintf(`
resource "bifrost_secret" "api" {
  organization_id = %q
  name            = "api-key"
  value           = "declared-api-key"
  description     = %q
}
`, testOrg, description))
}

// Issues 2 and 3: an expiry, a not-before date or a content type set, or the secret disabled,
// between a plan that changes the description and its apply. The apply writes the description
// only, leaves the other writer's change as it is and says so; the next plan shows the change
// as drift; its apply restores what is declared. Without a refresh, the apply refuses.
func TestAccOutsideChanges_attributesSetBeforeAMetadataChange(t *testing.T) {
	v := newAccVault(t)
	v.requireEmulator("clock (each step starts a second later on it)")
	ctx, cancel := context.WithTimeout(context.Background(), outsideTimeout)
	defer cancel()
	kvName := bifrost.KeyVaultName(testOrg, bifrost.KindSecret, "api-key")
	w := newCLIWorkdir(t, described(v, "d0"))
	w.mustRun(ctx, "apply", "-auto-approve")

	at := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)
	cases := []struct {
		name   string
		change azsecrets.UpdateSecretPropertiesParameters
		says   string
		check  func(azsecrets.Secret) bool
	}{
		{"expiry", azsecrets.UpdateSecretPropertiesParameters{SecretAttributes: &azsecrets.SecretAttributes{Expires: &at}},
			"its expiry date was set to 2031-02-03T04:05:06Z", func(s azsecrets.Secret) bool { return s.Attributes.Expires != nil }},
		{"not-before", azsecrets.UpdateSecretPropertiesParameters{SecretAttributes: &azsecrets.SecretAttributes{NotBefore: &at}},
			"its not-before date was set to 2031-02-03T04:05:06Z", func(s azsecrets.Secret) bool { return s.Attributes.NotBefore != nil }},
		{"content type", azsecrets.UpdateSecretPropertiesParameters{ContentType: to.Ptr("text/x-outside")},
			`its content type changed from "" to "text/x-outside"`, func(s azsecrets.Secret) bool { return s.ContentType != nil }},
		{"disabled", azsecrets.UpdateSecretPropertiesParameters{SecretAttributes: &azsecrets.SecretAttributes{Enabled: to.Ptr(false)}},
			"it was disabled", func(s azsecrets.Secret) bool { return !*s.Attributes.Enabled }},
	}
	// readable is the latest version's attributes, whether or not it is disabled: a disabled
	// secret answers GET with 403, so its versions list tells (each step below starts a second
	// later on the vault's clock, so that the latest version is the one created last).
	readable := func() azsecrets.Secret {
		if resp, err := v.kvClient().GetSecret(ctx, kvName, "", nil); err == nil {
			return resp.Secret
		}
		pager := v.kvClient().NewListSecretPropertiesVersionsPager(kvName, nil)
		var latest *azsecrets.SecretProperties
		for pager.More() {
			page, err := pager.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range page.Value {
				if latest == nil || p.Attributes.Created.After(*latest.Attributes.Created) ||
					(p.Attributes.Created.Equal(*latest.Attributes.Created) && p.Attributes.Updated.After(*latest.Attributes.Updated)) {
					latest = p
				}
			}
		}
		return azsecrets.Secret{ID: latest.ID, Attributes: latest.Attributes, ContentType: latest.ContentType, Tags: latest.Tags}
	}
	for i, c := range cases {
		v.SetClockOffset(v.ClockOffset() + time.Second)
		// From a saved plan made moments before: the description only, the change kept and reported.
		w.setConfig(described(v, fmt.Sprintf("d%d", 2*i+1)))
		w.mustRun(ctx, "plan", "-out=metadata.tfplan")
		v.foreignPatch(kvName, c.change)
		out := w.mustRun(ctx, "apply", "metadata.tfplan")
		assertSays(t, out, "Changed outside Terraform since the plan", c.says, "left as they are")
		got := readable()
		if !c.check(got) || *got.Tags[bifrost.TagDescription] != fmt.Sprintf("d%d", 2*i+1) {
			t.Errorf("%s: after the apply the vault does not hold both the other writer's change and the new description", c.name)
		}
		if changes := w.changes(ctx); !slices.Equal(changes, []string{"bifrost_secret.api update"}) {
			t.Errorf("%s: the next plan changes %v, want the secret updated back", c.name, changes)
		}
		w.mustRun(ctx, "apply", "-auto-approve")
		if got := readable(); c.check(got) {
			t.Errorf("%s: the apply after the drift did not restore the declared attributes", c.name)
		}

		// Without a refresh (the last event a write, so no recent check): refused, nothing written.
		v.SetClockOffset(v.ClockOffset() + time.Second)
		w.setConfig(described(v, fmt.Sprintf("d%d", 2*i+2)))
		v.foreignPatch(kvName, c.change)
		out = w.mustFail(ctx, "apply", "-auto-approve", "-refresh=false")
		assertSays(t, out, "Entry changed outside Terraform since the plan", c.says, "Nothing was written")
		if got := readable(); *got.Tags[bifrost.TagDescription] == fmt.Sprintf("d%d", 2*i+2) {
			t.Errorf("%s: the refused apply wrote the description", c.name)
		}
		w.mustRun(ctx, "apply", "-auto-approve")
		if got := readable(); c.check(got) || *got.Tags[bifrost.TagDescription] != fmt.Sprintf("d%d", 2*i+2) {
			t.Errorf("%s: the apply after the refusal did not converge", c.name)
		}
	}
	if changes := w.changes(ctx); len(changes) != 0 {
		t.Errorf("the last plan changes %v, want nothing", changes)
	}
}

// Issue 4: purge_on_destroy on a vault with purge protection. The destroy plan warns, the
// destroy soft-deletes and finishes with a warning naming the scheduled purge date (the
// resource leaves the state), and -replace completes: the create recovers the deleted secret.
func TestAccOutsideChanges_purgeProtection(t *testing.T) {
	v := newAccVault(t, func(o *emulator.Options) { o.PurgeProtection = true })
	ctx, cancel := context.WithTimeout(context.Background(), outsideTimeout)
	defer cancel()
	kvName := bifrost.KeyVaultName(testOrg, bifrost.KindSecret, "protected")
	w := newCLIWorkdir(t, v.config(fmt.Sprintf(`
resource "bifrost_secret" "protected" {
  organization_id = %q
  name            = "protected"
  value           = "declared-protected"
}
`, testOrg), "purge_on_destroy = true"))
	w.mustRun(ctx, "apply", "-auto-approve")

	out := w.mustRun(ctx, "plan", "-destroy")
	assertSays(t, out, "purge_on_destroy cannot be honoured: the vault has purge protection", `recovery level "Recoverable"`)

	first := v.latest(kvName).ID.Version()
	out = w.mustRun(ctx, "apply", "-auto-approve", "-replace=bifrost_secret.protected")
	assertSays(t, out, "Secret soft-deleted, not purged: the vault has purge protection", "keeps the deleted secret until 20")
	if got := v.latest(kvName); got.ID.Version() == first || *got.Value != "declared-protected" {
		t.Errorf("after -replace the vault holds version %s (was %s)", got.ID.Version(), first)
	}

	out = w.mustRun(ctx, "destroy", "-auto-approve")
	assertSays(t, out, "Secret soft-deleted, not purged", "until 20")
	if got := w.stateList(ctx); len(got) != 0 {
		t.Errorf("state after the destroy: %v", got)
	}
	if err := v.softDeleted(kvName); err != nil {
		t.Fatalf("the destroyed secret is not soft-deleted: %v", err)
	}
}

// softDeleted waits until the vault lists kvName among its deleted secrets: Key Vault finishes
// a deletion asynchronously, and GET /deletedsecrets answers 404 until then (within seconds).
func (v *accVault) softDeleted(kvName string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := v.kvClient().GetDeletedSecret(context.Background(), kvName, nil)
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// referencesConfig declares a global secret and, when withConfigs, configs of this state that
// reference it.
func referencesConfig(v *accVault, withSecret, withConfigs bool) string {
	body := ""
	if withSecret {
		body += `
resource "bifrost_secret" "shared" {
  organization_id = "global"
  name            = "shared-smtp"
  value           = "declared-shared"
}
`
	}
	if withConfigs {
		body += fmt.Sprintf(`
resource "bifrost_config" "mine" {
  organization_id = %q
  key             = "smtp_password"
  type            = "secret_reference"
  secret_id       = bifrost_secret.shared.id
}
`, testOrg)
	}
	return v.config(body)
}

// Issue 5: destroying a secret that configs still reference warns, naming them (configs of
// other states, including one written before the reference tag existed); destroying a secret
// together with the configs that reference it does not. Refreshing a secret_reference config
// whose secret is gone or disabled warns with what to do.
func TestAccOutsideChanges_references(t *testing.T) {
	v := newAccVault(t)
	ctx, cancel := context.WithTimeout(context.Background(), outsideTimeout)
	defer cancel()
	w := newCLIWorkdir(t, referencesConfig(v, true, true))
	w.mustRun(ctx, "apply", "-auto-approve")

	// Together with its only config: no warning, one listing for the apply.
	w.setConfig(referencesConfig(v, false, false))
	out := w.mustRun(ctx, "apply", "-auto-approve")
	if strings.Contains(out, "still reference") {
		t.Errorf("destroying a secret with the configs that reference it warned:\n%s", out)
	}

	// Configs of other states reference it: one written by this provider version (with the
	// reference tag), one by an earlier one (without).
	w.setConfig(referencesConfig(v, true, false))
	w.mustRun(ctx, "apply", "-auto-approve")
	if _, err := v.store().Create(ctx, bifrost.Entry{Scope: otherOrg, Kind: bifrost.KindConfig, Name: "smtp_relay", Type: bifrost.TypeSecretReference,
		Value: "global/shared-smtp", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	untagged := bifrost.Entry{Scope: thirdOrg, Kind: bifrost.KindConfig, Name: "legacy_smtp", Type: bifrost.TypeSecretReference, Value: "global/shared-smtp", Owner: "0123456789abcdef0123456789abcdef"}
	tags := map[string]*string{}
	for k, val := range untagged.KeyVaultTags() {
		if k != bifrost.TagReference {
			tags[k] = to.Ptr(val)
		}
	}
	if _, err := v.kvClient().SetSecret(ctx, bifrost.KeyVaultName(thirdOrg, bifrost.KindConfig, "legacy_smtp"),
		azsecrets.SetSecretParameters{Value: to.Ptr("global/shared-smtp"), Tags: tags}, nil); err != nil {
		t.Fatal(err)
	}
	w.setConfig(referencesConfig(v, false, false))
	out = w.mustRun(ctx, "apply", "-auto-approve")
	assertSays(t, out, "Configs still reference the deleted secret", `Secret "global/shared-smtp" was soft-deleted`,
		fmt.Sprintf(`2 config(s) still reference it: "%s/smtp_relay", "%s/legacy_smtp"`, otherOrg, thirdOrg))

	// A config of this state whose secret (managed elsewhere) is deleted, then disabled.
	w.setConfig(v.config(fmt.Sprintf(`
resource "bifrost_config" "uses_elsewhere" {
  organization_id = %q
  key             = "uses_elsewhere"
  type            = "secret_reference"
  secret_id       = "global/elsewhere"
}
`, testOrg)))
	elsewhere, err := v.store().Create(ctx, bifrost.Entry{Scope: bifrost.GlobalScope, Kind: bifrost.KindSecret, Name: "elsewhere", Value: "x", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	w.mustRun(ctx, "apply", "-auto-approve")
	v.foreignPatch(elsewhere.KeyVaultName, azsecrets.UpdateSecretPropertiesParameters{SecretAttributes: &azsecrets.SecretAttributes{Enabled: to.Ptr(false)}})
	out = w.mustRun(ctx, "plan")
	assertSays(t, out, "Secret reference points at a disabled secret", `Config "uses_elsewhere" in organization `+testOrg+` references secret "global/elsewhere", which is disabled`)
	if _, err := v.store().Delete(ctx, elsewhere.Ref()); err != nil {
		t.Fatal(err)
	}
	out = w.mustRun(ctx, "plan")
	assertSays(t, out, "Secret reference points at a missing secret", `references secret "global/elsewhere", which does not exist`,
		"recover it if it was deleted")
}

// Issue 6: the import block an error prints is valid HCL: pasted into the configuration (with
// the resource's name for NAME), it imports the entry.
func TestAccOutsideChanges_printedImportBlocks(t *testing.T) {
	v := newAccVault(t)
	ctx, cancel := context.WithTimeout(context.Background(), outsideTimeout)
	defer cancel()
	if _, err := v.store().Create(ctx, bifrost.Entry{Scope: testOrg, Kind: bifrost.KindSecret, Name: "api-key", Value: "existing", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	cfg := described(v, "d")
	w := newCLIWorkdir(t, cfg)
	out := w.mustFail(ctx, "apply", "-auto-approve")
	assertSays(t, out, "Entry already exists")
	// What a user pastes: the block's lines as printed, less the diagnostic frame.
	var block []string
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), "│"))
		if line == "import {" {
			block = []string{line}
		} else if block != nil {
			block = append(block, line)
			if line == "}" {
				break
			}
		}
	}
	if len(block) == 0 || block[len(block)-1] != "}" {
		t.Fatalf("no import block in the error:\n%s", out)
	}
	hcl := strings.ReplaceAll(strings.Join(block, "\n"), "bifrost_secret.NAME", "bifrost_secret.api")
	w.setConfig(cfg + "\n" + hcl + "\n")
	plan := w.mustRun(ctx, "plan")
	if !strings.Contains(plan, "1 to import") {
		t.Errorf("the pasted import block\n%s\nimports nothing:\n%s", hcl, plan)
	}
}

// Issue 7: two states that import the same entry. After the second state's first write, the
// first state's next refresh fails with the ownership error, naming both owner tokens and the
// repair, instead of both states silently writing over each other.
func TestAccOutsideChanges_twoStatesOneEntry(t *testing.T) {
	v := newAccVault(t)
	ctx, cancel := context.WithTimeout(context.Background(), outsideTimeout)
	defer cancel()
	if _, err := v.store().Create(ctx, bifrost.Entry{Scope: testOrg, Kind: bifrost.KindSecret, Name: "api-key", Value: "declared-api-key", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	importing := fmt.Sprintf("\nimport {\n  to = bifrost_secret.api\n  id = %q\n}\n", testOrg+"/api-key")
	first := newCLIWorkdir(t, described(v, "first")+importing)
	second := newCLIWorkdir(t, described(v, "first")+importing)
	first.mustRun(ctx, "apply", "-auto-approve")
	second.mustRun(ctx, "apply", "-auto-approve")

	second.setConfig(described(v, "second") + importing)
	second.mustRun(ctx, "apply", "-auto-approve")
	out := first.mustFail(ctx, "plan")
	assertSays(t, out, "Entry managed by another Terraform state", "is not the owner token this state holds",
		"remove it from the others with `terraform state rm`")
	// The second state, which wrote last, goes on as usual.
	if changes := second.changes(ctx); len(changes) != 0 {
		t.Errorf("the second state's plan changes %v", changes)
	}
}

// Issue 8: the private state lost (a state edited by hand) or older than the vault (an older
// state file pushed back). Drift detection of a write-only value survives: without a foreign
// version the plan is empty, with one it writes the value again; an older state plans a write.
func TestAccOutsideChanges_privateStateLost(t *testing.T) {
	v := newAccVault(t)
	ctx, cancel := context.WithTimeout(context.Background(), outsideTimeout)
	defer cancel()
	kvName := bifrost.KeyVaultName(testOrg, bifrost.KindSecret, "wo")
	wo := func(version int) string {
		return v.config(fmt.Sprintf(`
resource "bifrost_secret" "wo" {
  organization_id  = %q
  name             = "wo"
  value_wo         = "declared-wo-%[2]d"
  value_wo_version = %[2]d
}
`, testOrg, version))
	}
	w := newCLIWorkdir(t, wo(1))
	w.requireWriteOnly(ctx)
	w.mustRun(ctx, "apply", "-auto-approve")

	// An older state file pushed back after a rotation: the plan writes the value again.
	older := w.mustRun(ctx, "state", "pull")
	w.setConfig(wo(2))
	w.mustRun(ctx, "apply", "-auto-approve")
	w.setConfig(wo(1))
	w.pushState(ctx, older, false)
	if changes := w.changes(ctx); !slices.Equal(changes, []string{"bifrost_secret.wo update"}) {
		t.Errorf("with an older state pushed back, the plan changes %v, want the value written again", changes)
	}
	w.mustRun(ctx, "apply", "-auto-approve")
	if got := v.latest(kvName); *got.Value != "declared-wo-1" {
		t.Error("the vault does not hold the declared value after the apply")
	}

	// The private state removed by hand: the version in the state stands for the one written.
	current := w.mustRun(ctx, "state", "pull")
	w.pushState(ctx, current, true)
	if changes := w.changes(ctx); len(changes) != 0 {
		t.Errorf("with the private state lost and no foreign version, the plan changes %v", changes)
	}
	w.pushState(ctx, current, true)
	v.foreignVersion(kvName, "rotated-outside")
	if changes := w.changes(ctx); !slices.Equal(changes, []string{"bifrost_secret.wo update"}) {
		t.Errorf("with the private state lost and a foreign version, the plan changes %v, want the value written again", changes)
	}
	w.mustRun(ctx, "apply", "-auto-approve")
	if got := v.latest(kvName); *got.Value != "declared-wo-1" {
		t.Error("the vault does not hold the declared value after the apply")
	}
	if changes := w.changes(ctx); len(changes) != 0 {
		t.Errorf("the plan after converging changes %v", changes)
	}
}

// pushState pushes a copy of the state document doc (as `state pull` printed it) with a
// serial above the current one; withoutPrivate drops every resource's private state.
func (w *cliWorkdir) pushState(ctx context.Context, doc string, withoutPrivate bool) {
	w.t.Helper()
	// Only the fields changed are typed; the rest of the document passes through as it is.
	var state map[string]json.RawMessage
	var resources []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &state); err != nil {
		w.t.Fatalf("state pull: %v", err)
	}
	if err := json.Unmarshal(state["resources"], &resources); err != nil {
		w.t.Fatalf("state pull: resources: %v", err)
	}
	var current struct {
		Serial int64 `json:"serial"`
	}
	if err := json.Unmarshal([]byte(w.mustRun(ctx, "state", "pull")), &current); err != nil {
		w.t.Fatal(err)
	}
	state["serial"] = json.RawMessage(fmt.Sprint(current.Serial + 1))
	if withoutPrivate {
		for _, r := range resources {
			var instances []map[string]json.RawMessage
			if err := json.Unmarshal(r["instances"], &instances); err != nil {
				w.t.Fatalf("state pull: instances: %v", err)
			}
			for _, inst := range instances {
				delete(inst, "private")
			}
			r["instances"] = mustJSON(w.t, instances)
		}
		state["resources"] = mustJSON(w.t, resources)
	}
	file := filepath.Join(w.dir, "pushed.tfstate")
	if err := os.WriteFile(file, mustJSON(w.t, state), 0o600); err != nil {
		w.t.Fatal(err)
	}
	w.mustRun(ctx, "state", "push", file)
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Issue 9: another writer replaced a secret_reference config's value with something that is
// not a secret id, keeping the tags (a script) or not (the portal). The plan does not fail on
// it: it shows the config as drift, the apply repairs it, and every plan after is empty.
func TestAccOutsideChanges_corruptedReference(t *testing.T) {
	v := newAccVault(t)
	ctx, cancel := context.WithTimeout(context.Background(), outsideTimeout)
	defer cancel()
	kvName := bifrost.KeyVaultName(testOrg, bifrost.KindConfig, "smtp_password")
	w := newCLIWorkdir(t, referencesConfig(v, true, true))
	w.mustRun(ctx, "apply", "-auto-approve")
	for _, keepTags := range []bool{true, false} {
		params := azsecrets.SetSecretParameters{Value: to.Ptr("plain text, not a reference")}
		if keepTags {
			params.Tags = v.latest(kvName).Tags
		}
		if _, err := v.kvClient().SetSecret(ctx, kvName, params, nil); err != nil {
			t.Fatal(err)
		}
		if keepTags {
			assertSays(t, w.mustRun(ctx, "plan"), "Config holds no valid secret reference", "The plan writes the declared secret_id again")
		}
		if changes := w.changes(ctx); !slices.Equal(changes, []string{"bifrost_config.mine update"}) {
			t.Errorf("keeping the tags %v: the plan changes %v, want the config written again", keepTags, changes)
		}
		w.mustRun(ctx, "apply", "-auto-approve")
		if got := v.latest(kvName); *got.Value != "global/shared-smtp" || got.Tags[bifrost.TagReference] == nil {
			t.Errorf("keeping the tags %v: the config was not repaired (reference tag %v)", keepTags, got.Tags[bifrost.TagReference])
		}
		if changes := w.changes(ctx); len(changes) != 0 {
			t.Errorf("keeping the tags %v: the plan after the repair changes %v", keepTags, changes)
		}
	}
}

// The same organization spelled in another case is no change: the plan is empty, and the
// state keeps the spelling it has.
func TestAccOutsideChanges_scopeCaseOnlyChange(t *testing.T) {
	v := newAccVault(t)
	secret := func(org string) string {
		return v.config(fmt.Sprintf(`
resource "bifrost_secret" "api" {
  organization_id = %q
  name            = "api-key"
  value           = "declared-api-key"
}
`, org))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: secret(testOrg)},
			{
				Config:           secret(strings.ToUpper(testOrg)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("bifrost_secret.api", tfjsonpath.New("organization_id"), knownvalue.StringExact(testOrg)),
				},
			},
		},
	})
}

// A vault whose authentication challenge names another resource (an emulator, with the check
// left on): the error names the provider's setting, not the SDK's option.
func TestAccOutsideChanges_challengeMessageNamesTheSetting(t *testing.T) {
	v := newAccVault(t)
	v.requireEmulator("authentication challenge, which names another resource than its vault URL")
	ctx, cancel := context.WithTimeout(context.Background(), outsideTimeout)
	defer cancel()
	officer := v.Principal("officer")
	w := newCLIWorkdir(t, fmt.Sprintf(`
terraform {
  required_providers {
    bifrost = { source = "registry.terraform.io/hashicorp/bifrost" }
  }
}

provider "bifrost" {
  vault_url      = %q
  authority_host = %q
  tenant_id      = %q
  client_id      = %q
  client_secret  = %q
}
`, v.VaultURL(), v.AuthorityHost(), v.TenantID(), officer.ClientID, officer.ClientSecret)+described(v, "d")[strings.Index(described(v, "d"), `resource "bifrost_secret"`):])
	out := w.mustFail(ctx, "apply", "-auto-approve")
	assertSays(t, out, "Key Vault's authentication challenge does not match vault_url", `resource "https://vault.azure.net"`,
		"set skip_challenge_resource_verification = true")
	if strings.Contains(out, "DisableChallengeResourceVerification") {
		t.Errorf("the error names the SDK's option:\n%s", out)
	}
}
