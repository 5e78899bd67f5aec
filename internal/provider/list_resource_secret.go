package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/list"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// The bifrost_secret list resource: the entry list core (entry_list_resource.go) over
// bifrost_secret's model.

// NewSecretListResource is the bifrost_secret list resource.
func NewSecretListResource() list.ListResource {
	return &entryListResource[secretResourceModel, *secretResourceModel]{
		entryKind: entryKind{kind: bifrost.KindSecret, nameAttr: "name"},
	}
}
