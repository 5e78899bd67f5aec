package bifrost

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Reserved tags: the provider owns them, users may not set them. They make a
// Key Vault secret self-describing, so that other runtimes (and List) can
// map it back to its entry without knowing the name derivation.
const (
	TagKind        = "bifrost-kind"        // "secret" or "config"
	TagScope       = "bifrost-scope"       // "global" or the lower-case organization id
	TagName        = "bifrost-name"        // the secret name or config key, original case
	TagType        = "bifrost-type"        // configs only: the ConfigType
	TagDescription = "bifrost-description" // only when a description is set
	TagOwner       = "bifrost-owner"       // the owner token of the writer (see ownership.go)
	// TagReference is on secret_reference configs only: the id of the secret the value
	// references, "{scope}/{name}", so that a listing (which has no values) finds the configs
	// that reference a secret. Added to the layout after v1's first entries were written:
	// readers must not require it, and the provider adds it on an entry's next write.
	TagReference = "bifrost-reference"

	// ReservedTagPrefix is refused on user tags, in any case.
	ReservedTagPrefix = "bifrost-"
	// MaxTags is Key Vault's limit of tags per secret, reserved ones included.
	MaxTags = 15
	// MaxTagKeyLength and MaxTagValueLength are Key Vault's limits. Key Vault
	// documents them in characters; the provider counts UTF-8 bytes, the
	// strict reading (a byte count is never below the character count), so
	// that nothing passes plan and then fails at apply (the emulator counts
	// bytes too).
	MaxTagKeyLength   = 512
	MaxTagValueLength = 256
	// MaxContentTypeLength is Key Vault's limit on a content type, counted in
	// UTF-8 bytes like the tag limits.
	MaxContentTypeLength = 255
)

// IsReservedTag reports whether key starts with [ReservedTagPrefix], in any case.
func IsReservedTag(key string) bool {
	return len(key) >= len(ReservedTagPrefix) && strings.EqualFold(key[:len(ReservedTagPrefix)], ReservedTagPrefix)
}

// ReservedTagCount is how many reserved tags an entry of kind carries: kind,
// scope, name and owner, plus type for configs and description when one is
// set. Pass it to [ValidateUserTags]. (A secret_reference config also carries
// bifrost-reference; configs have no user tags, so it is not counted.)
func ReservedTagCount(kind Kind, hasDescription bool) int {
	n := 4
	if kind == KindConfig {
		n++
	}
	if hasDescription {
		n++
	}
	return n
}

// ValidateUserTags checks the tags a user sets on an entry: each with
// [ValidateTag], and their number with [ValidateTagCount]. Problems are
// reported for keys in sorted order, so messages are stable.
func ValidateUserTags(tags map[string]string, reservedCount int) error {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := ValidateTag(k, tags[k]); err != nil {
			return err
		}
	}
	return ValidateTagCount(len(tags), reservedCount)
}

// ValidateTag checks one user tag: not the reserved prefix, and Key Vault's
// key and value lengths.
func ValidateTag(key, value string) error {
	switch n := len(key); {
	case n == 0:
		return invalidf("a tag has an empty key: tag keys must be 1 to %d bytes", MaxTagKeyLength)
	case IsReservedTag(key):
		return invalidf("tag %q uses the reserved prefix %q: the provider owns those tags; rename the tag", key, ReservedTagPrefix)
	case n > MaxTagKeyLength:
		return invalidf("tag key %.40q... is %s: Key Vault allows at most %d bytes", key, byteLength(key), MaxTagKeyLength)
	}
	if len(value) > MaxTagValueLength {
		return invalidf("the value of tag %q is %s: Key Vault allows at most %d bytes", key, byteLength(value), MaxTagValueLength)
	}
	return nil
}

// ValidateTagCount checks that userTags user tags and reservedCount
// reserved tags (see [ReservedTagCount]) fit in Key Vault's [MaxTags].
func ValidateTagCount(userTags, reservedCount int) error {
	if total := userTags + reservedCount; total > MaxTags {
		return invalidf("%d tags plus the %d tags the provider reserves make %d: Key Vault allows at most %d per secret; remove %d tag(s)",
			userTags, reservedCount, total, MaxTags, total-MaxTags)
	}
	return nil
}

