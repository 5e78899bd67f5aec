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

# Pin the read to one version (its Key Vault version id): a rotation of the
# secret does not change what this reads, as long as Key Vault keeps the version
# and it stays enabled.
data "bifrost_secret" "stripe_pinned" {
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  name            = "stripe-live-key"
  version         = "8f3b2c1d4e5f60718293a4b5c6d7e8f9"
}
