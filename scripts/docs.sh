#!/usr/bin/env bash
# Regenerates docs/ with tfplugindocs from the schema that OpenTofu exports for the freshly
# built provider, so tfplugindocs never tries to download Terraform.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS_DIR="${TOOLS_DIR:-$HOME/.cache/terraform-provider-bifrost/tools}"
TOFU="${TOFU:-$TOOLS_DIR/bin/tofu}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/bin/terraform-provider-bifrost" .
cat > "$work/cli.tfrc" <<CFG
provider_installation {
  dev_overrides {
    "registry.opentofu.org/bifrost-platform/bifrost" = "$work/bin"
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
(cd "$work/cfg" && TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 "$TOFU" providers schema -json > "$work/schema.json")
# tfplugindocs finds a provider's schema under its short name.
sed -i 's#"registry.opentofu.org/bifrost-platform/bifrost"#"bifrost"#' "$work/schema.json"
go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate \
  --provider-name bifrost --rendered-provider-name Bifrost \
  --providers-schema "$work/schema.json"
