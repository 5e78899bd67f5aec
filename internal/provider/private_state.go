package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// privateState is the part of the framework's private state the resources use.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// privateData is what an entry resource keeps in private state, out of the user's sight.
type privateData struct {
	// Owner is the owner token the state last wrote or saw (see internal/bifrost/ownership.go).
	Owner string
	// WrittenVersion is the Key Vault version this provider last wrote for a write-only value,
	// the only way to see that someone else wrote since.
	WrittenVersion string
	// Imported marks state just imported, so Read fills the value once.
	Imported bool
}

// Private state keys, one per field so that each can be read and written alone.
const (
	privateOwnerKey          = "owner"
	privateWrittenVersionKey = "written_version"
	privateImportedKey       = "imported"
)

// readPrivate reads an entry resource's private state; missing keys are zero values.
func readPrivate(ctx context.Context, p privateState, diags *diag.Diagnostics) privateData {
	var d privateData
	getJSON(ctx, p, privateOwnerKey, &d.Owner, diags)
	getJSON(ctx, p, privateWrittenVersionKey, &d.WrittenVersion, diags)
	getJSON(ctx, p, privateImportedKey, &d.Imported, diags)
	return d
}

// save writes d; zero fields remove their keys.
func (d privateData) save(ctx context.Context, p privateState) diag.Diagnostics {
	var diags diag.Diagnostics
	setJSON(ctx, p, privateOwnerKey, d.Owner, d.Owner == "", &diags)
	setJSON(ctx, p, privateWrittenVersionKey, d.WrittenVersion, d.WrittenVersion == "", &diags)
	setJSON(ctx, p, privateImportedKey, d.Imported, !d.Imported, &diags)
	return diags
}

func getJSON(ctx context.Context, p privateState, key string, into any, diags *diag.Diagnostics) {
	b, d := p.GetKey(ctx, key)
	diags.Append(d...)
	if len(b) == 0 {
		return
	}
	if err := json.Unmarshal(b, into); err != nil {
		diags.AddError("Unreadable private state", "The provider's private state key "+key+" is not what it wrote: "+err.Error()+
			". Remove the resource from state and import it again.")
	}
}

func setJSON(ctx context.Context, p privateState, key string, v any, remove bool, diags *diag.Diagnostics) {
	if remove {
		diags.Append(p.SetKey(ctx, key, nil)...)
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		diags.AddError("Cannot write private state", err.Error())
		return
	}
	diags.Append(p.SetKey(ctx, key, b)...)
}
