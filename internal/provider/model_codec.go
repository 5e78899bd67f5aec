package provider

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The entry resources decode and encode their models on every plan, refresh and apply of every
// resource, and the framework's own struct reflection (tfsdk Plan/State/Config Get and Set) is
// the largest part of the provider's CPU per resource: it reads the struct's tags and compiles a
// regular expression for each field on each call (terraform-plugin-framework v1.19.0,
// internal/reflect isValidFieldName; upstream issue hashicorp/terraform-plugin-framework#725).
// The model codec does the same mapping with the fields found once per model type: a model is
// still a struct of attr.Value fields with `tfsdk` tags (embedded structs flattened), and each
// value still comes from its schema type's ValueFromTerraform, so custom types and their
// semantics are the framework's. BenchmarkRPCPlan (rpc_bench_test.go) measures the difference.

// modelField is one `tfsdk`-tagged field of a model struct.
type modelField struct {
	name  string
	index []int
}

// modelCodecs holds the fields of each model type, found on first use; the fields of a type
// never change, so the cache only grows, to one entry per model type.
var modelCodecs sync.Map // reflect.Type -> []modelField

// modelFields returns the tagged fields of struct type t, embedded structs without a tag
// flattened into it, as the framework's reflection reads them.
func modelFields(t reflect.Type) ([]modelField, error) {
	if cached, ok := modelCodecs.Load(t); ok {
		return cached.([]modelField), nil //nolint:forcetypeassert // only []modelField is stored
	}
	fields, err := collectModelFields(t, nil)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(fields))
	for _, f := range fields {
		if seen[f.name] {
			return nil, fmt.Errorf("%s: the tfsdk tag %q is used twice", t, f.name)
		}
		seen[f.name] = true
	}
	modelCodecs.Store(t, fields)
	return fields, nil
}

func collectModelFields(t reflect.Type, prefix []int) ([]modelField, error) {
	attrValue := reflect.TypeFor[attr.Value]()
	var fields []modelField
	for i := range t.NumField() {
		f := t.Field(i)
		index := append(append([]int(nil), prefix...), i)
		tag, tagged := f.Tag.Lookup("tfsdk")
		switch {
		case tag == "-":
		case !tagged && f.Anonymous && f.Type.Kind() == reflect.Struct:
			embedded, err := collectModelFields(f.Type, index)
			if err != nil {
				return nil, err
			}
			fields = append(fields, embedded...)
		case !tagged:
			return nil, fmt.Errorf("%s: field %s has no tfsdk tag", t, f.Name)
		case !f.IsExported() || !f.Type.Implements(attrValue):
			return nil, fmt.Errorf("%s: field %s must be exported and an attr.Value", t, f.Name)
		default:
			fields = append(fields, modelField{name: tag, index: index})
		}
	}
	return fields, nil
}

// getModel decodes raw, a known object of schemaType (a plan's, state's or config's Raw and
// its Schema.Type()), into the model struct target points to.
func getModel(ctx context.Context, raw tftypes.Value, schemaType attr.Type, target any) diag.Diagnostics {
	dst := reflect.ValueOf(target).Elem()
	fields, err := modelFields(dst.Type())
	if err != nil {
		return modelError("read", err)
	}
	attrTypes, err := schemaAttributeTypes(schemaType)
	if err != nil {
		return modelError("read", err)
	}
	var values map[string]tftypes.Value
	if err := raw.As(&values); err != nil || values == nil {
		// The type and state only: the value itself may hold a secret.
		return modelError("read", fmt.Errorf("want a known object of type %s, got a null or unknown one", raw.Type()))
	}
	if len(values) != len(fields) {
		return modelError("read", fmt.Errorf("%s has %d fields, the schema %d attributes", dst.Type(), len(fields), len(values)))
	}
	for _, f := range fields {
		v, ok := values[f.name]
		typ := attrTypes[f.name]
		if !ok || typ == nil {
			return modelError("read", fmt.Errorf("the schema has no attribute %q", f.name))
		}
		value, err := typ.ValueFromTerraform(ctx, v)
		if err != nil {
			return modelError("read", fmt.Errorf("attribute %q: %w", f.name, err))
		}
		field := dst.FieldByIndex(f.index)
		rv := reflect.ValueOf(value)
		if rv.Type() != field.Type() {
			return modelError("read", fmt.Errorf("attribute %q is a %s, the field a %s", f.name, rv.Type(), field.Type()))
		}
		field.Set(rv)
	}
	return nil
}

// modelValue encodes the model struct model points to as an object of schemaType, which tfsdk's
// Set takes as it is.
func modelValue(ctx context.Context, schemaType attr.Type, model any) (tftypes.Value, diag.Diagnostics) {
	src := reflect.ValueOf(model).Elem()
	fields, err := modelFields(src.Type())
	if err != nil {
		return tftypes.Value{}, modelError("write", err)
	}
	attrTypes, err := schemaAttributeTypes(schemaType)
	if err != nil {
		return tftypes.Value{}, modelError("write", err)
	}
	values := make(map[string]tftypes.Value, len(fields))
	types := make(map[string]tftypes.Type, len(fields))
	for _, f := range fields {
		value := src.FieldByIndex(f.index).Interface().(attr.Value) //nolint:forcetypeassert // modelFields checked it
		// Checked first, as the framework does: a value without its element type (a zero Map)
		// cannot even convert.
		if typ := attrTypes[f.name]; typ == nil || !value.Type(ctx).Equal(typ) {
			return tftypes.Value{}, modelError("write", fmt.Errorf("attribute %q: the field's %s is not the schema's %v", f.name, value.Type(ctx), typ))
		}
		v, err := value.ToTerraformValue(ctx)
		if err != nil {
			return tftypes.Value{}, modelError("write", fmt.Errorf("attribute %q: %w", f.name, err))
		}
		values[f.name], types[f.name] = v, v.Type()
	}
	typ := tftypes.Object{AttributeTypes: types}
	if err := tftypes.ValidateValue(typ, values); err != nil {
		return tftypes.Value{}, modelError("write", err)
	}
	return tftypes.NewValue(typ, values), nil
}

// schemaAttributeTypes is the attribute types of a schema's object type.
func schemaAttributeTypes(schemaType attr.Type) (map[string]attr.Type, error) {
	objType, ok := schemaType.(attr.TypeWithAttributeTypes)
	if !ok {
		return nil, fmt.Errorf("the schema's type %T is not an object", schemaType)
	}
	return objType.AttributeTypes(), nil
}

func modelError(verb string, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddError("Provider error: cannot "+verb+" the resource data",
		"This is always a bug in the provider; please report it with this message: "+strings.TrimSpace(err.Error()))
	return diags
}

// settable is a tfsdk.Plan or tfsdk.State to write a whole model into, with its schema's type.
type settable interface {
	Set(ctx context.Context, val any) diag.Diagnostics
}

// setModel writes the model struct model points to into dst, whose schema's type is schemaType.
func setModel(ctx context.Context, dst settable, schemaType attr.Type, model any) diag.Diagnostics {
	v, diags := modelValue(ctx, schemaType, model)
	if diags.HasError() {
		return diags
	}
	return dst.Set(ctx, v)
}
