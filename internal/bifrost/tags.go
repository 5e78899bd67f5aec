package bifrost

import (
	"slices"
	"strings"
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

	// ReservedTagPrefix is refused on user tags, in any case.
	ReservedTagPrefix = "bifrost-"
	// MaxTags is Key Vault's limit of tags per secret, reserved ones included.
	MaxTags = 15
	// MaxTagKeyLength and MaxTagValueLength are Key Vault's limits, in characters.
	MaxTagKeyLength   = 512
	MaxTagValueLength = 256
	// MaxContentTypeLength is Key Vault's limit on a content type.
	MaxContentTypeLength = 255
)

// IsReservedTag reports whether key starts with [ReservedTagPrefix], in any case.
func IsReservedTag(key string) bool {
	return len(key) >= len(ReservedTagPrefix) && strings.EqualFold(key[:len(ReservedTagPrefix)], ReservedTagPrefix)
}

// ReservedTagCount is how many reserved tags an entry of kind carries: kind,
// scope and name, plus type for configs and description when one is set.
// Pass it to [ValidateUserTags].
func ReservedTagCount(kind Kind, hasDescription bool) int {
	n := 3
	if kind == KindConfig {
		n++
	}
	if hasDescription {
		n++
	}
	return n
}

// ValidateUserTags checks the tags a user sets on an entry: no reserved
// prefix, Key Vault's key and value lengths, and at most [MaxTags] in total
// together with reservedCount reserved tags (see [ReservedTagCount]).
// Problems are reported for keys in sorted order, so messages are stable.
func ValidateUserTags(tags map[string]string, reservedCount int) error {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		switch n := utf8.RuneCountInString(k); {
		case n == 0:
			return invalidf("a tag has an empty key: tag keys must be 1 to %d characters", MaxTagKeyLength)
		case IsReservedTag(k):
			return invalidf("tag %q uses the reserved prefix %q: the provider owns those tags; rename the tag", k, ReservedTagPrefix)
		case n > MaxTagKeyLength:
			return invalidf("tag key %.40q... is %d characters long: Key Vault allows at most %d", k, n, MaxTagKeyLength)
		}
		if n := utf8.RuneCountInString(tags[k]); n > MaxTagValueLength {
			return invalidf("the value of tag %q is %d characters long: Key Vault allows at most %d", k, n, MaxTagValueLength)
		}
	}
	if total := len(tags) + reservedCount; total > MaxTags {
		return invalidf("%d tags plus the %d tags the provider reserves make %d: Key Vault allows at most %d per secret; remove %d tag(s)",
			len(tags), reservedCount, total, MaxTags, total-MaxTags)
	}
	return nil
}

// ValidateDescription checks a description, which is stored in the
// bifrost-description tag and so is bound by Key Vault's tag value limit.
func ValidateDescription(d string) error {
	if n := utf8.RuneCountInString(d); n > MaxTagValueLength {
		return invalidf("the description is %d characters long: it is stored as a Key Vault tag, which allows at most %d", n, MaxTagValueLength)
	}
	return nil
}

// ValidateContentType checks a secret's content type against Key Vault's limit.
func ValidateContentType(ct string) error {
	if n := utf8.RuneCountInString(ct); n > MaxContentTypeLength {
		return invalidf("the content type is %d characters long: Key Vault allows at most %d", n, MaxContentTypeLength)
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
	}
	if e.Description != "" {
		tags[TagDescription] = e.Description
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
	kind, kerr := ParseKind(reserved[TagKind])
	scope, serr := ParseScope(reserved[TagScope])
	name := reserved[TagName]
	e.Managed = kerr == nil && serr == nil && ValidateName(kind, name) == nil
	if e.Managed {
		e.Kind, e.Scope, e.Name = kind, scope, name
		if kind == KindConfig {
			e.Type = ConfigType(reserved[TagType])
		}
	}
}
