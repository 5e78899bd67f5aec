package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// List resources (Terraform >= 1.14): `list "bifrost_secret"` and `list "bifrost_config"`
// blocks in a .tfquery.hcl file find the entries of one scope, so that
// `terraform query -generate-config-out=FILE` writes a resource and an import block for each.
// Both are one core over the entry resources' models, as the resources themselves are.
// A result never carries a value: Key Vault's list has none, and a generated file must not
// hold one either; the user fills `value` (or `value_wo`) before planning.

var (
	_ list.ListResourceWithConfigure = (*entryListResource[secretResourceModel, *secretResourceModel])(nil)
	_ list.ListResourceWithConfigure = (*entryListResource[configResourceModel, *configResourceModel])(nil)
)

// entryListResource lists the entries of one kind as results of the managed resource of the
// same type name; M is that resource's model.
type entryListResource[M any, P interface {
	*M
	entryResourceModel
}] struct {
	client *providerClient
	entryKind
}

func (r *entryListResource[M, P]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + string(r.kind)
}

func (r *entryListResource[M, P]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *entryListResource[M, P]) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	attrs := map[string]schema.Attribute{
		"organization_id": schema.StringAttribute{
			CustomType: scopeType,
			Optional:   true,
			MarkdownDescription: "Scope to list: an organization UUID (any case) or `global`. " +
				"Defaults to the provider's `organization_id`; one of the two must be set.",
		},
	}
	if r.kind == bifrost.KindConfig {
		attrs["type"] = schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Only configs of this type: " + configTypesText() + ". Default: every type.",
			Validators:          []validator.String{stringvalidator.OneOf(configTypeNames()...)},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds the " + string(r.kind) + "s of one scope (an organization, or `global`), sorted by " + r.nameAttr +
			", each with its identity and metadata but never its value, for `terraform query` and " +
			"`-generate-config-out` (Terraform >= 1.14): see the [generated configuration](../guides/generated-configuration.md) guide.",
		Attributes: attrs,
	}
}

// List reads the scope's entries once (Store.List has filtered them by scope and kind and sorted
// them) and streams one result per entry.
func (r *entryListResource[M, P]) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	var orgID canonicalStringValue
	var configType types.String
	diags.Append(req.Config.GetAttribute(ctx, path.Root("organization_id"), &orgID)...)
	if r.kind == bifrost.KindConfig {
		diags.Append(req.Config.GetAttribute(ctx, path.Root("type"), &configType)...)
	}
	if r.client == nil {
		diags.AddError("Provider not configured", "The list ran before the bifrost provider was configured. This is a bug in the provider or the CLI; please report it.")
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	if _, d := r.client.connect("Listing " + string(r.kind) + "s"); d.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(d)
		return
	}
	scope, d := r.client.resolveScope(orgID.StringValue, path.Root("organization_id"))
	if d.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(d)
		return
	}
	entries, err := r.client.list(ctx, scope, r.kind)
	if err != nil {
		diags.Append(r.client.storeDiagnostic("listing "+string(r.kind)+"s in "+string(scope), err))
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	tflog.Debug(ctx, "listed bifrost entries for a list resource", map[string]any{"scope": string(scope), "kind": string(r.kind), "count": len(entries)})
	stream.Results = func(push func(list.ListResult) bool) {
		var pushed int64
		for i := range entries {
			e := &entries[i]
			if !configType.IsNull() && string(e.Type) != configType.ValueString() {
				continue
			}
			if req.Limit > 0 && pushed >= req.Limit {
				return
			}
			if !push(r.result(ctx, req, e)) {
				return
			}
			pushed++
		}
	}
}

// result is one entry's result: its identity, and, when Terraform asks for it, the resource
// object as an import would start it, with the value attributes null.
func (r *entryListResource[M, P]) result(ctx context.Context, req list.ListRequest, e *bifrost.Entry) list.ListResult {
	res := req.NewListResult(ctx)
	res.DisplayName = e.Name
	res.Diagnostics.Append(setEntryIdentity(ctx, res.Identity, r.nameAttr, string(e.Scope), e.Name)...)
	if !req.IncludeResource || res.Diagnostics.HasError() {
		return res
	}
	var model M
	m := P(&model)
	s := m.shared()
	s.OrganizationID = scopeValueOf(string(e.Scope))
	s.fromEntry(e)
	m.fromEntry(e, false, &res.Diagnostics)
	s.setComputed(e)
	// A listing has no value and no version (Key Vault lists versionless ids); the generated
	// configuration leaves the value for the user to fill.
	s.Value, s.ValueWO, s.ValueWOVersion, s.Version = types.StringNull(), types.StringNull(), types.Int64Null(), types.StringNull()
	s.Timeouts = timeouts.Value{Object: types.ObjectNull(r.timeoutsAttributeTypes(ctx, req, &res.Diagnostics))}
	res.Diagnostics.Append(res.Resource.Set(ctx, m)...)
	res.Diagnostics.Append(res.Resource.SetAttribute(ctx, path.Root(r.nameAttr), e.Name)...)
	return res
}

// timeoutsAttributeTypes returns the attribute types of the resource's timeouts object, so
// that its null value has the schema's type.
func (r *entryListResource[M, P]) timeoutsAttributeTypes(ctx context.Context, req list.ListRequest, diags *diag.Diagnostics) map[string]attr.Type {
	t, d := req.ResourceSchema.TypeAtPath(ctx, path.Root("timeouts"))
	diags.Append(d...)
	if withTypes, ok := t.(attr.TypeWithAttributeTypes); ok {
		return withTypes.AttributeTypes()
	}
	return map[string]attr.Type{}
}
