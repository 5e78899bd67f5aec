# Inventory of an organization's configs: keys, types and metadata, never values.
data "bifrost_configs" "acme" {
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
}

output "sensitive_config_keys" {
  value = [
    for c in data.bifrost_configs.acme.configs : c.key
    if contains(["secret", "secret_reference"], c.type)
  ]
}
