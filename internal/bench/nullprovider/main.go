// Command nullprovider is the do-nothing provider of `make bench`: two resources whose create,
// read, update and delete do no work. Served exactly as the Bifrost provider is (protocolserver,
// default log levels), what the CLI and this provider cost together is the plugin protocol's own
// cost: with benchnull_thing (a name, a value and an id), the least any framework provider can
// cost per resource; with benchnull_secret, bifrost_secret's schema (its attributes, validators,
// plan modifiers and default), the least bifrost_secret can cost, whatever its own code does,
// since the framework's work per resource grows with the schema.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/protocolserver"
	bifrost "github.com/bifrost-platform/terraform-provider-bifrost/internal/provider"
)

const address = "registry.terraform.io/bifrost-platform/benchnull"

func main() {
	if err := protocolserver.SetDefaultLogLevels(address); err != nil {
		log.Fatal(err.Error())
	}
	factory := protocolserver.New(func() provider.Provider { return nullProvider{} })
	serve := func() tfprotov6.ProviderServer {
		s, err := factory()
		if err != nil {
			log.Fatal(err.Error())
		}
		return s
	}
	if err := tf6server.Serve(address, serve); err != nil {
		log.Fatal(err.Error())
	}
}

type nullProvider struct{}

func (nullProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "benchnull"
}

func (nullProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (nullProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (nullProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return thing{} },
		func() resource.Resource { return secretTwin{} },
	}
}

func (nullProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// thing is a resource with a name and a value, as a bifrost_secret has, that stores nothing.
type thing struct{}

type thingModel struct {
	ID    types.String `tfsdk:"id"`
	Name  types.String `tfsdk:"name"`
	Value types.String `tfsdk:"value"`
}

func (thing) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_thing"
}

func (thing) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":    schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		"name":  schema.StringAttribute{Required: true},
		"value": schema.StringAttribute{Required: true, Sensitive: true},
	}}
}

func (thing) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m thingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	m.ID = m.Name
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (thing) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (thing) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m thingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (thing) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// secretTwin has bifrost_secret's schema and stores what the plan says: computed attributes the
// plan leaves unknown are null.
type secretTwin struct{}

func (secretTwin) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_secret"
}

func (secretTwin) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	bifrost.NewSecretResource().Schema(ctx, req, resp)
}

func (secretTwin) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw = knownOrNull(req.Plan.Raw, &resp.Diagnostics)
}

func (secretTwin) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (secretTwin) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = knownOrNull(req.Plan.Raw, &resp.Diagnostics)
}

func (secretTwin) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// knownOrNull is the planned object with each unknown value null.
func knownOrNull(planned tftypes.Value, diags *diag.Diagnostics) tftypes.Value {
	v, err := tftypes.Transform(planned, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if !v.IsKnown() {
			return tftypes.NewValue(v.Type(), nil), nil
		}
		return v, nil
	})
	if err != nil {
		diags.AddError("Cannot store the planned object", err.Error())
	}
	return v
}
