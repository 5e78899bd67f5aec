package bifrost

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Other writers: people rotate values in the portal, responders disable secrets, pipelines
// write versions, and they do it between a caller's plan and its apply. The rule of every
// write given [Against] (the entry as the caller's plan saw it): the write acts on that
// entry, never on what another writer made of it since.
//
//   - A write that reads the entry first (a GET the store makes anyway, when no recent check
//     of the caller stands in for it, or to clear a field) refuses with ErrChanged before
//     writing anything when the entry differs from what the plan saw, naming each difference.
//   - A write without that read is shaped so that it cannot take in another writer's change:
//     a metadata update PATCHes the version the plan saw, sending only the fields the plan
//     changes, and reports what Key Vault's answer shows that neither the plan nor the write
//     made; a new value is a new version holding exactly what the plan declares.
//
// Either way nothing another writer did is recorded as the caller's: the caller's state
// keeps what its plan said, and its next read shows the difference.

// Against tells a write what the caller's plan was made from: the entry as the caller last
// saw it (its state), with the version it saw. See the rule above.
func Against(prior Entry) WriteOption {
	return func(o *writeOptions) { o.prior = &prior }
}

// changesSince lists, for messages, how cur (a fresh read) differs from prior (what the
// caller's plan saw): the fields a plan shows. A config's enabled flag is not among them:
// configs are always written enabled, and one disabled outside shows as a value to write
// again. Values are never compared or named; a new value is a new version.
func changesSince(prior, cur Entry) []string {
	var out []string
	if prior.Version != "" && cur.Version != prior.Version {
		out = append(out, fmt.Sprintf("a new version %q was written%s (the plan was made from version %q)",
			cur.Version, at(cur.CreatedAt), prior.Version))
	}
	if prior.Kind != KindConfig && prior.Enabled != cur.Enabled {
		out = append(out, map[bool]string{true: "it was enabled", false: "it was disabled"}[cur.Enabled])
	}
	out = appendTimeChange(out, "not-before date", prior.NotBefore, cur.NotBefore)
	out = appendTimeChange(out, "expiry date", prior.ExpiresAt, cur.ExpiresAt)
	if prior.ContentType != cur.ContentType {
		out = append(out, fmt.Sprintf("its content type changed from %q to %q", prior.ContentType, cur.ContentType))
	}
	if prior.Description != cur.Description {
		out = append(out, "its description changed")
	}
	if keys := changedKeys(prior.Tags, cur.Tags); len(keys) > 0 {
		out = append(out, fmt.Sprintf("its tags changed (%s)", strings.Join(keys, ", ")))
	}
	if prior.Kind == KindConfig && prior.Type != "" && cur.Managed && prior.Type != cur.Type {
		out = append(out, fmt.Sprintf("its type changed from %q to %q", prior.Type, cur.Type))
	}
	return out
}

// untouchedChanges lists what Key Vault's answer to a PATCH (written) shows that differs
// from what the write asked for (want) in the fields the PATCH did not send: changes another
// writer made since the caller's plan, left as they are.
func untouchedChanges(prior, want, written Entry, sent patchFields) []string {
	base := want
	base.Version = prior.Version
	if !sent.enabled {
		base.Enabled = prior.Enabled
	}
	if !sent.tags {
		base.Description, base.Tags = prior.Description, prior.Tags
	}
	written.Version = prior.Version // the PATCH went to that version
	return changesSince(base, written)
}

func appendTimeChange(out []string, what string, prior, cur *time.Time) []string {
	switch {
	case sameInstant(prior, cur):
		return out
	case cur == nil:
		return append(out, fmt.Sprintf("its %s was removed", what))
	default:
		return append(out, fmt.Sprintf("its %s was set to %s", what, cur.UTC().Format(time.RFC3339)))
	}
}

// changedKeys lists the tag keys whose presence or value differs, sorted. Tag values are the
// user's metadata, not secrets, but keys say enough.
func changedKeys(a, b map[string]string) []string {
	var keys []string
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			keys = append(keys, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

func at(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return " at " + t.UTC().Format(time.RFC3339)
}

// changed is the ErrChanged of a write that read the entry and found it other than the plan saw.
func changed(t target, op string, changes []string) error {
	return t.errorf(ErrChanged, op, "it changed in Key Vault since the plan was made: %s. Nothing was written. "+
		"Plan again: the new plan shows these changes, and applying it writes what the configuration declares "+
		"(put a change in the configuration to keep it)", strings.Join(changes, "; "))
}

// patchFields says which fields a metadata PATCH sends.
type patchFields struct {
	enabled, notBefore, expires, contentType, tags bool
}

func (f patchFields) any() bool {
	return f.enabled || f.notBefore || f.expires || f.contentType || f.tags
}

// fieldsToPatch is what a PATCH from prior to e must send: the fields the plan changes, and
// the tags when any tag the layout writes differs (a description, the owner token), when
// prior has no identity tags yet (an adopted secret), or when retag says the vault lacks
// some (see [Retag]).
func fieldsToPatch(prior, e Entry, retag bool) patchFields {
	return patchFields{
		enabled:     prior.Enabled != e.Enabled,
		notBefore:   !sameInstant(prior.NotBefore, e.NotBefore),
		expires:     !sameInstant(prior.ExpiresAt, e.ExpiresAt),
		contentType: prior.ContentType != e.ContentType,
		tags:        retag || !prior.Managed || !maps.Equal(prior.KeyVaultTags(), e.KeyVaultTags()),
	}
}
