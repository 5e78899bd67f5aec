package bifrost

import (
	"context"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
)

// KeyVault is the part of the Key Vault secrets data plane the [Store] uses.
// [NewAzureKeyVault] implements it over *azsecrets.Client. Errors of the
// service are expected as *azcore.ResponseError, as azsecrets returns them;
// tests can build those with runtime.NewResponseError.
//
// An empty version means the latest one.
type KeyVault interface {
	GetSecret(ctx context.Context, name, version string) (azsecrets.Secret, error)
	SetSecret(ctx context.Context, name string, params azsecrets.SetSecretParameters) (azsecrets.Secret, error)
	UpdateSecretProperties(ctx context.Context, name, version string, params azsecrets.UpdateSecretPropertiesParameters) (azsecrets.Secret, error)
	DeleteSecret(ctx context.Context, name string) (azsecrets.DeletedSecret, error)
	GetDeletedSecret(ctx context.Context, name string) (azsecrets.DeletedSecret, error)
	PurgeDeletedSecret(ctx context.Context, name string) error
	RecoverDeletedSecret(ctx context.Context, name string) (azsecrets.Secret, error)
	NewListSecretPropertiesPager() *runtime.Pager[azsecrets.ListSecretPropertiesResponse]
	NewListSecretPropertiesVersionsPager(name string) *runtime.Pager[azsecrets.ListSecretPropertiesVersionsResponse]
}

// NewAzureKeyVault adapts an *azsecrets.Client to [KeyVault]. The client's
// own pipeline (retries of 429 with Retry-After, 5xx and dropped
// connections; the challenge-based authentication) is used as configured.
func NewAzureKeyVault(client *azsecrets.Client) KeyVault {
	return azureKeyVault{client: client}
}

type azureKeyVault struct {
	client *azsecrets.Client
}

func (a azureKeyVault) GetSecret(ctx context.Context, name, version string) (azsecrets.Secret, error) {
	resp, err := a.client.GetSecret(ctx, name, version, nil)
	return resp.Secret, err
}

func (a azureKeyVault) SetSecret(ctx context.Context, name string, params azsecrets.SetSecretParameters) (azsecrets.Secret, error) {
	resp, err := a.client.SetSecret(ctx, name, params, nil)
	return resp.Secret, err
}

func (a azureKeyVault) UpdateSecretProperties(ctx context.Context, name, version string, params azsecrets.UpdateSecretPropertiesParameters) (azsecrets.Secret, error) {
	resp, err := a.client.UpdateSecretProperties(ctx, name, version, params, nil)
	return resp.Secret, err
}

func (a azureKeyVault) DeleteSecret(ctx context.Context, name string) (azsecrets.DeletedSecret, error) {
	resp, err := a.client.DeleteSecret(ctx, name, nil)
	return resp.DeletedSecret, err
}

func (a azureKeyVault) GetDeletedSecret(ctx context.Context, name string) (azsecrets.DeletedSecret, error) {
	resp, err := a.client.GetDeletedSecret(ctx, name, nil)
	return resp.DeletedSecret, err
}

func (a azureKeyVault) PurgeDeletedSecret(ctx context.Context, name string) error {
	_, err := a.client.PurgeDeletedSecret(ctx, name, nil)
	return err
}

func (a azureKeyVault) RecoverDeletedSecret(ctx context.Context, name string) (azsecrets.Secret, error) {
	resp, err := a.client.RecoverDeletedSecret(ctx, name, nil)
	return resp.Secret, err
}

func (a azureKeyVault) NewListSecretPropertiesPager() *runtime.Pager[azsecrets.ListSecretPropertiesResponse] {
	return a.client.NewListSecretPropertiesPager(nil)
}

func (a azureKeyVault) NewListSecretPropertiesVersionsPager(name string) *runtime.Pager[azsecrets.ListSecretPropertiesVersionsResponse] {
	return a.client.NewListSecretPropertiesVersionsPager(name, nil)
}
