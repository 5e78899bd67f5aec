# Read a config the way a workflow's config.get("stripe_api_key") does: the
# organization's own config, else the global one, following a secret_reference
# to the shared secret it points at.
data "bifrost_config" "stripe" {
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  key             = "stripe_api_key"
}

# Require the organization's own config: no fallback to global.
data "bifrost_config" "webhook_url" {
  organization_id    = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  key                = "billing_webhook_url"
  fallback_to_global = false
}

output "stripe_key_source" {
  # "global" when the organization has no stripe_api_key of its own; secret_id
  # names the shared secret when the config is a secret_reference.
  value = {
    resolved_scope = data.bifrost_config.stripe.resolved_scope
    type           = data.bifrost_config.stripe.type
    secret_id      = data.bifrost_config.stripe.secret_id
  }
}

# Pin a config that holds its own value to one version. Not for a
# secret_reference (an error): pin the referenced secret with the bifrost_secret
# data source instead.
data "bifrost_config" "rate_limit_pinned" {
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  key             = "rate_limit"
  version         = "1d2c3b4a59687f6e5d4c3b2a19081726"
}
