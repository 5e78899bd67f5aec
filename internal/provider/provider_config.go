package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

var httpsURLPattern = regexp.MustCompile(`^https://[^/\s]+(/.*)?$`)

// providerModel is the provider block as Terraform sends it.
type providerModel struct {
	VaultURL                          types.String `tfsdk:"vault_url"`
	OrganizationID                    types.String `tfsdk:"organization_id"`
	TenantID                          types.String `tfsdk:"tenant_id"`
	ClientID                          types.String `tfsdk:"client_id"`
	ClientSecret                      types.String `tfsdk:"client_secret"`
	ClientCertificatePath             types.String `tfsdk:"client_certificate_path"`
	ClientCertificatePassword         types.String `tfsdk:"client_certificate_password"`
	UseOIDC                           types.Bool   `tfsdk:"use_oidc"`
	OIDCToken                         types.String `tfsdk:"oidc_token"`
	OIDCTokenFilePath                 types.String `tfsdk:"oidc_token_file_path"`
	OIDCRequestURL                    types.String `tfsdk:"oidc_request_url"`
	OIDCRequestToken                  types.String `tfsdk:"oidc_request_token"`
	UseMSI                            types.Bool   `tfsdk:"use_msi"`
	UseCLI                            types.Bool   `tfsdk:"use_cli"`
	Environment                       types.String `tfsdk:"environment"`
	AuthorityHost                     types.String `tfsdk:"authority_host"`
	SkipChallengeResourceVerification types.Bool   `tfsdk:"skip_challenge_resource_verification"`
	PurgeOnDestroy                    types.Bool   `tfsdk:"purge_on_destroy"`
	RecoverSoftDeleted                types.Bool   `tfsdk:"recover_soft_deleted"`
}

type settingKind int

const (
	settingString settingKind = iota
	settingBool
)

// providerSetting describes one provider attribute: its schema and where else its value may come from.
type providerSetting struct {
	name        string
	kind        settingKind
	sensitive   bool
	env         []string // looked up in order when the attribute is not set
	description string
	validators  func() []validator.String
	value       func(m *providerModel) any // *types.String or *types.Bool inside the model
}

