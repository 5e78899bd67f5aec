package provider

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// providerBlock is the provider block as Terraform sends it: each attribute's value by name, of
// the type its schema gives it (types.String, types.Bool or types.Int64).
type providerBlock map[string]attr.Value

// valueIn returns the block's value of the attribute called name, or null when the block holds
// none of that type.
func valueIn[V attr.Value](block providerBlock, name string, null V) V {
	if v, ok := block[name].(V); ok {
		return v
	}
	return null
}

// providerSettings is the provider block after environment fallbacks and defaults: what the
// client and the credential are built from. Each attribute resolves into its own entry, read
// with the attribute's value method (vaultURLAttr.value(s)).
type providerSettings struct {
	// values holds the value each known attribute resolved to, of the attribute's Go type; an
	// attribute with no entry (unknown at plan) reads as its default.
	values map[providerAttribute]any
	// sources says where each attribute that was given came from.
	sources map[providerAttribute]source
	// unknown are the attributes whose value is only known after apply: the provider can plan
	// creates without them, but not reach the vault (see providerClient.connect).
	unknown []providerAttribute
}

// setValue records the value a resolved to.
func (s *providerSettings) setValue(a providerAttribute, v any) {
	if s.values == nil {
		s.values = map[providerAttribute]any{}
	}
	s.values[a] = v
}

// resolvedValue is the value a resolved to, or fallback when it resolved to none.
func resolvedValue[T any](s *providerSettings, a providerAttribute, fallback T) T {
	if v, ok := s.values[a].(T); ok {
		return v
	}
	return fallback
}

// isUnknown reports whether a's value is only known after apply.
func (s *providerSettings) isUnknown(a providerAttribute) bool { return slices.Contains(s.unknown, a) }

// credentialUnknown reports whether an attribute that may take part in authentication is
// unknown: every one but the vault, the default scope and the store's options.
func (s *providerSettings) credentialUnknown() bool {
	for _, a := range s.unknown {
		switch a {
		case vaultURLAttr, organizationIDAttr, skipChallengeResourceVerificationAttr, purgeOnDestroyAttr, recoverSoftDeletedAttr, expiryWarningDaysAttr:
		default:
			return true
		}
	}
	return false
}

// source is where an attribute's value came from; the zero value means it was not given.
type source struct {
	inBlock bool   // the provider block
	env     string // else the environment variable that held it
}

// sourceOf says where a's value came from.
func (s *providerSettings) sourceOf(a providerAttribute) source { return s.sources[a] }

func (s *providerSettings) setSource(a providerAttribute, src source) {
	if s.sources == nil {
		s.sources = map[providerAttribute]source{}
	}
	s.sources[a] = src
}

// providerAttribute is one attribute of the provider block: its schema, and how its value is
// resolved (the block, else its environment variables in order, else its default) into its
// entry of providerSettings.
type providerAttribute interface {
	attributeName() string
	// environmentVariables are the variables that set the attribute, in the order they are read.
	environmentVariables() []string
	schemaAttribute() schema.Attribute
	// resolve records the attribute's value in s; it reports values that cannot be used
	// (unknown at plan, refused by the validators, not a boolean).
	resolve(block providerBlock, s *providerSettings, getenv func(string) string) diag.Diagnostics
	// checkGiven reports a required attribute that was given nowhere.
	checkGiven(s *providerSettings) diag.Diagnostics
}

// credentialSwitch is an attribute that turns a credential method on: a non-empty string or true.
type credentialSwitch interface {
	providerAttribute
	on(s *providerSettings) bool
}

// stringAttribute is a string attribute of the provider block, whose value is of type T.
type stringAttribute[T ~string] struct {
	name        string
	env         []string // looked up in this order when the provider block leaves the attribute null
	description string
	sensitive   bool
	// validators run at plan on the block's value, and at Configure on the environment's.
	validators []validator.String
	// missing, when set, makes the attribute required: it is the summary of the error when
	// neither the block nor the environment gives a value.
	missing  string
	fallback T                       // the value when none is given, or the given one is empty
	parse    func(string) (T, error) // nil: the value as given
}

// boolAttribute is a boolean attribute of the provider block.
type boolAttribute struct {
	name        string
	env         []string // looked up in this order when the provider block leaves the attribute null
	description string
	fallback    bool // the value when none is given
}

