package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// domainValidator runs one of the domain's checks at plan time, so that a value Terraform knows
// before apply is refused with the domain's own message instead of failing mid-apply.
type domainValidator struct {
	summary     string
	description string
	check       func(string) error
}

var _ validator.String = domainValidator{}

func (v domainValidator) Description(context.Context) string { return v.description }

func (v domainValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v domainValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, err.Error())
	}
}

var secretNameValidator = domainValidator{
	summary:     "Invalid secret name",
	description: "must match ^[A-Za-z0-9_-]{1,100}$",
	check:       bifrost.ValidateSecretName,
}

var configKeyValidator = domainValidator{
	summary:     "Invalid config key",
	description: "must match ^[A-Za-z0-9_]{1,100}$",
	check:       bifrost.ValidateConfigKey,
}

var valueSizeValidator = domainValidator{
	summary:     "Value too large",
	description: fmt.Sprintf("at most %d bytes", bifrost.MaxValueBytes),
	check: func(v string) error {
		// The message gives sizes only: the value itself must never appear in a diagnostic.
		if len(v) > bifrost.MaxValueBytes {
			return fmt.Errorf("the value is %d bytes long; Key Vault stores at most %d bytes (25 KB) per secret. Store large files elsewhere and keep a reference here", len(v), bifrost.MaxValueBytes)
		}
		return nil
	},
}

var contentTypeValidator = domainValidator{
	summary:     "Invalid content_type",
	description: fmt.Sprintf("at most %d bytes", bifrost.MaxContentTypeLength),
	check:       bifrost.ValidateContentType,
}

var descriptionValidator = domainValidator{
	summary:     "Invalid description",
	description: fmt.Sprintf("at most %d bytes (it is kept in a Key Vault tag)", bifrost.MaxTagValueLength),
	check:       bifrost.ValidateDescription,
}

// wholeSecondsValidator refuses a time with a fraction of a second: Key Vault keeps whole
// seconds, so such a time would read back as another one and show as drift forever.
var wholeSecondsValidator = domainValidator{
	summary:     "Invalid time",
	description: "whole seconds (Key Vault keeps no fractions)",
	check: func(s string) error {
		t, err := time.Parse(time.RFC3339, s)
		if err == nil && t.Nanosecond() != 0 {
			return fmt.Errorf("%q has a fraction of a second; Key Vault keeps whole seconds, so write it like 2030-01-31T00:00:00Z", s)
		}
		return nil // timetypes.RFC3339 reports malformed times itself
	},
}

// tagsValidator checks each known tag with the domain's rules (reserved prefix, Key Vault's
// key and value lengths); values only known at apply are checked then. Their number depends
// on the description too, so the resource's ValidateConfig counts them.
type tagsValidator struct{}

var _ validator.Map = tagsValidator{}

func (tagsValidator) Description(context.Context) string {
	return fmt.Sprintf("keys of 1 to %d bytes not starting with %q, values of at most %d bytes", bifrost.MaxTagKeyLength, bifrost.ReservedTagPrefix, bifrost.MaxTagValueLength)
}

func (v tagsValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (tagsValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	tags := tagsOf(req.ConfigValue)
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		if err := bifrost.ValidateTag(k, tags[k]); err != nil {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(k), "Invalid tags", err.Error())
		}
	}
}

// namedValue is a configuration attribute and its value, for the checks on several attributes.
type namedValue struct {
	name  string
	value attr.Value
}

// checkValueSources checks the attributes that give an entry its value: no two may be set and,
// when required, one must be, unless one is unknown until apply. The summaries are those of
// resourcevalidator.Conflicting and ExactlyOneOf; the check runs on the model ValidateConfig
// has already decoded, because those validators walk the whole configuration for each of their
// paths, a tenth of the provider's CPU per resource per plan (BenchmarkRPCPlan).
func checkValueSources(attrs []namedValue, required bool, diags *diag.Diagnostics) {
	names := make([]string, len(attrs))
	var set []string
	unknown := false
	for i, a := range attrs {
		names[i] = a.name
		switch {
		case a.value.IsUnknown():
			unknown = true
		case !a.value.IsNull():
			set = append(set, a.name)
		}
	}
	list := "[" + strings.Join(names, ",") + "]"
	switch {
	case len(set) > 1:
		diags.AddAttributeError(path.Root(set[0]), "Invalid Attribute Combination",
			fmt.Sprintf("Only one of %s may be set, but %s are; remove all but one.", list, strings.Join(set, " and ")))
	case len(set) == 0 && required && !unknown:
		diags.AddError("Missing Attribute Configuration", fmt.Sprintf("Exactly one of %s must be set; none is.", list))
	}
}
