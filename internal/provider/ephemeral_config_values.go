package provider

import "github.com/hashicorp/terraform-plugin-framework/ephemeral"

// The bifrost_config_values ephemeral resource: the same question and answer as the
// bifrost_config_values data source (data_source_config_values.go), never stored.

type configValuesEphemeralModel struct {
	configValuesLookupModel
	ephemeralTimeouts
}

// NewConfigValuesEphemeralResource is the constructor of the bifrost_config_values ephemeral resource.
func NewConfigValuesEphemeralResource() ephemeral.EphemeralResource {
	return &lookupEphemeralResource[configValuesEphemeralModel, *configValuesEphemeralModel]{spec: configValuesLookup}
}
