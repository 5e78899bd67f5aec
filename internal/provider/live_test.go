package provider

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// Live mode: the acceptance tests against a real Key Vault, as azurerm's run against Azure.
// `make testacc-live` (scripts/testacc-live.sh) sets liveVariable and builds the tests with
// organization ids of the run's own (orgs_test.go); TestMain then reads the vault's URL and
// credentials from the provider's own variables (provider_settings.go) before it unsets them,
// and every newAccVault is that vault:
//
//   - the provider block of v.config and v.providerBlock("officer") carries those settings, and
//     v.kvClient and v.store write through the Key Vault REST API with the same credential, as a
//     second writer would;
//   - a test that needs what only the emulator has (options such as faults, other principals,
//     issuers or purge protection; the request counts, the audit log, the clock) is skipped,
//     naming it: by newAccVault for options, by the accVault accessor at its first use
//     otherwise, or by v.requireEmulator at its top;
//   - after each test, every secret it left (named after the run's organizations, or absent
//     from the vault when the run began: global-scope and legacy names) is deleted, its deletion
//     waited for, and purged; the run ends with the same sweep and fails if anything of it is
//     left.
//
// The tests run one after another: they share the vault, and the global scope.

// exampleOrg is the organization of the documentation's examples (examples/), which testOrg is
// outside live runs; a test that applies an example puts testOrg in its place.
const exampleOrg = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"

// liveVariable turns live mode on; make testacc-live sets it.
const liveVariable = "BIFROST_TEST_LIVE"

// live is the vault of a live run; nil otherwise.
var live *liveVault

// liveVault is the vault of the environment, shared by the tests of one run.
type liveVault struct {
	runID    string
	env      map[string]string // the ARM_*, AZURE_* and BIFROST_* variables the run was started with
	settings providerSettings  // what the provider makes of env
	client   *azsecrets.Client // the tests' writer: kvClient

	mu sync.Mutex
	// before holds the lower-case names of the secrets and deleted secrets that were in the
	// vault when the run began: not the run's to delete.
	before map[string]bool
	// settle is the longest a deletion has taken in this vault so far: after a test, the
	// deletions it started (its destroy) have finished once it has passed.
	settle time.Duration
}