// int64Attribute is a whole-number attribute of the provider block.
type int64Attribute struct {
	name        string
	env         []string // looked up in this order when the provider block leaves the attribute null
	description string
	fallback    int64 // the value when none is given
	min, max    int64
}

// The provider block, one variable per attribute: its only declaration (name, variables,
// description, validators, default), whose value method reads it (vaultURLAttr.value(s)). The
// attributes authentication reads are in credential_methods.go.
var (
	vaultURLAttr = &stringAttribute[string]{
		name: "vault_url", env: []string{"BIFROST_VAULT_URL", "ARM_KEY_VAULT_URL", "AZURE_KEYVAULT_URL"},
		description: "Base URL of the Azure Key Vault, e.g. `" + exampleVaultURL + "`: https, with no path, query or fragment.",
		validators:  []validator.String{vaultURLValidator},
		missing:     "Missing Key Vault URL",
	}
	organizationIDAttr = &stringAttribute[bifrost.Scope]{
		name: "organization_id", env: []string{"BIFROST_ORGANIZATION_ID"},
		description: "Default scope for resources that do not set `organization_id`: a Bifrost organization UUID (any case, stored lower-case) or the literal `global`. Without it, every resource must say its scope.",
		validators:  []validator.String{organizationIDValidator},
		parse:       bifrost.ParseScope,
	}
	skipChallengeResourceVerificationAttr = &boolAttribute{
		name: "skip_challenge_resource_verification", env: []string{"BIFROST_SKIP_CHALLENGE_RESOURCE_VERIFICATION"},
		description: "Do not check that Key Vault's authentication challenge names a resource in the vault's own domain. Only for emulators and private endpoints with custom names; default `false`.",
	}
	purgeOnDestroyAttr = &boolAttribute{
		name: "purge_on_destroy", env: []string{"BIFROST_PURGE_ON_DESTROY"},
		description: "Purge a destroyed secret after its soft delete, so it cannot be recovered. Default `false`: destroyed secrets stay recoverable for the vault's retention period.",
	}
	recoverSoftDeletedAttr = &boolAttribute{
		name: "recover_soft_deleted", env: []string{"BIFROST_RECOVER_SOFT_DELETED"},
		description: "When a resource is created with the name of a soft-deleted secret, recover it and write a new version. Default `true`; with `false`, such a create fails.",
		fallback:    true,
	}
)

// expiryWarningDaysAttr sets how early a plan warns of an entry's expiry date (see
// bifrost.ExpiryNotice).
var expiryWarningDaysAttr = &int64Attribute{
	name: "expiry_warning_days", env: []string{"BIFROST_EXPIRY_WARNING_DAYS"},
	description: "A plan warns of every managed secret and config whose `expires_at` is within this many days, or has passed " +
		"(Key Vault does not enforce expiry dates: it keeps returning the value). Default `30`; `0` turns the warning off.",
	fallback: 30, min: 0, max: 3650,
}

// providerAttributes is the one table of provider attributes: the schema, the docs, the
// environment fallback and the defaults are all read from it. The attributes authentication reads
// are declared with the credential methods (authenticationAttributes, credential_methods.go).
var providerAttributes = slices.Concat(
	[]providerAttribute{vaultURLAttr, organizationIDAttr},
	authenticationAttributes,
	[]providerAttribute{skipChallengeResourceVerificationAttr, purgeOnDestroyAttr, recoverSoftDeletedAttr, expiryWarningDaysAttr},
)

// resolveSettings merges the provider block with the environment (getenv, os.Getenv outside
// tests), validates what the schema cannot see (values from the environment, missing values,
// the choice of credential) and applies defaults.
func resolveSettings(block providerBlock, getenv func(string) string) (providerSettings, diag.Diagnostics) {
	var s providerSettings
	var diags diag.Diagnostics
	for _, a := range providerAttributes {
		diags.Append(a.resolve(block, &s, getenv)...)
	}
	if diags.HasError() {
		// Missing values and credential conflicts are judged on values known to be right.
		return s, diags
	}
	for _, a := range providerAttributes {
		if !s.isUnknown(a) {
			diags.Append(a.checkGiven(&s)...)
		}
	}
	if s.credentialUnknown() {
		// The credential is judged at apply, when Configure sees every value.
		return s, diags
	}
	diags.Append(resolveCredentials(&s, getenv)...)
	return s, diags
}

func (a *stringAttribute[T]) attributeName() string { return a.name }

func (a *stringAttribute[T]) environmentVariables() []string { return a.env }

