package bench

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// The floor is what the Key Vault requests of a command cost without Terraform: raw azsecrets
// making the same requests at the CLI's concurrency. It replays the emulator's audit log of the
// provider's command: each secret's requests in their order, secrets (and lists) spread over
// `concurrency` workers, against the same emulator at the same latency. Replayed secrets get a
// "floor-" prefix, so the floor's vault goes through the same states as the provider's (absent
// before apply, present for plan and destroy) without touching the provider's entries.

// floorConcurrency is the CLI's -parallelism the floor matches.
const floorConcurrency = 10

// newFloorClient is an azsecrets client for the emulator's officer, with azcore's default
// transport as the provider has (the CA comes from SSL_CERT_FILE, set by Run).
func newFloorClient(em *emulator.Emulator) (*azsecrets.Client, error) {
	p := em.Principal("officer")
	opts := azcore.ClientOptions{Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: em.AuthorityHost()}}
	cred, err := azidentity.NewClientSecretCredential(em.TenantID(), p.ClientID, p.ClientSecret,
		&azidentity.ClientSecretCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: true})
	if err != nil {
		return nil, err
	}
	client, err := azsecrets.NewClient(em.VaultURL(), cred, &azsecrets.ClientOptions{ClientOptions: opts, DisableChallengeResourceVerification: true})
	if err != nil {
		return nil, err
	}
	// Take the token and the challenge now, outside any measured window.
	_, _ = client.GetSecret(context.Background(), "floor-warm-up", "", nil)
	return client, nil
}

// auditWindow returns the audit entries between start and end.
func auditWindow(em *emulator.Emulator, start, end time.Time) []emulator.AuditEntry {
	var out []emulator.AuditEntry
	for _, e := range em.AuditLog() {
		if !e.Time.Before(start) && !e.Time.After(end) {
			out = append(out, e)
		}
	}
	return out
}

// replay makes the requests of log with client at floorConcurrency and returns how long it took.
func replay(ctx context.Context, client *azsecrets.Client, log []emulator.AuditEntry) (time.Duration, error) {
	var tasks [][]emulator.AuditEntry
	bySecret := map[string]int{}
	for _, e := range log {
		if e.Status == http.StatusUnauthorized {
			continue // the challenge: the floor's client has it already (see newFloorClient)
		}
		if e.SecretName == "" {
			tasks = append(tasks, []emulator.AuditEntry{e})
			continue
		}
		i, ok := bySecret[e.SecretName]
		if !ok {
			i = len(tasks)
			bySecret[e.SecretName] = i
			tasks = append(tasks, nil)
		}
		tasks[i] = append(tasks[i], e)
	}
	queue := make(chan []emulator.AuditEntry)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	start := time.Now()
	for range floorConcurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for task := range queue {
				for _, e := range task {
					if err := replayOne(ctx, client, e); err != nil {
						mu.Lock()
						firstErr = cmpErr(firstErr, err)
						mu.Unlock()
					}
				}
			}
		}()
	}
	for _, t := range tasks {
		queue <- t
	}
	close(queue)
	wg.Wait()
	return time.Since(start), firstErr
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// floorValue and floorTags are the size of a bench entry's value and of the provider's tags.
var (
	floorValue = "value-of-a-bench-entry-0000"
	floorTags  = map[string]*string{
		"bifrost-kind":  to.Ptr("secret"),
		"bifrost-scope": to.Ptr("3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"),
		"bifrost-name":  to.Ptr("bench-entry-0000"),
		"bifrost-owner": to.Ptr("00000000-0000-0000-0000-000000000000"),
	}
)

// replayOne makes the request e records on the floor's twin of its secret. Answers such as 404
// are expected (the provider got them too); only a transport failure is an error.
func replayOne(ctx context.Context, c *azsecrets.Client, e emulator.AuditEntry) error {
	name := floorName(e.SecretName)
	var err error
	switch e.Operation {
	case emulator.OpGetSecret:
		_, err = c.GetSecret(ctx, name, "", nil)
	case emulator.OpSetSecret:
		_, err = c.SetSecret(ctx, name, azsecrets.SetSecretParameters{Value: &floorValue, Tags: floorTags}, nil)
	case emulator.OpUpdateSecret:
		_, err = c.UpdateSecretProperties(ctx, name, "", azsecrets.UpdateSecretPropertiesParameters{Tags: floorTags}, nil)
	case emulator.OpDeleteSecret:
		_, err = c.DeleteSecret(ctx, name, nil)
	case emulator.OpGetDeletedSecret:
		_, err = c.GetDeletedSecret(ctx, name, nil)
	case emulator.OpPurgeDeletedSecret:
		_, err = c.PurgeDeletedSecret(ctx, name, nil)
	case emulator.OpRecoverDeletedSecret:
		_, err = c.RecoverDeletedSecret(ctx, name, nil)
	case emulator.OpListSecrets:
		_, err = c.NewListSecretPropertiesPager(nil).NextPage(ctx)
	case emulator.OpListSecretVersions:
		_, err = c.NewListSecretPropertiesVersionsPager(name, nil).NextPage(ctx)
	case emulator.OpListDeletedSecrets:
		_, err = c.NewListDeletedSecretPropertiesPager(nil).NextPage(ctx)
	default:
		return nil // not a request the provider makes in the bench
	}
	var respErr *azcore.ResponseError
	if err != nil && !errors.As(err, &respErr) {
		return fmt.Errorf("floor %s %s: %w", e.Operation, name, err)
	}
	return nil
}

// floorName is the floor's twin of a Key Vault secret name (at most 127 characters).
func floorName(name string) string {
	return truncate("floor-"+name, 127)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
