package provider

import (
	"context"
	"time"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	eptimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/ephemeral/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	epschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
)

// A lookup (bifrost_secret, bifrost_config) is served twice: as a data source, whose answer
// goes to the state, and as an ephemeral resource, whose answer lives only for the run. Both
// are the generic types below over one lookupSpec; a kind brings its spec, its shared model
// (with the lookup method) and the two thin models that add each framework's timeouts type.

// lookupSpec is what a data source and its ephemeral twin say about themselves.
type lookupSpec struct {
	typeName              string // after the provider's name: "_secret"
	attrs                 lookupAttrs
	dataSourceDescription string
	ephemeralDescription  string
}

// timedLookup is a lookup model with its timeouts: the data source's or the ephemeral
// resource's model, a pointer to M.
type timedLookup[M any] interface {
	*M
	lookupModel
	timeout(ctx context.Context, def time.Duration) (time.Duration, diag.Diagnostics)
}

var (
	_ datasource.DataSourceWithConfigure       = (*lookupDataSource[configDataSourceModel, *configDataSourceModel])(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*lookupEphemeralResource[configEphemeralModel, *configEphemeralModel])(nil)
)

// lookupDataSource is the data source of a lookup; M is its model.
type lookupDataSource[M any, P timedLookup[M]] struct {
	spec   lookupSpec
	client *providerClient
}

func (d *lookupDataSource[M, P]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + d.spec.typeName
}

func (d *lookupDataSource[M, P]) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := d.spec.attrs.dataSource()
	attrs["timeouts"] = dstimeouts.AttributesWithOpts(ctx, dstimeouts.Opts{ReadDescription: lookupTimeoutDescription})
	resp.Schema = dsschema.Schema{MarkdownDescription: d.spec.dataSourceDescription, Attributes: attrs}
}

func (d *lookupDataSource[M, P]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *lookupDataSource[M, P]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data M
	runLookup(ctx, d.client, "data source bifrost"+d.spec.typeName, req.Config, P(&data), &resp.State, &resp.Diagnostics)
}

// lookupEphemeralResource is the ephemeral resource of a lookup; M is its model.
type lookupEphemeralResource[M any, P timedLookup[M]] struct {
	spec   lookupSpec
	client *providerClient
}

func (r *lookupEphemeralResource[M, P]) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + r.spec.typeName
}

func (r *lookupEphemeralResource[M, P]) Schema(ctx context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	attrs := r.spec.attrs.ephemeral()
	attrs["timeouts"] = eptimeouts.AttributesWithOpts(ctx, eptimeouts.Opts{OpenDescription: lookupTimeoutDescription})
	resp.Schema = epschema.Schema{MarkdownDescription: r.spec.ephemeralDescription, Attributes: attrs}
}

func (r *lookupEphemeralResource[M, P]) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *lookupEphemeralResource[M, P]) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var data M
	runLookup(ctx, r.client, "ephemeral resource bifrost"+r.spec.typeName, req.Config, P(&data), &resp.Result, &resp.Diagnostics)
}

// dataSourceTimeouts is the timeouts attribute of a data source's model, embedded in it.
type dataSourceTimeouts struct {
	Timeouts dstimeouts.Value `tfsdk:"timeouts"`
}

func (t *dataSourceTimeouts) timeout(ctx context.Context, def time.Duration) (time.Duration, diag.Diagnostics) {
	return t.Timeouts.Read(ctx, def)
}

// ephemeralTimeouts is the timeouts attribute of an ephemeral resource's model, embedded in it.
type ephemeralTimeouts struct {
	Timeouts eptimeouts.Value `tfsdk:"timeouts"`
}

func (t *ephemeralTimeouts) timeout(ctx context.Context, def time.Duration) (time.Duration, diag.Diagnostics) {
	return t.Timeouts.Open(ctx, def)
}