// providerSettings is the one table of provider attributes, their environment variables and
// descriptions; the schema, the docs and the environment fallback are all read from it.
var providerSettings = []providerSetting{
	{name: "vault_url", env: []string{"BIFROST_VAULT_URL", "ARM_KEY_VAULT_URL", "AZURE_KEYVAULT_URL"},
		description: "URL of the Azure Key Vault, e.g. `https://my-vault.vault.azure.net/`. Must be https.",
		validators:  httpsURL, value: func(m *providerModel) any { return &m.VaultURL }},
	{name: "organization_id", env: []string{"BIFROST_ORGANIZATION_ID"},
		description: "Default scope for resources that do not set `organization_id`: a Bifrost organization UUID (any case, stored lower-case) or the literal `global`. Without it, every resource must say its scope.",
		validators:  scopeValidators, value: func(m *providerModel) any { return &m.OrganizationID }},
	{name: "tenant_id", env: []string{"BIFROST_TENANT_ID", "ARM_TENANT_ID", "AZURE_TENANT_ID"},
		description: "Microsoft Entra tenant id used to authenticate.",
		value:       func(m *providerModel) any { return &m.TenantID }},
	{name: "client_id", env: []string{"BIFROST_CLIENT_ID", "ARM_CLIENT_ID", "AZURE_CLIENT_ID"},
		description: "Client (application) id of the service principal, or of a user-assigned managed identity with `use_msi`.",
		value:       func(m *providerModel) any { return &m.ClientID }},
	{name: "client_secret", sensitive: true, env: []string{"BIFROST_CLIENT_SECRET", "ARM_CLIENT_SECRET", "AZURE_CLIENT_SECRET"},
		description: "Client secret of the service principal.",
		value:       func(m *providerModel) any { return &m.ClientSecret }},
	{name: "client_certificate_path", env: []string{"BIFROST_CLIENT_CERTIFICATE_PATH", "ARM_CLIENT_CERTIFICATE_PATH", "AZURE_CLIENT_CERTIFICATE_PATH"},
		description: "Path to a PEM or PKCS#12 file with the service principal's certificate and private key.",
		value:       func(m *providerModel) any { return &m.ClientCertificatePath }},
	{name: "client_certificate_password", sensitive: true, env: []string{"BIFROST_CLIENT_CERTIFICATE_PASSWORD", "ARM_CLIENT_CERTIFICATE_PASSWORD", "AZURE_CLIENT_CERTIFICATE_PASSWORD"},
		description: "Password of the certificate file, when it has one.",
		value:       func(m *providerModel) any { return &m.ClientCertificatePassword }},
	{name: "use_oidc", kind: settingBool, env: []string{"BIFROST_USE_OIDC", "ARM_USE_OIDC"},
		description: "Authenticate with an OIDC token (workload identity federation), e.g. from GitHub Actions or a Kubernetes service account.",
		value:       func(m *providerModel) any { return &m.UseOIDC }},
	{name: "oidc_token", sensitive: true, env: []string{"BIFROST_OIDC_TOKEN", "ARM_OIDC_TOKEN"},
		description: "An OIDC ID token to exchange for an access token (with `use_oidc`).",
		value:       func(m *providerModel) any { return &m.OIDCToken }},
	{name: "oidc_token_file_path", env: []string{"BIFROST_OIDC_TOKEN_FILE_PATH", "ARM_OIDC_TOKEN_FILE_PATH", "AZURE_FEDERATED_TOKEN_FILE"},
		description: "Path to a file holding an OIDC ID token, re-read on every token request (with `use_oidc`; Kubernetes workload identity).",
		value:       func(m *providerModel) any { return &m.OIDCTokenFilePath }},
	{name: "oidc_request_url", env: []string{"BIFROST_OIDC_REQUEST_URL", "ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL"},
		description: "URL to request an OIDC ID token from, as GitHub Actions provides (with `use_oidc` and `oidc_request_token`).",
		value:       func(m *providerModel) any { return &m.OIDCRequestURL }},
	{name: "oidc_request_token", sensitive: true, env: []string{"BIFROST_OIDC_REQUEST_TOKEN", "ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"},
		description: "Bearer token for `oidc_request_url`.",
		value:       func(m *providerModel) any { return &m.OIDCRequestToken }},
	{name: "use_msi", kind: settingBool, env: []string{"BIFROST_USE_MSI", "ARM_USE_MSI"},
		description: "Authenticate with a managed identity (system-assigned, or user-assigned with `client_id`).",
		value:       func(m *providerModel) any { return &m.UseMSI }},
	{name: "use_cli", kind: settingBool, env: []string{"BIFROST_USE_CLI", "ARM_USE_CLI"},
		description: "Authenticate as the user or principal logged in with the Azure CLI (`az login`).",
		value:       func(m *providerModel) any { return &m.UseCLI }},
	{name: "environment", env: []string{"BIFROST_ENVIRONMENT", "ARM_ENVIRONMENT"},
		description: "Azure cloud: `public` (default), `usgovernment` or `china`.",
		validators: func() []validator.String {
			return []validator.String{stringvalidator.OneOf("public", "usgovernment", "china")}
		}, value: func(m *providerModel) any { return &m.Environment }},
	{name: "authority_host", env: []string{"BIFROST_AUTHORITY_HOST", "ARM_AUTHORITY_HOST", "AZURE_AUTHORITY_HOST"},
		description: "Microsoft Entra authority to request tokens from, overriding the one of `environment` (sovereign clouds, or the emulator). Must be https; instance discovery is turned off when it is set.",
		validators:  httpsURL, value: func(m *providerModel) any { return &m.AuthorityHost }},
	{name: "skip_challenge_resource_verification", kind: settingBool, env: []string{"BIFROST_SKIP_CHALLENGE_RESOURCE_VERIFICATION"},
		description: "Do not check that Key Vault's authentication challenge names a resource in the vault's own domain. Only for emulators and private endpoints with custom names; default `false`.",
		value:       func(m *providerModel) any { return &m.SkipChallengeResourceVerification }},
	{name: "purge_on_destroy", kind: settingBool, env: []string{"BIFROST_PURGE_ON_DESTROY"},
		description: "Purge a destroyed secret after its soft delete, so it cannot be recovered. Default `false`: destroyed secrets stay recoverable for the vault's retention period.",
		value:       func(m *providerModel) any { return &m.PurgeOnDestroy }},
	{name: "recover_soft_deleted", kind: settingBool, env: []string{"BIFROST_RECOVER_SOFT_DELETED"},
		description: "When a resource is created with the name of a soft-deleted secret, recover it and write a new version. Default `true`; with `false`, such a create fails.",
		value:       func(m *providerModel) any { return &m.RecoverSoftDeleted }},
}

func envDescription(env []string) string {
	if len(env) == 0 {
		return ""
	}
	return "Environment: `" + strings.Join(env, "`, `") + "`."
}

func lookupEnv(name string) string { return os.Getenv(name) }

