// Package identity is the emulator's identity side: a Microsoft Entra ID
// tenant that issues Key Vault access tokens to its principals, the roles
// those principals hold on the vault, workload identity federation, and the
// OIDC issuers the emulator plays for CI systems and clusters. An
// [Authority] is the http.Handler of the authority's and the issuers'
// paths, the keyvault.Authenticator that tells the data plane who sent a
// request, and the handlers of its management endpoints (management.go),
// which internal/emulator routes.
//
// # Authority
//
// Under {authority}/{tenant}/ (the emulator's own host, one tenant):
// v2.0/.well-known/openid-configuration, discovery/v2.0/keys (JWKS) and
// oauth2/v2.0/token, the client-credentials grant with a client_secret, a
// client_assertion signed by the key of the principal's CertificatePEM, or
// a federated ID token (below). The only scope is Key Vault's
// (https://vault.azure.net/.default). Tokens are RS256 JWTs valid one hour
// of emulator time with aud "https://vault.azure.net"; Authenticate checks
// them as Key Vault does, with Key Vault's 401 messages. Refusals are
// Entra's errors, with their AADSTS codes.
//
// # Principals and roles
//
// Each [Principal] is an application with a client id, its credentials and
// a [Role] on the vault's secrets: RoleOfficer (Key Vault Secrets Officer),
// RoleUser (Key Vault Secrets User) or RoleNone. [DefaultPrincipals] has one
// of each.
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
// # Issuers
//
// The emulator plays the issuers of Config.Issuers, each with its own key,
// at {base URL}_issuers/{name} ([Authority.IssuerURL]): a discovery
// document, .well-known/jwks, and the CI token endpoints:
//
//	GET  {issuer}/token?api-version=2.0&audience=A   GitHub Actions' ACTIONS_ID_TOKEN_REQUEST_URL
//	     Authorization: Bearer {request token}       -> {"count": N, "value": "<jwt>"}; audience default api://AzureADTokenExchange
//	POST {issuer}/oidctoken?api-version=7.1&serviceConnectionId=ID
//	     Authorization: Bearer {System.AccessToken}  -> {"oidcToken": "<jwt>"}, as azidentity's AzurePipelinesCredential calls it;
//	                                                    400 "No service connection found with identifier ID." / 401
//
// and [Authority.MintIDToken] signs tokens for the file-based flows (AKS's
// AZURE_FEDERATED_TOKEN_FILE, HCP Terraform's token file). Issuer tokens are
// stamped with the emulator clock too. Without issuers, /_issuers/... is
// what it always was: a path under an unknown tenant.
package identity
