package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/protocolserver"
)

// The provider's own CPU per resource, RPC by RPC, without a CLI: the in-process server gets
// the calls OpenTofu makes for one bifrost_secret, against an in-process emulator (so one
// refresh is one real GetSecret over TLS). `make bench` measures whole commands; this is the
// quick, repeatable measure to profile and compare changes with:
//
//	go test -run '^$' -bench RPC -benchmem -cpuprofile /tmp/rpc.pprof ./internal/provider/

// rpcBench is a configured provider server with one bifrost_secret created.
type rpcBench struct {
	server   tfprotov6.ProviderServer
	typ      tftypes.Object
	config   *tfprotov6.DynamicValue
	state    *tfprotov6.DynamicValue
	rawState []byte
	private  []byte
}

func newRPCBench(b *testing.B) *rpcBench {
	b.Helper()
	ctx := context.Background()
	em, err := emulator.Start(emulator.Options{CACertFile: testCA.cert, CAKeyFile: testCA.key})
	if err != nil {
		b.Fatalf("starting the emulator: %v", err)
	}
	b.Cleanup(func() { _ = em.Close() })
	server, err := protocolserver.New(New("bench"))()
	if err != nil {
		b.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		b.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	officer := em.Principal("officer")
	providerType := schemas.Provider.ValueType().(tftypes.Object) //nolint:forcetypeassert // a schema's type is an object
	providerConfig := rpcDynamicValue(b, providerType, map[string]tftypes.Value{
		"vault_url":                            tftypes.NewValue(tftypes.String, em.VaultURL()),
		"authority_host":                       tftypes.NewValue(tftypes.String, em.AuthorityHost()),
		"tenant_id":                            tftypes.NewValue(tftypes.String, em.TenantID()),
		"client_id":                            tftypes.NewValue(tftypes.String, officer.ClientID),
		"client_secret":                        tftypes.NewValue(tftypes.String, officer.ClientSecret),
		"skip_challenge_resource_verification": tftypes.NewValue(tftypes.Bool, true),
	})
	configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.12.6", Config: providerConfig})
	rpcCheck(b, "ConfigureProvider", err, configured.Diagnostics)

	r := &rpcBench{server: server}
	r.typ = schemas.ResourceSchemas["bifrost_secret"].ValueType().(tftypes.Object) //nolint:forcetypeassert // as above
	r.config = rpcDynamicValue(b, r.typ, map[string]tftypes.Value{
		"name":            tftypes.NewValue(tftypes.String, "bench"),
		"organization_id": tftypes.NewValue(tftypes.String, testOrg),
		"value":           tftypes.NewValue(tftypes.String, "bench-value"),
		"description":     tftypes.NewValue(tftypes.String, "what the benchmark writes"),
	})
	null := rpcNull(b, r.typ)
	planned, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: "bifrost_secret", PriorState: null, ProposedNewState: r.config, Config: r.config,
	})
	rpcCheck(b, "PlanResourceChange (create)", err, planned.Diagnostics)
	applied, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "bifrost_secret", PriorState: null, PlannedState: planned.PlannedState, Config: r.config, PlannedPrivate: planned.PlannedPrivate,
	})
	rpcCheck(b, "ApplyResourceChange (create)", err, applied.Diagnostics)
	r.state, r.private = applied.NewState, applied.Private
	value, err := applied.NewState.Unmarshal(r.typ)
	if err != nil {
		b.Fatal(err)
	}
	if r.rawState, err = json.Marshal(rpcJSON(b, value)); err != nil {
		b.Fatal(err)
	}
	return r
}

// BenchmarkRPCPlan is what a refreshing plan costs the provider for one unchanged resource:
// ValidateResourceConfig, UpgradeResourceState, ReadResource (one GetSecret) and
// PlanResourceChange.
func BenchmarkRPCPlan(b *testing.B) {
	r := newRPCBench(b)
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		r.planOnce(b, r.server, true)
	}
}

// BenchmarkRPCPlanNoRefresh is the plan of an unchanged resource with -refresh=false: no
// Key Vault request, only the plugin protocol and the provider's planning.
func BenchmarkRPCPlanNoRefresh(b *testing.B) {
	r := newRPCBench(b)
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		r.planOnce(b, r.server, false)
	}
}

