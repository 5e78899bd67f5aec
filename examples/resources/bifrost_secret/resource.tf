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
# Bump value_wo_version to write a new value.
resource "bifrost_secret" "smtp" {
  organization_id  = "global"
  name             = "smtp-password"
  value_wo         = var.smtp_password
  value_wo_version = 3

  # Each operation may take 5 minutes by default, retries of throttled requests included.
  timeouts = {
    create = "10m"
  }
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
