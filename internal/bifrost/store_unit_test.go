package bifrost

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
)

// scriptedKV answers GetSecret and SetSecret from functions; any other call
// panics through the nil embedded interface. For the store's control flow
// (waits, timeouts, refusals) without a server; store_test.go covers the
// real protocol against the emulator.
type scriptedKV struct {
	KeyVault
	get  func(n int) (azsecrets.Secret, error)
	set  func(n int) (azsecrets.Secret, error)
	gets int
	sets int
}

func (k *scriptedKV) GetSecret(context.Context, string, string) (azsecrets.Secret, error) {
	k.gets++
	return k.get(k.gets)
}

func (k *scriptedKV) SetSecret(context.Context, string, azsecrets.SetSecretParameters) (azsecrets.Secret, error) {
	k.sets++
	return k.set(k.sets)
}

func bundle(kvName string, tags map[string]string) azsecrets.Secret {
	id := azsecrets.ID("https://v.vault.azure.net/secrets/" + kvName + "/0123456789abcdef0123456789abcdef")
	enabled := true
	return azsecrets.Secret{ID: &id, Attributes: &azsecrets.SecretAttributes{Enabled: &enabled}, Tags: toPtrMap(tags)}
}

func testEntry() Entry {
	return Entry{Scope: GlobalScope, Kind: KindSecret, Name: "smtp", Value: "v4lue", Enabled: true}
}

func TestStoreWaitsOutTransientConflicts(t *testing.T) {
	e := testEntry()
	kvName := KeyVaultName(e.Scope, e.Kind, e.Name)
	kv := &scriptedKV{
		get: func(n int) (azsecrets.Secret, error) {
			if n < 3 {
				return azsecrets.Secret{}, kvError(409, "Conflict", "ObjectIsBeingDeleted", "being deleted")
			}
			return azsecrets.Secret{}, kvError(404, "SecretNotFound", "", "")
		},
		set: func(int) (azsecrets.Secret, error) { return bundle(kvName, e.KeyVaultTags()), nil },
	}
	s := NewStore(kv, StoreOptions{PollInterval: time.Millisecond})
	got, err := s.Create(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if kv.gets != 3 || kv.sets != 1 {
		t.Errorf("requests: %d GET, %d PUT; want 3 and 1", kv.gets, kv.sets)
	}
	if got.Name != "smtp" || got.KeyVaultName != kvName || !got.Managed || got.Value != "" || got.Version == "" {
		t.Errorf("created entry = %+v", got)
	}
}

func TestStoreWaitEndsWithContext(t *testing.T) {
	kv := &scriptedKV{get: func(int) (azsecrets.Secret, error) {
		return azsecrets.Secret{}, kvError(409, "Conflict", "ObjectIsBeingRecovered", "")
	}}
	s := NewStore(kv, StoreOptions{PollInterval: 5 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := s.Get(ctx, GlobalScope, KindSecret, "smtp")
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want ErrTimeout and DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the wait took %v after the deadline", d)
	}
	if !strings.Contains(err.Error(), "ObjectIsBeingRecovered") || !strings.Contains(err.Error(), "timeouts") {
		t.Errorf("message does not say what it waited for and what to do: %v", err)
	}
}

func TestStoreRefusesForeignSecret(t *testing.T) {
	e := testEntry()
	kvName := KeyVaultName(e.Scope, e.Kind, e.Name)
	other := Entry{Scope: GlobalScope, Kind: KindSecret, Name: "SMTP"}
	kv := &scriptedKV{
		get: func(int) (azsecrets.Secret, error) { return bundle(kvName, other.KeyVaultTags()), nil },
		set: func(int) (azsecrets.Secret, error) {
			t.Fatal("wrote over a foreign secret")
			return azsecrets.Secret{}, nil
		},
	}
	s := NewStore(kv, StoreOptions{})
	for name, call := range map[string]func() error{
		"create": func() error { _, err := s.Create(context.Background(), e); return err },
		"rotate": func() error { _, err := s.Rotate(context.Background(), e); return err },
		"read":   func() error { _, err := s.Get(context.Background(), e.Scope, e.Kind, e.Name); return err },
	} {
		err := call()
		if !errors.Is(err, ErrNameCollision) {
			t.Errorf("%s: err = %v, want ErrNameCollision", name, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, `"SMTP"`) || !strings.Contains(msg, `"smtp"`) || !strings.Contains(msg, kvName) {
			t.Errorf("%s: message does not name both entries and the Key Vault name: %s", name, msg)
		}
	}
}

func TestStoreValidatesBeforeAnyRequest(t *testing.T) {
	s := NewStore(&scriptedKV{}, StoreOptions{}) // any request would panic
	ctx := context.Background()
	for name, e := range map[string]Entry{
		"scope":        {Scope: "org", Kind: KindSecret, Name: "a", Value: "v"},
		"no scope":     {Kind: KindSecret, Name: "a", Value: "v"},
		"name":         {Scope: GlobalScope, Kind: KindSecret, Name: "a b", Value: "v"},
		"config key":   {Scope: GlobalScope, Kind: KindConfig, Type: TypeString, Name: "a-b"},
		"type":         {Scope: GlobalScope, Kind: KindConfig, Type: "float", Name: "a"},
		"int":          {Scope: GlobalScope, Kind: KindConfig, Type: TypeInt, Name: "a", Value: "x"},
		"content type": {Scope: GlobalScope, Kind: KindConfig, Type: TypeString, Name: "a", ContentType: "text/plain"},
		"cross-org":    {Scope: "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a", Kind: KindConfig, Type: TypeSecretReference, Name: "a", Value: "00000000-0000-0000-0000-000000000001/s"},
		"tags":         {Scope: GlobalScope, Kind: KindSecret, Name: "a", Value: "v", Tags: map[string]string{"Bifrost-x": "y"}},
		"too big":      {Scope: GlobalScope, Kind: KindSecret, Name: "a", Value: strings.Repeat("x", MaxValueBytes+1)},
		"kv name":      {Scope: GlobalScope, Kind: KindSecret, Name: "a", Value: "v", KeyVaultName: "has_underscore"},
	} {
		_, err := s.Create(ctx, e)
		if err == nil || errors.Is(err, ErrKeyVault) {
			t.Errorf("%s: err = %v, want a validation error", name, err)
		}
		var be *Error
		if errors.As(err, &be) && be.Op != "create" {
			t.Errorf("%s: Op = %q", name, be.Op)
		}
	}
	if _, err := s.List(ctx, GlobalScope, "keys"); !errors.Is(err, ErrInvalid) {
		t.Errorf("List with a bad kind: %v", err)
	}
	if _, err := s.ResolveConfig(ctx, "org", "k", true); !errors.Is(err, ErrInvalid) {
		t.Errorf("ResolveConfig with a bad scope: %v", err)
	}
}
