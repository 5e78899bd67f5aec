# Read a secret for this run only: the value never enters the plan or the
# state. Needs Terraform >= 1.10 or OpenTofu >= 1.11.
ephemeral "bifrost_secret" "smtp" {
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  name            = "smtp-password"
}

# Pass it on through a write-only argument (Terraform >= 1.11, OpenTofu >= 1.11),
# e.g. to another organization's secret; bump value_wo_version to copy a new
# value after a rotation.
resource "bifrost_secret" "smtp_copy" {
  organization_id  = "8b0e6d1a-2c4f-4e3a-9b7d-1f2e3a4b5c6d"
  name             = "smtp-password"
  value_wo         = ephemeral.bifrost_secret.smtp.value
  value_wo_version = 1
}

# Read one version of the secret, e.g. the one before a rotation.
ephemeral "bifrost_secret" "smtp_previous" {
  organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  name            = "smtp-password"
  version         = "c0ffee00c0ffee00c0ffee00c0ffee00"
}
