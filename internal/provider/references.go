package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// References between configs and secrets, watched so that a user hears about a dangling one
// when it is made, not when a workflow's config.get fails: a refresh of a secret_reference
// config whose secret is gone or disabled warns, and so does destroying a secret that configs
// still reference. Both answer from what this provider process (one plan or one apply) has
// seen, so that they cost next to no requests:
//
//   - a secret's state (exists, enabled) comes from the bifrost_secret resources' own reads
//     and writes in this process (Terraform refreshes a config after the secret its secret_id
//     refers to), else from one GET per secret, shared by every config that references it;
//   - the configs that reference a secret come from one listing of the vault per process (the
//     bifrost-reference tag says what each references; a config written before that tag is
//     read once), with this process's own config writes and deletes laid over it, since
//     Terraform destroys a config before the secret it depends on.

// configRef names a config: its scope and key.
type configRef struct {
	scope bifrost.Scope
	key   string
}

func (c configRef) String() string { return c.scope.String() + "/" + c.key }

// secretSeen is what this process knows of a secret.
type secretSeen struct {
	exists, enabled bool
}

// referenceWatch is the provider client's record of references; the zero value is ready.
type referenceWatch struct {
	mu sync.Mutex
	// secrets is what this process's reads and writes saw of each secret.
	secrets map[bifrost.SecretID]secretSeen
	// lookups are the GETs of secrets this process has not seen, one per secret.
	lookups map[bifrost.SecretID]*onceResult[secretSeen]
	// listing is the one listing of configs, with what it says each references.
	listing *onceResult[[]bifrost.Entry]
	// untagged holds the references read from configs that lack the tag, one GET each.
	untagged map[configRef]*onceResult[bifrost.SecretID]
	// local is what this process's own writes made of configs: the secret each now references,
	// or nil when it references none (deleted, or of another type).
	local map[configRef]*bifrost.SecretID
}

// onceResult is a value computed once for every caller that asks at the same time; a failure
// is not kept, so the next caller tries again.
type onceResult[T any] struct {
	mu   sync.Mutex
	done bool
	val  T
}

func (o *onceResult[T]) get(compute func() (T, error)) (T, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.done {
		return o.val, nil
	}
	v, err := compute()
	if err != nil {
		return v, err
	}
	o.val, o.done = v, true
	return v, nil
}

// once returns the onceResult under key in m, creating both as needed; w.mu must be held.
func once[K comparable, T any](m *map[K]*onceResult[T], key K) *onceResult[T] {
	if *m == nil {
		*m = map[K]*onceResult[T]{}
	}
	o := (*m)[key]
	if o == nil {
		o = &onceResult[T]{}
		(*m)[key] = o
	}
	return o
}

// noteSecret records what a read or write of a secret found.
func (w *referenceWatch) noteSecret(id bifrost.SecretID, seen secretSeen) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.secrets == nil {
		w.secrets = map[bifrost.SecretID]secretSeen{}
	}
	w.secrets[id] = seen
}

// noteConfig records what this process wrote of a config: the secret it references, or nil.
func (w *referenceWatch) noteConfig(c configRef, ref *bifrost.SecretID) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.local == nil {
		w.local = map[configRef]*bifrost.SecretID{}
	}
	w.local[c] = ref
}

// secretState is what is known of secret id: what this process saw, else one GET.
func (w *referenceWatch) secretState(ctx context.Context, store *bifrost.Store, id bifrost.SecretID) (secretSeen, error) {
	w.mu.Lock()
	if seen, ok := w.secrets[id]; ok {
		w.mu.Unlock()
		return seen, nil
	}
	o := once(&w.lookups, id)
	w.mu.Unlock()
	return o.get(func() (secretSeen, error) {
		e, err := store.GetMetadata(ctx, id.Scope, bifrost.KindSecret, id.Name)
		switch {
		case err == nil:
			return secretSeen{exists: true, enabled: e.Enabled}, nil
		case errors.Is(err, bifrost.ErrNotFound):
			return secretSeen{}, nil
		}
		return secretSeen{}, err
	})
}

// referencing returns the configs that reference secret, sorted: the listing's, read once,
// with this process's own config writes laid over it.
func (w *referenceWatch) referencing(ctx context.Context, store *bifrost.Store, secret bifrost.SecretID) ([]configRef, error) {
	w.mu.Lock()
	if w.listing == nil {
		w.listing = &onceResult[[]bifrost.Entry]{}
	}
	listing := w.listing
	w.mu.Unlock()
	configs, err := listing.get(func() ([]bifrost.Entry, error) { return store.ListAll(ctx, bifrost.KindConfig) })
	if err != nil {
		return nil, err
	}
	found, err := w.listedReferences(ctx, store, configs, secret)
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	for c, ref := range w.local {
		found[c] = ref != nil && *ref == secret
	}
	w.mu.Unlock()
	var out []configRef
	for c, ok := range found {
		if ok {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b configRef) int { return strings.Compare(a.String(), b.String()) })
	return out, nil
}

