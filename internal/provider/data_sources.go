package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// dataSources lists the provider's data sources.
func dataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewConfigDataSource,
		NewSecretDataSource,
		NewConfigsDataSource,
		NewSecretsDataSource,
	}
}

// ephemeralResources lists the provider's ephemeral resources.
func ephemeralResources() []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewConfigEphemeralResource,
		NewSecretEphemeralResource,
	}
}

// The helpers below are shared by the data sources and the ephemeral resources; their names
// start with "lookup" so that they cannot clash with the resources' helpers.

// lookupTimeoutDefault bounds a read when the configuration sets no timeouts: a read is a few
// Key Vault requests, but the azcore retry policy may wait out throttling (429 + Retry-After).
const lookupTimeoutDefault = 5 * time.Minute

// lookupTimeoutDescription documents the timeouts block of every data source and ephemeral resource.
const lookupTimeoutDescription = "How long to wait for Key Vault, as a [duration](https://pkg.go.dev/time#ParseDuration) " +
	"such as `\"30s\"` or `\"2m\"`. Default `\"5m\"`. Key Vault throttling (429) is retried within this time."

// lookupTime formats a Key Vault timestamp as RFC 3339 in UTC; nil and the zero time are null.
func lookupTime(t *time.Time) types.String {
	if t == nil || t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

// lookupTags converts user tags to a map value; no tags is an empty map (not null), so that
// lookup() and length() work without a null check.
func lookupTags(ctx context.Context, tags map[string]string) (types.Map, diag.Diagnostics) {
	if tags == nil {
		tags = map[string]string{}
	}
	return types.MapValueFrom(ctx, types.StringType, tags)
}

// lookupNotConfigured reports a read attempted before the provider was configured, which
// happens when the provider block depends on values that are not known yet.
func lookupNotConfigured(diags *diag.Diagnostics, what string) {
	diags.AddError("Provider not configured",
		"The Bifrost provider was not configured when "+what+" was read, usually because the provider block "+
			"uses values that are only known after apply. Make the provider block depend only on values known at plan time.")
}
