#!/usr/bin/env bash
# Regenerates docs/ with tfplugindocs from the schema that Terraform 1.16.4 (built by
# scripts/tools.sh) exports for the freshly built provider, so tfplugindocs never tries to
# download Terraform. Terraform rather than OpenTofu: only Terraform exports list resources.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS_DIR="${TOOLS_DIR:-$HOME/.cache/terraform-provider-bifrost/tools}"
TERRAFORM_LATEST="${TERRAFORM_LATEST:-$TOOLS_DIR/bin/terraform-${TERRAFORM_LATEST_VERSION:-1.16.4}}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/bin/terraform-provider-bifrost" .
cat > "$work/cli.tfrc" <<CFG
provider_installation {
  dev_overrides {
    "registry.terraform.io/bifrost-platform/bifrost" = "$work/bin"
  }
  direct {}
}
CFG
mkdir -p "$work/cfg"
cat > "$work/cfg/main.tf" <<'CFG'
terraform {
  required_providers {
    bifrost = { source = "bifrost-platform/bifrost" }
  }
}
CFG
(cd "$work/cfg" && TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 "$TERRAFORM_LATEST" providers schema -json > "$work/schema.json")
# tfplugindocs finds a provider's schema under its short name.
sed -i 's#"registry.terraform.io/bifrost-platform/bifrost"#"bifrost"#' "$work/schema.json"
go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate \
  --provider-name bifrost --rendered-provider-name Bifrost \
  --providers-schema "$work/schema.json"
