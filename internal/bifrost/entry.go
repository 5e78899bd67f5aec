package bifrost

import (
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
)

// Entry is a Bifrost secret or config as stored in Key Vault.
type Entry struct {
	Scope Scope
	Kind  Kind
	// Name is the secret name or config key, in its original case.
	Name string
	// Type is the config type; configs only.
	Type ConfigType
	// Description is kept in the bifrost-description tag.
	Description string
	// Value is only filled by reads that return the value (Get,
	// GetByKeyVaultName, ResolveConfig) and by callers on writes. Never log it.
	Value string
	// ContentType is the secret's content type; configs have none.
	ContentType string
	// Enabled must be set to true for a usable secret: Key Vault does not
	// return the value of a disabled one.
	Enabled   bool
	NotBefore *time.Time
	ExpiresAt *time.Time
	// Tags are the user's tags only; reserved tags are derived from the
	// fields above.
	Tags map[string]string
	// Owner is the owner token (the bifrost-owner tag): a random value each
	// writer following the layout stamps on its writes, so that another
	// writer of the same entry can tell (see ownership.go). Reads fill it;
	// writes check it and return the one they wrote.
	Owner string

	// KeyVaultName is the Key Vault secret name. Writes use it when set
	// (an adopted secret keeps its physical name), else the name derived by
	// [KeyVaultName]. Reads fill it.
	KeyVaultName string
	// ID is the versionless secret URL, e.g. https://v.vault.azure.net/secrets/NAME.
	ID string
	// Version is the id of the latest version (32 hex characters).
	Version   string
	CreatedAt time.Time
	UpdatedAt time.Time
	// Managed reports whether the Key Vault secret carries the bifrost kind,
	// scope and name tags (false for an adopted secret not yet written by the
	// provider). When false, Scope, Kind and Name are not filled by reads.
	Managed bool
	// Reference is, for a secret_reference config read from Key Vault, the
	// secret its bifrost-reference tag names (zero when the tag is missing, as
	// on configs written before the tag existed); writes derive the tag from
	// Value. Lists fill it, so references can be found without reading values.
	Reference SecretID
	// RecoveryLevel is what Key Vault reports of the vault's soft delete and
	// purge protection; reads fill it.
	RecoveryLevel RecoveryLevel
}

// SecretID returns "{scope}/{name}", the id of the entry.
func (e Entry) SecretID() SecretID { return SecretID{Scope: e.Scope, Name: e.Name} }

// entryFromBundle builds an Entry from the parts common to Key Vault's
// secret bundles, list items and deleted bundles. The value is not copied.
func entryFromBundle(id *azsecrets.ID, attrs *azsecrets.SecretAttributes, contentType *string, tags map[string]*string) Entry {
	e := Entry{Enabled: true}
	if id != nil {
		e.KeyVaultName = id.Name()
		e.Version = id.Version()
		e.ID = strings.TrimSuffix(string(*id), "/"+e.Version)
	}
	if attrs != nil {
		if attrs.Enabled != nil {
			e.Enabled = *attrs.Enabled
		}
		e.NotBefore = copyTime(attrs.NotBefore)
		e.ExpiresAt = copyTime(attrs.Expires)
		if attrs.Created != nil {
			e.CreatedAt = attrs.Created.UTC()
		}
		if attrs.Updated != nil {
			e.UpdatedAt = attrs.Updated.UTC()
		}
		if attrs.RecoveryLevel != nil {
			e.RecoveryLevel = RecoveryLevel(*attrs.RecoveryLevel)
		}
	}
	if contentType != nil {
		e.ContentType = *contentType
	}
	e.applyTags(fromPtrMap(tags))
	return e
}

func entryFromSecret(s azsecrets.Secret) Entry {
	return entryFromBundle(s.ID, s.Attributes, s.ContentType, s.Tags)
}

func copyTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func fromPtrMap(m map[string]*string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		if v != nil {
			out[k] = *v
		} else {
			out[k] = ""
		}
	}
	return out
}

func toPtrMap(m map[string]string) map[string]*string {
	out := make(map[string]*string, len(m))
	for k, v := range m {
		out[k] = &v
	}
	return out
}
