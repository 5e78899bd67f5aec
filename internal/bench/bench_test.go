package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// The wrapper passes the provider's exit code through and records its usage.
func TestWrapRecordsUsage(t *testing.T) {
	usage := filepath.Join(t.TempDir(), "usage.jsonl")
	t.Setenv(envRusageFile, usage)
	if code := Wrap("/bin/sh", []string{"-c", "exit 3"}); code != 3 {
		t.Fatalf("exit code %d, want 3", code)
	}
	got, err := readUsages(usage)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Provider != "/bin/sh" || got[0].MaxRSSKB <= 0 {
		t.Fatalf("usage lines %+v, want one for /bin/sh with its peak RSS", got)
	}
}

// The floor makes the requests of an audit log again, each secret's in their order, on the
// secret's floor twin, and leaves the challenges out.
func TestReplayFollowsAuditLog(t *testing.T) {
	dir := t.TempDir()
	em, err := emulator.Start(emulator.Options{CACertFile: filepath.Join(dir, "ca.pem"), CAKeyFile: filepath.Join(dir, "ca-key.pem")})
	if err != nil {
		t.Fatal(err)
	}
	defer em.Close()
	// Go reads SSL_CERT_FILE at the first TLS connection: no test in this package makes one before.
	t.Setenv("SSL_CERT_FILE", em.CACertFile())
	client, err := newFloorClient(em)
	if err != nil {
		t.Fatal(err)
	}
	log := []emulator.AuditEntry{
		{Operation: emulator.OpGetSecret, SecretName: "a", Status: 401},
		{Operation: emulator.OpGetSecret, SecretName: "a", Status: 404},
		{Operation: emulator.OpSetSecret, SecretName: "a", Status: 200},
		{Operation: emulator.OpSetSecret, SecretName: "b", Status: 200},
		{Operation: emulator.OpDeleteSecret, SecretName: "a", Status: 200},
		{Operation: emulator.OpListSecrets, Status: 200},
	}
	start := time.Now()
	if _, err := replay(context.Background(), client, log); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range auditWindow(em, start, time.Now()) {
		got = append(got, fmt.Sprintf("%s %s %d", e.Operation, e.SecretName, e.Status))
	}
	var forA []string
	for _, g := range got {
		if strings.Contains(g, " floor-a ") {
			forA = append(forA, g)
		}
	}
	if want := []string{"GetSecret floor-a 404", "SetSecret floor-a 200", "DeleteSecret floor-a 200"}; !slices.Equal(forA, want) {
		t.Errorf("floor-a's requests %v, want %v", forA, want)
	}
	if len(got) != 5 || !slices.Contains(got, "SetSecret floor-b 200") || !slices.Contains(got, "ListSecrets  200") {
		t.Errorf("replayed requests %v, want 5: floor-a's three, floor-b's set and the list", got)
	}
}
