package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// providerClient is what Configure hands to every resource, data source and ephemeral resource.
//
// The credential and the Key Vault client are built by connect, once, when an operation first
// needs the vault: a plan that only creates entries needs none, so the provider block may
// depend on values known only after apply (a vault created in the same configuration), and
// Configure, called again at apply with every value known, hands out a client that connects.
type providerClient struct {
	// store is the domain store, set by connect: read it only after connect returned it.
	store          *bifrost.Store
	defaultScope   bifrost.Scope // empty when the provider block sets no organization_id, or it is unknown
	credentialKind string        // how the provider authenticates, for 401 diagnostics
	vaultURL       string        // the configured vault URL, to check that an import URL names the same vault

	// unknown names the provider attributes only known after apply; while any but
	// organization_id (which only sets the default scope) is, connect refuses with a
	// diagnostic that names them.
	unknown []string
	// settings and version are what connect builds the credential and the client from, and
	// what the resources read of the provider block (attr.value(&c.settings)).
	settings providerSettings
	version  string

	connectOnce  sync.Once
	connectDiags diag.Diagnostics

	// listings shares Store.List results among the data sources of one Configure (one plan
	// or apply), see list.
	listingsMu sync.Mutex
	listings   map[listingKey]*listing

	// refs is what this process has seen of references between configs and secrets (see
	// references.go).
	refs referenceWatch
	// values holds digests of the values this process's refreshes read (see value_sources.go).
	values valueDigests
}

// listingKey is what Store.List is asked for.
type listingKey struct {
	scope bifrost.Scope
	kind  bifrost.Kind
}

// listing is one Store.List result, read once.
type listing struct {
	mu      sync.Mutex
	read    bool
	entries []bifrost.Entry
}

// applicationID is what Key Vault's logs show as the writer of each request: the provider and
// its version. The Azure SDK keeps only the first 24 characters of an application id, so the
// product is "tf-bifrost" ("terraform-provider-bifrost/" alone would be cut before the version).
func applicationID(version string) string { return "tf-bifrost/" + version }

// secretsClientOptions are the azsecrets client options for the settings: the store's retries
// within the operation's deadline, the provider's application id in the User-Agent, and the
// challenge check the settings ask for.
func secretsClientOptions(s providerSettings, version string) azsecrets.ClientOptions {
	opts := bifrost.ClientOptions(applicationID(version))
	opts.DisableChallengeResourceVerification = skipChallengeResourceVerificationAttr.value(&s)
	return opts
}

// newProviderClient returns the client for the settings, which may hold attributes unknown at
// plan; the credential and the Key Vault client are built by connect.
func newProviderClient(s providerSettings, version string) *providerClient {
	c := &providerClient{
		defaultScope:   organizationIDAttr.value(&s),
		credentialKind: s.CredentialKind(),
		vaultURL:       vaultURLAttr.value(&s),
		settings:       s,
		version:        version,
	}
	for _, a := range s.unknown {
		c.unknown = append(c.unknown, a.attributeName())
	}
	return c
}

// defaultScopeUnknown reports whether the provider's organization_id is only known after apply.
func (c *providerClient) defaultScopeUnknown() bool {
	return slices.Contains(c.unknown, organizationIDAttr.attributeName())
}

// connect returns the store, building the credential and the Key Vault client the first time
// (once, for all the resources that share the client, however many ask at once). action says
// what needs the vault, for the diagnostic when the settings are not known yet. Nothing is
// requested yet, so a plan with no resources makes no call to Azure.
func (c *providerClient) connect(action string) (*bifrost.Store, diag.Diagnostics) {
	if unknown := c.unknownToConnect(); len(unknown) > 0 {
		return nil, settingsUnknown(action, unknown)
	}
	c.connectOnce.Do(func() { c.store, c.connectDiags = newStore(c.settings, c.version) })
	return c.store, c.connectDiags
}

// unknownToConnect names the unknown attributes that connecting needs: all but organization_id.
func (c *providerClient) unknownToConnect() []string {
	return slices.DeleteFunc(slices.Clone(c.unknown), func(name string) bool {
		return name == organizationIDAttr.attributeName()
	})
}

// settingsUnknown is the diagnostic of an operation that needs the vault while attributes of
// the provider block are only known after apply.
func settingsUnknown(action string, unknown []string) diag.Diagnostics {
	var diags diag.Diagnostics
	names := strings.Join(unknown, ", ")
	diags.AddError("Provider settings not known until apply",
		fmt.Sprintf("%s needs Key Vault, but the provider's %s depends on values known only after apply "+
			"(for example a vault created in this configuration). Planning to create bifrost_secret and bifrost_config "+
			"resources works without them, and the apply creates them once the vault exists; reading the vault during plan does not. "+
			"Either apply what the provider block depends on first (terraform apply -target=ADDRESS, e.g. -target=azurerm_key_vault.NAME) "+
			"and plan again; or, when only existing resources are refreshed, plan with -refresh=false; "+
			"or set %s from a variable or a value known before apply.", action, names, names))
	return diags
}

