# Resolve a config like config.get for this run only: the value never enters
# the plan or the state. Needs Terraform >= 1.10 or OpenTofu >= 1.11.
ephemeral "bifrost_config" "stripe" {
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  key             = "stripe_api_key"
}

# Provider blocks accept ephemeral values: here a global config holds the client
# secret of the service principal that manages a second (staging) vault.
ephemeral "bifrost_config" "staging_client_secret" {
  organization_id = "global"
  key             = "staging_vault_client_secret"
}

provider "bifrost" {
  alias         = "staging"
  vault_url     = "https://bifrost-staging.vault.azure.net/"
  tenant_id     = "0d7c3b2a-5e4f-4a1b-8c9d-6e5f4a3b2c1d"
  client_id     = "5b0f3c1e-8d2a-4f6b-9c7e-0a1b2c3d4e5f"
  client_secret = ephemeral.bifrost_config.staging_client_secret.value
}

# Write-only arguments accept them too (Terraform >= 1.11, OpenTofu >= 1.11):
# copy the production Stripe key into the staging vault, never storing it in
# plan or state. Bump value_wo_version to copy a new value after a rotation.
resource "bifrost_config" "staging_stripe" {
  provider         = bifrost.staging
  organization_id  = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  key              = "stripe_api_key"
  type             = "secret"
  value_wo         = ephemeral.bifrost_config.stripe.value
  value_wo_version = 1
}