func scopeValidators() []validator.String { return []validator.String{scopeValidator} }

// providerSettingsResolved is the provider block after environment fallbacks and defaults.
type providerSettingsResolved struct {
	VaultURL                          string
	OrganizationID                    bifrost.Scope // empty: resources must set organization_id
	TenantID, ClientID, ClientSecret  string
	ClientCertificatePath             string
	ClientCertificatePassword         string
	UseOIDC                           bool
	OIDCToken, OIDCTokenFilePath      string
	OIDCRequestURL, OIDCRequestToken  string
	UseMSI, UseCLI                    bool
	Environment, AuthorityHost        string
	SkipChallengeResourceVerification bool
	PurgeOnDestroy                    bool
	RecoverSoftDeleted                bool
}

// resolveSettings merges the provider block with the environment, validates what the schema
// cannot see (values from the environment, conflicts between credentials) and applies defaults.
func resolveSettings(cfg providerModel, getenv func(string) string) (providerSettingsResolved, diag.Diagnostics) {
	var diags diag.Diagnostics
	str := map[string]string{}
	boolean := map[string]bool{}
	set := map[string]bool{}     // the attribute was given, in the block or the environment
	inBlock := map[string]bool{} // the attribute was given in the provider block
	for _, s := range providerSettings {
		attr := path.Root(s.name)
		switch v := s.value(&cfg).(type) {
		case *types.String:
			if v.IsUnknown() {
				diags.AddAttributeError(attr, "Provider attribute not known at plan time",
					fmt.Sprintf("%q depends on a value that is only known after apply, but the provider needs it to plan. Set it from a variable or a value known before apply.", s.name))
				continue
			}
			if !v.IsNull() {
				str[s.name], set[s.name], inBlock[s.name] = v.ValueString(), true, true
				continue
			}
			for _, e := range s.env {
				if val := getenv(e); val != "" {
					str[s.name], set[s.name] = val, true
					if s.validators != nil && !validFromEnv(s, val) {
						diags.AddAttributeError(attr, "Invalid provider setting from the environment",
							fmt.Sprintf("%s sets %q to a value it does not accept. %s", e, s.name, s.description))
					}
					break
				}
			}
		case *types.Bool:
			if v.IsUnknown() {
				diags.AddAttributeError(attr, "Provider attribute not known at plan time",
					fmt.Sprintf("%q depends on a value that is only known after apply, but the provider needs it to plan.", s.name))
				continue
			}
			if !v.IsNull() {
				boolean[s.name], set[s.name], inBlock[s.name] = v.ValueBool(), true, true
				continue
			}
			for _, e := range s.env {
				if val := getenv(e); val != "" {
					b, err := strconv.ParseBool(val)
					if err != nil {
						diags.AddAttributeError(attr, "Invalid provider setting from the environment",
							fmt.Sprintf("%s must be true or false to set %q.", e, s.name))
						break
					}
					boolean[s.name], set[s.name] = b, true
					break
				}
			}
		}
	}
	if diags.HasError() {
		return providerSettingsResolved{}, diags
	}

	r := providerSettingsResolved{
		VaultURL:                          str["vault_url"],
		TenantID:                          str["tenant_id"],
		ClientID:                          str["client_id"],
		ClientSecret:                      str["client_secret"],
		ClientCertificatePath:             str["client_certificate_path"],
		ClientCertificatePassword:         str["client_certificate_password"],
		UseOIDC:                           boolean["use_oidc"],
		OIDCToken:                         str["oidc_token"],
		OIDCTokenFilePath:                 str["oidc_token_file_path"],
		OIDCRequestURL:                    str["oidc_request_url"],
		OIDCRequestToken:                  str["oidc_request_token"],
		UseMSI:                            boolean["use_msi"],
		UseCLI:                            boolean["use_cli"],
		Environment:                       str["environment"],
		AuthorityHost:                     str["authority_host"],
		SkipChallengeResourceVerification: boolean["skip_challenge_resource_verification"],
		PurgeOnDestroy:                    boolean["purge_on_destroy"],
		RecoverSoftDeleted:                true,
	}
	if set["recover_soft_deleted"] {
		r.RecoverSoftDeleted = boolean["recover_soft_deleted"]
	}
	if r.Environment == "" {
		r.Environment = "public"
	}
	if r.VaultURL == "" {
		diags.AddAttributeError(path.Root("vault_url"), "Missing Key Vault URL",
			"Set vault_url in the provider block, or BIFROST_VAULT_URL in the environment, to the https URL of the Key Vault, e.g. https://my-vault.vault.azure.net/.")
	}
	if id := str["organization_id"]; id != "" {
		scope, err := bifrost.ParseScope(id)
		if err != nil {
			diags.AddAttributeError(path.Root("organization_id"), "Invalid organization_id", err.Error())
		}
		r.OrganizationID = scope
	}

	// Exactly one way to authenticate may be chosen; naming both attributes tells the user what to drop.
	var methods []string
	for _, m := range []struct {
		name string
		on   bool
	}{
		{"client_secret", r.ClientSecret != ""},
		{"client_certificate_path", r.ClientCertificatePath != ""},
		{"use_oidc", r.UseOIDC},
		{"use_msi", r.UseMSI},
		{"use_cli", r.UseCLI},
	} {
		if m.on {
			methods = append(methods, m.name)
		}
	}
	if len(methods) > 1 {
		diags.AddAttributeError(path.Root(methods[1]), "Conflicting authentication settings",
			fmt.Sprintf("Choose one way to authenticate; these are all set (in the provider block or the environment): %s.", strings.Join(methods, ", ")))
	}
	needsTenant := r.ClientSecret != "" || r.ClientCertificatePath != "" || r.UseOIDC
	if needsTenant && r.TenantID == "" {
		diags.AddAttributeError(path.Root("tenant_id"), "Missing tenant_id",
			fmt.Sprintf("Authenticating with %s needs tenant_id (or ARM_TENANT_ID / AZURE_TENANT_ID).", methods[0]))
	}
	if needsTenant && r.ClientID == "" {
		diags.AddAttributeError(path.Root("client_id"), "Missing client_id",
			fmt.Sprintf("Authenticating with %s needs client_id (or ARM_CLIENT_ID / AZURE_CLIENT_ID).", methods[0]))
	}
	if r.UseOIDC {
		n := 0
		for _, v := range []string{r.OIDCToken, r.OIDCTokenFilePath, r.OIDCRequestURL} {
			if v != "" {
				n++
			}
		}
		switch {
		case n == 0:
			diags.AddAttributeError(path.Root("use_oidc"), "Missing OIDC token source",
				"use_oidc needs one of oidc_token, oidc_token_file_path, or oidc_request_url with oidc_request_token (GitHub Actions sets ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN when the job has `permissions: id-token: write`).")
		case n > 1:
			diags.AddAttributeError(path.Root("oidc_token"), "Conflicting OIDC token sources",
				"Set only one of oidc_token, oidc_token_file_path and oidc_request_url.")
		case r.OIDCRequestURL != "" && r.OIDCRequestToken == "":
			diags.AddAttributeError(path.Root("oidc_request_token"), "Missing oidc_request_token",
				"oidc_request_url needs oidc_request_token (ACTIONS_ID_TOKEN_REQUEST_TOKEN in GitHub Actions).")
		}
	} else if len(methods) == 0 && (inBlock["oidc_token"] || inBlock["oidc_token_file_path"] || inBlock["oidc_request_url"]) {
		// An OIDC token source written in the provider block without use_oidc is a forgotten
		// switch. The same variables in the environment are not: CI runners and AKS set them
		// whether or not this provider should use them.
		diags.AddAttributeError(path.Root("use_oidc"), "OIDC token given without use_oidc",
			"An OIDC token source is set in the provider block; set use_oidc = true (or ARM_USE_OIDC=true) to authenticate with it.")
	}
	if r.ClientCertificatePassword != "" && r.ClientCertificatePath == "" {
		diags.AddAttributeError(path.Root("client_certificate_password"), "Certificate password without a certificate",
			"client_certificate_password is set but client_certificate_path is not.")
	}
	return r, diags
}

// validFromEnv runs an attribute's validators on a value that came from the environment.
func validFromEnv(s providerSetting, val string) bool {
	for _, v := range s.validators() {
		resp := &validator.StringResponse{}
		v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root(s.name), ConfigValue: types.StringValue(val)}, resp)
		if resp.Diagnostics.HasError() {
			return false
		}
	}
	return true
}

// CredentialKind names the way the provider authenticates, for logs and 401 diagnostics.
func (r providerSettingsResolved) CredentialKind() string {
	switch {
	case r.ClientSecret != "":
		return "client secret (client_id " + r.ClientID + ")"
	case r.ClientCertificatePath != "":
		return "client certificate (client_id " + r.ClientID + ")"
	case r.UseOIDC:
		return "OIDC / workload identity (client_id " + r.ClientID + ")"
	case r.UseMSI:
		return "managed identity"
	case r.UseCLI:
		return "Azure CLI"
	default:
		return "Azure default credential chain"
	}
}