// runLive is TestMain in live mode: it checks the settings, the principal's rights and the
// vault (one probe secret written, deleted and purged), notes what the vault holds, runs the
// tests and sweeps what they left.
func runLive(m *testing.M) int {
	env := unsetAzureSettings()
	delete(env, liveVariable)
	fail := func(format string, args ...any) int {
		fmt.Fprintf(os.Stderr, "live run: "+format+"\n", args...)
		return 1
	}
	if liveRunID == "" {
		return fail("%s is set, but the tests were built without a live run's organization ids: run `make testacc-live`, "+
			"which gives each run its own (scripts/testacc-live.sh, orgs_test.go)", liveVariable)
	}
	if os.Getenv("TF_ACC") == "" {
		return fail("%s runs the acceptance tests: set TF_ACC=1 as well (make testacc-live does)", liveVariable)
	}
	settings, diags := resolveSettings(providerBlock{}, envOf(env))
	if diags.HasError() {
		var msgs []string
		for _, d := range diags.Errors() {
			msgs = append(msgs, d.Summary()+": "+d.Detail())
		}
		return fail("the environment does not give a vault and credentials the provider accepts:\n  %s", strings.Join(msgs, "\n  "))
	}
	l := &liveVault{runID: liveRunID, env: env, settings: settings}
	var err error
	if l.client, err = l.newClient(); err != nil {
		return fail("%v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := l.probe(ctx); err != nil {
		return fail("%v", err)
	}
	if err := l.noteBefore(ctx); err != nil {
		return fail("listing the vault: %v", err)
	}
	cancel()
	fmt.Printf("live run %s against %s as %s; its organizations: %s %s %s %s; deleting a secret took %s\n",
		l.runID, l.vaultURL(), settings.CredentialKind(), testOrg, otherOrg, thirdOrg, testOrgB, l.settle.Round(time.Millisecond))
	live = l
	code := m.Run()

	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	left, err := l.sweepRun(ctx)
	switch {
	case err != nil:
		fmt.Fprintf(os.Stderr, "live run %s: the final sweep failed: %v\n", l.runID, err)
		code = 1
	case len(left) > 0:
		fmt.Fprintf(os.Stderr, "live run %s: %d secrets of the run are still in the vault (README.md, \"Testing against a real vault\", says how to remove them): %s\n",
			l.runID, len(left), strings.Join(left, " "))
		code = 1
	default:
		fmt.Printf("live run %s: the vault holds nothing of the run\n", l.runID)
	}
	return code
}

// newClient is the tests' Key Vault client: the provider's credential for the settings, its
// challenge check, and a policy that waits out a name being purged (see waitOutPurge).
func (l *liveVault) newClient() (*azsecrets.Client, error) {
	cred, err := newCredential(l.settings)
	if err != nil {
		return nil, fmt.Errorf("the %s credential: %w", l.settings.CredentialKind(), err)
	}
	opts := &azsecrets.ClientOptions{
		ClientOptions: azcore.ClientOptions{
			Telemetry:       policy.TelemetryOptions{ApplicationID: "tf-bifrost-live-test"},
			PerCallPolicies: []policy.Policy{waitOutPurge{}},
		},
		DisableChallengeResourceVerification: skipChallengeResourceVerificationAttr.value(&l.settings),
	}
	client, err := azsecrets.NewClient(vaultURLAttr.value(&l.settings), cred, opts)
	if err != nil {
		return nil, fmt.Errorf("the Key Vault client for %s: %w", vaultURLAttr.value(&l.settings), err)
	}
	return client, nil
}

// waitOutPurge retries a PUT of a secret that Key Vault refuses because the name is still
// being deleted or purged (409 ObjectIsBeingDeleted): tests that share a vault reuse names
// that the previous test's cleanup has just purged, and Key Vault frees a purged name only
// some time after the purge. The provider and the store wait the same way (bifrost's
// Store.call); a test's out-of-band write through kvClient does too in a live run.
type waitOutPurge struct{}

func (waitOutPurge) Do(req *policy.Request) (*http.Response, error) {
	if req.Raw().Method != http.MethodPut {
		return req.Next()
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := req.Next()
		// Once the wait is over, or the request cannot be sent again, Key Vault's answer stands.
		if err != nil || !nameBeingDeleted(resp) || time.Now().After(deadline) ||
			!pause(req.Raw().Context(), time.Second) || req.RewindBody() != nil {
			return resp, err
		}
	}
}

// nameBeingDeleted reports whether Key Vault refused a write for a deletion or purge of the
// name in progress.
func nameBeingDeleted(resp *http.Response) bool {
	if resp.StatusCode != http.StatusConflict {
		return false
	}
	body, _ := runtime.Payload(resp)
	return strings.Contains(string(body), "ObjectIsBeingDeleted")
}

// pause waits for d, or less when ctx ends first; it reports whether ctx is still going.
func pause(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

// probe writes, deletes and purges one secret named after the run: it tells whether the
// principal may do what the tests do, whether the vault allows purge, and how long a deletion
// takes there.
func (l *liveVault) probe(ctx context.Context) error {
	name := "bifrost-live-probe-" + l.runID
	set, err := l.client.SetSecret(ctx, name, azsecrets.SetSecretParameters{Value: to.Ptr("probe"),
		Tags: map[string]*string{"purpose": to.Ptr("terraform-provider-bifrost live test run " + l.runID)}}, nil)
	if err != nil {
		return fmt.Errorf("writing the probe secret %s (the principal needs the Key Vault Secrets Officer role on the vault): %w", name, err)
	}
	var level bifrost.RecoveryLevel
	if set.Attributes != nil && set.Attributes.RecoveryLevel != nil {
		level = bifrost.RecoveryLevel(*set.Attributes.RecoveryLevel)
	}
	if !level.Recoverable() || !level.Purgeable() {
		// The tests expect a vault that keeps deleted secrets and lets them be purged, as the
		// emulator's default; the run could not purge what it creates.
		if _, err := l.client.DeleteSecret(ctx, name, nil); err != nil {
			return fmt.Errorf("deleting the probe secret %s: %w", name, err)
		}
		return fmt.Errorf("the vault's recovery level is %q: live runs need soft delete without purge protection, so that each test's "+
			"secrets can be purged after it (the probe secret %s was deleted, not purged)", level, name)
	}
	if err := l.deleteAndPurge(ctx, []string{name}); err != nil {
		return fmt.Errorf("deleting and purging the probe secret (the principal needs the Key Vault Secrets Officer role on the vault): %w", err)
	}
	return nil
}

// noteBefore records what the vault holds before the run's tests.
func (l *liveVault) noteBefore(ctx context.Context) error {
	l.before = map[string]bool{}
	for _, deleted := range []bool{false, true} {
		names, err := l.list(ctx, deleted)
		if err != nil {
			return err
		}
		for _, n := range names {
			l.before[strings.ToLower(n)] = true
		}
	}
	return nil
}

// ours reports whether the secret named name is the run's: named after the run (its
// organizations, its probe), or not in the vault when the run began.
func (l *liveVault) ours(name string) bool {
	lower := strings.ToLower(name)
	return strings.Contains(lower, l.runID) || !l.before[lower]
}

// list returns the names of the vault's secrets, or of its deleted secrets.
func (l *liveVault) list(ctx context.Context, deleted bool) ([]string, error) {
	if deleted {
		return pagedNames(ctx, l.client.NewListDeletedSecretPropertiesPager(nil),
			func(p azsecrets.ListDeletedSecretPropertiesResponse) []*azsecrets.DeletedSecretProperties {
				return p.Value
			},
			func(s *azsecrets.DeletedSecretProperties) *azsecrets.ID { return s.ID })
	}
	return pagedNames(ctx, l.client.NewListSecretPropertiesPager(nil),
		func(p azsecrets.ListSecretPropertiesResponse) []*azsecrets.SecretProperties { return p.Value },
		func(s *azsecrets.SecretProperties) *azsecrets.ID { return s.ID })
}

// pagedNames pages through a listing and returns the name of every item that has an id.
func pagedNames[P, T any](ctx context.Context, pager *runtime.Pager[P], items func(P) []T, id func(T) *azsecrets.ID) ([]string, error) {
	var names []string
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, item := range items(page) {
			if itemID := id(item); itemID != nil {
				names = append(names, itemID.Name())
			}
		}
	}
	return names, nil
}

// sweep deletes and purges every secret of the run in the vault, after waiting for the
// deletions a test may have just started (its destroy answers before Key Vault has finished,
// and a secret being deleted is in neither list); it returns the names it removed.
func (l *liveVault) sweep(ctx context.Context) ([]string, error) {
	l.mu.Lock()
	settle := l.settle
	l.mu.Unlock()
	time.Sleep(settle)
	var removed []string
	for _, deleted := range []bool{false, true} {
		names, err := l.list(ctx, deleted)
		if err != nil {
			return removed, err
		}
		names = slices.DeleteFunc(names, func(n string) bool { return !l.ours(n) || slices.Contains(removed, n) })
		if deleted {
			err = l.purge(ctx, names)
		} else {
			err = l.deleteAndPurge(ctx, names)
		}
		removed = append(removed, names...)
		if err != nil {
			return removed, err
		}
	}
	slices.Sort(removed)
	return removed, nil
}

// sweepRun is the sweep at the end of the run; it returns what is left of the run after it.
func (l *liveVault) sweepRun(ctx context.Context) ([]string, error) {
	if _, err := l.sweep(ctx); err != nil {
		return nil, err
	}
	var left []string
	for _, deleted := range []bool{false, true} {
		names, err := l.list(ctx, deleted)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if l.ours(n) {
				left = append(left, n)
			}
		}
	}
	return left, nil
}

