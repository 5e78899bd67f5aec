package bifrost

import (
	"context"
	"math"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

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

// ClientOptions returns the azsecrets client options the [Store] is built
// for: requests carry applicationID in their User-Agent (Key Vault's logs
// show which tool wrote), and every request that fails with throttling (429,
// honouring Retry-After), a server error (500, 502, 503, 504), a timeout
// (408) or a dropped connection is tried again with exponential backoff (0.25
// s doubling up to 60 s, with jitter) for as long as the request's context
// lasts: the store passes the Terraform operation's deadline, so "retried
// within the timeout" is what happens. Each try is also cut off after a
// minute, so that a connection that hangs is retried too.
//
// Repeating a request is safe for every verb the store uses:
//   - GET (a secret, a deleted secret, lists) reads;
//   - PUT /secrets/{name} writes a complete new version: a repeat of one that
//     landed adds one more version with the same value, tags and attributes,
//     so the latest version is what was asked for either way;
//   - PATCH sets the same properties again;
//   - DELETE /secrets/{name}, POST .../recover and DELETE /deletedsecrets/{name}
//     (purge): a repeat of one that landed answers 404 or a transient 409,
//     which Delete, the recovery wait and purge treat as done or wait out.
func ClientOptions(applicationID string) azsecrets.ClientOptions {
	return azsecrets.ClientOptions{ClientOptions: azcore.ClientOptions{
		Telemetry: policy.TelemetryOptions{ApplicationID: applicationID},
		Retry: policy.RetryOptions{
			MaxRetries:    math.MaxInt32, // bounded by the context's deadline, not a count
			TryTimeout:    time.Minute,
			RetryDelay:    250 * time.Millisecond,
			MaxRetryDelay: 60 * time.Second,
		},
	}}
}

// NewAzureKeyVault adapts an *azsecrets.Client to [KeyVault]. Build the
// client with [ClientOptions], so that transient failures are retried
// within the context's deadline.
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
