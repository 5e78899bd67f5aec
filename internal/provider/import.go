package provider

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// importEntry sets the state an import starts from; the Read that follows checks, like every
// read, that the Key Vault secret is the entry named (see internal/bifrost/ownership.go).
// `{scope}/{name}` names a Bifrost entry; for an adoptable kind, the https URL of a secret in
// the provider's vault adopts it, keeping its physical name. An import block may give the
// identity instead of an id.
func importEntry(ctx context.Context, c *providerClient, k entryKind, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importID := req.ID
	if importID == "" && req.Identity != nil {
		var diags diag.Diagnostics
		importID, diags = importIDFromIdentity(ctx, req.Identity, k.nameAttr)
		resp.Diagnostics.Append(diags...)
	}
	if k.adoptable && strings.HasPrefix(importID, "https://") {
		kvName, err := adoptionTarget(importID, c)
		if err != nil {
			resp.Diagnostics.AddError("Invalid import id", err.Error()+". Import a Bifrost entry by `{scope}/{name}`, or adopt a Key Vault secret of this vault by its URL.")
			return
		}
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), importID)...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("key_vault_secret_name"), kvName)...)
	} else {
		id, err := bifrost.ParseSecretID(importID)
		if err == nil {
			err = bifrost.ValidateName(k.kind, id.Name)
		}
		if err != nil {
			example := "global/smtp-password"
			if k.kind == bifrost.KindConfig {
				example = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a/stripe_api_key"
			}
			resp.Diagnostics.AddError("Invalid import id",
				fmt.Sprintf("%s. The import id is `{scope}/{%s}`, e.g. %q.", err, k.nameAttr, example))
			return
		}
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id.String())...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("organization_id"), scopeValueOf(string(id.Scope)))...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(k.nameAttr), id.Name)...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("key_vault_secret_name"), bifrost.KeyVaultName(id.Scope, k.kind, id.Name))...)
	}
	resp.Diagnostics.Append(privateData{Imported: true}.save(ctx, resp.Private)...)
}

// adoptionTarget returns the Key Vault secret name in an adoption import id: the URL of a
// secret in the provider's own vault (a secret of another vault cannot be reached through
// this provider, so its URL is refused rather than matched by name here).
func adoptionTarget(id string, c *providerClient) (string, error) {
	u, err := url.Parse(id)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return "", fmt.Errorf("%q is not an https URL", id)
	}
	// An empty vaultURL is one not known until apply: the import's refresh then reports that.
	if c != nil && c.vaultURL != "" {
		if vault, err := url.Parse(c.vaultURL); err == nil && !strings.EqualFold(vault.Host, u.Host) {
			return "", fmt.Errorf("%q names a secret in another vault (%s) than the provider's vault_url (%s); "+
				"configure a provider for that vault, or copy the secret into this one", id, u.Host, vault.Host)
		}
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) < 2 || parts[0] != "secrets" || parts[1] == "" {
		return "", fmt.Errorf("%q is not a Key Vault secret URL like https://my-vault.vault.azure.net/secrets/NAME", id)
	}
	secretURL := azsecrets.ID(id)
	name := secretURL.Name()
	if err := bifrost.ValidateKeyVaultName(name); err != nil {
		return "", err
	}
	return name, nil
}

// importIDFromIdentity turns an identity given in an import block into the `{scope}/{name}` id.
func importIDFromIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, nameAttr string) (string, diag.Diagnostics) {
	var org, name types.String
	diags := identity.GetAttribute(ctx, path.Root("organization_id"), &org)
	diags.Append(identity.GetAttribute(ctx, path.Root(nameAttr), &name)...)
	return org.ValueString() + "/" + name.ValueString(), diags
}