func (a *stringAttribute[T]) schemaAttribute() schema.Attribute {
	return schema.StringAttribute{
		Optional:            true,
		Sensitive:           a.sensitive,
		MarkdownDescription: a.description + " " + envDescription(a.env),
		Validators:          a.validators,
	}
}

// value is the attribute's value in s.
func (a *stringAttribute[T]) value(s *providerSettings) T { return resolvedValue(s, a, a.fallback) }

func (a *stringAttribute[T]) set(s *providerSettings, v T) { s.setValue(a, v) }

func (a *stringAttribute[T]) on(s *providerSettings) bool { return a.value(s) != "" }

func (a *stringAttribute[T]) resolve(block providerBlock, s *providerSettings, getenv func(string) string) diag.Diagnostics {
	given := valueIn(block, a.name, types.StringNull())
	if given.IsUnknown() {
		s.unknown = append(s.unknown, a)
		return nil
	}
	raw, src, diags := a.lookup(given, getenv)
	if diags.HasError() {
		return diags
	}
	if src != (source{}) {
		s.setSource(a, src)
	}
	v := a.fallback
	switch {
	case raw == "":
	case a.parse == nil:
		v = T(raw)
	default:
		parsed, err := a.parse(raw)
		if err != nil {
			diags.AddAttributeError(path.Root(a.name), "Invalid "+a.name, err.Error())
		}
		v = parsed
	}
	a.set(s, v)
	return diags
}

// lookup returns the block's value, else that of the first environment variable that is set,
// checked with the attribute's validators.
func (a *stringAttribute[T]) lookup(v types.String, getenv func(string) string) (string, source, diag.Diagnostics) {
	if !v.IsNull() {
		return v.ValueString(), source{inBlock: true}, nil
	}
	variable, raw := firstSet(a.env, getenv)
	if variable == "" {
		return "", source{}, nil
	}
	return raw, source{env: variable}, a.validateFromEnv(variable, raw)
}

// validateFromEnv runs the attribute's validators on a value from the environment, which the
// schema never sees.
func (a *stringAttribute[T]) validateFromEnv(variable, value string) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, v := range a.validators {
		resp := &validator.StringResponse{}
		v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root(a.name), ConfigValue: types.StringValue(value)}, resp)
		for _, d := range resp.Diagnostics.Errors() {
			why := d.Detail()
			if a.sensitive {
				why = plain(a.description) // the validator's detail may quote the value
			}
			diags.AddAttributeError(path.Root(a.name), "Invalid provider setting from the environment",
				fmt.Sprintf("%s sets %s to a value it does not accept: %s", variable, a.name, why))
		}
	}
	return diags
}

func (a *stringAttribute[T]) checkGiven(s *providerSettings) diag.Diagnostics {
	var diags diag.Diagnostics
	if a.missing != "" && a.value(s) == "" {
		diags.AddAttributeError(path.Root(a.name), a.missing,
			fmt.Sprintf("Set %s in the provider block, or %s in the environment. %s", a.name, oneOf(a.env), plain(a.description)))
	}
	return diags
}

func (a *boolAttribute) attributeName() string { return a.name }

func (a *boolAttribute) environmentVariables() []string { return a.env }

func (a *boolAttribute) schemaAttribute() schema.Attribute {
	return schema.BoolAttribute{Optional: true, MarkdownDescription: a.description + " " + envDescription(a.env)}
}

// value is the attribute's value in s.
func (a *boolAttribute) value(s *providerSettings) bool { return resolvedValue(s, a, a.fallback) }

func (a *boolAttribute) on(s *providerSettings) bool { return a.value(s) }

func (a *boolAttribute) resolve(block providerBlock, s *providerSettings, getenv func(string) string) diag.Diagnostics {
	given := valueIn(block, a.name, types.BoolNull())
	return resolveScalar(s, a, given, given.ValueBool, a.fallback, getenv, "true or false", func(raw string) (bool, bool) {
		b, err := strconv.ParseBool(raw)
		return b, err == nil
	})
}

func (a *boolAttribute) checkGiven(*providerSettings) diag.Diagnostics { return nil }

func (a *int64Attribute) attributeName() string { return a.name }

func (a *int64Attribute) environmentVariables() []string { return a.env }

func (a *int64Attribute) schemaAttribute() schema.Attribute {
	return schema.Int64Attribute{Optional: true, MarkdownDescription: a.description + " " + envDescription(a.env),
		Validators: []validator.Int64{int64validator.Between(a.min, a.max)}}
}

