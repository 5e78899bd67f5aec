package emulator

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// caller is who sent a data-plane request.
type caller struct {
	p        *principal // nil: unauthenticated, or an application the emulator does not know
	clientID string     // the token's appid, when there is a valid token
}

func (c caller) name() string {
	if c.p != nil {
		return c.p.Name
	}
	return c.clientID
}

func (c caller) role() Role {
	if c.p == nil {
		return RoleNone
	}
	return c.p.Role
}

// authenticate checks the bearer token of a data-plane request from its
// headers alone: Key Vault answers the 401 challenge before reading a body,
// and azsecrets relies on that (its first request carries no body). A
// non-empty failure is Key Vault's message for the 401 body.
func (e *Emulator) authenticate(r *http.Request) (c caller, failure string) {
	authz := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(authz, " ")
	if authz == "" || !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return caller{}, "AKV10000: Request is missing a Bearer, PoP, or MTLS_POP token."
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		return &e.issuerKey.key.PublicKey, nil
	},
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(e.now),
	)
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return caller{}, "AKV10022: Invalid token: the token is expired."
		}
		return caller{}, fmt.Sprintf("AKV10016: Token validation failed: %v", err)
	}
	aud, _ := claims.GetAudience()
	if !audienceOK(aud) {
		return caller{}, fmt.Sprintf("AKV10022: Invalid audience. Expected %s, found: %s.", vaultResource, strings.Join(aud, ","))
	}
	if tid, _ := claims["tid"].(string); !strings.EqualFold(tid, e.tenantID) {
		return caller{}, fmt.Sprintf("AKV10032: Invalid issuer. Expected one of tenant %s, found: %s.", e.tenantID, tid)
	}
	appid, _ := claims["appid"].(string)
	if appid == "" {
		appid, _ = claims["azp"].(string)
	}
	return caller{p: e.principals.lookup(appid), clientID: appid}, ""
}

func audienceOK(aud []string) bool {
	for _, a := range aud {
		if strings.EqualFold(strings.TrimSuffix(a, "/"), vaultResource) {
			return true
		}
	}
	return false
}

// challenge answers 401 with the WWW-Authenticate header that tells
// azsecrets which tenant and resource to ask a token for.
func (e *Emulator) challenge(w http.ResponseWriter, r *http.Request, failure string) {
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer authorization="%s/%s", resource="%s"`, baseURL(r), e.tenantID, vaultResource))
	(&kvError{status: http.StatusUnauthorized, code: codeUnauthorized, message: failure}).write(w)
}

// rbacAction is the Azure RBAC data action an operation needs, named in 403s.
func rbacAction(op string) string {
	const p = "Microsoft.KeyVault/vaults/"
	switch op {
	case OpSetSecret:
		return p + "secrets/setSecret/action"
	case OpGetSecret:
		return p + "secrets/getSecret/action"
	case OpUpdateSecret:
		return p + "secrets/update/action"
	case OpDeleteSecret:
		return p + "secrets/delete"
	case OpBackupSecret:
		return p + "secrets/backup/action"
	case OpRestoreSecret:
		return p + "secrets/restore/action"
	case OpListSecrets, OpListSecretVersions:
		return p + "secrets/readMetadata/action"
	case OpGetDeletedSecret, OpListDeletedSecrets:
		return p + "deletedSecrets/read"
	case OpRecoverDeletedSecret:
		return p + "deletedSecrets/recover/action"
	case OpPurgeDeletedSecret:
		return p + "deletedSecrets/delete"
	}
	return p + "secrets/readMetadata/action"
}

// allowed is the role matrix: officers do everything, users read (values,
// metadata, deleted secrets, backups), nobody else does anything.
func allowed(role Role, op string) bool {
	switch role {
	case RoleOfficer:
		return true
	case RoleUser:
		switch op {
		case OpGetSecret, OpListSecrets, OpListSecretVersions, OpGetDeletedSecret, OpListDeletedSecrets, OpBackupSecret:
			return true
		}
	}
	return false
}

// forbidden is Key Vault's RBAC denial, naming the caller and the action.
func (e *Emulator) forbidden(r *http.Request, c caller, op, name string) *kvError {
	oid := ""
	if c.p != nil {
		oid = c.p.objectID
	}
	resource := "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/emulator/providers/microsoft.keyvault/vaults/emulator/secrets"
	if name != "" {
		resource += "/" + name
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
		c.name(), c.clientID, oid, e.issuer(r), rbacAction(op), resource)
	return &kvError{status: http.StatusForbidden, code: codeForbidden, inner: innerForbiddenByRbac, message: msg}
}