// ValidateDescription checks a description, which is stored in the
// bifrost-description tag and so is bound by Key Vault's tag value limit.
func ValidateDescription(d string) error {
	if len(d) > MaxTagValueLength {
		return invalidf("the description is %s: it is stored as a Key Vault tag, which allows at most %d bytes", byteLength(d), MaxTagValueLength)
	}
	return nil
}

// ValidateContentType checks a secret's content type against Key Vault's limit.
func ValidateContentType(ct string) error {
	if len(ct) > MaxContentTypeLength {
		return invalidf("the content type is %s: Key Vault allows at most %d bytes", byteLength(ct), MaxContentTypeLength)
	}
	return nil
}

// byteLength says how long s is in UTF-8 bytes, and in characters when
// that differs, for messages about Key Vault's limits.
func byteLength(s string) string {
	if n := utf8.RuneCountInString(s); n != len(s) {
		return fmt.Sprintf("%d bytes long (%d characters; Key Vault's limits are counted in bytes of UTF-8 here)", len(s), n)
	}
	return fmt.Sprintf("%d bytes long", len(s))
}

// ValidateValidity checks that a not-before time, when set, is not after an
// expiry time: the secret would never be valid.
func ValidateValidity(notBefore, expiresAt *time.Time) error {
	if notBefore != nil && expiresAt != nil && notBefore.After(*expiresAt) {
		return invalidf("the not-before time %s is after the expiry time %s, so the secret would never be valid; "+
			"set the not-before time earlier, or the expiry later", notBefore.UTC().Format(time.RFC3339), expiresAt.UTC().Format(time.RFC3339))
	}
	return nil
}

// ReservedTags returns the reserved tags of e, as written to Key Vault.
func (e Entry) ReservedTags() map[string]string {
	tags := map[string]string{
		TagKind:  string(e.Kind),
		TagScope: string(e.Scope),
		TagName:  e.Name,
	}
	if e.Kind == KindConfig {
		tags[TagType] = string(e.Type)
		if e.Type == TypeSecretReference {
			if id, err := ParseSecretID(e.Value); err == nil {
				tags[TagReference] = id.String()
			}
		}
	}
	if e.Description != "" {
		tags[TagDescription] = e.Description
	}
	if e.Owner != "" {
		tags[TagOwner] = e.Owner
	}
	return tags
}

// KeyVaultTags returns every tag written to Key Vault for e: its user tags
// and its reserved tags. Reserved keys in e.Tags are ignored (they are
// refused by [ValidateUserTags] and must never shadow the real ones).
func (e Entry) KeyVaultTags() map[string]string {
	tags := make(map[string]string, len(e.Tags)+5)
	for k, v := range e.Tags {
		if !IsReservedTag(k) {
			tags[k] = v
		}
	}
	for k, v := range e.ReservedTags() {
		tags[k] = v
	}
	return tags
}

// SplitTags separates the tags of a Key Vault secret into the reserved ones
// (keys matched case-insensitively, returned under their canonical name) and
// the user's. Either map may be empty, never nil.
func SplitTags(all map[string]string) (reserved, user map[string]string) {
	reserved, user = map[string]string{}, map[string]string{}
	for k, v := range all {
		if IsReservedTag(k) {
			reserved[strings.ToLower(k)] = v
		} else {
			user[k] = v
		}
	}
	return reserved, user
}

// applyTags fills e's identity and user data from the tags of a Key Vault
// secret. Managed is set when kind, scope and name tags are all present and valid.
func (e *Entry) applyTags(all map[string]string) {
	reserved, user := SplitTags(all)
	e.Tags = user
	e.Description = reserved[TagDescription]
	e.Owner = reserved[TagOwner]
	kind, kerr := ParseKind(reserved[TagKind])
	scope, serr := ParseScope(reserved[TagScope])
	name := reserved[TagName]
	e.Managed = kerr == nil && serr == nil && ValidateName(kind, name) == nil
	if e.Managed {
		e.Kind, e.Scope, e.Name = kind, scope, name
		if kind == KindConfig {
			e.Type = ConfigType(reserved[TagType])
			if id, err := ParseSecretID(reserved[TagReference]); err == nil && e.Type == TypeSecretReference {
				e.Reference = id
			}
		}
	}
}
