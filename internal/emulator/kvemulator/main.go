// Command kvemulator runs the Azure Key Vault (secrets) + Entra ID emulator
// on its own, for `make demo` and manual play:
//
//	go run ./internal/emulator/kvemulator -data demo-vault.json -ca-cert demo-ca.pem -ca-key demo-ca-key.pem
//
// When ready it prints one JSON line on stdout (the vault URL, authority,
// tenant, the officer principal's credentials, the CA file and the
// management URL), then a provider block and the SSL_CERT_FILE export on
// stderr. Files are printed as absolute paths, so the export works from any
// directory. It stops on SIGINT or SIGTERM, writing the data file.
//
// By default it behaves as Key Vault does, with short waits: deletes,
// recovers and purges take 200 ms, and 4,000 requests per 10 seconds are
// admitted. Key Vault's own timings are seconds:
//
//	go run ./internal/emulator/kvemulator -delete-delay 10s -recover-delay 10s -purge-delay 5s
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// ready is the one JSON line printed on stdout once the emulator listens.
type ready struct {
	VaultURL      string `json:"vault_url"`
	AuthorityHost string `json:"authority_host"`
	TenantID      string `json:"tenant_id"`
	ClientID      string `json:"client_id"`
	ClientSecret  string `json:"client_secret"`
	CACertFile    string `json:"ca_cert_file"` // absolute
	ManagementURL string `json:"management_url"`
	// With -github-oidc: ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN for the principal above.
	OIDCRequestURL   string `json:"oidc_request_url,omitempty"`
	OIDCRequestToken string `json:"oidc_request_token,omitempty"`
}

