package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestCheckValueSources(t *testing.T) {
	set, null, unknown := types.StringValue("v"), types.StringNull(), types.StringUnknown()
	cases := []struct {
		name     string
		value    types.String
		valueWO  types.String
		required bool
		want     string // the error's summary, "" for none
	}{
		{"one", set, null, true, ""},
		{"the other", null, set, true, ""},
		{"none, required", null, null, true, "Missing Attribute Configuration"},
		{"none, optional", null, null, false, ""},
		{"two", set, set, false, "Invalid Attribute Combination"},
		{"one unknown, required", unknown, null, true, ""},
		{"set and unknown", set, unknown, true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var diags diag.Diagnostics
			checkValueSources([]namedValue{{"value", c.value}, {"value_wo", c.valueWO}}, c.required, &diags)
			got := ""
			if diags.HasError() {
				got = diags[0].Summary()
			}
			if got != c.want || len(diags) > 1 {
				t.Errorf("diagnostics %v, want one with summary %q", diags, c.want)
			}
		})
	}
}