// deleteAndPurge deletes the secrets, waits until Key Vault has finished each deletion
// (GET /deletedsecrets answers 404 until then) and purges them.
func (l *liveVault) deleteAndPurge(ctx context.Context, names []string) error {
	deleted := map[string]time.Time{}
	for _, n := range names {
		err := retryWhileBusy(ctx, func() error {
			_, err := l.client.DeleteSecret(ctx, n, nil)
			return err
		})
		switch {
		case err == nil:
			deleted[n] = time.Now()
		case !isHTTPStatus(err, http.StatusNotFound):
			return fmt.Errorf("deleting %s: %w", n, err)
		}
		// 404: deleted since the listing; the purge finds it, or finds it gone.
	}
	for n, at := range deleted {
		if err := l.awaitDeleted(ctx, n, at); err != nil {
			return err
		}
	}
	return l.purge(ctx, names)
}

// awaitDeleted waits until the secret deleted at "at" is a deleted secret, and notes how long
// that took.
func (l *liveVault) awaitDeleted(ctx context.Context, name string, at time.Time) error {
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 2*time.Second) {
		_, err := l.client.GetDeletedSecret(ctx, name, nil)
		switch {
		case err == nil:
			l.deletionTook(time.Since(at))
			return nil
		case !isHTTPStatus(err, http.StatusNotFound) && !isHTTPStatus(err, http.StatusConflict):
			return fmt.Errorf("waiting for the deletion of %s: %w", name, err)
		case !pause(ctx, wait):
			return fmt.Errorf("waiting for the deletion of %s: %w", name, ctx.Err())
		}
	}
}

