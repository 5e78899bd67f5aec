// Package emulator is an in-process Azure Key Vault (secrets data plane) and
// Microsoft Entra ID (client-credentials token endpoint) emulator, faithful
// enough that the real azsecrets and azidentity clients cannot tell it from
// the cloud services. Tests start one per test with [Start]; the kvemulator
// command runs one on its own for local play.
//
// It is two services behind one HTTPS server, and this package wires them:
//
//   - internal/emulator/identity: the Entra ID tenant (token endpoint,
//     discovery, keys), the principals that may ask it for tokens and their
//     roles, workload identity federation, and the OIDC issuers the emulator
//     plays for CI systems and clusters. Its package documentation describes
//     the token grants, the federation checks and the issuers' endpoints.
//   - internal/emulator/keyvault: the Key Vault secrets data plane (its
//     route table, store, wire format, errors, persistence, backups, rate
//     limit and injected faults). Its package documentation describes the
//     operations and Key Vault's behaviour as the emulator plays it:
//     asynchronous deletes, recovers and purges, retention, the rate limit,
//     backups, content type conversion, persistence.
//
// The data plane asks the identity side only who sent a request, through
// keyvault.Authenticator, which identity's Authority implements. This
// package holds the rest: [Options], [Start] and [Emulator.Close], the TLS
// server and its CA (tls.go), the dispatch of requests by their first path
// segment, the management API, and the clock both services read. Types and
// constants of the two services are re-exported here (identity_api.go,
// vault_api.go), so that users need only this package.
//
// Its defaults are the real service's behaviour, as Microsoft's recordings
// of Key Vault show it (replayed in recordings_test.go). Each behaviour can
// be turned down for a test that needs it (see Faults).
//
// # Endpoints
//
// One HTTPS server (TLS only, certificate issued by a CA that [Emulator.CertPool]
// and [Emulator.CACertFile] expose) answers four groups of paths:
//
//   - Key Vault secrets, any api-version: /secrets/..., /deletedsecrets/...,
//     the operations of the route table in keyvault/routes.go. Requests need
//     a bearer token issued by the emulated authority; without one the answer
//     is Key Vault's 401 challenge, sent before the request body is read.
//   - Entra ID, under {authority}/{tenant}/: v2.0/.well-known/openid-configuration,
//     discovery/v2.0/keys (JWKS) and oauth2/v2.0/token. Tokens are RS256
//     JWTs valid one hour of emulator time with aud "https://vault.azure.net".
//   - OIDC issuers of Options.Issuers, under /_issuers/{name}/, no token
//     needed (see internal/emulator/identity).
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
// The route table is in management.go; the issuer and principal endpoints
// are the identity side's handlers. A trailing slash is ignored; anything
// else answers 404 with {"error":{"code","message"}}.
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
// # Clock
//
// The clock offset moves the emulator's notion of now, for both services:
// timestamps in bundles, token issue and expiry, validation of presented
// tokens, transition ends and scheduled purges. Certificate-signed client
// assertions are checked against the real clock, since clients sign them
// with theirs; federated ID tokens against the emulator clock, which the
// emulated issuers also use.
package emulator