// newStore builds the credential and the Key Vault client for s.
func newStore(s providerSettings, version string) (*bifrost.Store, diag.Diagnostics) {
	return newStoreWith(s, version, func() (azcore.TokenCredential, error) { return newCredential(s) })
}

// newStoreWith is newStore with the credential that build makes, as often as it is renewed.
func newStoreWith(s providerSettings, version string, build func() (azcore.TokenCredential, error)) (*bifrost.Store, diag.Diagnostics) {
	var diags diag.Diagnostics
	// A token Key Vault refuses in the middle of a run (expired by the vault's clock, or
	// revoked) gets one fresh token before the request fails (see renewingCredential).
	cred, err := newRenewingCredential(build)
	if err != nil {
		diags.AddError("Cannot set up Azure authentication",
			fmt.Sprintf("The provider could not build its %s credential: %s", s.CredentialKind(), err))
		return nil, diags
	}
	opts := secretsClientOptions(s, version)
	opts.PerRetryPolicies = append(opts.PerRetryPolicies, refusalPolicy{cred: cred})
	client, err := azsecrets.NewClient(vaultURLAttr.value(&s), cred, &opts)
	if err != nil {
		diags.AddAttributeError(path.Root(vaultURLAttr.name), "Invalid Key Vault URL", err.Error())
		return nil, diags
	}
	return bifrost.NewStore(bifrost.NewAzureKeyVault(client), bifrost.StoreOptions{
		RecoverSoftDeleted: recoverSoftDeletedAttr.value(&s),
		PurgeOnDestroy:     purgeOnDestroyAttr.value(&s),
	}), diags
}

// list returns the entries of kind in scope, as Store.List does, but pages through the vault
// once per scope and kind for all the data sources of this Configure (a plan or an apply),
// however many ask at once; the caller must not change the entries. The resources' writes
// forget the listings (forgetListings), so a data source read after them in the same apply
// sees them. A failed listing is not kept: the next data source tries again.
func (c *providerClient) list(ctx context.Context, scope bifrost.Scope, kind bifrost.Kind) ([]bifrost.Entry, error) {
	c.listingsMu.Lock()
	if c.listings == nil {
		c.listings = map[listingKey]*listing{}
	}
	key := listingKey{scope: scope, kind: kind}
	l := c.listings[key]
	if l == nil {
		l = &listing{}
		c.listings[key] = l
	}
	c.listingsMu.Unlock()

	l.mu.Lock()
	defer l.mu.Unlock()
	if l.read {
		return l.entries, nil
	}
	entries, err := c.store.List(ctx, scope, kind)
	if err != nil {
		return nil, err
	}
	l.entries, l.read = entries, true
	return entries, nil
}

// forgetListings drops the shared listings after a write to the vault.
func (c *providerClient) forgetListings() {
	c.listingsMu.Lock()
	c.listings = nil
	c.listingsMu.Unlock()
}

// resolveScope returns the scope an object works in: its own organization_id, else the
// provider's. Nothing is ever written or read without a scope someone said out loud.
func (c *providerClient) resolveScope(orgID types.String, attr path.Path) (bifrost.Scope, diag.Diagnostics) {
	var diags diag.Diagnostics
	if !orgID.IsNull() && !orgID.IsUnknown() {
		scope, err := bifrost.ParseScope(orgID.ValueString())
		if err != nil {
			diags.AddAttributeError(attr, "Invalid organization_id", err.Error())
		}
		return scope, diags
	}
	if c.defaultScope != "" {
		return c.defaultScope, diags
	}
	diags.AddAttributeError(attr, "Missing organization_id",
		fmt.Sprintf("Set %s here, or organization_id in the provider block (or BIFROST_ORGANIZATION_ID), "+
			"to an organization UUID, or to \"global\" for the platform-wide scope. "+
			"The provider never picks a scope on its own.", attr))
	return "", diags
}

// clientFrom recovers the *providerClient that Configure handed over; nil means the provider
// is not configured yet (early validation), which callers treat as "nothing to do".
func clientFrom(data any, diags *diag.Diagnostics) *providerClient {
	if data == nil {
		return nil
	}
	c, ok := data.(*providerClient)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *providerClient, got %T; this is a bug in the provider", data))
		return nil
	}
	return c
}
