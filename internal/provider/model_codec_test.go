package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// secretSchemaState is an empty state of bifrost_secret's schema.
func secretSchemaState(t *testing.T) tfsdk.State {
	t.Helper()
	var resp resource.SchemaResponse
	NewSecretResource().Schema(context.Background(), resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	return tfsdk.State{Schema: resp.Schema}
}

// The codec and the framework's reflection agree: what one writes, the other reads the same.
func TestModelCodecMatchesFrameworkReflection(t *testing.T) {
	ctx := context.Background()
	state := secretSchemaState(t)
	want := secretResourceModel{Name: types.StringValue("stripe"), ContentType: types.StringNull(), Enabled: types.BoolValue(true),
		Tags: types.MapValueMust(types.StringType, map[string]attr.Value{"team": types.StringValue("payments")}), CopyFrom: types.StringNull()}
	want.entryModel = entryModel{ID: types.StringValue(testOrg + "/stripe"), OrganizationID: scopeValueOf(testOrg),
		Value: types.StringValue("v"), ValueWO: types.StringNull(), ValueWOVersion: types.Int64Null(), InitialValueWO: types.StringNull(),
		NotBefore: timetypes.NewRFC3339Null(), ExpiresAt: timetypes.NewRFC3339ValueMust("2030-01-02T03:04:05Z"), Description: types.StringUnknown(),
		Version: types.StringValue("0123456789abcdef0123456789abcdef"), KeyVaultSecretName: types.StringValue("kv-name"),
		KeyVaultSecretID: types.StringNull(), CreatedAt: timetypes.NewRFC3339Null(), UpdatedAt: timetypes.NewRFC3339Null()}
	timeoutsType, d := state.Schema.TypeAtPath(ctx, path.Root("timeouts"))
	if d.HasError() {
		t.Fatal(d)
	}
	nullTimeouts, err := timeoutsType.ValueFromTerraform(ctx, tftypes.NewValue(timeoutsType.TerraformType(ctx), nil))
	if err != nil {
		t.Fatal(err)
	}
	want.Timeouts = nullTimeouts.(timeouts.Value) //nolint:forcetypeassert // the schema's timeouts type makes one

	// Written by the codec, read by the framework.
	if d := setModel(ctx, &state, state.Schema.Type(), &want); d.HasError() {
		t.Fatalf("setModel: %v", d)
	}
	var byFramework secretResourceModel
	if d := state.Get(ctx, &byFramework); d.HasError() {
		t.Fatalf("framework Get: %v", d)
	}
	// Written by the framework, read by the codec.
	framework := secretSchemaState(t)
	if d := framework.Set(ctx, &want); d.HasError() {
		t.Fatalf("framework Set: %v", d)
	}
	if !framework.Raw.Equal(state.Raw) {
		t.Errorf("the codec wrote\n%s\nthe framework\n%s", state.Raw, framework.Raw)
	}
	var byCodec secretResourceModel
	if d := getModel(ctx, framework.Raw, framework.Schema.Type(), &byCodec); d.HasError() {
		t.Fatalf("getModel: %v", d)
	}
	for name, got := range map[string]secretResourceModel{"framework": byFramework, "codec": byCodec} {
		if !got.Tags.Equal(want.Tags) || !got.ExpiresAt.Equal(want.ExpiresAt) || !got.Description.IsUnknown() ||
			!got.OrganizationID.Equal(want.OrganizationID) || !got.Name.Equal(want.Name) || !got.Timeouts.IsNull() {
			t.Errorf("the %s read back %+v, want %+v", name, got, want)
		}
	}
}

// A model that does not match the schema is a provider bug, said as such, not a panic.
func TestModelCodecRefusesMismatchedModels(t *testing.T) {
	ctx := context.Background()
	state := secretSchemaState(t)
	if d := state.Set(ctx, tftypes.NewValue(state.Schema.Type().TerraformType(ctx), nil)); d.HasError() {
		t.Fatal(d)
	}
	type tooSmall struct {
		Name types.String `tfsdk:"name"`
	}
	type untagged struct {
		Name types.String
	}
	type duplicate struct {
		A types.String `tfsdk:"name"`
		B types.String `tfsdk:"name"`
	}
	var m secretResourceModel
	for name, target := range map[string]any{"null object": &m, "too small": &tooSmall{}, "untagged": &untagged{}, "duplicate": &duplicate{}} {
		d := getModel(ctx, state.Raw, state.Schema.Type(), target)
		if !d.HasError() || !strings.Contains(d[0].Detail(), "bug in the provider") {
			t.Errorf("%s: getModel said %v, want a provider-bug error", name, d)
		}
	}
	// A map without its element type does not have the schema's type.
	var zero secretResourceModel
	if d := setModel(ctx, &state, state.Schema.Type(), &zero); !d.HasError() {
		t.Error("setModel of a zero model succeeded")
	}
}
