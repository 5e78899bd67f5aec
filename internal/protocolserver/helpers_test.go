package protocolserver

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// testProvider is a minimal framework provider: one resource, test_thing, with a required name
// and a computed id. probe, when set, is called with the context the framework hands to the
// resource's ValidateConfig and Read.
type testProvider struct {
	probe func(context.Context)
}

var _ provider.Provider = (*testProvider)(nil)

func (p *testProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "test"
}

func (p *testProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (p *testProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *testProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &thing{probe: p.probe} }}
}

func (p *testProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

type thing struct {
	probe func(context.Context)
}

var _ resource.ResourceWithValidateConfig = (*thing)(nil)

func (r *thing) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_thing"
}

func (r *thing) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":   schema.StringAttribute{Computed: true},
		"name": schema.StringAttribute{Required: true},
	}}
}

func (r *thing) ValidateConfig(ctx context.Context, _ resource.ValidateConfigRequest, _ *resource.ValidateConfigResponse) {
	if r.probe != nil {
		r.probe(ctx)
	}
}

func (r *thing) Create(context.Context, resource.CreateRequest, *resource.CreateResponse) {}

func (r *thing) Read(ctx context.Context, _ resource.ReadRequest, _ *resource.ReadResponse) {
	if r.probe != nil {
		r.probe(ctx)
	}
}

func (r *thing) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}

func (r *thing) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

var thingType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"id": tftypes.String, "name": tftypes.String,
}}

func thingValue(t testing.TB, id, name any) *tfprotov6.DynamicValue {
	t.Helper()
	v := tftypes.NewValue(thingType, map[string]tftypes.Value{
		"id":   tftypes.NewValue(tftypes.String, id),
		"name": tftypes.NewValue(tftypes.String, name),
	})
	dv, err := tfprotov6.NewDynamicValue(thingType, v)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func nullThing(t testing.TB) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(thingType, tftypes.NewValue(thingType, nil))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// servers returns the framework's server for p, unwrapped and wrapped.
func frameworkServer(p provider.Provider) tfprotov6.ProviderServer {
	return providerserver.NewProtocol6(p)()
}

func wrappedServer(t testing.TB, p provider.Provider) tfprotov6.ProviderServer {
	t.Helper()
	s, err := Wrap(frameworkServer(p))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// rpcs are the three RPCs a plan makes per resource (ValidateResourceConfig, PlanResourceChange,
// ReadResource), each checked for diagnostics.
type rpcs struct {
	validate *tfprotov6.ValidateResourceConfigRequest
	plan     *tfprotov6.PlanResourceChangeRequest
	read     *tfprotov6.ReadResourceRequest
}

func newRPCs(t testing.TB) rpcs {
	config := thingValue(t, nil, "x")
	return rpcs{
		validate: &tfprotov6.ValidateResourceConfigRequest{TypeName: "test_thing", Config: config},
		plan: &tfprotov6.PlanResourceChangeRequest{
			TypeName: "test_thing", Config: config, PriorState: nullThing(t),
			ProposedNewState: thingValue(t, tftypes.UnknownValue, "x"),
		},
		read: &tfprotov6.ReadResourceRequest{TypeName: "test_thing", CurrentState: thingValue(t, "1", "x")},
	}
}

// call makes RPC number i (of the three, in turn) with ctx and fails t on an error or an error
// diagnostic.
func (r rpcs) call(t testing.TB, s tfprotov6.ProviderServer, ctx context.Context, i int) {
	var diags []*tfprotov6.Diagnostic
	var err error
	switch i % 3 {
	case 0:
		var resp *tfprotov6.ValidateResourceConfigResponse
		if resp, err = s.ValidateResourceConfig(ctx, r.validate); err == nil {
			diags = resp.Diagnostics
		}
	case 1:
		var resp *tfprotov6.PlanResourceChangeResponse
		if resp, err = s.PlanResourceChange(ctx, r.plan); err == nil {
			diags = resp.Diagnostics
		}
	default:
		var resp *tfprotov6.ReadResourceResponse
		if resp, err = s.ReadResource(ctx, r.read); err == nil {
			diags = resp.Diagnostics
		}
	}
	if err != nil {
		t.Fatalf("rpc %d: %v", i%3, err)
	}
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("rpc %d: %s: %s", i%3, d.Summary, d.Detail)
		}
	}
}
