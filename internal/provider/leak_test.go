package provider

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// canary is a unique value a leak test feeds the provider; where names the artifacts (see
// artifactKind) it may legitimately appear in. A canary is only ever named in messages,
// never printed.
type canary struct {
	name  string
	value string
	where map[artifactKind]bool
}

// artifactKind is what a collected file is: the scan allows a canary in some kinds only.
type artifactKind string

const (
	kindLog    artifactKind = "log"    // TF_LOG_PATH file: the CLI's and the provider's log lines
	kindOutput artifactKind = "output" // a command's stdout and stderr, errors included
	kindPlan   artifactKind = "plan"   // a file inside the saved plan (a zip archive)
	kindState  artifactKind = "state"  // terraform.tfstate or its backup after a command
)

// artifact is one collected file.
type artifact struct {
	name string // e.g. "3-refresh.log", "plan.bin/tfplan", "state after import"
	kind artifactKind
	data []byte
}

// newCanary makes a canary with a random value allowed in the given kinds.
func newCanary(t *testing.T, name string, where ...artifactKind) *canary {
	t.Helper()
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	c := &canary{name: name, value: "leak-canary-" + hex.EncodeToString(b), where: map[artifactKind]bool{}}
	for _, k := range where {
		c.where[k] = true
	}
	return c
}

// needles are the forms the value can take in a file: as is, and the middle of its base64
// encodings (standard and URL alphabets) at each of the three byte alignments, which is what
// any base64 text holding the value contains whatever surrounds it.
func (c *canary) needles() [][]byte {
	needles := [][]byte{[]byte(c.value)}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		for shift := range 3 {
			s := enc.EncodeToString(append(make([]byte, shift), c.value...))
			start := 0
			if shift > 0 {
				start = 4 // the first group mixes in the bytes before the value
			}
			end := len(s) - 4 // the last group mixes in the bytes after it, or padding
			if end-start >= 16 {
				needles = append(needles, []byte(s[start:end]))
			}
		}
	}
	return needles
}

// find returns the 1-based line of the first occurrence of the canary in data, 0 if none.
func (c *canary) find(data []byte) int {
	first := -1
	for _, n := range c.needles() {
		if i := bytes.Index(data, n); i >= 0 && (first < 0 || i < first) {
			first = i
		}
	}
	if first < 0 {
		return 0
	}
	return bytes.Count(data[:first], []byte("\n")) + 1
}

// logLineKind names the kind of a log line without its free text: the level, the logger, and
// the SDK's @module, tf_rpc and tf_resource_type fields when there, never the canary itself.
func logLineKind(data []byte, line int, c *canary) string {
	lines := bytes.Split(data, []byte("\n"))
	if line < 1 || line > len(lines) {
		return ""
	}
	l := string(lines[line-1])
	var parts []string
	if m := regexp.MustCompile(`^\S+ \[(\w+)\] ([A-Za-z0-9_.\-/]+):`).FindStringSubmatch(l); m != nil {
		parts = append(parts, m[1], m[2])
	}
	for _, f := range []string{"@module", "tf_rpc", "tf_resource_type", "tf_data_source_type", "tf_ephemeral_resource_type"} {
		if m := regexp.MustCompile(regexp.QuoteMeta(f) + `=([A-Za-z0-9_.\-]+)`).FindStringSubmatch(l); m != nil {
			parts = append(parts, f+"="+m[1])
		}
	}
	kind := strings.Join(parts, " ")
	if c.find([]byte(kind)) != 0 {
		return ""
	}
	return kind
}

// leakRun drives the leak scenario's commands in one working directory and collects what each
// leaves behind.
type leakRun struct {
	t         *testing.T
	w         *cliWorkdir
	env       []string // TF_VAR_* for every command
	logDir    string
	step      int
	artifacts []artifact
	timings   []string
}

