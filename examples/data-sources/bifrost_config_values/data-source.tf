# An application's whole configuration in one block: every key a workflow's
# config.get can see from the organization (its own configs, then the global
# ones it does not override), secret_references followed to their secrets.
data "bifrost_config_values" "billing" {
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
}

# Only the keys the application reads: a key found nowhere is an error that
# names every missing key, as config.get would fail on each.
data "bifrost_config_values" "billing_api" {
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  keys            = ["stripe_api_key", "billing_webhook_url", "rate_limit"]
}

# values is sensitive: pass it on whole, or pick a key.
output "billing_rate_limit" {
  value     = data.bifrost_config_values.billing_api.values["rate_limit"]
  sensitive = true
}

# sources is not: where each key came from ("global" after a fallback) and,
# for a secret_reference, which secret it points at.
output "billing_sources" {
  value = data.bifrost_config_values.billing.sources
}