// listedReferences are the configs of the listing that reference secret, by their reference
// tag or, without one, by their value (read once).
func (w *referenceWatch) listedReferences(ctx context.Context, store *bifrost.Store, configs []bifrost.Entry, secret bifrost.SecretID) (map[configRef]bool, error) {
	found := map[configRef]bool{}
	for _, c := range configs {
		if !c.MayReference(secret) {
			continue
		}
		ref := c.Reference
		if ref == (bifrost.SecretID{}) {
			var err error
			if ref, err = w.untaggedReference(ctx, store, c); err != nil {
				return nil, err
			}
		}
		if ref == secret {
			found[configRef{scope: c.Scope, key: c.Name}] = true
		}
	}
	return found, nil
}

// untaggedReference reads what a config without the bifrost-reference tag references, once.
func (w *referenceWatch) untaggedReference(ctx context.Context, store *bifrost.Store, c bifrost.Entry) (bifrost.SecretID, error) {
	w.mu.Lock()
	o := once(&w.untagged, configRef{scope: c.Scope, key: c.Name})
	w.mu.Unlock()
	return o.get(func() (bifrost.SecretID, error) {
		got, err := store.Get(ctx, c.Scope, bifrost.KindConfig, c.Name)
		if err != nil {
			if errors.Is(err, bifrost.ErrNotFound) || errors.Is(err, bifrost.ErrDisabled) {
				return bifrost.SecretID{}, nil // gone since the listing, or hidden: nothing to report
			}
			return bifrost.SecretID{}, err
		}
		id, _ := bifrost.ParseSecretID(got.Value) // not a secret id: it references nothing
		return id, nil
	})
}

// warnDanglingReference adds a warning when the secret a secret_reference config references
// is missing or disabled; config names the config. A failure to find out is only logged
// through the warning's absence: the refresh itself succeeded.
func (w *referenceWatch) warnDanglingReference(ctx context.Context, store *bifrost.Store, config configRef, ref bifrost.SecretID, diags *diag.Diagnostics) {
	seen, err := w.secretState(ctx, store, ref)
	if err != nil {
		return
	}
	kvName := bifrost.KeyVaultName(ref.Scope, bifrost.KindSecret, ref.Name)
	switch {
	case !seen.exists:
		diags.AddWarning("Secret reference points at a missing secret",
			fmt.Sprintf("Config %q in %s references secret %q, which does not exist in Key Vault (Key Vault secret %q), so config.get(%q) fails "+
				"in every workflow until it resolves. Create the secret again (a bifrost_secret resource with organization_id = %q and name = %q), "+
				"recover it if it was deleted (`az keyvault secret recover --vault-name VAULT --name %s`), or point secret_id at another secret.",
				config.key, config.scope.Phrase(), ref.String(), kvName, config.key, ref.Scope, ref.Name, kvName))
	case !seen.enabled:
		diags.AddWarning("Secret reference points at a disabled secret",
			fmt.Sprintf("Config %q in %s references secret %q, which is disabled, so Key Vault does not return its value and config.get(%q) fails "+
				"in every workflow until it is enabled again (enabled = true on its bifrost_secret resource) or secret_id points at another secret.",
				config.key, config.scope.Phrase(), ref.String(), config.key))
	}
}

// warnReferencesToDeleted adds a warning naming the configs that still reference secret, which
// was just deleted; what says how (soft-deleted until a date, or purged).
func (w *referenceWatch) warnReferencesToDeleted(ctx context.Context, store *bifrost.Store, secret bifrost.SecretID, what string, diags *diag.Diagnostics) {
	refs, err := w.referencing(ctx, store, secret)
	if err != nil {
		diags.AddWarning("Could not check references to the deleted secret",
			fmt.Sprintf("Secret %q was %s, but listing the vault to find the configs that reference it failed: %s. "+
				"Configs that still reference it fail to resolve until it exists again.", secret.String(), what, err))
		return
	}
	if len(refs) == 0 {
		return
	}
	names := make([]string, len(refs))
	for i, c := range refs {
		names[i] = fmt.Sprintf("%q", c.String())
	}
	diags.AddWarning("Configs still reference the deleted secret",
		fmt.Sprintf("Secret %q was %s, but %d config(s) still reference it: %s (scope/key). config.get fails for each of them in every "+
			"workflow until the secret exists again or they point at another secret: create or recover the secret, or change or delete those configs.",
			secret.String(), what, len(refs), strings.Join(names, ", ")))
}
