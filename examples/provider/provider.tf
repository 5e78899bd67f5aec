terraform {
  required_providers {
    bifrost = {
      source = "bifrost-platform/bifrost"
    }
  }
}

# A service principal with the "Key Vault Secrets Officer" role on the vault.
# Every attribute can come from the environment instead (BIFROST_*, ARM_*, AZURE_*).
provider "bifrost" {
  vault_url       = "https://bifrost-prod.vault.azure.net/"
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a" # default scope for resources
  tenant_id       = var.tenant_id
  client_id       = var.client_id
  client_secret   = var.client_secret

  # Destroyed secrets stay recoverable for the vault's retention period unless this is true.
  purge_on_destroy = false

  # Plans warn of entries whose expires_at is within this many days, or past (0: never).
  expiry_warning_days = 30
}

variable "tenant_id" { type = string }
variable "client_id" { type = string }
variable "client_secret" {
  type      = string
  sensitive = true
}
