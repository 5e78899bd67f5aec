# One PSA API token shared by several workflows of an organization: the token is
# a bifrost_secret, and each workflow's config points at it. Rotating the secret
# rotates every config that references it, without touching the configs.
resource "bifrost_secret" "psa_token" {
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  name            = "psa-api-token"
  value           = var.psa_token
  description     = "ConnectWise PSA API token"
}

resource "bifrost_config" "ticketing_token" {
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  key             = "ticketing_api_token"
  type            = "secret_reference"
  secret_id       = bifrost_secret.psa_token.id
  description     = "Used by the ticket triage workflow"
}

resource "bifrost_config" "billing_token" {
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  key             = "billing_api_token"
  type            = "secret_reference"
  secret_id       = bifrost_secret.psa_token.id
  description     = "Used by the monthly billing sync"
}

# A config may also point at a platform-wide secret in the global scope.
resource "bifrost_config" "smtp_password" {
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  key             = "smtp_password"
  type            = "secret_reference"
  secret_id       = "global/smtp-password"
}

# A config with its own secret value, kept out of plan and state
# (Terraform >= 1.11, OpenTofu >= 1.11). A new value_wo is written when it differs from the
# vault's; configs take expiry dates too, which the plan warns of 30 days ahead.
resource "bifrost_config" "stripe_api_key" {
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  key             = "stripe_api_key"
  type            = "secret"
  value_wo        = var.stripe_api_key
  expires_at      = "2027-06-30T00:00:00Z"
}

# A secret config whose value is set once and then rotated outside Terraform (in Bifrost's
# settings, the portal or a rotation function): later versions are not drift.
resource "bifrost_config" "webhook_signing_secret" {
  organization_id  = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  key              = "webhook_signing_secret"
  type             = "secret"
  initial_value_wo = var.webhook_initial_secret
}

# Plain settings: what config.get returns as a string, number, boolean or object.
resource "bifrost_config" "default_region" {
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  key             = "default_region"
  type            = "string"
  value           = "westeurope"
}

resource "bifrost_config" "max_retries" {
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  key             = "max_retries"
  type            = "int"
  value           = "5"
}

resource "bifrost_config" "tickets_enabled" {
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  key             = "tickets_enabled"
  type            = "bool"
  value           = "true"
}

resource "bifrost_config" "escalation_policy" {
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  key             = "escalation_policy"
  type            = "json"
  value = jsonencode({
    levels        = ["tier1", "tier2", "on-call"]
    after_minutes = 30
  })
}

# A platform-wide default every organization falls back to.
resource "bifrost_config" "support_email" {
  organization_id = "global"
  key             = "support_email"
  type            = "string"
  value           = "support@example.com"
}

variable "psa_token" {
  type      = string
  sensitive = true
}

variable "stripe_api_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "webhook_initial_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}