// cmd runs one CLI command at TF_LOG=TRACE with its own TF_LOG_PATH and collects its output,
// its log and the state files it leaves. wantErr: the command must fail.
func (r *leakRun) cmd(ctx context.Context, label string, wantErr bool, args ...string) string {
	r.t.Helper()
	r.step++
	name := fmt.Sprintf("%d-%s", r.step, label)
	logPath := filepath.Join(r.logDir, name+".log")
	env := append([]string{"TF_LOG=TRACE", "TF_LOG_PATH=" + logPath}, r.env...)
	cmd, out := r.w.command(ctx, env, args...)
	start := time.Now()
	err := cmd.Run()
	r.timings = append(r.timings, fmt.Sprintf("%s %.1fs", name, time.Since(start).Seconds()))
	output := out.String()
	r.artifacts = append(r.artifacts, artifact{name: name + " output", kind: kindOutput, data: []byte(output)})
	if b, rerr := os.ReadFile(logPath); rerr == nil {
		r.artifacts = append(r.artifacts, artifact{name: name + ".log", kind: kindLog, data: b})
	} else {
		r.t.Errorf("%s left no log at TF_LOG_PATH: %v", name, rerr)
	}
	for _, f := range []string{"terraform.tfstate", "terraform.tfstate.backup"} {
		if b, rerr := os.ReadFile(filepath.Join(r.w.dir, f)); rerr == nil {
			r.artifacts = append(r.artifacts, artifact{name: f + " after " + name, kind: kindState, data: b})
		}
	}
	// The output is printed only after the scan: it must not carry a canary into the test log.
	switch {
	case err != nil && !wantErr:
		r.t.Fatalf("%s failed: %v (its output is not printed until the leak scan has passed)", name, err)
	case err == nil && wantErr:
		r.t.Fatalf("%s succeeded; it should have failed", name)
	}
	return output
}

