# Resolve a config like config.get for this run only: the value never enters
# the plan or the state. Needs Terraform >= 1.10 or OpenTofu >= 1.11.
ephemeral "bifrost_config" "stripe" {
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  key             = "stripe_api_key"
}

# Feed it to a provider block (provider blocks accept ephemeral values) ...
provider "stripe" {
  api_key = ephemeral.bifrost_config.stripe.value
}

# ... or to a write-only argument (Terraform >= 1.11, OpenTofu >= 1.11), here
# copying it into a second organization.
resource "bifrost_config" "stripe_copy" {
  organization_id  = "8b0e6d1a-2c4f-4e3a-9b7d-1f2e3a4b5c6d"
  key              = "stripe_api_key"
  type             = "secret"
  value_wo         = ephemeral.bifrost_config.stripe.value
  value_wo_version = 1
}
