package provider

import (
	"context"
	"encoding/json"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
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
	// Verified is what the last refresh found when it checked ownership; a write soon after
	// trusts it instead of checking again (see alreadyVerified).
	Verified verifiedRead
	// OwnerAdopted marks an Owner token taken from Key Vault (after an import, or with the
	// private state lost) rather than written by this state: the next write stamps a token of
	// its own, so that this state and whichever wrote the adopted one can tell each other apart.
	OwnerAdopted bool
	// TagsIncomplete marks an entry whose last read found reserved tags missing that the layout
	// writes (an entry written before bifrost-reference existed, or tags removed outside
	// Terraform): the next write sends the tags even when nothing in them changes.
	TagsIncomplete bool
	// RecoveryLevel is the vault's recovery level as the last read or write saw it, so that a
	// destroy plan can tell that purge_on_destroy will not be honoured.
	RecoveryLevel bifrost.RecoveryLevel
	// Disabled marks an entry the last refresh or write left disabled, whose value Key Vault
	// hides: a value_wo compared with the vault's cannot be (see valueDiffers).
	Disabled bool
}

// verifiedRead is the outcome of a refresh's ownership check: the version and update time it
// found, and when.
type verifiedRead struct {
	Version   string    `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
	At        time.Time `json:"at"`
}

// verifiedReadLifetime is how long a refresh's ownership check stands in for the write's own.
//
// The check must be the one of this run's refresh, but the provider cannot see runs: the CLI
// plans and applies in separate provider processes, and the apply plans again from the
// refreshed state's private data, which is also what an earlier run left in the state (a
// refresh that found nothing to change). So the age of the check is what counts: a check
// within this long, on the version the state holds, covers a plan and its approval; anything
// older (a saved plan applied later, -refresh=false long after the last refresh) leaves the
// GET in the write, and so does state whose last event was a write, a create or an import
// (they record no check). The price: -refresh=false within this long of an earlier run's
// refresh still trusts that refresh. Key Vault has no conditional writes, so even that GET leaves a
// window until the PUT or DELETE; trusting the refresh widens it to the time since the
// refresh, and the owner token still makes the other writer's next refresh fail (a deletion
// also checks the tags Key Vault returns and undoes itself, see bifrost.AlreadyVerified).
const verifiedReadLifetime = 5 * time.Minute

// alreadyVerified is the store option that lets a write skip its ownership GET, when the
// last refresh checked ownership of the version the state holds (stateVersion) less than
// verifiedReadLifetime before now; otherwise none.
func (d privateData) alreadyVerified(stateVersion string, now time.Time) []bifrost.WriteOption {
	v := d.Verified
	if v.Version == "" || v.Version != stateVersion || now.Sub(v.At) > verifiedReadLifetime || v.At.After(now) {
		return nil
	}
	return []bifrost.WriteOption{bifrost.AlreadyVerified(bifrost.Verified{Version: v.Version, UpdatedAt: v.UpdatedAt})}
}

// writeOptions are the store options of an update of the entry prior (as the state holds it,
// which is what the plan was made from): the write goes against prior, trusts a recent
// refresh's check, and writes the tags or a token of its own when the last read asked for it.
func (d privateData) writeOptions(prior bifrost.Entry, now time.Time) []bifrost.WriteOption {
	opts := append([]bifrost.WriteOption{bifrost.Against(prior)}, d.alreadyVerified(prior.Version, now)...)
	if d.TagsIncomplete {
		opts = append(opts, bifrost.Retag())
	}
	if d.OwnerAdopted {
		opts = append(opts, bifrost.NewOwner())
	}
	return opts
}

// Private state keys, one per field so that each can be read and written alone.
const (
	privateOwnerKey          = "owner"
	privateWrittenVersionKey = "written_version"
	privateImportedKey       = "imported"
	privateVerifiedKey       = "verified"
	privateOwnerAdoptedKey   = "owner_adopted"
	privateTagsIncompleteKey = "tags_incomplete"
	privateRecoveryLevelKey  = "recovery_level"
	privateDisabledKey       = "disabled"
)

// readPrivate reads an entry resource's private state; missing keys are zero values.
func readPrivate(ctx context.Context, p privateState, diags *diag.Diagnostics) privateData {
	var d privateData
	getJSON(ctx, p, privateOwnerKey, &d.Owner, diags)
	getJSON(ctx, p, privateWrittenVersionKey, &d.WrittenVersion, diags)
	getJSON(ctx, p, privateImportedKey, &d.Imported, diags)
	getJSON(ctx, p, privateVerifiedKey, &d.Verified, diags)
	getJSON(ctx, p, privateOwnerAdoptedKey, &d.OwnerAdopted, diags)
	getJSON(ctx, p, privateTagsIncompleteKey, &d.TagsIncomplete, diags)
	getJSON(ctx, p, privateRecoveryLevelKey, &d.RecoveryLevel, diags)
	getJSON(ctx, p, privateDisabledKey, &d.Disabled, diags)
	return d
}

// save writes d; zero fields remove their keys.
func (d privateData) save(ctx context.Context, p privateState) diag.Diagnostics {
	var diags diag.Diagnostics
	setJSON(ctx, p, privateOwnerKey, d.Owner, d.Owner == "", &diags)
	setJSON(ctx, p, privateWrittenVersionKey, d.WrittenVersion, d.WrittenVersion == "", &diags)
	setJSON(ctx, p, privateImportedKey, d.Imported, !d.Imported, &diags)
	setJSON(ctx, p, privateVerifiedKey, d.Verified, d.Verified == verifiedRead{}, &diags)
	setJSON(ctx, p, privateOwnerAdoptedKey, d.OwnerAdopted, !d.OwnerAdopted, &diags)
	setJSON(ctx, p, privateTagsIncompleteKey, d.TagsIncomplete, !d.TagsIncomplete, &diags)
	setJSON(ctx, p, privateRecoveryLevelKey, d.RecoveryLevel, d.RecoveryLevel == "", &diags)
	setJSON(ctx, p, privateDisabledKey, d.Disabled, !d.Disabled, &diags)
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
