// Package keyvault is the emulator's Azure Key Vault secrets data plane: a
// [Vault] is the http.Handler of /secrets/... and /deletedsecrets/...,
// with the store behind it, Key Vault's wire format and errors, its rate
// limit, encrypted backups, content type conversion, persistence, the
// faults a test injects, and the counts and audit log of what it served.
// internal/emulator makes one per emulator and serves it; this package
// knows nothing of tokens but what its [Authenticator] tells it.
//
// # Operations
//
// The route table in routes.go lists every operation (its name in counts
// and the audit log, the RBAC data action it needs, whether a Secrets User
// may perform it) and the method and path of each route: set, get (latest
// or a version), update (latest or a version), delete, list secrets, list
// versions, backup and restore; get, list, recover and purge of deleted
// secrets. Any api-version is accepted but one must be given. Names are
// case-insensitive and keep the case they were first created with. A path
// or method Key Vault does not serve answers 404 in Key Vault's error shape
// and is counted as OpUnknown.
//
// Each request goes through, in order (serve.go): the injected latency and
// faults, the bearer token (401 challenge, before the body is read), the
// rate limit (429), the path (404, or 400 for an invalid name), the
// api-version (400), the caller's role (403 ForbiddenByRbac naming the
// action), and the operation. Every request lands in the counts and the
// audit log, which never holds a value.
//
// # Transitions
//
// Key Vault's deletes, recovers and purges are asynchronous: the request
// answers at once and the work completes seconds later (Microsoft's
// recordings poll every 10 seconds and see each settle between two polls).
// The emulator models each with a delay, DefaultDeleteDelay,
// DefaultRecoverDelay and DefaultPurgeDelay (200 ms: real, and short enough
// for a test suite; kvemulator's flags set the real seconds):
//
//   - DELETE answers at once; until the deletion completes, GET
//     /deletedsecrets/{name} answers 404 "Deleted Secret not found: {name}",
//     GET, PATCH and backup of the secret 409 ObjectIsBeingDeleted, a PUT
//     409 ObjectIsBeingDeleted "... cannot be re-created; retry later.", a
//     purge 409 ObjectIsBeingDeleted "Secret is currently being deleted.".
//   - POST recover answers at once; until the recovery completes, GET of the
//     secret answers 404 SecretNotFound (as recorded; the SDK pollers of other
//     languages rely on it) and writes 409 ObjectIsBeingRecovered.
//   - A purge answers 204 at once; until it completes, the name is neither a
//     secret nor a deleted secret (404 to reads, recover and purge), a PUT
//     answers 409 ObjectIsBeingDeleted "... cannot be re-created; retry
//     later." and a restore 409 Conflict (no inner error) "There was a
//     conflict restoring the secret '{id}'...", as Key Vault does.
//
// Secrets in a transition appear in no list.
//
// # Retention
//
// RecoverableDays is the vault's soft-delete retention, 7 to 90 days (90 by
// default), and sets scheduledPurgeDate, attributes.recoverableDays and
// attributes.recoveryLevel as real vaults report them: "Recoverable" at 90
// days, "CustomizedRecoverable" below, each followed by "+Purgeable" unless
// the vault has PurgeProtection (whose purges answer 403).
//
// # Rate limit
//
// A vault admits DefaultRateLimit (4,000) requests in any DefaultRateWindow
// (10 seconds), Key Vault's documented limit for secrets ("Azure Key Vault
// service limits"); beyond, requests answer 429 Throttled with a Retry-After
// of the seconds until the window has room. As on Key Vault, the 429s do not
// count toward the limit; neither do the 401 challenges. Faults.RateLimit and
// RateWindow change it, NoRateLimit turns it off.
//
// # Faults
//
// [Faults] inject latency, 429s, 500/503s and dropped connections into
// data-plane requests, and set the timings above; the zero value injects
// nothing and behaves as Key Vault does.
//
// # Backups
//
// A backup is an opaque blob, like Key Vault's: a length-prefixed format
// name and a compact JWE (alg "dir", enc "A256GCM") of the secret's versions,
// encrypted with a key kept in Config.BackupKeyFile (internal/emulator's
// default: the CA key file + ".backup-key", created on first use, mode
// 0600). A backup file on disk tells nothing of the values; only a vault
// with the same key file restores it, others answer 400 BadParameter.
//
// # Content type conversion
//
// GET with outContentType converts as Key Vault does, PFX to PEM only: a
// secret with content type application/x-pkcs12 and a base64 PKCS#12 value
// without a password is answered as PEM (private key, then certificates;
// content type application/x-pem-file); any other pair answers 400
// BadParameter "The '{from}' to '{to}' transformation is not supported. Only
// PFX to PEM transformation is supported.".
//
// # Persistence
//
// With Config.DataFile, the store (every version with its value, and the
// soft-deleted secrets) is loaded by [New] and written atomically (temporary
// file and rename, mode 0600) shortly after each change and on Close. Ids are
// not stored: they are built from the host each request was sent to. A
// transition under way is stored as what it leads to.
package keyvault
