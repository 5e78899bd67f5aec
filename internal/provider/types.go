package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// Custom string types for the values the domain stores in one canonical spelling while users
// may write another: an organization UUID in any case, and a secret id holding one. Their
// semantic equality keeps what the user wrote in state whenever Key Vault holds the same
// scope or secret, so a read never shows a spelling difference as drift; and they validate
// themselves, so every attribute of the type refuses a malformed value at plan.

// canonicalString is a string attribute type whose values are equal when they parse to the
// same canonical form.
type canonicalString struct {
	name      string
	canonical func(string) (string, error)
	summary   string
}

var (
	// scopeType is organization_id: "global" or an organization UUID, any case.
	scopeType = canonicalStringType{&canonicalString{
		name:    "scopeType",
		summary: "Invalid organization_id",
		canonical: func(s string) (string, error) {
			scope, err := bifrost.ParseScope(s)
			return string(scope), err
		},
	}}
	// secretIDType is a secret id, `{scope}/{name}`.
	secretIDType = canonicalStringType{&canonicalString{
		name:    "secretIDType",
		summary: "Invalid secret id",
		canonical: func(s string) (string, error) {
			id, err := bifrost.ParseSecretID(s)
			return id.String(), err
		},
	}}
)

// canonicalStringType is the attr.Type of a canonicalString.
type canonicalStringType struct{ spec *canonicalString }

var _ basetypes.StringTypable = canonicalStringType{}

func (t canonicalStringType) String() string { return t.spec.name }

func (t canonicalStringType) Equal(o attr.Type) bool {
	other, ok := o.(canonicalStringType)
	return ok && other.spec == t.spec
}

func (t canonicalStringType) ValueType(context.Context) attr.Value {
	return canonicalStringValue{spec: t.spec}
}

func (t canonicalStringType) TerraformType(context.Context) tftypes.Type { return tftypes.String }

func (t canonicalStringType) ApplyTerraform5AttributePathStep(step tftypes.AttributePathStep) (any, error) {
	return nil, fmt.Errorf("cannot apply AttributePathStep %T to %s", step, t.spec.name)
}

func (t canonicalStringType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return canonicalStringValue{StringValue: in, spec: t.spec}, nil
}

func (t canonicalStringType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := basetypes.StringType{}.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return canonicalStringValue{StringValue: s, spec: t.spec}, nil
}

// canonicalStringValue is a value of a canonicalStringType.
type canonicalStringValue struct {
	basetypes.StringValue
	spec *canonicalString
}

var (
	_ basetypes.StringValuableWithSemanticEquals = canonicalStringValue{}
	_ xattr.ValidateableAttribute                = canonicalStringValue{}
)

func (v canonicalStringValue) Type(context.Context) attr.Type {
	return canonicalStringType{spec: v.spec}
}

func (v canonicalStringValue) Equal(o attr.Value) bool {
	other, ok := o.(canonicalStringValue)
	return ok && other.spec == v.spec && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals reports whether both values name the same scope or secret.
func (v canonicalStringValue) StringSemanticEquals(_ context.Context, other basetypes.StringValuable) (bool, diag.Diagnostics) {
	o, ok := other.(canonicalStringValue)
	if !ok || v.IsNull() || v.IsUnknown() || o.IsNull() || o.IsUnknown() {
		return false, nil
	}
	a, errA := v.spec.canonical(v.ValueString())
	b, errB := v.spec.canonical(o.ValueString())
	return errA == nil && errB == nil && a == b, nil
}

// ValidateAttribute refuses a known value that does not parse, with the domain's message.
func (v canonicalStringValue) ValidateAttribute(_ context.Context, req xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	if v.IsNull() || v.IsUnknown() {
		return
	}
	if _, err := v.spec.canonical(v.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, v.spec.summary, err.Error())
	}
}

// Canonical returns the value in its canonical spelling; call it on valid values only.
func (v canonicalStringValue) Canonical() string {
	c, _ := v.spec.canonical(v.ValueString())
	return c
}

// scopeValueOf builds an organization_id value.
func scopeValueOf(s string) canonicalStringValue {
	return canonicalStringValue{StringValue: basetypes.NewStringValue(s), spec: scopeType.spec}
}

// secretIDValueOf builds a secret id value, null for "".
func secretIDValueOf(s string) canonicalStringValue {
	if s == "" {
		return canonicalStringValue{StringValue: basetypes.NewStringNull(), spec: secretIDType.spec}
	}
	return canonicalStringValue{StringValue: basetypes.NewStringValue(s), spec: secretIDType.spec}
}