// purge purges deleted secrets; one already gone is not an error.
func (l *liveVault) purge(ctx context.Context, names []string) error {
	for _, n := range names {
		err := retryWhileBusy(ctx, func() error {
			_, err := l.client.PurgeDeletedSecret(ctx, n, nil)
			return err
		})
		if err != nil && !isHTTPStatus(err, http.StatusNotFound) {
			return fmt.Errorf("purging %s: %w", n, err)
		}
	}
	return nil
}

// deletionTook notes how long a deletion took, for sweep's wait.
func (l *liveVault) deletionTook(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.settle = max(l.settle, d)
}

// retryWhileBusy retries a request that Key Vault answers with a 409 for a deletion or a
// recovery in progress.
func retryWhileBusy(ctx context.Context, req func() error) error {
	for {
		err := req()
		// Key Vault's inner error code (ObjectIsBeingDeleted, ObjectIsBeingRecovered) is in
		// the body, which the error's text holds.
		if !isHTTPStatus(err, http.StatusConflict) || !strings.Contains(err.Error(), "ObjectIsBeing") || !pause(ctx, 500*time.Millisecond) {
			return err
		}
	}
}

func isHTTPStatus(err error, status int) bool {
	var re *azcore.ResponseError
	return errors.As(err, &re) && re.StatusCode == status
}

// vaultFor is newAccVault in a live run: the live vault, swept when t ends, or a skip when
// t needs what only the emulator has.
func (l *liveVault) vaultFor(t *testing.T, opts []func(*emulator.Options)) *accVault {
	t.Helper()
	if !strings.HasPrefix(t.Name(), "TestAcc") {
		t.Skip("a unit test with an in-process emulator (make unit runs it); a live run runs the acceptance tests")
	}
	if what := emulatorOptions(opts); what != "" {
		skipLive(t, what)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		removed, err := l.sweep(ctx)
		if len(removed) > 0 {
			t.Logf("live run: deleted and purged what the test left: %s", strings.Join(removed, " "))
		}
		if err != nil {
			t.Errorf("live run: cleaning the vault after the test: %v", err)
		}
	})
	return &accVault{t: t, live: l}
}

