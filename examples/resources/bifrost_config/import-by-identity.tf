# Adopt an existing Bifrost config by its resource identity: the scope (an
# organization id or "global") and the key, as separate attributes.
import {
  to = bifrost_config.support_email
  identity = {
    organization_id = "global"
    key             = "support_email"
  }
}