// collectPlan adds every file of the saved plan (a zip archive) as an artifact.
func (r *leakRun) collectPlan(file string) {
	r.t.Helper()
	zr, err := zip.OpenReader(filepath.Join(r.w.dir, file))
	if err != nil {
		r.t.Fatalf("opening the saved plan %s: %v", file, err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			r.t.Fatalf("%s/%s: %v", file, f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			r.t.Fatalf("%s/%s: %v", file, f.Name, err)
		}
		r.artifacts = append(r.artifacts, artifact{name: file + "/" + f.Name, kind: kindPlan, data: b})
	}
}

// scan fails the test for every artifact holding a canary where it may not be; messages name
// the artifact, the line and the canary, never the value or the text around it.
func (r *leakRun) scan(canaries []*canary) {
	r.t.Helper()
	for _, a := range r.artifacts {
		for _, c := range canaries {
			if c.where[a.kind] {
				continue
			}
			line := c.find(a.data)
			if line == 0 {
				continue
			}
			where := fmt.Sprintf("line %d", line)
			if a.kind == kindLog {
				where += fmt.Sprintf(" (log line kind: %q)", logLineKind(a.data, line, c))
			}
			r.t.Errorf("LEAK: canary %q is in %s (%s), %s", c.name, a.name, a.kind, where)
		}
	}
}

// mustContain is the scan's self-check: the canary is where it must be (a plain value in the
// state, the saved plan's copy of the state), so a scan that finds nothing cannot pass
// silently.
func (r *leakRun) mustContain(c *canary, kind artifactKind, nameHas string) {
	r.t.Helper()
	for _, a := range r.artifacts {
		if a.kind == kind && strings.Contains(a.name, nameHas) && c.find(a.data) != 0 {
			return
		}
	}
	r.t.Errorf("self-check: canary %q is in no %s artifact named like %q, where it must be: the scan is broken", c.name, kind, nameHas)
}

// TestAccLeak_trace runs apply, plan -out, refresh, import, a failing apply and destroy with
// the provider binary at TF_LOG=TRACE, every value a unique canary given through TF_VAR_ (the
// CLI logs its own argv, so never -var) or seeded in the vault, and checks that no value
// reaches a log, an output, an error or the saved plan, nor, for the write-only and ephemeral
// paths, the state.
func TestAccLeak_trace(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH to run it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()

	// The values. The plain `value` arguments and the data sources' values are in the state by
	// design (sensitive attributes) and so in the saved plan's copy of it; every other place
	// must be free of them.
	clientSecret := newCanary(t, "provider client_secret")
	secretValue := newCanary(t, "bifrost_secret.value", kindState, kindPlan)
	configValue := newCanary(t, "bifrost_config (type secret) value", kindState, kindPlan)
	duplicateValue := newCanary(t, "value of the failing duplicate bifrost_secret") // its create fails: no state
	dataSecret := newCanary(t, "seeded secret read by data.bifrost_secret", kindState, kindPlan)
	dataConfig := newCanary(t, "seeded config read by data.bifrost_config", kindState, kindPlan)
	writeOnly := newCanary(t, "bifrost_secret.value_wo")
	initialValue := newCanary(t, "bifrost_secret.initial_value_wo")
	comparedValue := newCanary(t, "bifrost_config (type secret) value_wo without value_wo_version")
	ephemeralConfig := newCanary(t, "seeded config read by ephemeral.bifrost_config")
	ephemeralSecret := newCanary(t, "seeded secret read by ephemeral.bifrost_secret")

	v := newAccVault(t, func(o *emulator.Options) {
		o.Principals = emulator.DefaultPrincipals()
		for i := range o.Principals {
			if o.Principals[i].Name == emulator.OfficerName {
				o.Principals[i].ClientSecret = clientSecret.value
			}
		}
	})
	dsSeed(t, v,
		dsSecretEntry(testOrg, "leak-seeded", dataSecret.value),
		dsConfigEntry(testOrg, "leak_seeded", bifrost.TypeSecret, dataConfig.value),
		dsSecretEntry(testOrg, "leak-ephemeral", ephemeralSecret.value),
		dsConfigEntry(testOrg, "leak_ephemeral", bifrost.TypeSecret, ephemeralConfig.value),
	)

	start := time.Now()
	bin := buildProviderBinary(t)
	t.Logf("provider built in %.1fs", time.Since(start).Seconds())

	provider := v.providerBlockFor(v.Principal(emulator.OfficerName).ClientID, "client_secret = var.client_secret")
	hashicorpSource := `source = "registry.terraform.io/hashicorp/bifrost"`
	if !strings.Contains(provider, hashicorpSource) {
		t.Fatal("the provider block no longer names the in-process provider's source; update this test")
	}
	provider = strings.Replace(provider, hashicorpSource, fmt.Sprintf("source = %q", releasedProviderAddress), 1)

	// The configuration is written once the CLI's version is known.
	w := newCLIWorkdirForBinary(t, "", bin)
	cli := w.versionOfCLI(ctx)
	t.Logf("CLI: %s", cli)

	ephemeralVar := ""
	if cli.ephemeral() {
		ephemeralVar = "ephemeral = true"
	}
	config := provider + fmt.Sprintf(`
variable "client_secret" {
  type      = string
  sensitive = true
  %[2]s
}
variable "secret_value" {
  type      = string
  sensitive = true
}
variable "config_value" {
  type      = string
  sensitive = true
}

resource "bifrost_secret" "plain" {
  organization_id = %[1]q
  name            = "leak-plain"
  value           = var.secret_value
}

resource "bifrost_config" "secret" {
  organization_id = %[1]q
  key             = "leak_secret"
  type            = "secret"
  value           = var.config_value
}

data "bifrost_secret" "seeded" {
  organization_id = %[1]q
  name            = "leak-seeded"
}

data "bifrost_config" "seeded" {
  organization_id = %[1]q
  key             = "leak_seeded"
}
`, testOrg, ephemeralVar)
	env := []string{
		"TF_VAR_client_secret=" + clientSecret.value,
		"TF_VAR_secret_value=" + secretValue.value,
		"TF_VAR_config_value=" + configValue.value,
		"TF_VAR_duplicate_value=" + duplicateValue.value,
	}
	canaries := []*canary{clientSecret, secretValue, configValue, duplicateValue, dataSecret, dataConfig}
	// The CLI stores every non-ephemeral variable's value in a saved plan: secret_value and
	// config_value are allowed there anyway, and the client secret is, where the CLI has no
	// ephemeral variables.
	if !cli.ephemeral() {
		clientSecret.where[kindPlan] = true
	}
	// The ephemeral resources feed write-only arguments, so both wait for write-only support.
	if cli.writeOnly() {
		config += fmt.Sprintf(`
variable "secret_wo" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "bifrost_secret" "write_only" {
  organization_id  = %[1]q
  name             = "leak-write-only"
  value_wo         = var.secret_wo
  value_wo_version = 1
}

variable "initial_wo" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "bifrost_secret" "initial" {
  organization_id  = %[1]q
  name             = "leak-initial"
  initial_value_wo = var.initial_wo
}

variable "compared_wo" {
  type      = string
  sensitive = true
  ephemeral = true
}

# value_wo without value_wo_version: every plan compares it with the vault's value.
resource "bifrost_config" "compared" {
  organization_id = %[1]q
  key             = "leak_compared"
  type            = "secret"
  value_wo        = var.compared_wo
}

ephemeral "bifrost_config" "seeded" {
  organization_id = %[1]q
  key             = "leak_ephemeral"
}

ephemeral "bifrost_secret" "seeded" {
  organization_id = %[1]q
  name            = "leak-ephemeral"
}

resource "bifrost_secret" "ephemeral_copy" {
  organization_id  = %[1]q
  name             = "leak-ephemeral-copy"
  value_wo         = ephemeral.bifrost_config.seeded.value
  value_wo_version = 1
}

resource "bifrost_config" "ephemeral_copy" {
  organization_id  = %[1]q
  key              = "leak_ephemeral_copy"
  type             = "secret"
  value_wo         = ephemeral.bifrost_secret.seeded.value
  value_wo_version = 1
}
`, testOrg)
		env = append(env, "TF_VAR_secret_wo="+writeOnly.value, "TF_VAR_initial_wo="+initialValue.value, "TF_VAR_compared_wo="+comparedValue.value)
		canaries = append(canaries, writeOnly, ephemeralConfig, ephemeralSecret, initialValue, comparedValue)
	} else {
		t.Logf("%s has no write-only arguments: the value_wo and ephemeral paths are not tested", cli)
	}
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}

	r := &leakRun{t: t, w: w, env: env, logDir: t.TempDir()}
	defer func() {
		t.Logf("%s: %s", cli, strings.Join(r.timings, ", "))
		r.scan(canaries)
		// Outputs help with a failure, and are printed only when no canary is in any of them.
		if t.Failed() {
			for _, a := range r.artifacts {
				if a.kind != kindOutput {
					continue
				}
				clean := true
				for _, c := range canaries {
					if c.find(a.data) != 0 {
						clean = false
					}
				}
				if clean {
					t.Logf("%s:\n%s", a.name, a.data)
				} else {
					t.Logf("%s: not printed, it holds a canary", a.name)
				}
			}
		}
	}()

	flags := []string{"-input=false", "-no-color"}
	r.cmd(ctx, "apply", false, append([]string{"apply", "-auto-approve"}, flags...)...)
	if cli.writeOnly() {
		// The write-only and ephemeral values did reach the vault (compared here, never printed).
		st := v.store()
		for _, want := range []struct {
			kind bifrost.Kind
			name string
			c    *canary
		}{
			{bifrost.KindSecret, "leak-write-only", writeOnly},
			{bifrost.KindSecret, "leak-ephemeral-copy", ephemeralConfig},
			{bifrost.KindConfig, "leak_ephemeral_copy", ephemeralSecret},
			{bifrost.KindSecret, "leak-initial", initialValue},
			{bifrost.KindConfig, "leak_compared", comparedValue},
		} {
			e, err := st.Get(ctx, testOrg, want.kind, want.name)
			if err != nil {
				t.Fatalf("reading %s %q: %v", want.kind, want.name, err)
			}
			if e.Value != want.c.value {
				t.Errorf("%s %q does not hold the %s canary", want.kind, want.name, want.c.name)
			}
		}
	}

	r.cmd(ctx, "plan", false, append([]string{"plan", "-out=plan.bin"}, flags...)...)
	r.collectPlan("plan.bin")

	r.cmd(ctx, "refresh", false, append([]string{"apply", "-refresh-only", "-auto-approve"}, flags...)...)

	r.cmd(ctx, "state-rm", false, "state", "rm", "bifrost_secret.plain", "bifrost_config.secret")
	r.cmd(ctx, "import-secret", false, append([]string{"import"}, append(flags, "bifrost_secret.plain", testOrg+"/leak-plain")...)...)
	r.cmd(ctx, "import-config", false, append([]string{"import"}, append(flags, "bifrost_config.secret", testOrg+"/leak_secret")...)...)
	r.cmd(ctx, "apply-after-import", false, append([]string{"apply", "-auto-approve"}, flags...)...)

	// An error path: a second bifrost_secret of the same name fails with "Entry already exists".
	duplicate := filepath.Join(w.dir, "duplicate.tf")
	// Its variable is declared here only: the CLI stores every non-ephemeral variable in a
	// saved plan, and the duplicate's value must not reach plan.bin that way.
	if err := os.WriteFile(duplicate, []byte(fmt.Sprintf(`
variable "duplicate_value" {
  type      = string
  sensitive = true
}

resource "bifrost_secret" "duplicate" {
  organization_id = %q
  name            = "leak-plain"
  value           = var.duplicate_value
}
`, testOrg)), 0o600); err != nil {
		t.Fatal(err)
	}
	out := r.cmd(ctx, "apply-duplicate", true, append([]string{"apply", "-auto-approve"}, flags...)...)
	if !strings.Contains(out, "Entry already exists") {
		t.Errorf("the failing apply did not fail with \"Entry already exists\"")
	}
	if err := os.Remove(duplicate); err != nil {
		t.Fatal(err)
	}

	r.cmd(ctx, "destroy", false, append([]string{"destroy", "-auto-approve"}, flags...)...)
	if left := w.stateList(ctx); len(left) > 0 {
		t.Errorf("destroy left %v in the state", left)
	}

	// Self-checks: the scan finds a canary where it must be, and the logs hold the provider's
	// TRACE lines and its own lines (so both went through the CLI's log pipeline at TRACE).
	r.mustContain(secretValue, kindState, "after 1-apply")
	r.mustContain(dataSecret, kindState, "after 1-apply")
	r.mustContain(secretValue, kindPlan, "plan.bin/")
	sdkTrace := regexp.MustCompile(`(?m)^\S+ \[TRACE\]\s+provider\.terraform-provider-bifrost: .*@module=sdk\.proto`)
	ownLine := regexp.MustCompile(`(?m)^\S+ \[\w+\]\s+provider\.terraform-provider-bifrost: .*@module=bifrost`)
	for _, a := range r.artifacts {
		if a.kind == kindLog && strings.HasSuffix(a.name, "-apply.log") && (!sdkTrace.Match(a.data) || !ownLine.Match(a.data)) {
			t.Errorf("%s lacks the provider's TRACE or own log lines: TF_LOG=TRACE did not reach it", a.name)
		}
	}
}