// emulatorOptions names the emulator options that opts set and a live vault cannot give;
// empty when there are none. Transition delays are not among them: a real vault's deletes,
// recovers and purges take time of their own.
func emulatorOptions(opts []func(*emulator.Options)) string {
	var o emulator.Options
	for _, f := range opts {
		f(&o)
	}
	var set []string
	ov := reflect.ValueOf(o)
	for i := range ov.NumField() {
		name := ov.Type().Field(i).Name
		if name == "Faults" || ov.Field(i).IsZero() {
			continue
		}
		set = append(set, "Options."+name)
	}
	fv := reflect.ValueOf(o.Faults)
	for i := range fv.NumField() {
		name := fv.Type().Field(i).Name
		if fv.Field(i).IsZero() {
			continue
		}
		if d, ok := fv.Field(i).Interface().(time.Duration); ok && d > 0 && strings.HasSuffix(name, "Delay") {
			continue
		}
		set = append(set, "Faults."+name)
	}
	if len(set) == 0 {
		return ""
	}
	return "options " + strings.Join(set, ", ")
}

// skipLive skips a test that needs what only the emulator has.
func skipLive(t *testing.T, what string) {
	t.Helper()
	t.Skipf("live run: needs the emulator's %s", what)
}

// requireEmulator skips the test in a live run: it needs what, which only the emulator has.
// Tests call it at their top when they would otherwise reach an emulator-only accessor late.
func (v *accVault) requireEmulator(what string) {
	v.t.Helper()
	if v.live != nil {
		skipLive(v.t, what)
	}
}

// vaultURL is the vault's URL with the trailing slash azsecrets' ids have.
func (l *liveVault) vaultURL() string {
	return strings.TrimSuffix(vaultURLAttr.value(&l.settings), "/") + "/"
}

// providerBlock is the provider configuration for the live vault with the run's credential;
// extra lines go inside the block. Only the officer exists: the run has one principal.
func (l *liveVault) providerBlock(t *testing.T, principal string, extra []string) string {
	t.Helper()
	if principal != emulator.OfficerName {
		skipLive(t, fmt.Sprintf("%q principal (a second identity with another role)", principal))
	}
	return l.block(nil, extra)
}

// providerBlockFor is the provider configuration for the live vault as clientID, with the
// credential given by lines instead of the run's.
func (l *liveVault) providerBlockFor(clientID string, lines []string) string {
	return l.block([]string{fmt.Sprintf("%-36s = %s", clientIDAttr.attributeName(), hclString(clientID))}, lines)
}

// block writes the provider block: the attributes of the vault and the authority that the
// run's environment sets, and those of its credential unless credential lines replace them, in
// the provider's order and in the layout of the emulator's blocks, which tests edit as text.
// The others (organization_id, purge_on_destroy, ...) are the tests' to set.
func (l *liveVault) block(credential, lines []string) string {
	reaching := []providerAttribute{vaultURLAttr, tenantIDAttr, environmentAttr, authorityHostAttr, skipChallengeResourceVerificationAttr}
	if credential == nil {
		reaching = append(reaching, credentialAttributes()...)
	}
	var attrs []string
	for _, a := range providerAttributes {
		if !slices.Contains(reaching, a) {
			continue
		}
		name, value := a.attributeName(), ""
		for _, e := range a.environmentVariables() {
			if v, ok := l.env[e]; ok && v != "" {
				value = v
				break
			}
		}
		if value == "" {
			continue
		}
		if _, ok := a.(*boolAttribute); ok {
			b, _ := strconv.ParseBool(value)
			attrs = append(attrs, fmt.Sprintf("%-36s = %t", name, b))
			continue
		}
		attrs = append(attrs, fmt.Sprintf("%-36s = %s", name, hclString(value)))
	}
	attrs = append(attrs, credential...)
	return fmt.Sprintf(`
terraform {
  required_providers {
    bifrost = { source = "registry.terraform.io/hashicorp/bifrost" }
  }
}

provider "bifrost" {
  %s
  %s
}
`, strings.Join(attrs, "\n  "), strings.Join(lines, "\n  "))
}

