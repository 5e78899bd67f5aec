package provider

import (
	"context"

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

// scopeValidator accepts "global" or an organization UUID.
var scopeValidator = domainValidator{
	summary:     "Invalid organization_id",
	description: "must be the literal `global` or an organization UUID",
	check: func(s string) error {
		_, err := bifrost.ParseScope(s)
		return err
	},
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

var secretIDValidator = domainValidator{
	summary:     "Invalid secret id",
	description: "must be `{scope}/{name}`, e.g. the `id` of a `bifrost_secret`",
	check: func(s string) error {
		_, err := bifrost.ParseSecretID(s)
		return err
	},
}
