package emulator_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

func TestManagementEndpoints(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	m := e.ManagementURL() + "/"
	if m != e.VaultURL()+"_emulator/" {
		t.Fatalf("ManagementURL %s", e.ManagementURL())
	}
	c := newClient(t, e, emulator.OfficerName)
	set(t, c, "audited", "top-secret-value", nil)
	if _, err := c.GetSecret(ctx(t), "audited", "", nil); err != nil {
		t.Fatal(err)
	}

	resp, body := raw(t, e, http.MethodGet, m+"counts", "", nil)
	var counts map[string]int
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &counts) != nil {
		t.Fatalf("counts: %d %s", resp.StatusCode, body)
	}
	// SetSecret: the 401 challenge and the authorized retry.
	if counts[emulator.OpSetSecret] != 2 || counts[emulator.OpGetSecret] != 1 {
		t.Errorf("counts %v", counts)
	}
	resp, body = raw(t, e, http.MethodGet, m+"counts?by=status", "", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"401":1`) || !strings.Contains(string(body), `"200":2`) {
		t.Errorf("counts by status: %s", body)
	}

	resp, body = raw(t, e, http.MethodGet, m+"audit", "", nil)
	var audit []emulator.AuditEntry
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &audit) != nil || len(audit) != 3 {
		t.Fatalf("audit: %d %s", resp.StatusCode, body)
	}
	if strings.Contains(string(body), "top-secret-value") {
		t.Error("the audit log contains a secret value")
	}
	last := audit[2]
	if last.Principal != emulator.OfficerName || last.Operation != emulator.OpGetSecret || last.SecretName != "audited" || last.Status != 200 || time.Since(last.Time) > time.Minute {
		t.Errorf("audit entry %+v", last)
	}

	if resp, _ := raw(t, e, http.MethodDelete, m+"counts", "", nil); resp.StatusCode != http.StatusNoContent || len(e.RequestCounts()) != 0 {
		t.Errorf("DELETE counts: %d %v", resp.StatusCode, e.RequestCounts())
	}

	// The defaults are Key Vault's behaviour, resolved.
	defaults := emulator.Faults{DeleteDelay: emulator.DefaultDeleteDelay, RecoverDelay: emulator.DefaultRecoverDelay, PurgeDelay: emulator.DefaultPurgeDelay,
		RateLimit: emulator.DefaultRateLimit, RateWindow: emulator.DefaultRateWindow}
	if e.Faults() != defaults {
		t.Errorf("default faults %+v, want %+v", e.Faults(), defaults)
	}
	resp, body = raw(t, e, http.MethodGet, m+"faults", "", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"delete_delay_ms":200`) || !strings.Contains(string(body), `"purge_delay_ms":200`) ||
		!strings.Contains(string(body), `"rate_limit":4000`) || !strings.Contains(string(body), `"rate_window_ms":10000`) {
		t.Errorf("GET default faults: %d %s", resp.StatusCode, body)
	}

	resp, body = raw(t, e, http.MethodPut, m+"faults", "", []byte(`{"latency_ms":5,"throttle_share":0.25,"retry_after_seconds":2,"delete_delay_ms":1500,"purge_delay_ms":0,"rate_limit":50}`))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT faults: %d %s", resp.StatusCode, body)
	}
	want := defaults
	want.Latency, want.ThrottleShare, want.RetryAfter, want.DeleteDelay = 5*time.Millisecond, 0.25, 2*time.Second, 1500*time.Millisecond
	want.PurgeDelay, want.RateLimit = emulator.NoDelay, 50 // 0 ms: instant
	if e.Faults() != want {
		t.Errorf("faults %+v, want %+v", e.Faults(), want)
	}
	// PUT merges: absent fields are kept.
	raw(t, e, http.MethodPut, m+"faults", "", []byte(`{"drop_share":0.5,"rate_limit":0}`))
	want.DropShare, want.RateLimit = 0.5, emulator.NoRateLimit
	resp, body = raw(t, e, http.MethodGet, m+"faults", "", nil)
	var got map[string]float64
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &got) != nil || e.Faults() != want ||
		got["latency_ms"] != 5 || got["drop_share"] != 0.5 || got["delete_delay_ms"] != 1500 || got["retry_after_seconds"] != 2 ||
		got["purge_delay_ms"] != 0 || got["rate_limit"] != 0 || got["recover_delay_ms"] != 200 {
		t.Errorf("GET faults %s, faults %+v", body, e.Faults())
	}
	e.SetFaults(emulator.Faults{})
	if e.Faults() != defaults {
		t.Errorf("SetFaults of the zero value: %+v, want the defaults", e.Faults())
	}

	if resp, body := raw(t, e, http.MethodPut, m+"clock", "", []byte(`{"offset_seconds":3600}`)); resp.StatusCode != http.StatusOK || e.ClockOffset() != time.Hour {
		t.Errorf("PUT clock: %d %s", resp.StatusCode, body)
	}
	if resp, _ := raw(t, e, http.MethodPut, m+"clock", "", []byte(`{"offset":"-90m"}`)); resp.StatusCode != http.StatusOK || e.ClockOffset() != -90*time.Minute {
		t.Errorf("PUT clock with a duration: %d %v", resp.StatusCode, e.ClockOffset())
	}
	e.SetClockOffset(0)

	if resp, _ := raw(t, e, http.MethodPost, m+"reset", "", nil); resp.StatusCode != http.StatusNoContent {
		t.Errorf("reset: %d", resp.StatusCode)
	}
	if len(e.AuditLog()) != 0 {
		t.Error("audit log survived reset")
	}
	_, err := c.GetSecret(ctx(t), "audited", "", nil)
	responseError(t, err, http.StatusNotFound, "SecretNotFound")

	if resp, _ := raw(t, e, http.MethodGet, m+"nothing", "", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown endpoint: %d", resp.StatusCode)
	}
}