// hclString quotes s as an HCL string literal, template sequences escaped.
func hclString(s string) string {
	q := strconv.Quote(s)
	return strings.NewReplacer("${", "$${", "%{", "%%{").Replace(q)
}

// The accessors of accVault that the emulator's methods would answer: in a live run, the
// vault's own, or a skip for what only the emulator has. They shadow the embedded emulator's.

// VaultURL is the vault's base URL, with a trailing slash.
func (v *accVault) VaultURL() string {
	if v.live != nil {
		return v.live.vaultURL()
	}
	return v.Emulator.VaultURL()
}

// AuthorityHost is the Entra authority the credential asks for tokens.
func (v *accVault) AuthorityHost() string {
	if v.live != nil {
		if authorityHostAttr.value(&v.live.settings) != "" {
			return authorityHostAttr.value(&v.live.settings)
		}
		return cloudFor(environmentAttr.value(&v.live.settings)).ActiveDirectoryAuthorityHost
	}
	return v.Emulator.AuthorityHost()
}

// TenantID is the Entra tenant of the vault's principal.
func (v *accVault) TenantID() string {
	if v.live != nil {
		return tenantIDAttr.value(&v.live.settings)
	}
	return v.Emulator.TenantID()
}

// Principal is the emulator's principal of that name; in a live run, the run's own principal
// as the officer, when it authenticates with a client secret.
func (v *accVault) Principal(name string) emulator.Principal {
	v.t.Helper()
	if v.live == nil {
		return v.Emulator.Principal(name)
	}
	s := v.live.settings
	switch {
	case name != emulator.OfficerName:
		skipLive(v.t, fmt.Sprintf("%q principal (a second identity with another role)", name))
	case clientSecretAttr.value(&s) == "":
		skipLive(v.t, fmt.Sprintf("officer principal's client secret (the run authenticates with %s)", s.CredentialKind()))
	}
	return emulator.Principal{Name: name, ClientID: clientIDAttr.value(&s), ClientSecret: clientSecretAttr.value(&s), Role: emulator.RoleOfficer}
}

// What only the emulator has: its management API in Go. Each skips the test in a live run.

func (v *accVault) CertPool() *x509.CertPool {
	v.requireEmulator("CA")
	return v.Emulator.CertPool()
}

func (v *accVault) CACertFile() string {
	v.requireEmulator("CA")
	return v.Emulator.CACertFile()
}

func (v *accVault) ManagementURL() string {
	v.requireEmulator("management API")
	return v.Emulator.ManagementURL()
}

func (v *accVault) SetFaults(f emulator.Faults) {
	v.requireEmulator("fault injection")
	v.Emulator.SetFaults(f)
}

func (v *accVault) Faults() emulator.Faults {
	v.requireEmulator("fault injection")
	return v.Emulator.Faults()
}

func (v *accVault) Reset() {
	v.requireEmulator("reset")
	v.Emulator.Reset()
}

func (v *accVault) RequestCounts() map[string]int {
	v.requireEmulator("request counts")
	return v.Emulator.RequestCounts()
}

func (v *accVault) StatusCounts() map[int]int {
	v.requireEmulator("request counts")
	return v.Emulator.StatusCounts()
}

func (v *accVault) ResetRequestCounts() {
	v.requireEmulator("request counts")
	v.Emulator.ResetRequestCounts()
}

func (v *accVault) AuditLog() []emulator.AuditEntry {
	v.requireEmulator("audit log")
	return v.Emulator.AuditLog()
}

func (v *accVault) SetClockOffset(d time.Duration) {
	v.requireEmulator("clock")
	v.Emulator.SetClockOffset(d)
}

func (v *accVault) ClockOffset() time.Duration {
	v.requireEmulator("clock")
	return v.Emulator.ClockOffset()
}

