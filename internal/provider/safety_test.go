package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// The safety tests: the provider never destroys or overwrites what it does not own, and an
// interrupted or concurrent run is safe to repeat. Each reproduces a way a hostile or careless
// user broke an earlier version.

// Tags whose values are only known at apply (a variable, count.index, another resource's
// output) are validated as far as they are known at plan, and written at apply.
func TestAccSafety_tagsFromExpressions(t *testing.T) {
	v := newAccVault(t)
	cfg := v.config(fmt.Sprintf(`
variable "env" {
  type    = string
  default = "prod"
}

resource "bifrost_secret" "base" {
  organization_id = %[1]q
  name            = "base"
  value           = "base-value"
}

resource "bifrost_secret" "tagged" {
  count           = 2
  organization_id = %[1]q
  name            = "tagged-${count.index}"
  value           = "tagged-value"
  tags = {
    env   = var.env
    index = tostring(count.index)
    peer  = bifrost_secret.base.version
  }
}
`, testOrg))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("bifrost_secret.tagged[1]", tfjsonpath.New("tags").AtMapKey("env"), knownvalue.StringExact("prod")),
					statecheck.ExpectKnownValue("bifrost_secret.tagged[1]", tfjsonpath.New("tags").AtMapKey("index"), knownvalue.StringExact("1")),
					statecheck.ExpectKnownValue("bifrost_secret.tagged[0]", tfjsonpath.New("tags").AtMapKey("peer"), knownvalue.StringRegexp(versionPattern)),
					vaultCheck(func() error {
						got, err := v.store().GetMetadata(context.Background(), testOrg, bifrost.KindSecret, "tagged-1")
						if err != nil {
							return err
						}
						if got.Tags["env"] != "prod" || got.Tags["index"] != "1" || !versionPattern.MatchString(got.Tags["peer"]) {
							return fmt.Errorf("Key Vault tags of tagged-1 are %v", got.Tags)
						}
						return nil
					}),
				},
			},
			{
				// The budget still counts what is known: 11 keys (one value unknown) plus the four
				// reserved tags (kind, scope, name, owner) are 15; a description's tag makes 16.
				Config: v.config(fmt.Sprintf(`
resource "bifrost_secret" "base" {
  organization_id = %[1]q
  name            = "base"
  value           = "base-value"
}

resource "bifrost_secret" "crowded" {
  organization_id = %[1]q
  name            = "crowded"
  value           = "crowded-value"
  description     = "one tag too many"
  tags            = merge({ for i in range(10) : "t${i}" => "v" }, { peer = bifrost_secret.base.version })
}
`, testOrg)),
				ExpectError: expectDiagnostic("11 tags plus the 5 tags the provider reserves make 16", "remove 1 tag"),
			},
			// A valid last step: the post-test destroy runs with the last step's configuration.
			{Config: cfg},
		},
	})
}

// A managed entry whose bifrost-* tags are edited out of band is not taken over by whatever
// the tags now say: refresh refuses, naming both identities and the repair, and nothing is
// deleted.
func TestAccSafety_retaggedOutOfBand(t *testing.T) {
	v := newAccVault(t)
	kvName := bifrost.KeyVaultName(testOrg, bifrost.KindSecret, "retag-me")
	// setNameTag edits the bifrost-name tag the way a user in the portal would.
	setNameTag := func(name string) {
		t.Helper()
		resp, err := v.kvClient().GetSecret(context.Background(), kvName, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Tags[bifrost.TagName] = to.Ptr(name)
		if _, err := v.kvClient().UpdateSecretProperties(context.Background(), kvName, "", azsecrets.UpdateSecretPropertiesParameters{Tags: resp.Tags}, nil); err != nil {
			t.Fatal(err)
		}
	}
	cfg := v.config(secretConfig("retag-me", "retag-value", "") + fmt.Sprintf(`
resource "bifrost_config" "ref" {
  organization_id = %q
  key             = "uses_retag_me"
  type            = "secret_reference"
  secret_id       = bifrost_secret.test.id
}
`, testOrg))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig:   func() { setNameTag("hijacked") },
				Config:      cfg,
				ExpectError: expectDiagnostic(`tagged as secret "hijacked"`, `not as secret "retag-me"`),
			},
			{
				// Nothing was deleted or rewritten while the tags disagreed; once they are
				// repaired the plan is empty again.
				PreConfig: func() { setNameTag("retag-me") },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("bifrost_secret.test", plancheck.ResourceActionNoop),
				}},
				Check: v.checkVaultValue(testOrg, "retag-me", "retag-value"),
			},
		},
	})
}

