package bench

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// requestResources is how many resources of a type requestsPerOp manages at once: more than one,
// so that a request made once per provider process shows as a fraction.
const requestResources = 4

// requestSubject is one resource type (and config type) whose requests are counted.
type requestSubject struct {
	name     string               // the requests_per_op key
	resource string               // the resource type
	nameAttr string               // the attribute that names the entry: name or key
	nameFmt  string               // the entries' names, with one %d for count.index (HCL's format takes it too)
	typ      string               // a config's type; "" for a secret
	value    func(gen int) string // the value attributes of generation gen; nil for a secret_reference
}

// rotates reports whether the subject takes a new value (a secret_reference has none).
func (s requestSubject) rotates() bool { return s.value != nil }

// body is the subject's resources with a description and the value of generation gen.
func (s requestSubject) body(description string, gen int) string {
	var attrs strings.Builder
	if s.typ != "" {
		fmt.Fprintf(&attrs, "  type            = %q\n", s.typ)
	}
	if s.rotates() {
		attrs.WriteString("  " + s.value(gen) + "\n")
	} else {
		fmt.Fprintf(&attrs, "  secret_id       = %q\n", testOrg+"/"+refTarget)
	}
	return fmt.Sprintf(`
resource %q "e" {
  count           = %d
  organization_id = %q
  %-15s = format(%q, count.index)
  description     = %q
%s}
`, s.resource, requestResources, testOrg, s.nameAttr, s.nameFmt, description, attrs.String())
}

// challengeKey counts, in requests_detail, the requests answered 401 with the vault's challenge.
const challengeKey = "challenge_401"

// refTarget is the secret the secret_reference configs point at, seeded outside the CLI.
const refTarget = "bench-ref-target"

func requestSubjects() []requestSubject {
	value := func(gen int) string { return fmt.Sprintf(`value           = "value-${count.index}-gen-%d"`, gen) }
	writeOnly := func(gen int) string {
		return fmt.Sprintf("value_wo         = \"wo-${count.index}-gen-%d\"\n  value_wo_version = %d", gen, gen)
	}
	secret := func(name, nameFmt string, v func(int) string) requestSubject {
		return requestSubject{name: name, resource: "bifrost_secret", nameAttr: "name", nameFmt: nameFmt, value: v}
	}
	config := func(typ string, v func(int) string) requestSubject {
		return requestSubject{name: "bifrost_config/" + typ, resource: "bifrost_config", nameAttr: "key", nameFmt: "rq_" + typ + "_%d", typ: typ, value: v}
	}
	return []requestSubject{
		secret("bifrost_secret", "rq-secret-%d", value),
		secret("bifrost_secret/value_wo", "rq-secret-wo-%d", writeOnly),
		config("string", value),
		config("secret", value),
		config("secret_reference", nil),
	}
}

// requestsPerOp counts the Key Vault requests per resource of each operation and subject.
func (b *bencher) requestsPerOp(ctx context.Context, client *azsecrets.Client) (map[string]map[string]float64, map[string]map[string]map[string]float64, error) {
	store := bifrost.NewStore(bifrost.NewAzureKeyVault(client), bifrost.StoreOptions{RecoverSoftDeleted: true})
	if _, err := store.Create(ctx, bifrost.Entry{Scope: testOrg, Kind: bifrost.KindSecret, Name: refTarget, Value: "referenced-value", Enabled: true}); err != nil {
		return nil, nil, fmt.Errorf("seeding the referenced secret: %w", err)
	}
	totals := map[string]map[string]float64{}
	detail := map[string]map[string]map[string]float64{}
	for i, s := range requestSubjects() {
		tot, det, err := b.countSubject(ctx, i, s)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", s.name, err)
		}
		totals[s.name], detail[s.name] = tot, det
	}
	return totals, detail, nil
}

// countSubject walks one subject through create, refresh, update, rotate, import and destroy.
func (b *bencher) countSubject(ctx context.Context, i int, s requestSubject) (map[string]float64, map[string]map[string]float64, error) {
	w, err := b.newWorkdir(fmt.Sprintf("requests-%d", i), b.providerBlock()+s.body("first", 1))
	if err != nil {
		return nil, nil, err
	}
	totals, detail := map[string]float64{}, map[string]map[string]float64{}
	count := func(op string, r cliRun) {
		byOp := map[string]float64{}
		n := 0
		for _, e := range auditWindow(b.em, r.Start, r.End) {
			// azsecrets sends a request without a token until it has seen the vault's
			// challenge, so each provider process's first concurrent requests get a 401: a
			// cost per process, not per resource, shown apart.
			if e.Status == http.StatusUnauthorized {
				byOp[challengeKey] += 1.0 / requestResources
				continue
			}
			byOp[e.Operation] += 1.0 / requestResources
			n++
		}
		totals[op] = round(float64(n)/requestResources, 2)
		for k, v := range byOp {
			byOp[k] = round(v, 2)
		}
		detail[op] = byOp
	}
	// applyPlan applies a saved plan and counts the apply alone, not the plan's refresh.
	applyPlan := func(op string, planArgs ...string) error {
		if _, err := w.run(ctx, append([]string{"plan", "-input=false", "-no-color", "-out=bench.tfplan"}, planArgs...)...); err != nil {
			return err
		}
		r, err := w.run(ctx, "apply", "-input=false", "-no-color", "bench.tfplan")
		if err != nil {
			return err
		}
		if op != "" {
			count(op, r)
		}
		return nil
	}

	if err := applyPlan("create"); err != nil {
		return nil, nil, err
	}
	r, err := w.run(ctx, "plan", "-input=false", "-no-color")
	if err != nil {
		return nil, nil, err
	}
	count("refresh", r)
	if err := w.setConfig(b.providerBlock() + s.body("second", 1)); err != nil {
		return nil, nil, err
	}
	if err := applyPlan("update"); err != nil {
		return nil, nil, err
	}
	gen := 1
	if s.rotates() {
		gen = 2
		if err := w.setConfig(b.providerBlock() + s.body("second", gen)); err != nil {
			return nil, nil, err
		}
		if err := applyPlan("rotate"); err != nil {
			return nil, nil, err
		}
	}
	// Import: forget the resources, then import them back with import blocks; the plan that
	// imports them is counted (import and the read that follows it).
	if _, err := w.run(ctx, "state", "rm", s.resource+".e"); err != nil {
		return nil, nil, err
	}
	var imports strings.Builder
	for k := range requestResources {
		fmt.Fprintf(&imports, "\nimport {\n  to = %s.e[%d]\n  id = %q\n}\n", s.resource, k, testOrg+"/"+fmt.Sprintf(s.nameFmt, k))
	}
	if err := w.setConfig(b.providerBlock() + s.body("second", gen) + imports.String()); err != nil {
		return nil, nil, err
	}
	r, err = w.run(ctx, "plan", "-input=false", "-no-color", "-out=bench.tfplan")
	if err != nil {
		return nil, nil, err
	}
	count("import", r)
	if _, err := w.run(ctx, "apply", "-input=false", "-no-color", "bench.tfplan"); err != nil {
		return nil, nil, err
	}
	if err := applyPlan("destroy", "-destroy"); err != nil {
		return nil, nil, err
	}
	b.logf("%s: %v", s.name, totals)
	return totals, detail, nil
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
