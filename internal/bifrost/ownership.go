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
	// Version is the version the caller last saw, if any: a hint for reads that must find the
	// latest version of a disabled secret among versions created in the same second.
	Version string
}

// Ref returns the reference to e that a caller keeps after writing it.
func (e Entry) Ref() Ref {
	return Ref{Scope: e.Scope, Kind: e.Kind, Name: e.Name, KeyVaultName: e.KeyVaultName, Owner: e.Owner, Version: e.Version}
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
				"so nothing was read into state. To manage it, import it by id %q in a configuration for that scope:\n\n%s",
			tagged, importID, ImportBlock(orDefault(Kind(kind), t.kind), importID))
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
			"its bifrost-owner tag (%q) is not the owner token this state holds (%q): another writer following the Bifrost layout, "+
				"in practice another Terraform state (or a copy of this one) that created or imported the same entry, wrote it after "+
				"this state did, so both manage it; nothing was read, written or deleted. "+
				"Keep the entry in one state: remove it from the others with `terraform state rm`, then refresh or import it again "+
				"(id %q) in the state that keeps it. Key Vault has no conditional writes, so the provider cannot stop two states "+
				"from writing at once; it can only tell afterwards", token, t.owner, t.scope.String()+"/"+t.name)
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
			"Choose another %s, or import it to manage it (for many entries at once, `import { for_each = ... }` "+
			"over the data.bifrost_%ss list, as the import guide shows):\n\n%s",
		why, e.Kind.nameNoun(), e.Kind, ImportBlock(e.Kind, id))
}

// ImportBlock is the import block that imports the entry of kind with id, as HCL to paste:
// one argument per line (a one-line block may hold only one argument).
func ImportBlock(kind Kind, id string) string {
	return fmt.Sprintf("import {\n  to = bifrost_%s.NAME\n  id = %q\n}", kind, id)
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
	if d := deletionOf(d); d.RecoveryLevel.PurgeProtected() {
		return t.errorf(ErrSoftDeleted, op,
			"the Key Vault name is held by a soft-deleted secret%s, and the vault has purge protection, so it cannot be purged before then. "+
				"Set recover_soft_deleted = true in the provider to recover it and write the new value as a new version, "+
				"or choose another %s", when, t.kind.nameNoun())
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
// time of the latest version that a [Store.Read] returned (a Terraform refresh). A write given
// it with [AlreadyVerified] trusts that read instead of making its own GET before writing.
type Verified struct {
	Version   string
	UpdatedAt time.Time
}

// WriteOption changes how Rotate, UpdateMetadata and Delete go about a write.
type WriteOption func(*writeOptions)

type writeOptions struct {
	verified *Verified
	// prior is the entry as the caller's plan saw it (see Against).
	prior *Entry
	// retag and newOwner: see Retag and NewOwner.
	retag, newOwner bool
}

// AlreadyVerified tells Rotate, UpdateMetadata and Delete that the caller checked ownership
// moments ago by a read that found v (a refresh in the same Terraform run), so the write skips
// its own GET: one request instead of two. The caller must pass only a check it made itself,
// recently: Key Vault has no conditional writes, so nothing the store can do stops a writer
// that came between that read and this write, and the window grows from the store's
// GET-then-write (milliseconds) to read-then-write. Writes given [Against] are shaped so that
// such a writer's change is not taken in (see changes.go); the owner token still makes
// another state's next refresh fail, and Delete checks the tags Key Vault returns for the
// deleted secret, recovering one that turns out not to be the caller's.
func AlreadyVerified(v Verified) WriteOption {
	return func(o *writeOptions) {
		if v.Version != "" {
			o.verified = &v
		}
	}
}

// Retag makes a metadata update write the entry's tags even when the caller's view of them
// has not changed: the caller's last read found reserved tags the layout writes missing in
// Key Vault (an entry written before a tag existed, or tags removed outside).
func Retag() WriteOption { return func(o *writeOptions) { o.retag = true } }

// NewOwner makes a write stamp a fresh owner token instead of the one the caller holds, after
// checking that one: a caller that took its token from Key Vault (an import) rather than
// writing it shares it with whoever wrote it, and only a token of its own lets each of them
// tell at its next read that the other wrote (see checkOwnership).
func NewOwner() WriteOption { return func(o *writeOptions) { o.newOwner = true } }

func writeOptionsOf(opts []WriteOption) writeOptions {
	var o writeOptions
	for _, f := range opts {
		f(&o)
	}
	return o
}

// ownerToWrite is the owner token a write stamps: the caller's, or a fresh one when it holds
// none or asked for its own.
func (o writeOptions) ownerToWrite(held string) string {
	if held == "" || o.newOwner {
		return newOwnerToken()
	}
	return held
}

// TagsComplete reports whether the reserved tags Key Vault holds for e (as a read returned
// it) are all the layout writes for it now: its identity, an owner token, and a
// secret_reference config's reference tag naming the secret its value names. A write that
// finds them incomplete writes them again (see [Retag]).
func (e Entry) TagsComplete() bool {
	if !e.Managed || e.Owner == "" {
		return false
	}
	if e.Kind == KindConfig && e.Type == TypeSecretReference {
		if e.Reference == (SecretID{}) {
			return false
		}
		if id, err := ParseSecretID(e.Value); err == nil && id != e.Reference {
			return false
		}
	}
	return true
}
