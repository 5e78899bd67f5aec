// Package emulator is an in-process Azure Key Vault (secrets data plane) and
// Microsoft Entra ID (client-credentials token endpoint) emulator, faithful
// enough that the real azsecrets and azidentity clients cannot tell it from
// the cloud services. Tests start one per test with [Start]; the kvemulator
// command runs one on its own for local play.
//
// # Endpoints
//
// One HTTPS server (TLS only, certificate issued by a CA that [Emulator.CertPool]
// and [Emulator.CACertFile] expose) answers three groups of paths:
//
//   - Key Vault secrets, any api-version: /secrets/..., /deletedsecrets/...
//     (see DESIGN.md section 4 for the operations). Requests need a bearer
//     token issued by the emulated authority; without one the answer is Key
//     Vault's 401 challenge, sent before the request body is read.
//   - Entra ID, under {authority}/{tenant}/: v2.0/.well-known/openid-configuration,
//     discovery/v2.0/keys (JWKS) and oauth2/v2.0/token (grant_type
//     client_credentials with client_secret or a client_assertion signed by the
//     key of the principal's CertificatePEM). Tokens are RS256 JWTs valid one
//     hour of emulator time with aud "https://vault.azure.net".
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
//
// The faults document carries durations as integer milliseconds:
//
//	{
//	  "latency_ms": 20,            // Faults.Latency, added to every data-plane request
//	  "throttle_share": 0.3,       // Faults.ThrottleShare, 0..1, answered 429 Throttled
//	  "retry_after_seconds": 1,    // Faults.RetryAfter, Retry-After of those 429s (min 1)
//	  "server_error_share": 0.1,   // Faults.ServerErrorShare, 0..1, answered 500 or 503
//	  "drop_share": 0.1,           // Faults.DropShare, 0..1, connection closed without a response
//	  "delete_delay_ms": 500,      // Faults.DeleteDelay, 409 ObjectIsBeingDeleted window
//	  "recover_delay_ms": 500      // Faults.RecoverDelay, 409 ObjectIsBeingRecovered window
//	}
//
// Faults apply to data-plane requests only, never to the token or management
// endpoints. The shares are drawn independently per request, in the order
// drop, throttle, server error.
//
// # Transitions
//
// DELETE answers at once; for DeleteDelay afterwards the name is "being
// deleted": GET, PUT, PATCH and backup answer 409 ObjectIsBeingDeleted and GET
// /deletedsecrets/{name} answers 404 until the deletion completes. After a
// recover, for RecoverDelay the name is "being recovered": writes answer 409
// ObjectIsBeingRecovered while GET answers 404 SecretNotFound, as Key Vault
// does (the SDK pollers of other languages rely on that 404). Secrets in
// either transition appear in no list.
//
// # Clock
//
// The clock offset moves the emulator's notion of now: timestamps in
// bundles, token issue and expiry, validation of presented tokens, transition
// ends and scheduled purges. Client assertions are checked against the real
// clock, since clients sign them with theirs.
//
// # Persistence
//
// With Options.DataFile, the store (every version with its value, and the
// soft-deleted secrets) is loaded at [Start] and written atomically (temporary
// file and rename, mode 0600) shortly after each change and on Close. Ids are
// not stored: they are built from the host each request was sent to.
package emulator
