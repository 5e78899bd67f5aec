package provider

import "github.com/hashicorp/terraform-plugin-framework/ephemeral"

// The bifrost_secret ephemeral resource: the same question and answer as the bifrost_secret data
// source (data_source_secret.go), never stored.

type secretEphemeralModel struct {
	secretLookupModel
	ephemeralTimeouts
}

// NewSecretEphemeralResource is the constructor of the bifrost_secret ephemeral resource.
func NewSecretEphemeralResource() ephemeral.EphemeralResource {
	return &lookupEphemeralResource[secretEphemeralModel, *secretEphemeralModel]{spec: secretLookup}
}
