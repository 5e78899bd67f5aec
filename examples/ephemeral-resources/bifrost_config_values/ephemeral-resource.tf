# Resolve an application's configuration for this run only, like config.get
# for each key: the values never enter the plan or the state. Needs
# Terraform >= 1.10 or OpenTofu >= 1.11.
ephemeral "bifrost_config_values" "billing" {
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  keys            = ["stripe_api_key", "billing_webhook_url"]
}

# Write-only arguments accept ephemeral values (Terraform >= 1.11, OpenTofu >=
# 1.11): copy the keys into a staging organization without storing them. Bump
# value_wo_version to copy new values after a rotation.
resource "bifrost_config" "staging" {
  for_each         = toset(["stripe_api_key", "billing_webhook_url"])
  organization_id  = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"
  key              = each.key
  type             = "secret"
  value_wo         = ephemeral.bifrost_config_values.billing.values[each.key]
  value_wo_version = 1
}
