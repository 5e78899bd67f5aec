package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// storeErrorSummaries gives each domain error a summary a user can scan; the domain's message
// (which names the scope, the name and what to do) becomes the detail.
var storeErrorSummaries = []struct {
	err     error
	summary string
}{
	{bifrost.ErrUnauthorized, "Key Vault did not accept the provider's credentials"},
	{bifrost.ErrForbidden, "Permission denied by Key Vault"},
	{bifrost.ErrNameCollision, "Key Vault name collision"},
	{bifrost.ErrOwnerConflict, "Entry managed by another Terraform state"},
	{bifrost.ErrAlreadyExists, "Entry already exists"},
	{bifrost.ErrChanged, "Entry changed outside Terraform since the plan"},
	{bifrost.ErrChallengeResource, "Key Vault's authentication challenge does not match vault_url"},
	{bifrost.ErrSoftDeleted, "Entry is soft-deleted"},
	{bifrost.ErrDisabled, "Secret is disabled"},
	{bifrost.ErrDanglingReference, "Secret reference points at a missing secret"},
	{bifrost.ErrCrossOrgReference, "Secret reference crosses organizations"},
	{bifrost.ErrNotFound, "Entry not found"},
	{bifrost.ErrInvalid, "Invalid value"},
	{bifrost.ErrTimeout, "Key Vault did not finish in time"},
}

// storeDiagnostic turns a domain error into a diagnostic; action says what the provider was doing.
func (c *providerClient) storeDiagnostic(action string, err error) diag.Diagnostic {
	summary := "Key Vault request failed"
	for _, s := range storeErrorSummaries {
		if errors.Is(err, s.err) {
			summary = s.summary
			break
		}
	}
	detail := fmt.Sprintf("While %s: %s", action, err)
	if errors.Is(err, bifrost.ErrChallengeResource) {
		detail += "\n\nAgainst a Key Vault emulator, set skip_challenge_resource_verification = true in the provider block; never against a real vault."
	}
	var be *bifrost.Error
	switch {
	case errors.As(err, &be) && be.Code == bifrost.ErrUnauthorized && be.StatusCode == http.StatusUnauthorized:
		// Key Vault refused a token Entra ID issued: the credential works, the token does not
		// (expired, revoked, another tenant or resource). Key Vault's answer, quoted above, says why.
		detail += fmt.Sprintf("\n\nThe provider authenticated with: %s, and fetched one fresh token after Key Vault's first refusal; "+
			"Key Vault's answer above says why it refused that one too.", c.credentialKind)
	case errors.Is(err, bifrost.ErrUnauthorized):
		detail += fmt.Sprintf("\n\nThe provider authenticated with: %s. Check tenant_id, client_id and the credential, and that authority_host / environment match the vault's cloud.", c.credentialKind)
	}
	return diag.NewErrorDiagnostic(summary, detail)
}

// maskValue makes every later log line of ctx hide v, wherever a library might print it.
func maskValue(ctx context.Context, v string) context.Context {
	if v == "" {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, v)
	return tflog.MaskMessageStrings(ctx, v)
}