func (v *accVault) MintIDToken(issuerName, subject, audience string, lifetime time.Duration) string {
	v.requireEmulator("OIDC issuers")
	return v.Emulator.MintIDToken(issuerName, subject, audience, lifetime)
}

func (v *accVault) Issuer(name string) emulator.Issuer {
	v.requireEmulator("OIDC issuers")
	return v.Emulator.Issuer(name)
}

func (v *accVault) IssuerURL(name string) string {
	v.requireEmulator("OIDC issuers")
	return v.Emulator.IssuerURL(name)
}

func (v *accVault) GitHubTokenURL(name string) string {
	v.requireEmulator("OIDC issuers")
	return v.Emulator.GitHubTokenURL(name)
}

func (v *accVault) AzureDevOpsOIDCRequestURI(name string) string {
	v.requireEmulator("OIDC issuers")
	return v.Emulator.AzureDevOpsOIDCRequestURI(name)
}

func (v *accVault) SetFederatedCredentials(principal string, creds []emulator.FederatedCredential) error {
	v.requireEmulator("federated credentials")
	return v.Emulator.SetFederatedCredentials(principal, creds)
}

// The live provider block carries the environment's vault and credential in the layout of the
// emulator's blocks (TestAccSecret_badInput edits the vault_url line as text), quotes values as
// HCL, and leaves out what the tests set themselves; emulator options that a live vault cannot
// give are named, the transition delays it has of its own are not.
func TestLiveMode_providerBlockAndOptions(t *testing.T) {
	env := map[string]string{
		"BIFROST_VAULT_URL": "https://acctest.vault.azure.net", "ARM_TENANT_ID": "tenant", "ARM_CLIENT_ID": "app",
		"ARM_CLIENT_SECRET": `s3c"ret${x}`, "BIFROST_PURGE_ON_DESTROY": "true", "BIFROST_SKIP_CHALLENGE_RESOURCE_VERIFICATION": "1",
	}
	s, diags := resolveSettings(providerBlock{}, envOf(env))
	if diags.HasError() {
		t.Fatal(diags)
	}
	l := &liveVault{env: env, settings: s}
	block := l.block(nil, []string{"recover_soft_deleted = false"})
	for _, want := range []string{
		`vault_url                            = "https://acctest.vault.azure.net"`,
		`client_secret                        = "s3c\"ret$${x}"`,
		`skip_challenge_resource_verification = true`,
		`recover_soft_deleted = false`,
	} {
		if !strings.Contains(block, want) {
			t.Errorf("the block lacks %s:\n%s", want, block)
		}
	}
	if strings.Contains(block, "purge_on_destroy") {
		t.Errorf("the block sets purge_on_destroy from the environment:\n%s", block)
	}
	if got := l.providerBlockFor("other-app", []string{`client_certificate_path = "x.pem"`}); strings.Contains(got, "client_secret") ||
		!strings.Contains(got, `client_id                            = "other-app"`) {
		t.Errorf("the block for another client carries the run's credential or not the client:\n%s", got)
	}
	if got := l.vaultURL(); got != "https://acctest.vault.azure.net/" {
		t.Errorf("vaultURL = %q, want the trailing slash of Key Vault's ids", got)
	}

	for _, c := range []struct {
		opt  func(*emulator.Options)
		want string
	}{
		{func(o *emulator.Options) { o.Faults.DeleteDelay = time.Second }, ""},
		{func(o *emulator.Options) { o.Faults.DeleteDelay = emulator.NoDelay }, "options Faults.DeleteDelay"},
		{func(o *emulator.Options) { o.PurgeProtection = true; o.Faults.Latency = time.Millisecond }, "options Options.PurgeProtection, Faults.Latency"},
	} {
		if got := emulatorOptions([]func(*emulator.Options){c.opt}); got != c.want {
			t.Errorf("emulatorOptions = %q, want %q", got, c.want)
		}
	}
}
