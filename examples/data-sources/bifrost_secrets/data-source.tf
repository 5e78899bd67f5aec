# Inventory of an organization's shared secrets, never values.
data "bifrost_secrets" "acme" {
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
}

# Secret ids that a secret_reference config may point at.
output "secret_ids" {
  value = [for s in data.bifrost_secrets.acme.secrets : s.id if s.enabled]
}

# Disabled secrets, e.g. for a clean-up review.
output "disabled_secrets" {
  value = [for s in data.bifrost_secrets.acme.secrets : s.name if !s.enabled]
}
