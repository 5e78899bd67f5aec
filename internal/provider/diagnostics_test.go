package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// Each kind of domain error gets a summary that says what happened; a wait that ran out of time
// (another writer deleting a secret the create was recovering, say) is not "request failed".
func TestStoreDiagnosticSummaries(t *testing.T) {
	c := &providerClient{}
	for _, tc := range []struct {
		err     error
		summary string
	}{
		{&bifrost.Error{Code: bifrost.ErrTimeout, Op: "create", Detail: "the operation did not finish in time; raise the resource's timeouts or retry",
			Err: context.DeadlineExceeded}, "Key Vault did not finish in time"},
		{&bifrost.Error{Code: bifrost.ErrChanged, Op: "update"}, "Entry changed outside Terraform since the plan"},
		{&bifrost.Error{Code: bifrost.ErrKeyVault, Op: "read"}, "Key Vault request failed"},
	} {
		d := c.storeDiagnostic("creating the secret", tc.err)
		if d.Summary() != tc.summary || !strings.HasPrefix(d.Detail(), "While creating the secret: ") {
			t.Errorf("%v: summary %q, detail %q; want summary %q", tc.err, d.Summary(), d.Detail(), tc.summary)
		}
	}
}
