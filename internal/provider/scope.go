package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

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
