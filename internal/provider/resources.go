package provider

import "github.com/hashicorp/terraform-plugin-framework/resource"

// resources lists the provider's managed resources.
func resources() []func() resource.Resource {
	return []func() resource.Resource{
		NewSecretResource,
		NewConfigResource,
	}
}