// Importing `{scope}/{name}` when the Key Vault secret at that name is tagged as another
// entry fails, and leaves the secret alone.
func TestAccSafety_importTaggedAsAnother(t *testing.T) {
	v := newAccVault(t)
	kvName := bifrost.KeyVaultName(testOrg, bifrost.KindSecret, "mine")
	_, err := v.kvClient().SetSecret(context.Background(), kvName, azsecrets.SetSecretParameters{
		Value: to.Ptr("someone-elses-value"),
		Tags: map[string]*string{
			bifrost.TagKind: to.Ptr("secret"), bifrost.TagScope: to.Ptr(testOrg), bifrost.TagName: to.Ptr("theirs"),
		},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:        v.config(secretConfig("mine", "my-value", "")),
				ResourceName:  "bifrost_secret.test",
				ImportState:   true,
				ImportStateId: testOrg + "/mine",
				ExpectError:   expectDiagnostic(`tagged as secret "theirs"`, `not as secret "mine"`),
			},
		},
	})
	resp, err := v.kvClient().GetSecret(context.Background(), kvName, "", nil)
	if err != nil || *resp.Value != "someone-elses-value" || *resp.Tags[bifrost.TagName] != "theirs" {
		t.Fatalf("the foreign secret was changed by a failed import (err %v)", err)
	}
}

// Adoption by URL is for Key Vault secrets that are not Bifrost entries: another
// organization's entry, or one of this organization's, is refused with the `{scope}/{name}`
// import to use instead; a URL of another vault is refused too.
func TestAccSafety_adoptionRefusesBifrostEntries(t *testing.T) {
	v := newAccVault(t)
	if _, err := v.store().Create(context.Background(), bifrost.Entry{Scope: testOrg, Kind: bifrost.KindSecret, Name: "stripe", Value: "org-a-value", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	kvName := bifrost.KeyVaultName(testOrg, bifrost.KindSecret, "stripe")
	orgBConfig := v.config(fmt.Sprintf(`
resource "bifrost_secret" "test" {
  organization_id = %q
  name            = "stripe"
  value           = "org-b-value"
}
`, testOrgB))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:        orgBConfig,
				ResourceName:  "bifrost_secret.test",
				ImportState:   true,
				ImportStateId: v.VaultURL() + "secrets/" + kvName,
				ExpectError:   expectDiagnostic("Bifrost entry", `secret "stripe" in organization `+testOrg, `import it by id "`+testOrg+`/stripe"`),
			},
			{
				Config:        orgBConfig,
				ResourceName:  "bifrost_secret.test",
				ImportState:   true,
				ImportStateId: "https://another-vault.vault.azure.net/secrets/legacy-key",
				ExpectError:   expectDiagnostic("another vault", "another-vault.vault.azure.net"),
			},
		},
	})
	got, err := v.store().Get(context.Background(), testOrg, bifrost.KindSecret, "stripe")
	if err != nil || got.Value != "org-a-value" {
		t.Fatalf("organization A's secret was changed by org B's refused adoption (err %v)", err)
	}
}

// A Key Vault secret adopted by URL and destroyed before its first apply is soft-deleted by
// its Key Vault name (it has no Bifrost name yet).
func TestAccSafety_adoptedDestroyedBeforeApply(t *testing.T) {
	v := newAccVault(t)
	const legacy = "3f1c9a52--legacy-key"
	if _, err := v.kvClient().SetSecret(context.Background(), legacy, azsecrets.SetSecretParameters{Value: to.Ptr("legacy-value")}, nil); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:             v.config(secretConfig("legacy", "legacy-value", "")),
				ResourceName:       "bifrost_secret.test",
				ImportState:        true,
				ImportStatePersist: true,
				ImportStateId:      v.VaultURL() + "secrets/" + legacy,
			},
		},
		CheckDestroy: func(*terraform.State) error {
			// Key Vault's deletion is asynchronous: GET deletedsecrets answers 404
			// until it completes (the destroy does not wait for it without a purge).
			var err error
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				if _, err = v.kvClient().GetDeletedSecret(context.Background(), legacy, nil); err == nil {
					return nil
				}
			}
			return fmt.Errorf("the adopted secret is not soft-deleted after destroy: %v", err)
		},
	})
}

