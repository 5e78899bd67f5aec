# The demo `make demo` applies against the local Key Vault emulator. The provider takes its
# connection from BIFROST_* environment variables that the demo script exports.
terraform {
  required_providers {
    bifrost = { source = "bifrost-platform/bifrost" }
  }
}

provider "bifrost" {}

locals {
  contoso  = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  fabrikam = "9b2d4e61-0c3a-4f5e-8d7c-1a2b3c4d5e6f"
}

# A platform-wide default every organization falls back to.
resource "bifrost_config" "support_email" {
  organization_id = "global"
  key             = "support_email"
  type            = "string"
  value           = "support@msp.example"
}

# One shared secret, referenced by several configs: rotate it once, every config follows.
resource "bifrost_secret" "halo_api" {
  organization_id = local.contoso
  name            = "halo-api-key"
  value           = "halo-demo-key-v1"
  content_type    = "text/plain"
  description     = "HaloPSA API key for Contoso"
  tags            = { owner = "service-desk" }
}

resource "bifrost_config" "halo" {
  for_each        = toset(["halo_tickets_key", "halo_assets_key", "halo_billing_key"])
  organization_id = local.contoso
  key             = each.key
  type            = "secret_reference"
  secret_id       = bifrost_secret.halo_api.id
}

# Two organizations, the same key, different values: each resolves its own.
resource "bifrost_config" "stripe" {
  for_each = {
    (local.contoso)  = "sk_test_contoso"
    (local.fabrikam) = "sk_test_fabrikam"
  }
  organization_id = each.key
  key             = "stripe_api_key"
  type            = "secret"
  value           = each.value
}

resource "bifrost_config" "fabrikam_limits" {
  organization_id = local.fabrikam
  key             = "limits"
  type            = "json"
  value           = jsonencode({ max_devices = 250, tier = "gold" })
}

data "bifrost_config" "resolved" {
  for_each = {
    contoso_stripe   = { org = local.contoso, key = "stripe_api_key" }
    fabrikam_stripe  = { org = local.fabrikam, key = "stripe_api_key" }
    contoso_tickets  = { org = local.contoso, key = "halo_tickets_key" }
    fabrikam_support = { org = local.fabrikam, key = "support_email" }
  }
  organization_id = each.value.org
  key             = each.value.key
  depends_on      = [bifrost_config.stripe, bifrost_config.halo, bifrost_config.support_email]
}

locals {
  org_names = { (local.contoso) = "contoso", (local.fabrikam) = "fabrikam", global = "global" }
}

output "resolved" {
  description = "What a workflow's config.get would return, and from which scope."
  sensitive   = true
  value = {
    for k, d in data.bifrost_config.resolved : k => {
      type           = d.type
      resolved_scope = d.resolved_scope
      secret_id      = d.secret_id
      value          = d.value
    }
  }
}

# The same answers as a table, for `make demo` to print last (`output -raw resolved_table`).
output "resolved_table" {
  description = "One line per config.get: the organization asking, the key, the config's type, the scope it was found in, and the value."
  sensitive   = true
  value = join("\n", concat(
    [format("%-9s %-17s %-17s %-9s %s", "org", "config.get(key)", "type", "found in", "value")],
    [for k, d in data.bifrost_config.resolved : format("%-9s %-17s %-17s %-9s %s",
      local.org_names[d.organization_id], d.key, d.type, local.org_names[d.resolved_scope],
      d.secret_id == null ? d.value : format("%s  (via the shared secret %s/%s)", d.value,
      local.org_names[split("/", d.secret_id)[0]], split("/", d.secret_id)[1])
    )]
  ))
}
