package bifrost

import (
	"errors"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// ReadCopySource reads a legacy secret's latest value in one GET and leaves it untouched;
// a missing, disabled or Bifrost-managed source is refused with a message naming it.
func TestStoreReadCopySource(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	c := v.client(t, emulator.OfficerName)
	ctx := testContext(t)
	legacy := string(orgA) + "--stripe-key"
	seed := func(name, value string, enabled bool) {
		t.Helper()
		if _, err := c.SetSecret(ctx, name, azsecrets.SetSecretParameters{Value: to.Ptr(value),
			SecretAttributes: &azsecrets.SecretAttributes{Enabled: to.Ptr(enabled)}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	seed(legacy, "sk-old", true)
	seed(legacy, "sk-legacy-latest", true)
	seed(string(orgA)+"--disabled", "sk-disabled", false)
	managed := mustCreate(t, s, secretEntry(orgA, "already", "sk-contract"))
	v.warm(t, s)

	got, err := s.ReadCopySource(ctx, legacy)
	if err != nil {
		t.Fatal(err)
	}
	if got != "sk-legacy-latest" {
		t.Error("ReadCopySource did not return the source's latest value")
	}
	v.assertCounts(t, "copy source", map[string]int{emulator.OpGetSecret: 1})
	if n := rawVersions(t, c, legacy); n != 2 {
		t.Errorf("the source has %d versions after the read, want the 2 it was seeded with", n)
	}

	for _, tc := range []struct {
		source string
		code   error
		want   []string
	}{
		{string(orgA) + "--missing", ErrNotFound, []string{`Key Vault secret "` + string(orgA) + `--missing"`, "does not exist"}},
		{string(orgA) + "--disabled", ErrDisabled, []string{`Key Vault secret "` + string(orgA) + `--disabled"`, "disabled", "enable it"}},
		{managed.KeyVaultName, ErrInvalid, []string{managed.KeyVaultName, "already a Bifrost entry", `secret "already"`, "import"}},
		{"not a name", ErrInvalid, []string{"not a name"}},
	} {
		_, err := s.ReadCopySource(ctx, tc.source)
		if !errors.Is(err, tc.code) {
			t.Errorf("ReadCopySource(%q): %v, want %v", tc.source, err, tc.code)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("ReadCopySource(%q): %q does not say %q", tc.source, err, w)
			}
		}
		if strings.Contains(err.Error(), "sk-") {
			t.Errorf("ReadCopySource(%q): the error shows a value", tc.source)
		}
	}
}
