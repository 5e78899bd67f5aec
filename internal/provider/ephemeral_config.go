package provider

import "github.com/hashicorp/terraform-plugin-framework/ephemeral"

// The bifrost_config ephemeral resource: the same question and answer as the bifrost_config data
// source (data_source_config.go), never stored.

type configEphemeralModel struct {
	configLookupModel
	ephemeralTimeouts
}

// NewConfigEphemeralResource is the constructor of the bifrost_config ephemeral resource.
func NewConfigEphemeralResource() ephemeral.EphemeralResource {
	return &lookupEphemeralResource[configEphemeralModel, *configEphemeralModel]{spec: configLookup}
}
