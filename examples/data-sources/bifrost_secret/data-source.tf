# Read a shared secret of an organization with its metadata.
data "bifrost_secret" "stripe" {
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  name            = "stripe-live-key"
}

# Secrets do not fall back to global: a global secret is read by its scope.
data "bifrost_secret" "smtp" {
  organization_id = "global"
  name            = "smtp-password"
}

output "stripe_key_expires_at" {
  value = data.bifrost_secret.stripe.expires_at
}
