package keyvault

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/route"
)

// operation is one Key Vault secrets operation, as the data plane counts,
// authorizes and serves it.
type operation struct {
	name   string // in the counts and the audit log: one of the Op constants
	action string // the Azure RBAC data action it needs, named in 403s
	reader bool   // a Secrets User (RoleUser) may perform it; an Officer may perform every one
	serve  func(v *Vault, w http.ResponseWriter, r *http.Request)
}

// routes is the data plane's route table: each Key Vault operation, then
// the method and path of each of its routes, any api-version. A {name} is
// the secret name as sent (the store compares names case-insensitively, as
// Key Vault does) and a {version} the version id. How paths match (one
// trailing slash ignored, so GET /secrets/{name}/ is the latest version as
// azsecrets asks for it) is internal/emulator/internal/route's. What matches
// no route is OpUnknown, answered in Key Vault's error shape.
func routes() *route.Table[operation] {
	const action = "Microsoft.KeyVault/vaults/"
	var (
		setSecret     = operation{name: OpSetSecret, action: action + "secrets/setSecret/action", serve: (*Vault).setSecret}
		getSecret     = operation{name: OpGetSecret, action: action + "secrets/getSecret/action", reader: true, serve: (*Vault).getSecret}
		updateSecret  = operation{name: OpUpdateSecret, action: action + "secrets/update/action", serve: (*Vault).updateSecret}
		deleteSecret  = operation{name: OpDeleteSecret, action: action + "secrets/delete", serve: (*Vault).deleteSecret}
		listSecrets   = operation{name: OpListSecrets, action: action + "secrets/readMetadata/action", reader: true, serve: (*Vault).listSecrets}
		listVersions  = operation{name: OpListSecretVersions, action: action + "secrets/readMetadata/action", reader: true, serve: (*Vault).listVersions}
		backupSecret  = operation{name: OpBackupSecret, action: action + "secrets/backup/action", reader: true, serve: (*Vault).backupSecret}
		restoreSecret = operation{name: OpRestoreSecret, action: action + "secrets/restore/action", serve: (*Vault).restoreSecret}
		getDeleted    = operation{name: OpGetDeletedSecret, action: action + "deletedSecrets/read", reader: true, serve: (*Vault).getDeletedSecret}
		listDeleted   = operation{name: OpListDeletedSecrets, action: action + "deletedSecrets/read", reader: true, serve: (*Vault).listDeletedSecrets}
		recoverSecret = operation{name: OpRecoverDeletedSecret, action: action + "deletedSecrets/recover/action", serve: (*Vault).recoverDeletedSecret}
		purgeSecret   = operation{name: OpPurgeDeletedSecret, action: action + "deletedSecrets/delete", serve: (*Vault).purgeDeletedSecret}
	)
	t := route.New(operation{name: OpUnknown})
	for pattern, op := range map[string]operation{
		"GET /secrets":                        listSecrets,
		"POST /secrets/restore":               restoreSecret,
		"PUT /secrets/{name}":                 setSecret,
		"GET /secrets/{name}":                 getSecret, // the latest version
		"PATCH /secrets/{name}":               updateSecret,
		"DELETE /secrets/{name}":              deleteSecret,
		"GET /secrets/{name}/versions":        listVersions,
		"POST /secrets/{name}/backup":         backupSecret,
		"GET /secrets/{name}/{version}":       getSecret,
		"PATCH /secrets/{name}/{version}":     updateSecret,
		"GET /deletedsecrets":                 listDeleted,
		"GET /deletedsecrets/{name}":          getDeleted,
		"DELETE /deletedsecrets/{name}":       purgeSecret,
		"POST /deletedsecrets/{name}/recover": recoverSecret,
	} {
		t.Add(pattern, op)
	}
	return t
}

// resolve finds the operation a request asks for, and why it cannot be
// served when it cannot: a path or method Key Vault does not serve, or an
// invalid secret name. The request's path values are set: {name} is
// r.PathValue("name").
func (v *Vault) resolve(r *http.Request) (operation, *kvError) {
	op := v.routes.Match(r)
	switch {
	case op.name == OpUnknown:
		return op, &kvError{status: http.StatusNotFound, code: codeNotFound,
			message: fmt.Sprintf("The requested resource or method (%s) is not served by this Key Vault (secrets only).", r.Method)}
	case strings.Contains(r.Pattern, "{name}") && !validName(r.PathValue("name")):
		return op, badParameter("The request URI contains an invalid name: %s. Secret names may only contain alphanumeric characters and dashes and must be between 1 and %d characters long.", r.PathValue("name"), maxNameLen)
	}
	return op, nil
}
