package provider

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	epschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// What the data sources and their ephemeral twins share. The framework gives each its own
// schema types, so an attribute is described once in a lookupAttr table and converted to
// either kind of schema; the reading itself is one method of the shared model, called by
// both the data source's Read and the ephemeral resource's Open through runLookup.

// lookupAttrKind is the Terraform type of a lookup attribute.
type lookupAttrKind int

const (
	lookupString lookupAttrKind = iota
	lookupBool
	lookupStringMap
	lookupStringSet
	lookupMap // a map of elementType
)

// lookupAttr describes one attribute of a data source and its ephemeral twin. An attribute
// that is neither required nor optional is computed; an optional one may be computed too (an
// input that the answer fills when the configuration leaves it out).
type lookupAttr struct {
	kind        lookupAttrKind
	description string
	required    bool
	optional    bool
	computed    bool
	sensitive   bool
	customType  basetypes.StringTypable
	validators  []validator.String
	// setValidators check a lookupStringSet.
	setValidators []validator.Set
	// elementType is the element type of a lookupMap.
	elementType attr.Type
}

type lookupAttrs map[string]lookupAttr

// dataSource returns the attributes as a data source schema's.
func (attrs lookupAttrs) dataSource() map[string]dsschema.Attribute {
	out := make(map[string]dsschema.Attribute, len(attrs))
	for name, a := range attrs {
		computed := a.computed || (!a.required && !a.optional)
		switch a.kind {
		case lookupBool:
			out[name] = dsschema.BoolAttribute{Required: a.required, Optional: a.optional, Computed: computed, Sensitive: a.sensitive, MarkdownDescription: a.description}
		case lookupStringMap:
			out[name] = dsschema.MapAttribute{ElementType: types.StringType, Required: a.required, Optional: a.optional, Computed: computed, Sensitive: a.sensitive, MarkdownDescription: a.description}
		case lookupStringSet:
			out[name] = dsschema.SetAttribute{ElementType: types.StringType, Required: a.required, Optional: a.optional, Computed: computed, Sensitive: a.sensitive, MarkdownDescription: a.description, Validators: a.setValidators}
		case lookupMap:
			out[name] = dsschema.MapAttribute{ElementType: a.elementType, Required: a.required, Optional: a.optional, Computed: computed, Sensitive: a.sensitive, MarkdownDescription: a.description}
		default:
			out[name] = dsschema.StringAttribute{CustomType: a.customType, Required: a.required, Optional: a.optional, Computed: computed, Sensitive: a.sensitive, MarkdownDescription: a.description, Validators: a.validators}
		}
	}
	return out
}

// ephemeral returns the attributes as an ephemeral resource schema's.
func (attrs lookupAttrs) ephemeral() map[string]epschema.Attribute {
	out := make(map[string]epschema.Attribute, len(attrs))
	for name, a := range attrs {
		computed := a.computed || (!a.required && !a.optional)
		switch a.kind {
		case lookupBool:
			out[name] = epschema.BoolAttribute{Required: a.required, Optional: a.optional, Computed: computed, Sensitive: a.sensitive, MarkdownDescription: a.description}
		case lookupStringMap:
			out[name] = epschema.MapAttribute{ElementType: types.StringType, Required: a.required, Optional: a.optional, Computed: computed, Sensitive: a.sensitive, MarkdownDescription: a.description}
		case lookupStringSet:
			out[name] = epschema.SetAttribute{ElementType: types.StringType, Required: a.required, Optional: a.optional, Computed: computed, Sensitive: a.sensitive, MarkdownDescription: a.description, Validators: a.setValidators}
		case lookupMap:
			out[name] = epschema.MapAttribute{ElementType: a.elementType, Required: a.required, Optional: a.optional, Computed: computed, Sensitive: a.sensitive, MarkdownDescription: a.description}
		default:
			out[name] = epschema.StringAttribute{CustomType: a.customType, Required: a.required, Optional: a.optional, Computed: computed, Sensitive: a.sensitive, MarkdownDescription: a.description, Validators: a.validators}
		}
	}
	return out
}

