package keyvault

import (
	"fmt"
	"net/http"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/rbac"
)

// Authenticator is all the data plane needs from the identity side:
// who sent a request, from its bearer token. internal/emulator wires in the
// authority of internal/emulator/identity, which issued the tokens.
type Authenticator interface {
	// Authenticate checks the request's bearer token from its headers
	// alone: Key Vault answers the 401 challenge before reading a body, and
	// azsecrets relies on that (its first request carries no body). An
	// error's text is Key Vault's message for the 401 body.
	Authenticate(r *http.Request) (rbac.Caller, error)
}

// resource is Key Vault's resource id, the audience of its access tokens,
// which the 401 challenge names.
const resource = "https://vault.azure.net"

// vaultURL is the scheme and host the client used to reach the vault, so
// that ids and links point where the client already goes.
func vaultURL(r *http.Request) string { return "https://" + r.Host }

// authority is the Entra authority of the vault's tenant; the emulator
// serves it on the vault's host.
func (v *Vault) authority(r *http.Request) string { return vaultURL(r) + "/" + v.tenantID }

// challenge answers 401 with the WWW-Authenticate header that tells
// azsecrets which tenant and resource to ask a token for.
func (v *Vault) challenge(w http.ResponseWriter, r *http.Request, failure string) {
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer authorization="%s", resource="%s"`, v.authority(r), resource))
	(&kvError{status: http.StatusUnauthorized, code: codeUnauthorized, message: failure}).write(w)
}

// allowed is the role matrix: officers do everything, users read (values,
// metadata, deleted secrets, backups), nobody else does anything.
func allowed(role rbac.Role, op operation) bool {
	return role == rbac.RoleOfficer || role == rbac.RoleUser && op.reader
}

// forbidden is Key Vault's RBAC denial, naming the caller and the action.
func (v *Vault) forbidden(r *http.Request, c rbac.Caller, op operation, name string) *kvError {
	scope := "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/emulator/providers/microsoft.keyvault/vaults/emulator/secrets"
	if name != "" {
		scope += "/" + name
	}
	msg := fmt.Sprintf("Caller is not authorized to perform action on resource.\r\n"+
		"If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\n"+
		"Caller: name=%s;appid=%s;oid=%s;iss=%s\r\n"+
		"Action: '%s'\r\n"+
		"Resource: '%s'\r\n"+
		"Assignment: (not found)\r\n"+
		"DenyAssignmentId: null\r\n"+
		"DecisionReason: null \r\n"+
		"Vault: emulator;location=local\r\n",
		c.Name, c.ClientID, c.ObjectID, v.authority(r)+"/v2.0", op.action, scope)
	return &kvError{status: http.StatusForbidden, code: codeForbidden, inner: innerForbiddenByRbac, message: msg}
}
