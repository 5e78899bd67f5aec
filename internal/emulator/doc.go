// Package emulator is an in-process Azure Key Vault (secrets data plane) and
// Microsoft Entra ID (client-credentials token endpoint) emulator, faithful
// enough that the real azsecrets and azidentity clients cannot tell it from
// the cloud services. Tests start one per test with [Start]; the kvemulator
// command runs one on its own for local play.
//
// Its defaults are the real service's behaviour, as Microsoft's recordings
// of Key Vault show it (replayed in recordings_test.go): deletes, recovers
// and purges take time, a purge in progress blocks the name, recoveryLevel
// follows the retention, versions are listed by id, backups are encrypted,
// and a vault admits 4,000 requests per 10 seconds. Each can be turned down
// for a test that needs it (see Faults).
//
// # Endpoints
//
// One HTTPS server (TLS only, certificate issued by a CA that [Emulator.CertPool]
// and [Emulator.CACertFile] expose) answers four groups of paths:
//
//   - Key Vault secrets, any api-version: /secrets/..., /deletedsecrets/...
//     (see DESIGN.md section 4 for the operations). Requests need a bearer
//     token issued by the emulated authority; without one the answer is Key
//     Vault's 401 challenge, sent before the request body is read.
//   - Entra ID, under {authority}/{tenant}/: v2.0/.well-known/openid-configuration,
//     discovery/v2.0/keys (JWKS) and oauth2/v2.0/token (grant_type
//     client_credentials with client_secret, a client_assertion signed by the
//     key of the principal's CertificatePEM, or a federated ID token; see
//     below). Tokens are RS256 JWTs valid one hour of emulator time with aud
//     "https://vault.azure.net".
//   - OIDC issuers of Options.Issuers, under /_issuers/{name}/, no token
//     needed: .well-known/openid-configuration, .well-known/jwks, and the CI
//     token endpoints (see below).
//   - Management, under /_emulator/, no token needed (see below).
//
// # Management API
//
//	POST   /_emulator/reset   drop all secrets, deleted secrets, counts and the audit log (faults and clock stay)
//	GET    /_emulator/counts  {"SetSecret": 3, ...}: data-plane requests per operation
//	GET    /_emulator/counts?by=status  {"200": 10, "429": 2, ...}: data-plane requests per HTTP status (0: dropped)
//	DELETE /_emulator/counts  zero the counts
//	GET    /_emulator/audit   [{"time","principal","operation","secret_name","status"}, ...] (never values)
//	GET    /_emulator/faults  the current faults, see below
//	PUT    /_emulator/faults  merge: fields present replace the current value, absent fields are kept
//	GET    /_emulator/clock   {"offset_seconds": N, "now": "RFC 3339 time of the emulator clock"}
//	PUT    /_emulator/clock   {"offset_seconds": N} or {"offset": "1h30m"} (Go duration)
//	GET    /_emulator/issuers [{"name","url","token_lifetime_seconds","github":{"token_url","request_token","subject"},
//	                           "azure_devops":{"oidc_request_uri","access_token","service_connections"}}, ...]
//	POST   /_emulator/issuers/{name}/tokens  {"subject","audience","lifetime_seconds"} -> {"token"} (see MintIDToken)
//	GET    /_emulator/principals/{name}/federated_credentials  [{"name","issuer","subject","audiences"}, ...]
//	PUT    /_emulator/principals/{name}/federated_credentials  replace them; "issuer_name" may stand for "issuer"
//
// The faults document carries durations as integer milliseconds. GET
// answers what is in effect (defaults resolved); in PUT a delay of 0 makes
// that transition instant and a rate_limit of 0 turns the limit off (in Go,
// the zero value means the default: use NoDelay and NoRateLimit):
//
//	{
//	  "latency_ms": 20,            // Faults.Latency, added to every data-plane request
//	  "throttle_share": 0.3,       // Faults.ThrottleShare, 0..1, answered 429 Throttled
//	  "retry_after_seconds": 1,    // Faults.RetryAfter, Retry-After of those 429s (min 1)
//	  "server_error_share": 0.1,   // Faults.ServerErrorShare, 0..1, answered 500 or 503
//	  "drop_share": 0.1,           // Faults.DropShare, 0..1, connection closed without a response
//	  "delete_delay_ms": 200,      // Faults.DeleteDelay, the deletion in progress (default 200)
//	  "recover_delay_ms": 200,     // Faults.RecoverDelay, the recovery in progress (default 200)
//	  "purge_delay_ms": 200,       // Faults.PurgeDelay, the purge in progress (default 200)
//	  "rate_limit": 4000,          // Faults.RateLimit, requests admitted per window (default 4000)
//	  "rate_window_ms": 10000      // Faults.RateWindow, the rate limit's sliding window (default 10000)
//	}
//
// Faults apply to data-plane requests only, never to the token or management
// endpoints. The shares are drawn independently per request, in the order
// drop, throttle, server error.
//
// # Workload identity federation
//
// A principal with FederatedCredentials accepts, as its client assertion,
// an ID token whose "iss" equals a credential's Issuer exactly, signed
// (RS256) by a key of that issuer's JWKS (found through
// {iss}/.well-known/openid-configuration, fetched over HTTPS trusting the
// emulator's CA and the system roots, cached a minute), within its
// exp/nbf on the emulator clock with 5 minutes of skew, with the
// credential's subject (exact, case-sensitive) and one of its audiences
// (default api://AzureADTokenExchange). Refusals are Entra's: AADSTS700211
// (issuer), 700213 / 7002138 (subject; case-only difference), 700212
// (audience), 700024 (lifetime), 7000272 (kid not in the JWKS), 700027 (bad
// signature), all invalid_client with status 401, and AADSTS50166
// (issuer metadata unreachable, invalid_request, 400). An assertion signed
// by the principal's certificate is still a certificate credential; a
// principal without federated credentials behaves as before.
//
// The emulator plays the issuers of Options.Issuers, each with its own key,
// at {VaultURL}_issuers/{name} ([Emulator.IssuerURL]):
//
//	GET  {issuer}/token?api-version=2.0&audience=A   GitHub Actions' ACTIONS_ID_TOKEN_REQUEST_URL
//	     Authorization: Bearer {request token}       -> {"count": N, "value": "<jwt>"}; audience default api://AzureADTokenExchange
//	POST {issuer}/oidctoken?api-version=7.1&serviceConnectionId=ID
//	     Authorization: Bearer {System.AccessToken}  -> {"oidcToken": "<jwt>"}, as azidentity's AzurePipelinesCredential calls it;
//	                                                    400 "No service connection found with identifier ID." / 401
//
// and [Emulator.MintIDToken] signs tokens for the file-based flows (AKS's
// AZURE_FEDERATED_TOKEN_FILE, HCP Terraform's token file). Issuer tokens are
// stamped with the emulator clock too.
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
// RateWindow change it, NoRateLimit (or rate_limit 0) turns it off.
//
// # Backups
//
// A backup is an opaque blob, like Key Vault's: a length-prefixed format
// name and a compact JWE (alg "dir", enc "A256GCM") of the secret's versions,
// encrypted with a key kept in Options.BackupKeyFile (default: the CA key
// file + ".backup-key", created on first use, mode 0600). A backup file on
// disk tells nothing of the values; only an emulator with the same key file
// restores it, others answer 400 BadParameter.
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
// # Clock
//
// The clock offset moves the emulator's notion of now: timestamps in
// bundles, token issue and expiry, validation of presented tokens, transition
// ends and scheduled purges. Certificate-signed client assertions are
// checked against the real clock, since clients sign them with theirs;
// federated ID tokens against the emulator clock, which the emulated issuers
// also use.
//
// # Persistence
//
// With Options.DataFile, the store (every version with its value, and the
// soft-deleted secrets) is loaded at [Start] and written atomically (temporary
// file and rename, mode 0600) shortly after each change and on Close. Ids are
// not stored: they are built from the host each request was sent to. A
// transition under way is stored as what it leads to.
package emulator
