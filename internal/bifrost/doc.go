// Package bifrost is the domain layer of the Bifrost Terraform provider: the
// scopes, names and Key Vault layout of Bifrost secrets and configs (layout
// contract v1, see docs/guides/key-vault-layout.md), the validation of what a
// user may write, and the resolution rules of config.get.
//
// The package knows nothing of Terraform. It reaches Azure Key Vault through
// the small [KeyVault] interface, implemented over *azsecrets.Client by
// [NewAzureKeyVault], and reports failures as *[Error] values that match the
// Err* sentinels with [errors.Is]. No secret value ever appears in an error.
package bifrost
