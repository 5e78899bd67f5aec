package emulator_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// faultyClient retries generously: the faults below must be ridden out by
// azcore's own retry policy, as they are in production.
func faultyClient(t *testing.T, e *emulator.Emulator) *azsecrets.Client {
	t.Helper()
	hc := httpClient(e)
	o := clientOptions(e, hc)
	o.Retry = policy.RetryOptions{MaxRetries: 12, RetryDelay: 10 * time.Millisecond, MaxRetryDelay: 2 * time.Second}
	return clientWith(t, e, credential(t, e, emulator.OfficerName, hc), o)
}

// rideOut performs set+get rounds until the emulator has injected at least
// one fault of the wanted status (the shares are random), and at least
// minRounds rounds, asserting each round succeeds.
func rideOut(t *testing.T, e *emulator.Emulator, minRounds int, status func(map[int]int) int) {
	t.Helper()
	c := faultyClient(t, e)
	for i := 0; i < minRounds || status(e.StatusCounts()) == 0; i++ {
		if i == 40 {
			t.Fatalf("no fault injected after %d rounds: %v", i, e.StatusCounts())
		}
		name := fmt.Sprintf("storm-%d", i)
		if _, err := c.SetSecret(ctx(t), name, azsecrets.SetSecretParameters{Value: ptr("v")}, nil); err != nil {
			t.Fatalf("SetSecret despite retries: %v", err)
		}
		got, err := c.GetSecret(ctx(t), name, "", nil)
		if err != nil || *got.Value != "v" {
			t.Fatalf("GetSecret despite retries: %v", err)
		}
	}
}

func TestThrottlingIsRiddenOut(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{Faults: emulator.Faults{ThrottleShare: 0.5, RetryAfter: time.Second}})
	began := time.Now()
	rideOut(t, e, 2, func(s map[int]int) int { return s[http.StatusTooManyRequests] }) // each 429 costs a second
	if n := e.StatusCounts()[http.StatusTooManyRequests]; time.Since(began) < time.Duration(n)*time.Second/2 {
		t.Errorf("%d throttles took only %v: Retry-After was not honoured", n, time.Since(began))
	}
	found := false
	for _, a := range e.AuditLog() {
		found = found || a.Status == http.StatusTooManyRequests
	}
	if !found {
		t.Error("429s missing from the audit log")
	}
}

func TestThrottleResponse(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{Faults: emulator.Faults{ThrottleShare: 1, RetryAfter: 2500 * time.Millisecond}})
	resp, body := raw(t, e, http.MethodGet, e.VaultURL()+"secrets?api-version=7.6", "", nil)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "3" {
		t.Errorf("got %d Retry-After %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	// Faults never touch the authority or the management API.
	if resp, _ := raw(t, e, http.MethodGet, e.AuthorityHost()+e.TenantID()+"/v2.0/.well-known/openid-configuration", "", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("authority throttled: %d", resp.StatusCode)
	}
	if resp, _ := raw(t, e, http.MethodGet, e.ManagementURL()+"/counts", "", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("management throttled: %d", resp.StatusCode)
	}
}

func TestServerErrorsAreRiddenOut(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{Faults: emulator.Faults{ServerErrorShare: 0.3}})
	rideOut(t, e, 5, func(s map[int]int) int { return s[http.StatusInternalServerError] + s[http.StatusServiceUnavailable] })
}

func TestDroppedConnectionsAreRiddenOut(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{Faults: emulator.Faults{DropShare: 0.3}})
	rideOut(t, e, 5, func(s map[int]int) int { return s[0] })
}

func TestLatency(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	c := newClient(t, e, emulator.OfficerName)
	set(t, c, "warm", "v", nil) // challenge and token out of the way
	e.SetFaults(emulator.Faults{Latency: 150 * time.Millisecond})
	begin := time.Now()
	if _, err := c.GetSecret(ctx(t), "warm", "", nil); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(begin); d < 150*time.Millisecond {
		t.Errorf("request took %v with 150ms latency", d)
	}
}