// planOnce makes the RPCs of one plan of the unchanged secret on server: validate, upgrade the
// stored state, read it (when refreshing) and plan.
func (r *rpcBench) planOnce(b *testing.B, server tfprotov6.ProviderServer, refresh bool) {
	ctx := b.Context()
	validated, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "bifrost_secret", Config: r.config})
	rpcCheck(b, "ValidateResourceConfig", err, validated.Diagnostics)
	upgraded, err := server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
		TypeName: "bifrost_secret", Version: 0, RawState: &tfprotov6.RawState{JSON: r.rawState},
	})
	rpcCheck(b, "UpgradeResourceState", err, upgraded.Diagnostics)
	prior, private := upgraded.UpgradedState, r.private
	if refresh {
		read, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "bifrost_secret", CurrentState: prior, Private: private})
		rpcCheck(b, "ReadResource", err, read.Diagnostics)
		prior, private = read.NewState, read.Private
	}
	planned, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: "bifrost_secret", PriorState: prior, ProposedNewState: prior, Config: r.config, PriorPrivate: private,
	})
	rpcCheck(b, "PlanResourceChange", err, planned.Diagnostics)
	if planned.RequiresReplace != nil {
		b.Fatalf("an unchanged secret plans a replacement of %v", planned.RequiresReplace)
	}
}

// reportCPU reports the process's CPU time (user and system, every goroutine: the provider,
// its garbage collection and the in-process emulator) per operation, which a shared machine
// disturbs less than the wall time; call the function it returns when the loop ends.
func reportCPU(b *testing.B) func() {
	start := processCPU(b)
	return func() {
		b.ReportMetric(float64((processCPU(b)-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

func processCPU(b *testing.B) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		b.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

func rpcCheck(b *testing.B, rpc string, err error, diags []*tfprotov6.Diagnostic) {
	b.Helper()
	if err != nil {
		b.Fatalf("%s: %v", rpc, err)
	}
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			b.Fatalf("%s: %s: %s", rpc, d.Summary, d.Detail)
		}
	}
}

// rpcDynamicValue is an object of typ with the given attributes and every other one null.
func rpcDynamicValue(b *testing.B, typ tftypes.Object, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	b.Helper()
	attrs := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, t := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(t, nil)
	}
	for name, v := range set {
		if _, ok := typ.AttributeTypes[name]; !ok {
			b.Fatalf("no attribute %q in the schema", name)
		}
		attrs[name] = v
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		b.Fatal(err)
	}
	return &dv
}

func rpcNull(b *testing.B, typ tftypes.Object) *tfprotov6.DynamicValue {
	b.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, nil))
	if err != nil {
		b.Fatal(err)
	}
	return &dv
}

// rpcJSON is v as the CLI stores it in a state file (objects, maps, strings, numbers, bools).
func rpcJSON(b *testing.B, v tftypes.Value) any {
	b.Helper()
	if v.IsNull() {
		return nil
	}
	switch {
	case v.Type().Is(tftypes.Object{}) || v.Type().Is(tftypes.Map{}):
		var attrs map[string]tftypes.Value
		if err := v.As(&attrs); err != nil {
			b.Fatal(err)
		}
		out := make(map[string]any, len(attrs))
		for k, a := range attrs {
			out[k] = rpcJSON(b, a)
		}
		return out
	case v.Type().Is(tftypes.String):
		var s string
		_ = v.As(&s)
		return s
	case v.Type().Is(tftypes.Bool):
		var x bool
		_ = v.As(&x)
		return x
	case v.Type().Is(tftypes.Number):
		var n big.Float
		_ = v.As(&n)
		return json.Number(n.Text('g', -1))
	}
	b.Fatalf("no JSON for a value of type %s", v.Type())
	return fmt.Sprint(v)
}

// BenchmarkRPCPlanSchemaTwin is BenchmarkRPCPlan against a do-nothing resource with
// bifrost_secret's schema (schemaTwin): what the framework costs for this schema, the least
// bifrost_secret can cost, whatever the provider's own code does.
func BenchmarkRPCPlanSchemaTwin(b *testing.B) {
	r := newRPCBench(b)
	twin, err := protocolserver.New(func() provider.Provider { return schemaTwinProvider{} })()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := twin.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		r.planOnce(b, twin, true)
	}
}

// schemaTwinProvider serves schemaTwin as bifrost_secret.
type schemaTwinProvider struct{}

func (schemaTwinProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "bifrost"
}

func (schemaTwinProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (schemaTwinProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (schemaTwinProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return schemaTwin{} }}
}

func (schemaTwinProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// schemaTwin has bifrost_secret's schema (attributes, validators, plan modifiers and defaults)
// and does nothing: Read keeps the state, and there is no ModifyPlan or ValidateConfig.
type schemaTwin struct{}

func (schemaTwin) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_secret"
}

func (schemaTwin) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	NewSecretResource().Schema(ctx, req, resp)
}

func (schemaTwin) Create(context.Context, resource.CreateRequest, *resource.CreateResponse) {}
func (schemaTwin) Read(context.Context, resource.ReadRequest, *resource.ReadResponse)       {}
func (schemaTwin) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}
func (schemaTwin) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
