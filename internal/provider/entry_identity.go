package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity (Terraform >= 1.12, OpenTofu >= 1.12): an entry is identified by its scope
// and its name (or key), the same pair as the `{scope}/{name}` import id. CLIs without identity
// support simply ignore it.

func entryIdentitySchema(nameAttr, nameDescription string) identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"organization_id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "The scope: `global` or the organization UUID, lower-case.",
			},
			nameAttr: identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       nameDescription,
			},
		},
	}
}

// setEntryIdentity records the identity of an entry. An adopted Key Vault secret that has no
// Bifrost name yet gets empty attributes until its first apply names it (the identity is
// declared mutable for that reason).
func setEntryIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, nameAttr string, scope string, name string) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	var diags diag.Diagnostics
	diags.Append(identity.SetAttribute(ctx, path.Root("organization_id"), scope)...)
	diags.Append(identity.SetAttribute(ctx, path.Root(nameAttr), name)...)
	return diags
}

// importIDFromIdentity turns an identity given in an import block into the `{scope}/{name}` id.
func importIDFromIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, nameAttr string) (string, diag.Diagnostics) {
	var org, name types.String
	diags := identity.GetAttribute(ctx, path.Root("organization_id"), &org)
	diags.Append(identity.GetAttribute(ctx, path.Root(nameAttr), &name)...)
	return org.ValueString() + "/" + name.ValueString(), diags
}
