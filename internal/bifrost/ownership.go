package bifrost

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
)

// Ownership: the store never reads into a caller's hands, writes over or deletes a Key Vault
// secret that is not the entry the caller names. Two things tell:
//
//   - the identity tags (bifrost-kind, -scope, -name) must agree with the entry the caller
//     names; a secret adopted by its Key Vault name (no identity yet) must carry none;
//   - the owner token (bifrost-owner), a random value written with every write of an entry and
//     kept by the caller (the Terraform state), must be the caller's when both are known: a
//     different one means another writer that follows this layout, in practice another
//     Terraform state managing the same entry, wrote it since.
//
// Both are checked on the request each operation makes anyway (the GET before a write, the
// GET of a refresh), so ownership costs no request of its own. Key Vault has no conditional
// writes, so two writers racing between that GET and their PUT are not stopped; the owner
// token makes the loser's next refresh fail instead of silently sharing the entry.

// Ref is what a caller knows of an entry it manages: its identity (Name empty for a Key
// Vault secret adopted by its physical name and not yet given one), its Key Vault name when
// it is not the derived one, and the owner token it last wrote or saw.
type Ref struct {
	Scope Scope
	Kind  Kind
	// Name is the secret name or config key; empty for an adopted secret not yet written.
	Name string
	// KeyVaultName overrides the derived name (an adopted secret keeps its own).
	KeyVaultName string
	// Owner is the owner token the caller holds; empty: not checked.
	Owner string
}

// Ref returns the reference to e that a caller keeps after writing it.
func (e Entry) Ref() Ref {
	return Ref{Scope: e.Scope, Kind: e.Kind, Name: e.Name, KeyVaultName: e.KeyVaultName, Owner: e.Owner}
}

// newOwnerToken returns a fresh owner token: 16 random bytes in hex.
func newOwnerToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go >= 1.24)
	return hex.EncodeToString(b)
}

// checkOwnership fails when the tags of the Key Vault secret at t.kvName show it is not the
// entry t names: identity tags of another entry (ErrNameCollision), identity tags at all on a
// secret being adopted by its Key Vault name (ErrNameCollision), or another writer's owner
// token (ErrOwnerConflict). Missing tags are fine: an adopted secret, or one rewritten
// outside Terraform, gets them back on its next write.
func checkOwnership(t target, op string, tags map[string]*string) error {
	reserved, _ := SplitTags(fromPtrMap(tags))
	kind, scope, name := reserved[TagKind], reserved[TagScope], reserved[TagName]
	tagged := describe(Scope(scope), Kind(kind), name)
	if t.name == "" {
		if tagged == "" {
			return nil
		}
		importID := scope + "/" + name
		return t.errorf(ErrNameCollision, op,
			"the Key Vault secret is a Bifrost entry (tagged as %s); adoption by URL is only for Key Vault secrets that are not Bifrost entries, "+
				"so nothing was read into state. To manage it, import it by id %q (e.g. `import { to = bifrost_%s.NAME  id = %q }`) "+
				"in a configuration for that scope", tagged, importID, orDefault(Kind(kind), t.kind), importID)
	}
	agrees := (kind == "" || kind == string(t.kind)) && (scope == "" || strings.EqualFold(scope, string(t.scope))) && (name == "" || name == t.name)
	if !agrees {
		return t.errorf(ErrNameCollision, op,
			"the Key Vault secret is tagged as %s, not as %s, which this one is supposed to be; nothing was read, written or deleted. "+
				"Either its bifrost-* tags were edited outside Terraform (set them back: bifrost-kind = %q, bifrost-scope = %q, bifrost-name = %q), "+
				"or the secret belongs to that other entry (then remove this resource from the state with `terraform state rm`, and fix the configuration)",
			tagged, describe(t.scope, t.kind, t.name), t.kind, t.scope, t.name)
	}
	if token := reserved[TagOwner]; t.owner != "" && token != "" && token != t.owner {
		return t.errorf(ErrOwnerConflict, op,
			"its bifrost-owner tag shows that another writer following the Bifrost layout, in practice another Terraform state "+
				"(or a copy of this one), wrote the entry after this state did, so both manage it; nothing was read, written or deleted. "+
				"Keep the entry in one state: remove it from the others with `terraform state rm`, then refresh or import it again "+
				"(id %q) in the state that keeps it. Key Vault has no conditional writes, so the provider cannot stop two states "+
				"from writing at once; it can only tell afterwards", t.scope.String()+"/"+t.name)
	}
	return nil
}

func orDefault(k, def Kind) Kind {
	if k == "" {
		return def
	}
	return k
}

