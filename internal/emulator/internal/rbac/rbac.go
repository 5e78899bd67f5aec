// Package rbac is what the emulator's two services share about who sent a
// data-plane request: the Caller a verified access token names, and the
// Role that principal holds on the vault's secrets. The identity side
// (internal/emulator/identity) produces them, the Key Vault data plane
// (internal/emulator/keyvault) decides with them; neither imports the
// other, both import this.
package rbac

// Role is what a principal may do on the vault's secrets, after the two
// built-in Azure RBAC roles that matter for secrets.
type Role string

const (
	RoleOfficer Role = "officer" // read/write on secrets (Key Vault Secrets Officer)
	RoleUser    Role = "user"    // read only (Key Vault Secrets User)
	RoleNone    Role = "none"    // authenticates, but may do nothing (403)
)

// Caller is the sender of a data-plane request, as its verified access
// token names it.
type Caller struct {
	Name     string // the principal's name; the client id of an application the emulator does not know
	ClientID string // the token's appid (azp when it has none)
	ObjectID string // the principal's object id ("oid"); "" for an unknown application
	Role     Role   // RoleNone for an unknown application
}
