# A secret shared by several configs of one organization.
resource "bifrost_secret" "stripe" {
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  name            = "stripe-live-key"
  value           = var.stripe_key
  content_type    = "text/plain"
  description     = "Stripe live key used by billing workflows"
  expires_at      = "2027-06-30T00:00:00Z"
  tags            = { owner = "billing" }
}

# The same, keeping the value out of plan and state (Terraform >= 1.11, OpenTofu >= 1.11).
# A new value_wo is written when it differs from the vault's value: each plan compares them,
# and nothing derived from the value is stored. (With value_wo_version, the value is written
# only when that number changes.)
resource "bifrost_secret" "smtp" {
  organization_id = "global"
  name            = "smtp-password"
  value_wo        = var.smtp_password
  expires_at      = "2027-03-31T00:00:00Z" # the plan warns 30 days ahead (expiry_warning_days)

  # Each operation may take 5 minutes by default, retries of throttled requests included.
  timeouts = {
    create = "10m"
  }
}

# A value owned outside Terraform: written once at creation, then rotated in the portal, with
# `az keyvault secret set` or by a rotation function; versions written there are not drift.
# Terraform keeps the entry, its metadata and the configs that reference it.
resource "bifrost_secret" "psa" {
  organization_id  = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  name             = "psa-api-token"
  initial_value_wo = var.psa_initial_token
  description      = "Rotated monthly by the PSA team"
}

# Migration from a legacy {org}--{key} secret: the provider copies its latest value into this
# secret's contract name, keeping it out of the configuration, plan and state, and leaves the
# legacy secret as it is. See the migration guide.
resource "bifrost_secret" "sentry" {
  organization_id             = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  name                        = "sentry-dsn"
  value_from_key_vault_secret = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a--sentry-dsn"
}

variable "stripe_key" {
  type      = string
  sensitive = true
}

variable "smtp_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "psa_initial_token" {
  type      = string
  sensitive = true
  ephemeral = true
}
