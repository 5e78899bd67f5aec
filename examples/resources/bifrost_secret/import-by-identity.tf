# Adopt an existing Bifrost secret by its resource identity: the scope (an
# organization id or "global") and the name, as separate attributes.
import {
  to = bifrost_secret.smtp
  identity = {
    organization_id = "global"
    name            = "smtp-password"
  }
}
