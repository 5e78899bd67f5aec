package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
)

// dataSources lists the provider's data sources.
func dataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewConfigDataSource,
		NewConfigValuesDataSource,
		NewSecretDataSource,
		NewConfigsDataSource,
		NewSecretsDataSource,
	}
}

// ephemeralResources lists the provider's ephemeral resources.
func ephemeralResources() []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewConfigEphemeralResource,
		NewConfigValuesEphemeralResource,
		NewSecretEphemeralResource,
	}
}
