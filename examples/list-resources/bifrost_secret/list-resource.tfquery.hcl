# Every secret of one organization, for `terraform query` (Terraform >= 1.14). With
# include_resource, `terraform query -generate-config-out=generated.tf` writes a resource and
# an import block for each; values are never listed.
list "bifrost_secret" "org" {
  provider         = bifrost
  include_resource = true

  config {
    organization_id = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
  }
}