// value is the attribute's value in s.
func (a *int64Attribute) value(s *providerSettings) int64 { return resolvedValue(s, a, a.fallback) }

func (a *int64Attribute) resolve(block providerBlock, s *providerSettings, getenv func(string) string) diag.Diagnostics {
	given := valueIn(block, a.name, types.Int64Null())
	wants := fmt.Sprintf("a whole number from %d to %d", a.min, a.max)
	return resolveScalar(s, a, given, given.ValueInt64, a.fallback, getenv, wants, func(raw string) (int64, bool) {
		n, err := strconv.ParseInt(raw, 10, 64)
		return n, err == nil && n >= a.min && n <= a.max
	})
}

func (a *int64Attribute) checkGiven(*providerSettings) diag.Diagnostics { return nil }

// resolveScalar records the value of a, a boolean or whole-number attribute: the block's, read by
// value, when the block gives one; else that of the first of a's variables that is set, read by
// parse, which reports whether the variable holds what a wants; else fallback.
func resolveScalar[T any](s *providerSettings, a providerAttribute, given attr.Value, value func() T, fallback T,
	getenv func(string) string, wants string, parse func(raw string) (T, bool),
) diag.Diagnostics {
	switch {
	case given.IsUnknown():
		s.unknown = append(s.unknown, a)
		return nil
	case !given.IsNull():
		s.setValue(a, value())
		s.setSource(a, source{inBlock: true})
		return nil
	}
	variable, raw := firstSet(a.environmentVariables(), getenv)
	if variable == "" {
		s.setValue(a, fallback)
		return nil
	}
	v, ok := parse(raw)
	if !ok {
		var diags diag.Diagnostics
		diags.AddAttributeError(path.Root(a.attributeName()), "Invalid provider setting from the environment",
			fmt.Sprintf("%s must be %s to set %s.", variable, wants, a.attributeName()))
		return diags
	}
	s.setValue(a, v)
	s.setSource(a, source{env: variable})
	return nil
}

// firstSet returns the first of the variables that is set to a non-empty value, and the value.
func firstSet(variables []string, getenv func(string) string) (variable, value string) {
	for _, e := range variables {
		if v := getenv(e); v != "" {
			return e, v
		}
	}
	return "", ""
}

// plain is a Markdown description as diagnostic text.
func plain(markdown string) string { return strings.ReplaceAll(markdown, "`", "") }

// oneOf names environment variables in prose: "X", or "one of X, Y, Z".
func oneOf(variables []string) string {
	if len(variables) == 1 {
		return variables[0]
	}
	return "one of " + strings.Join(variables, ", ")
}

func envDescription(env []string) string {
	if len(env) == 0 {
		return ""
	}
	return "Environment: `" + strings.Join(env, "`, `") + "`."
}

const exampleVaultURL = "https://my-vault.vault.azure.net/"

// vaultURLValidator accepts the vault's base URL only: a secret's URL, or one with a query or
// a fragment, would be taken apart by the client in ways nobody meant.
var vaultURLValidator = domainValidator{
	summary:     "Invalid Key Vault URL",
	description: "must be the vault's base https URL, e.g. `" + exampleVaultURL + "`",
	check:       checkVaultURL,
}

func checkVaultURL(s string) error {
	const want = "vault_url is the vault's base URL, e.g. " + exampleVaultURL
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Errorf("%q is not a URL; %s", s, want)
	case u.Scheme != "https" || u.Host == "":
		return fmt.Errorf("%q is not an https:// URL with a host (Key Vault refuses tokens over plain http); %s", s, want)
	case u.Path != "" && u.Path != "/":
		return fmt.Errorf("%q has a path (%s); %s, without the path of a secret or anything else", s, u.Path, want)
	case u.RawQuery != "" || u.ForceQuery:
		return fmt.Errorf("%q has a query (?%s); %s, without a query", s, u.RawQuery, want)
	case strings.Contains(s, "#"):
		return fmt.Errorf("%q has a fragment (#%s); %s, without a fragment", s, u.Fragment, want)
	}
	return nil
}

// organizationIDValidator accepts "global" or an organization UUID.
var organizationIDValidator = domainValidator{
	summary:     "Invalid organization_id",
	description: "must be the literal `global` or an organization UUID",
	check: func(s string) error {
		_, err := bifrost.ParseScope(s)
		return err
	},
}