// sameContent reports whether the Key Vault secret cur (read with its value) holds exactly
// what writing want would write, the owner token aside: the only case in which a create may
// take over an entry it finds (see [Store.Create]).
func sameContent(cur, want Entry) bool {
	return cur.Managed && cur.Scope == want.Scope && cur.Kind == want.Kind && cur.Name == want.Name && cur.Type == want.Type &&
		cur.Value == want.Value && cur.ContentType == want.ContentType && cur.Enabled == want.Enabled &&
		sameInstant(cur.NotBefore, want.NotBefore) && sameInstant(cur.ExpiresAt, want.ExpiresAt) &&
		cur.Description == want.Description && maps.Equal(nonNil(cur.Tags), nonNil(want.Tags))
}

// sameInstant compares two optional times as Key Vault keeps them, in whole seconds.
func sameInstant(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Unix() == b.Unix()
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// notFound is ErrNotFound with the way to fix it.
func notFound(t target, op string) error {
	if t.name == "" {
		return t.errorf(ErrNotFound, op, "no Key Vault secret has this name; check the name or URL")
	}
	return t.errorf(ErrNotFound, op, "it does not exist in Key Vault; create it with a bifrost_%s resource, or check organization_id and the %s",
		t.kind, t.kind.nameNoun())
}

// alreadyExists is ErrAlreadyExists with the import block that adopts the entry.
func alreadyExists(t target, e Entry, why string) error {
	const op = "create"
	id := e.SecretID().String()
	return t.errorf(ErrAlreadyExists, op,
		"it already exists in Key Vault%s, so it is not managed here; the provider never overwrites an existing secret. "+
			"To manage it, import it: `import { to = bifrost_%s.NAME  id = %q }` (for many entries at once, `import { for_each = ... }` "+
			"over the data.bifrost_%ss list, as the import guide shows), or choose another %s",
		why, e.Kind, id, e.Kind, e.Kind.nameNoun())
}

// softDeleted is ErrSoftDeleted naming both ways out.
func softDeleted(t target, d azsecrets.DeletedSecret) error {
	const op = "create"
	vault := "<vault name>"
	if v := vaultNameOf(d.RecoveryID); v != "" {
		vault = v
	} else if v := vaultNameOf((*string)(d.ID)); v != "" {
		vault = v
	}
	when := ""
	if d.ScheduledPurgeDate != nil {
		when = fmt.Sprintf(" (Key Vault purges it on %s)", d.ScheduledPurgeDate.UTC().Format(time.RFC3339))
	}
	return t.errorf(ErrSoftDeleted, op,
		"the Key Vault name is held by a soft-deleted secret%s. Either set recover_soft_deleted = true in the provider "+
			"to recover it and write the new value as a new version, or purge the deleted secret first, e.g. "+
			"`az keyvault secret purge --vault-name %s --name %s`", when, vault, t.kvName)
}

// vaultNameOf returns the vault name of a Key Vault URL: the first label of its host.
func vaultNameOf(u *string) string {
	if u == nil {
		return ""
	}
	p, err := url.Parse(*u)
	if err != nil || p.Hostname() == "" {
		return ""
	}
	host := p.Hostname()
	// An emulator at an IP address or localhost has no vault name.
	if net.ParseIP(host) != nil || !strings.Contains(host, ".") {
		return ""
	}
	name, _, _ := strings.Cut(host, ".")
	return name
}

// Verified is what a caller's own ownership check of an entry found: the version and update
// time of the latest version that a [Store.Read] returned (a Terraform refresh), with the owner
// token the caller holds. A write given it with [AlreadyVerified] trusts that read instead of
// making its own GET before writing.
type Verified struct {
	Version   string
	UpdatedAt time.Time
	// Found, when set, is the entry as that read found it (its metadata: content type, dates,
	// enabled): UpdateMetadata then PATCHes without reading it again, unless the update clears
	// a field, which takes the current value (see UpdateMetadata).
	Found *Entry
}

// WriteOption changes how Rotate, UpdateMetadata and Delete go about a write.
type WriteOption func(*writeOptions)

type writeOptions struct {
	verified *Verified
}

// AlreadyVerified tells Rotate, UpdateMetadata (given v.Found) and Delete that the caller checked ownership moments ago by a
// read that found v (a refresh in the same Terraform run), so the write skips its own GET:
// one request instead of two. The caller must pass only a check it made itself, recently:
// Key Vault has no conditional writes, so nothing the store can do stops a writer that came
// between that read and this write, and the window grows from the store's GET-then-write
// (milliseconds) to read-then-write. The owner token still makes such a writer's next refresh
// fail, and Delete checks the tags Key Vault returns for the deleted secret, recovering one
// that turns out not to be the caller's.
func AlreadyVerified(v Verified) WriteOption {
	return func(o *writeOptions) {
		if v.Version != "" {
			o.verified = &v
		}
	}
}

func writeOptionsOf(opts []WriteOption) writeOptions {
	var o writeOptions
	for _, f := range opts {
		f(&o)
	}
	return o
}
