# Adopt an existing Bifrost secret by its {scope}/{name} id (the scope is an
# organization id or "global"), then plan and apply as usual.
import {
  to = bifrost_secret.stripe
  id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a/stripe-live-key"
}
