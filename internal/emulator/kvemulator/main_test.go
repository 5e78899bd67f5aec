package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// TestCommand builds the command, runs it, uses the printed line with the
// real clients, and stops it with SIGTERM.
func TestCommand(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not on PATH")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "kvemulator")
	build := exec.Command(goBin, "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// Relative file names, as a user types them: what is printed must work
	// from another directory (SSL_CERT_FILE), so it is absolute.
	data := filepath.Join(dir, "vault.json")
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-data", "vault.json",
		"-ca-cert", "ca.pem", "-ca-key", "ca-key.pem",
		"-principal", "ops:11111111-2222-4333-8444-555555555555:pa:ss:word:officer",
		"-principal", "viewer:11111111-2222-4333-8444-666666666666:viewer-secret:user")
	cmd.Dir = dir
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	lines := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(stdout)
		if s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	var got ready
	select {
	case line := <-lines:
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("first stdout line %q: %v", line, err)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("no ready line; stderr:\n%s", stderr.String())
	}
	if got.ClientID != "11111111-2222-4333-8444-555555555555" || got.ClientSecret != "pa:ss:word" || got.TenantID != emulator.DefaultTenantID ||
		!strings.HasPrefix(got.VaultURL, "https://127.0.0.1:") || got.AuthorityHost != got.VaultURL || got.ManagementURL != got.VaultURL+"_emulator" {
		t.Fatalf("ready line %+v", got)
	}

	if want := filepath.Join(dir, "ca.pem"); got.CACertFile != want {
		t.Errorf("ca_cert_file %q, want the absolute %q", got.CACertFile, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "ca-key.pem.backup-key")); err != nil {
		t.Errorf("backup key not next to the CA key: %v", err)
	}

	// Trust exactly the CA file the command printed.
	pemData, err := os.ReadFile(got.CACertFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemData) {
		t.Fatal("no certificate in the CA file")
	}
	o := azcore.ClientOptions{
		Cloud:     cloud.Configuration{ActiveDirectoryAuthorityHost: got.AuthorityHost},
		Transport: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}},
	}
	cred, err := azidentity.NewClientSecretCredential(got.TenantID, got.ClientID, got.ClientSecret,
		&azidentity.ClientSecretCredentialOptions{DisableInstanceDiscovery: true, ClientOptions: o})
	if err != nil {
		t.Fatal(err)
	}
	c, err := azsecrets.NewClient(got.VaultURL, cred, &azsecrets.ClientOptions{ClientOptions: o, DisableChallengeResourceVerification: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	value := "from-the-command"
	if _, err := c.SetSecret(ctx, "cmd-secret", azsecrets.SetSecretParameters{Value: &value}, nil); err != nil {
		t.Fatal(err)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v; stderr:\n%s", err, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("did not stop on SIGTERM")
	}

	saved, err := os.ReadFile(data)
	if err != nil || !strings.Contains(string(saved), "cmd-secret") {
		t.Fatalf("data file: %v %s", err, saved)
	}
	for _, want := range []string{`provider "bifrost" {`, `vault_url                            = "` + got.VaultURL + `"`,
		"skip_challenge_resource_verification = true", "export SSL_CERT_FILE=" + got.CACertFile} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	if strings.Contains(stderr.String(), value) {
		t.Error("a secret value was printed")
	}
}

func TestPrincipalFlag(t *testing.T) {
	var l principalList
	for _, bad := range []string{"a", "a:b", "a:b:c", "a:b:c:admin"} {
		if err := l.Set(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	if err := l.Set("n:id:s:e:c:r:e:t:none"); err != nil || l[0].ClientSecret != "s:e:c:r:e:t" || l[0].Role != emulator.RoleNone {
		t.Errorf("parsed %+v, %v", l, err)
	}
}

func TestGitHubOIDCFlag(t *testing.T) {
	opts, err := parseFlags([]string{"-github-oidc", "repo:contoso/infra:ref:refs/heads/main"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if len(opts.Issuers) != 1 || opts.Issuers[0].GitHub == nil || opts.Issuers[0].GitHub.Subject != "repo:contoso/infra:ref:refs/heads/main" {
		t.Fatalf("issuers %+v", opts.Issuers)
	}
	officer := opts.Principals[officerIndex(opts.Principals)]
	if officer.Name != emulator.OfficerName || len(officer.FederatedCredentials) != 1 || officer.FederatedCredentials[0].IssuerName != githubIssuer {
		t.Fatalf("officer %+v", officer)
	}
	e, err := emulator.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if fc := e.Principal(emulator.OfficerName).FederatedCredentials; len(fc) != 1 || fc[0].Issuer != e.IssuerURL(githubIssuer) {
		t.Errorf("resolved %+v", fc)
	}
}

func TestTimingFlags(t *testing.T) {
	opts, err := parseFlags(nil, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	f := opts.Faults
	if f.DeleteDelay != emulator.DefaultDeleteDelay || f.RecoverDelay != emulator.DefaultRecoverDelay || f.PurgeDelay != emulator.DefaultPurgeDelay ||
		f.RateLimit != emulator.DefaultRateLimit || f.RateWindow != emulator.DefaultRateWindow || opts.RecoverableDays != emulator.DefaultRecoverableDays {
		t.Errorf("defaults %+v, days %d", f, opts.RecoverableDays)
	}
	opts, err = parseFlags([]string{"-delete-delay", "10s", "-recover-delay", "0", "-purge-delay", "5s", "-rate-limit", "0", "-data", "rel.json"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	f = opts.Faults
	if f.DeleteDelay != 10*time.Second || f.RecoverDelay != emulator.NoDelay || f.PurgeDelay != 5*time.Second || f.RateLimit != emulator.NoRateLimit {
		t.Errorf("parsed %+v", f)
	}
	if !filepath.IsAbs(opts.DataFile) {
		t.Errorf("data file %q is not absolute", opts.DataFile)
	}
	if _, err := emulator.Start(emulator.Options{RecoverableDays: 3}); err == nil {
		t.Error("a 3-day retention was accepted")
	}
}