// run is main without the process: it serves until ctx ends and returns the
// exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "kvemulator:", err)
		return 2
	}
	e, err := emulator.Start(opts)
	if err != nil {
		fmt.Fprintln(stderr, "kvemulator:", err)
		return 1
	}
	officer := opts.Principals[officerIndex(opts.Principals)]
	r := ready{
		VaultURL: e.VaultURL(), AuthorityHost: e.AuthorityHost(), TenantID: e.TenantID(),
		ClientID: officer.ClientID, ClientSecret: officer.ClientSecret,
		CACertFile: e.CACertFile(), ManagementURL: e.ManagementURL(),
	}
	if len(opts.Issuers) > 0 {
		r.OIDCRequestURL, r.OIDCRequestToken = e.GitHubTokenURL(githubIssuer), e.Issuer(githubIssuer).GitHub.RequestToken
	}
	line, _ := json.Marshal(r)
	fmt.Fprintf(stdout, "%s\n", line)
	printProviderBlock(stderr, e, officer)
	if r.OIDCRequestURL != "" {
		fmt.Fprintf(stderr, `
GitHub Actions-style OIDC for %q (use_oidc = true instead of client_secret):

  export ACTIONS_ID_TOKEN_REQUEST_URL='%s'
  export ACTIONS_ID_TOKEN_REQUEST_TOKEN='%s'
`, officer.Name, r.OIDCRequestURL, r.OIDCRequestToken)
	}

	<-ctx.Done()
	fmt.Fprintln(stderr, "kvemulator: stopping")
	if err := e.Close(); err != nil {
		fmt.Fprintln(stderr, "kvemulator:", err)
		return 1
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (emulator.Options, error) {
	var opts emulator.Options
	var principals principalList
	var rateLimit int
	fs := flag.NewFlagSet("kvemulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.Addr, "addr", "127.0.0.1:8443", "listen `address` (host:port; port 0 picks a free one)")
	fs.StringVar(&opts.DataFile, "data", "", "persist secrets to this JSON `file` (loaded at start, written after changes and at exit)")
	fs.StringVar(&opts.CACertFile, "ca-cert", "", "CA certificate PEM `file`: reused with -ca-key when both exist, else generated there (default: a temporary file)")
	fs.StringVar(&opts.CAKeyFile, "ca-key", "", "CA private key PEM `file` (default: the -ca-cert file name + \".key\")")
	fs.StringVar(&opts.BackupKeyFile, "backup-key", "", "`file` of the key backups are encrypted with, reused or created (default: the CA key file + \".backup-key\"); emulators sharing it restore each other's backups")
	fs.StringVar(&opts.TenantID, "tenant", emulator.DefaultTenantID, "Entra tenant `id` the authority serves")
	fs.Var(&principals, "principal", "`name:client_id:client_secret:role` (role officer, user or none); repeatable (default: officer, reader, nobody)")
	fs.BoolVar(&opts.PurgeProtection, "purge-protection", false, "refuse purges (403), as a vault with purge protection does")
	fs.IntVar(&opts.RecoverableDays, "recoverable-days", emulator.DefaultRecoverableDays, "soft-delete retention in `days`, 7 to 90 (below 90, recoveryLevel is CustomizedRecoverable)")
	fs.DurationVar(&opts.Faults.Latency, "latency", 0, "added to every data-plane request")
	fs.Float64Var(&opts.Faults.ThrottleShare, "throttle-share", 0, "share (0..1) of data-plane requests answered 429")
	fs.DurationVar(&opts.Faults.RetryAfter, "retry-after", 0, "Retry-After of the 429s (whole seconds, at least 1s)")
	fs.Float64Var(&opts.Faults.ServerErrorShare, "server-error-share", 0, "share (0..1) of data-plane requests answered 500 or 503")
	fs.Float64Var(&opts.Faults.DropShare, "drop-share", 0, "share (0..1) of data-plane requests whose connection is dropped")
	fs.DurationVar(&opts.Faults.DeleteDelay, "delete-delay", emulator.DefaultDeleteDelay, "how long a deleted secret stays \"being deleted\" (GET /deletedsecrets 404, writes 409 ObjectIsBeingDeleted); 0: instant, which Key Vault never is")
	fs.DurationVar(&opts.Faults.RecoverDelay, "recover-delay", emulator.DefaultRecoverDelay, "how long a recovered secret stays \"being recovered\" (GET 404, writes 409 ObjectIsBeingRecovered); 0: instant")
	fs.DurationVar(&opts.Faults.PurgeDelay, "purge-delay", emulator.DefaultPurgeDelay, "how long a purged name stays \"being purged\" (create 409 ObjectIsBeingDeleted, restore 409 Conflict); 0: instant")
	fs.IntVar(&rateLimit, "rate-limit", emulator.DefaultRateLimit, "requests admitted per -rate-window, then 429 with Retry-After (Key Vault: 4000 per 10s); 0: no limit")
	fs.DurationVar(&opts.Faults.RateWindow, "rate-window", emulator.DefaultRateWindow, "the rate limit's sliding window")
	githubSubject := fs.String("github-oidc", "", "play a GitHub Actions-style OIDC issuer whose ID tokens carry this `subject` (e.g. repo:org/repo:ref:refs/heads/main) and federate the printed principal with it")
	if err := fs.Parse(args); err != nil {
		return opts, err
	}
	if fs.NArg() > 0 {
		return opts, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	// On the command line 0 means none; in Options it means the default.
	for _, d := range []*time.Duration{&opts.Faults.DeleteDelay, &opts.Faults.RecoverDelay, &opts.Faults.PurgeDelay} {
		if *d <= 0 {
			*d = emulator.NoDelay
		}
	}
	opts.Faults.RateLimit = rateLimit
	if rateLimit <= 0 {
		opts.Faults.RateLimit = emulator.NoRateLimit
	}
	for _, path := range []*string{&opts.DataFile, &opts.CACertFile, &opts.CAKeyFile, &opts.BackupKeyFile} {
		if *path == "" {
			continue
		}
		abs, err := filepath.Abs(*path)
		if err != nil {
			return opts, err
		}
		*path = abs
	}
	opts.Principals = principals
	if len(opts.Principals) == 0 {
		opts.Principals = emulator.DefaultPrincipals()
	}
	if *githubSubject != "" {
		opts.Issuers = []emulator.Issuer{{Name: githubIssuer, GitHub: &emulator.GitHubActions{Subject: *githubSubject}}}
		p := &opts.Principals[officerIndex(opts.Principals)]
		p.FederatedCredentials = append(p.FederatedCredentials, emulator.FederatedCredential{Name: "github-oidc", IssuerName: githubIssuer, Subject: *githubSubject})
	}
	return opts, nil
}

// githubIssuer is the name of the issuer -github-oidc adds.
const githubIssuer = "github"

// principalList is the repeatable -principal flag.
type principalList []emulator.Principal

func (l *principalList) String() string {
	names := make([]string, 0, len(*l))
	for _, p := range *l {
		names = append(names, p.Name)
	}
	return strings.Join(names, ",")
}

// Set parses name:client_id:client_secret:role; the secret may itself
// contain colons, so the role is what follows the last one.
func (l *principalList) Set(s string) error {
	parts := strings.SplitN(s, ":", 3)
	if len(parts) != 3 {
		return errors.New("want name:client_id:client_secret:role")
	}
	i := strings.LastIndex(parts[2], ":")
	if i < 0 {
		return errors.New("want name:client_id:client_secret:role")
	}
	role := emulator.Role(parts[2][i+1:])
	switch role {
	case emulator.RoleOfficer, emulator.RoleUser, emulator.RoleNone:
	default:
		return fmt.Errorf("role %q: want %s, %s or %s", role, emulator.RoleOfficer, emulator.RoleUser, emulator.RoleNone)
	}
	*l = append(*l, emulator.Principal{Name: parts[0], ClientID: parts[1], ClientSecret: parts[2][:i], Role: role})
	return nil
}

// officerIndex is the principal whose credentials are printed: the first
// officer, else the first principal.
func officerIndex(ps []emulator.Principal) int {
	for i, p := range ps {
		if p.Role == emulator.RoleOfficer {
			return i
		}
	}
	return 0
}

func printProviderBlock(w io.Writer, e *emulator.Emulator, p emulator.Principal) {
	fmt.Fprintf(w, `Key Vault emulator ready at %s (tenant %s, principal %q).

provider "bifrost" {
  vault_url                            = %q
  tenant_id                            = %q
  client_id                            = %q
  client_secret                        = %q
  authority_host                       = %q
  skip_challenge_resource_verification = true
}

Trust the emulator's CA in the shell that runs terraform or tofu:

  export SSL_CERT_FILE=%s

Management API (no token): %s/{reset,counts,audit,faults,clock,issuers}
`, e.VaultURL(), e.TenantID(), p.Name, e.VaultURL(), e.TenantID(), p.ClientID, p.ClientSecret, e.AuthorityHost(), e.CACertFile(), e.ManagementURL())
}
