package bifrost

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"
)

func TestValidateUserTags(t *testing.T) {
	ok := map[string]string{"team": "payments", "env": ""}
	if err := ValidateUserTags(ok, ReservedTagCount(KindSecret, true)); err != nil {
		t.Errorf("valid tags refused: %v", err)
	}
	full := map[string]string{}
	for i := range MaxTags - ReservedTagCount(KindSecret, false) {
		full[fmt.Sprintf("t%02d", i)] = "v"
	}
	if err := ValidateUserTags(full, ReservedTagCount(KindSecret, false)); err != nil {
		t.Errorf("%d user tags + 4 reserved refused: %v", len(full), err)
	}
	if err := ValidateUserTags(full, ReservedTagCount(KindSecret, true)); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "at most 15") {
		t.Errorf("16 tags: err = %v, want ErrInvalid naming the limit", err)
	}
	for name, tags := range map[string]map[string]string{
		"reserved lower": {"bifrost-name": "x"},
		"reserved mixed": {"Bifrost-Owner": "x"},
		"reserved upper": {"BIFROST-KIND": "x"},
		"empty key":      {"": "x"},
		"long key":       {strings.Repeat("k", MaxTagKeyLength+1): "x"},
		"long value":     {"k": strings.Repeat("v", MaxTagValueLength+1)},
	} {
		if err := ValidateUserTags(tags, 3); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
	if err := ValidateUserTags(map[string]string{strings.Repeat("k", MaxTagKeyLength): strings.Repeat("é", MaxTagValueLength/2)}, 3); err != nil {
		t.Errorf("tags at the limits (in bytes) refused: %v", err)
	}
	// Limits are counted in UTF-8 bytes: 129 "é" are 129 characters but 258 bytes.
	err := ValidateUserTags(map[string]string{"note": strings.Repeat("é", MaxTagValueLength/2+1)}, 3)
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "258 bytes long (129 characters") {
		t.Errorf("a value of 258 bytes in 129 characters: err = %v, want ErrInvalid counting bytes", err)
	}
	if err := ValidateUserTags(map[string]string{"bifrostish": "x", "my-bifrost-tag": "y"}, 3); err != nil {
		t.Errorf("tags merely containing bifrost refused: %v", err)
	}
}

func TestReservedTagCount(t *testing.T) {
	for _, c := range []struct {
		kind Kind
		desc bool
		want int
	}{{KindSecret, false, 4}, {KindSecret, true, 5}, {KindConfig, false, 5}, {KindConfig, true, 6}} {
		if got := ReservedTagCount(c.kind, c.desc); got != c.want {
			t.Errorf("ReservedTagCount(%s, %v) = %d, want %d", c.kind, c.desc, got, c.want)
		}
		e := Entry{Kind: c.kind, Scope: GlobalScope, Name: "n", Type: TypeString, Owner: "0123456789abcdef"}
		if c.desc {
			e.Description = "d"
		}
		if got := len(e.ReservedTags()); got != c.want {
			t.Errorf("len(ReservedTags) for %s desc=%v = %d, want %d", c.kind, c.desc, got, c.want)
		}
	}
}

func TestTagsRoundTrip(t *testing.T) {
	in := Entry{
		Scope: "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a", Kind: KindConfig, Name: "Stripe_Key", Type: TypeSecretReference,
		Description: "the key", Tags: map[string]string{"team": "payments", "bifrost-evil": "ignored"},
	}
	kv := in.KeyVaultTags()
	want := map[string]string{
		"team": "payments", TagKind: "config", TagScope: string(in.Scope), TagName: "Stripe_Key",
		TagType: "secret_reference", TagDescription: "the key",
	}
	if !maps.Equal(kv, want) {
		t.Fatalf("KeyVaultTags = %v, want %v", kv, want)
	}
	var out Entry
	out.applyTags(kv)
	if !out.Managed || out.Scope != in.Scope || out.Kind != in.Kind || out.Name != in.Name || out.Type != in.Type || out.Description != in.Description {
		t.Errorf("applyTags: got %+v", out)
	}
	if !maps.Equal(out.Tags, map[string]string{"team": "payments"}) {
		t.Errorf("user tags = %v", out.Tags)
	}

	// Secrets have no type tag; description only when set.
	sec := Entry{Scope: GlobalScope, Kind: KindSecret, Name: "smtp"}.KeyVaultTags()
	if _, ok := sec[TagType]; ok {
		t.Error("secret carries a type tag")
	}
	if _, ok := sec[TagDescription]; ok {
		t.Error("empty description written as a tag")
	}
}

func TestApplyTagsUnmanaged(t *testing.T) {
	for name, tags := range map[string]map[string]string{
		"none":       {"team": "x"},
		"partial":    {TagKind: "secret", TagName: "x"},
		"bad scope":  {TagKind: "secret", TagScope: "org", TagName: "x"},
		"bad kind":   {TagKind: "key", TagScope: "global", TagName: "x"},
		"bad name":   {TagKind: "config", TagScope: "global", TagName: "a-b"},
		"empty name": {TagKind: "secret", TagScope: "global", TagName: ""},
	} {
		var e Entry
		e.applyTags(tags)
		if e.Managed || e.Name != "" || e.Scope != "" {
			t.Errorf("%s: got Managed=%v Scope=%q Name=%q, want unmanaged and empty", name, e.Managed, e.Scope, e.Name)
		}
	}
	// Reserved keys are recognized in any case (Key Vault keeps the case it was given).
	var e Entry
	e.applyTags(map[string]string{"Bifrost-Kind": "secret", "BIFROST-SCOPE": "global", "bifrost-name": "x"})
	if !e.Managed || len(e.Tags) != 0 {
		t.Errorf("mixed-case reserved tags: Managed=%v Tags=%v", e.Managed, e.Tags)
	}
}