// tags from each.key: the for_each case of the test above, driven through the CLI directly
// because terraform-plugin-testing's state view rejects for_each addresses.
func TestAccSafety_tagsFromEachKey(t *testing.T) {
	v := newAccVault(t)
	w := newCLIWorkdir(t, v.config(fmt.Sprintf(`
resource "bifrost_secret" "each" {
  for_each        = toset(["a", "b"])
  organization_id = %q
  name            = "each-${each.key}"
  value           = "each-value"
  tags            = { key = each.key }
}
`, testOrg)))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if out, err := w.apply(ctx, 10); err != nil {
		t.Fatalf("apply failed: %v\n%s", err, out)
	}
	for _, key := range []string{"a", "b"} {
		got, err := v.store().GetMetadata(ctx, testOrg, bifrost.KindSecret, "each-"+key)
		if err != nil {
			t.Fatal(err)
		}
		if got.Tags["key"] != key {
			t.Errorf("Key Vault tag key of each-%s is %q, want %q", key, got.Tags["key"], key)
		}
	}
	if code, out := w.planExitCode(ctx); code != 0 {
		t.Fatalf("plan after apply exited %d, want 0 (no changes)\n%s", code, out)
	}
}

// Under 30 % throttling (Retry-After honoured), server errors or dropped connections, apply,
// plan and destroy of 50 entries (`make soak`: 200, see soakEntries) succeed, and the vault
// matches the state.
func TestAccSafety_faults(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults emulator.Faults
	}{
		{"throttling", emulator.Faults{ThrottleShare: 0.3, RetryAfter: time.Second}},
		{"server_errors", emulator.Faults{ServerErrorShare: 0.3}},
		{"dropped_connections", emulator.Faults{DropShare: 0.3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := soakEntries(t, 50)
			v := newAccVault(t)
			v.requireEmulator("fault injection")
			cfg := v.config(fmt.Sprintf(`
resource "bifrost_secret" "fleet" {
  # count, not for_each: terraform-plugin-testing's state view rejects for_each addresses.
  count           = %d
  organization_id = %q
  name            = format("fleet-%%03d", count.index)
  value           = "value-of-fleet-${count.index}"
  tags            = { member = tostring(count.index) }
}
`, n, testOrg))
			faultsOn := func() { v.SetFaults(tc.faults) }
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []resource.TestStep{
					{
						// The step's apply, its refresh and the empty plan after it all run under faults.
						PreConfig:         faultsOn,
						Config:            cfg,
						ConfigStateChecks: []statecheck.StateCheck{vaultMatchesState{v, testOrg, n}},
					},
					{
						PreConfig: faultsOn,
						Config:    cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectEmptyPlan(),
						}},
					},
					{
						// The destroy runs under faults too.
						PreConfig: faultsOn,
						Config:    cfg,
						Destroy:   true,
					},
				},
				CheckDestroy: func(*terraform.State) error {
					return v.withoutFaults(func() error {
						left, err := v.store().List(context.Background(), testOrg, bifrost.KindSecret)
						if err != nil {
							return err
						}
						if len(left) != 0 {
							return fmt.Errorf("%d entries are left in the vault after destroy", len(left))
						}
						return nil
					})
				},
			})
		})
	}
}

// withoutFaults runs check with the emulator's faults off, restoring them afterwards, so the
// test's own reads are not subject to them.
func (v *accVault) withoutFaults(check func() error) error {
	f := v.Faults()
	v.SetFaults(emulator.Faults{})
	defer v.SetFaults(f)
	return check()
}

// vaultCheck is a state check that looks at the vault, not the state: a state check rather
// than a legacy Check, because the legacy state view rejects for_each addresses.
type vaultCheck func() error

func (c vaultCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c()
}

// vaultMatchesState is a state check: the vault's secrets in scope are exactly the
// bifrost_secret resources in state, with their values, and there are want of them. A state
// check, not a legacy Check, because the legacy state view rejects for_each addresses.
type vaultMatchesState struct {
	v     *accVault
	scope bifrost.Scope
	want  int
}

func (c vaultMatchesState) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	inState := map[string]string{}
	if req.State != nil && req.State.Values != nil && req.State.Values.RootModule != nil {
		for _, r := range req.State.Values.RootModule.Resources {
			if r.Type != "bifrost_secret" {
				continue
			}
			name, _ := r.AttributeValues["name"].(string)
			value, _ := r.AttributeValues["value"].(string)
			inState[name] = value
		}
	}
	resp.Error = c.v.withoutFaults(func() error { return c.v.checkVaultHolds(c.scope, inState, c.want) })
}

