package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/list"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// The bifrost_config list resource: the entry list core (entry_list_resource.go) over
// bifrost_config's model, with a filter by type.

// NewConfigListResource is the bifrost_config list resource; it can also filter by type.
func NewConfigListResource() list.ListResource {
	return &entryListResource[configResourceModel, *configResourceModel]{
		entryKind: entryKind{kind: bifrost.KindConfig, nameAttr: "key"},
	}
}