// computedTime is a computed RFC 3339 time attribute.
func computedTime(description string) lookupAttr {
	return lookupAttr{customType: timetypes.RFC3339Type{}, description: description}
}

// lookupTimeoutDefault bounds a read when the configuration sets no timeouts: a read is a few
// Key Vault requests, and throttled or failed requests are retried until this deadline.
const lookupTimeoutDefault = 5 * time.Minute

// lookupTimeoutDescription documents the timeouts of every data source and ephemeral resource.
const lookupTimeoutDescription = "How long to wait for Key Vault, as a [duration](https://pkg.go.dev/time#ParseDuration) " +
	"such as `\"30s\"` or `\"2m\"`. Default `\"5m\"`. Requests that Key Vault throttled (429, honouring Retry-After), " +
	"failed (5xx) or dropped are retried within this time."

// lookupModel is the shared model of a data source and its ephemeral twin.
type lookupModel interface {
	// lookup reads the answer from Key Vault into the model.
	lookup(ctx context.Context, c *providerClient) diag.Diagnostics
}

// lookupResult is where an answer goes: the data source's state or the ephemeral result.
type lookupResult interface {
	Set(ctx context.Context, val any) diag.Diagnostics
}

// runLookup is the body of a data source's Read and an ephemeral resource's Open: decode the
// configuration into data, bound the read by its timeout, read, and hand the answer over.
func runLookup(ctx context.Context, c *providerClient, what string, cfg tfsdk.Config, data interface {
	lookupModel
	timeout(context.Context, time.Duration) (time.Duration, diag.Diagnostics)
}, out lookupResult, diags *diag.Diagnostics) {
	diags.Append(cfg.Get(ctx, data)...)
	if diags.HasError() {
		return
	}
	if c == nil {
		diags.AddError("Provider not configured",
			"The Bifrost provider was not configured when "+what+" was read. This is a bug in the provider: please report it.")
		return
	}
	// The lookups read c.store, which connect sets.
	if _, d := c.connect("Reading " + what); d.HasError() {
		diags.Append(d...)
		return
	}
	if c.defaultScopeUnknown() && !setsOwnScope(ctx, cfg) {
		diags.AddAttributeError(path.Root("organization_id"), "Scope not known until apply",
			what+" takes its scope from the provider's organization_id, which depends on values known only after apply, "+
				"and it must read Key Vault during the plan. Set organization_id on it, or set the provider's organization_id "+
				"from a variable or a value known before apply.")
		return
	}
	d, dd := data.timeout(ctx, lookupTimeoutDefault)
	diags.Append(dd...)
	if diags.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	diags.Append(data.lookup(ctx, c)...)
	if diags.HasError() {
		return
	}
	diags.Append(out.Set(ctx, data)...)
}

// lookupTags converts user tags to a map value; no tags is an empty map (not null), so that
// lookup() and length() work without a null check.
func lookupTags(tags map[string]string) types.Map {
	v := tagsValue(tags, types.MapValueMust(types.StringType, nil))
	return v
}

// setsOwnScope reports whether a lookup's configuration sets its own organization_id, so that
// it does not need the provider's.
func setsOwnScope(ctx context.Context, cfg tfsdk.Config) bool {
	var org attr.Value
	diags := cfg.GetAttribute(ctx, path.Root("organization_id"), &org)
	return !diags.HasError() && org != nil && !org.IsNull()
}

// warnExpired warns for each entry a read returned that is past its expiry date: Key Vault
// returns the value anyway (it does not enforce expiry dates), so the read succeeds.
func warnExpired(diags *diag.Diagnostics, entries ...*bifrost.Entry) {
	for _, e := range entries {
		if e == nil {
			continue
		}
		what := bifrost.EntryDescription(e.Scope, e.Kind, e.Name)
		if notice, expired, _ := bifrost.ExpiryNotice(what, e.ExpiresAt, time.Now(), math.MaxInt64); expired {
			diags.AddWarning(fmt.Sprintf("Read a %s past its expiry date", e.Kind),
				notice+". Rotate it and move its expiry date (expires_at on its resource), or read another entry.")
		}
	}
}