// checkVaultHolds checks that the vault's secrets in scope are exactly the names of
// inState, each with its value (when not empty), and that there are want of them.
func (v *accVault) checkVaultHolds(scope bifrost.Scope, inState map[string]string, want int) error {
	ctx := context.Background()
	entries, err := v.store().List(ctx, scope, bifrost.KindSecret)
	if err != nil {
		return err
	}
	var inVault []string
	for _, e := range entries {
		inVault = append(inVault, e.Name)
	}
	stateNames := slices.Sorted(maps.Keys(inState))
	if !slices.Equal(inVault, stateNames) {
		return fmt.Errorf("the vault holds %d entries %v, the state %d %v", len(inVault), inVault, len(stateNames), stateNames)
	}
	if len(inVault) != want {
		return fmt.Errorf("the vault holds %d entries, want %d", len(inVault), want)
	}
	for name, value := range inState {
		got, err := v.store().Get(ctx, scope, bifrost.KindSecret, name)
		if err != nil {
			return err
		}
		if value != "" && got.Value != value {
			return fmt.Errorf("the vault holds another value for %q than the state", name)
		}
	}
	return nil
}

// A CLI killed in the middle of creating 100 entries (`make soak`: 200, see soakEntries) leaves
// some in the vault and none in state; the next apply takes over the ones it had written (they
// hold exactly the planned value and metadata: nothing is rewritten) and creates the rest.
func TestAccSafety_crashDuringCreateConverges(t *testing.T) {
	n := soakEntries(t, 100)
	v := newAccVault(t, func(o *emulator.Options) { o.Faults.Latency = 30 * time.Millisecond })
	w := newCLIWorkdir(t, v.config(fmt.Sprintf(`
resource "bifrost_secret" "fleet" {
  for_each        = toset([for i in range(%d) : format("crash-%%03d", i)])
  organization_id = %q
  name            = each.key
  value           = "value-of-${each.key}"
  description     = "created by the crash test"
  tags            = { member = each.key }
}
`, n, testOrg)))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	cmd, out := w.command(ctx, nil, "apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=10")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill the CLI once the vault holds between a quarter and a half of the entries.
	deadline := time.Now().Add(3 * time.Minute)
	for v.RequestCounts()["SetSecret"] < n/4 {
		if time.Now().After(deadline) {
			t.Fatalf("the apply did not get going:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	// Let the requests the killed run had in flight finish or fail before looking.
	time.Sleep(2 * time.Second)
	written, err := v.store().List(ctx, testOrg, bifrost.KindSecret)
	if err != nil {
		t.Fatal(err)
	}
	if len(written) == 0 || len(written) == n {
		t.Fatalf("the kill did not land mid-apply: %d of %d entries written", len(written), n)
	}
	if inState := w.stateList(ctx); len(inState) == n {
		t.Fatalf("the killed apply saved every entry in state; the test proves nothing")
	}
	t.Logf("killed mid-apply: %d entries in the vault, %d in state", len(written), len(w.stateList(ctx)))

	if out, err := w.apply(ctx, 10); err != nil {
		t.Fatalf("re-apply after the crash failed: %v\n%s", err, out)
	}
	if got := len(w.stateList(ctx)); got != n {
		t.Fatalf("after the re-apply the state holds %d entries, want %d", got, n)
	}
	want := map[string]string{}
	for i := range n {
		name := fmt.Sprintf("crash-%03d", i)
		want[name] = "value-of-" + name
	}
	if err := v.checkVaultHolds(testOrg, want, n); err != nil {
		t.Fatal(err)
	}
	// Taking over wrote no new version: every entry has the one version its first write made.
	for _, e := range written {
		n := 0
		pager := v.kvClient().NewListSecretPropertiesVersionsPager(e.KeyVaultName, nil)
		for pager.More() {
			page, err := pager.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			n += len(page.Value)
		}
		if n != 1 {
			t.Errorf("%s has %d versions after the re-apply, want 1 (taking over must not rewrite it)", e.Name, n)
		}
	}
	if code, out := w.planExitCode(ctx); code != 0 {
		t.Fatalf("the plan after convergence is not empty (exit %d):\n%s", code, out)
	}
}

// A crashed create whose entry no longer matches the plan (the value changed since) is not
// taken over: the re-apply refuses it, naming the import to use.
func TestAccSafety_takeoverOnlyOfIdenticalEntries(t *testing.T) {
	v := newAccVault(t)
	// What a crashed run of an earlier configuration left: the entry, with its identity tags,
	// holding another value.
	if _, err := v.store().Create(context.Background(), bifrost.Entry{Scope: testOrg, Kind: bifrost.KindSecret, Name: "half-done", Value: "older-value", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:      v.config(secretConfig("half-done", "newer-value", "")),
				ExpectError: expectDiagnostic("already exists in Key Vault with other content", "import {", "bifrost_secret."),
			},
		},
	})
	if got, err := v.store().Get(context.Background(), testOrg, bifrost.KindSecret, "half-done"); err != nil || got.Value != "older-value" {
		t.Fatalf("the refused create changed the entry (err %v)", err)
	}
}

// Two states applying the same 20 names at once both believe they created them; the next
// refresh of each tells, for every name, that exactly one of the two states owns it.
func TestAccSafety_concurrentAppliesDetected(t *testing.T) {
	v := newAccVault(t, func(o *emulator.Options) { o.Faults.Latency = 200 * time.Millisecond })
	cfg := v.config(fmt.Sprintf(`
resource "bifrost_secret" "shared" {
  for_each        = toset([for i in range(20) : format("shared-%%02d", i)])
  organization_id = %q
  name            = each.key
  value           = "value-of-${each.key}"
}
`, testOrg))
	a, b := newCLIWorkdir(t, cfg), newCLIWorkdir(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	var wg sync.WaitGroup
	for _, w := range []*cliWorkdir{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if out, err := w.apply(ctx, 10); err != nil {
				// A create that finds the other state's entry with other content refuses; with
				// the same configuration on both sides every create succeeds.
				t.Errorf("concurrent apply failed: %v\n%s", err, out)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	inA, inB := a.stateList(ctx), b.stateList(ctx)
	if len(inA) != 20 || len(inB) != 20 {
		t.Fatalf("states hold %d and %d entries, want 20 each", len(inA), len(inB))
	}

	const summary = "Entry managed by another Terraform state"
	codeA, outA := a.planExitCode(ctx)
	codeB, outB := b.planExitCode(ctx)
	conflictsA, conflictsB := diagnosticAddresses(outA, summary), diagnosticAddresses(outB, summary)
	for _, addr := range inA {
		if slices.Contains(conflictsA, addr) == slices.Contains(conflictsB, addr) {
			t.Errorf("%s: the conflict is reported by %s, want exactly one of the two states",
				addr, map[bool]string{true: "both states", false: "neither state"}[slices.Contains(conflictsA, addr)])
		}
	}
	t.Logf("state A: exit %d, %d conflicts; state B: exit %d, %d conflicts", codeA, len(conflictsA), codeB, len(conflictsB))
	if t.Failed() {
		t.Logf("plan A:\n%s\nplan B:\n%s", outA, outB)
	}
}

// Limits are counted as Key Vault counts them (UTF-8 bytes, the strict reading of its limits)
// at plan, so nothing that passes plan fails at apply; a vault_url with a path and a
// not_before after expires_at are refused at plan.
func TestAccSafety_limitsAtPlan(t *testing.T) {
	v := newAccVault(t)
	accents := strings.Repeat("é", 200) // 200 characters, 400 bytes
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:      v.config(secretConfig("limits", "v", fmt.Sprintf("description = %q", accents))),
				PlanOnly:    true,
				ExpectError: expectDiagnostic("description is 400 bytes", "at most 256"),
			},
			{
				Config:      v.config(secretConfig("limits", "v", fmt.Sprintf("content_type = %q", accents))),
				PlanOnly:    true,
				ExpectError: expectDiagnostic("content type is 400 bytes", "at most 255"),
			},
			{
				Config:      v.config(secretConfig("limits", "v", fmt.Sprintf("tags = { note = %q }", accents))),
				PlanOnly:    true,
				ExpectError: expectDiagnostic(`value of tag "note" is 400 bytes`, "at most 256"),
			},
			{
				Config: v.config(secretConfig("limits", "v", `
  not_before = "2031-01-01T00:00:00Z"
  expires_at = "2030-01-01T00:00:00Z"`)),
				PlanOnly:    true,
				ExpectError: expectDiagnostic("not_before is after expires_at", "not-before time 2031-01-01T00:00:00Z is after the expiry time 2030-01-01T00:00:00Z"),
			},
			{
				Config: strings.Replace(v.config(secretConfig("limits", "v", "")),
					fmt.Sprintf("vault_url                            = %q", v.VaultURL()),
					fmt.Sprintf("vault_url                            = %q", v.VaultURL()+"secrets/limits"), 1),
				PlanOnly:    true,
				ExpectError: expectDiagnostic("vault_url", "has a path (/secrets/limits)"),
			},
		},
	})
}

// A config's description is counted in bytes too.
func TestAccSafety_configDescriptionBytes(t *testing.T) {
	v := newAccVault(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		Steps: []resource.TestStep{
			{
				Config: v.config(fmt.Sprintf(`
resource "bifrost_config" "test" {
  organization_id = %q
  key             = "region"
  type            = "string"
  value           = "eu"
  description     = %q
}
`, testOrg, strings.Repeat("ü", 129))),
				PlanOnly:    true,
				ExpectError: expectDiagnostic("description is 258 bytes", "at most 256"),
			},
		},
	})
}
