# A Bifrost config, by {scope}/{key} (the scope is an organization id or "global"):
terraform import bifrost_config.stripe_api_key 3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a/stripe_api_key
terraform import bifrost_config.support_email global/support_email

