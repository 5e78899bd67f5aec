# A Bifrost secret, by {scope}/{name}:
terraform import bifrost_secret.stripe 3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a/stripe-live-key

# Adopt an existing Key Vault secret that is not yet a Bifrost entry (e.g. Bifrost's older
# "{org}--{key}" names) by its URL in the provider's vault_url; it keeps its Key Vault name,
# and the next apply adds the provider's tags:
terraform import bifrost_secret.legacy https://bifrost-prod.vault.azure.net/secrets/3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a--stripe-key
