#!/usr/bin/env bash
# make examples: every directory under examples/ that tfplugindocs renders (provider,
# resources/*, data-sources/*, ephemeral-resources/*, list-resources/*) must pass `fmt -check` and `validate`
# against the freshly built provider, on each CLI in EXAMPLES_CLIS (default: OpenTofu and
# today's Terraform, the two that support every feature the examples show).
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS_DIR="${TOOLS_DIR:-$HOME/.cache/terraform-provider-bifrost/tools}"
TERRAFORM_LATEST_VERSION="${TERRAFORM_LATEST_VERSION:-1.16.4}"
EXAMPLES_CLIS="${EXAMPLES_CLIS:-$TOOLS_DIR/bin/tofu $TOOLS_DIR/bin/terraform-$TERRAFORM_LATEST_VERSION}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for cli in $EXAMPLES_CLIS; do
  [ -x "$cli" ] || { echo "$cli is missing: run 'make tools'" >&2; exit 1; }
done

go build -o "$work/bin/terraform-provider-bifrost" .
# dev_overrides serve the local build under both registries' addresses, so no CLI downloads
# the provider and no `init` is needed.
cat > "$work/cli.tfrc" <<CFG
provider_installation {
  dev_overrides {
    "registry.opentofu.org/bifrost-platform/bifrost" = "$work/bin"
    "registry.terraform.io/bifrost-platform/bifrost" = "$work/bin"
  }
  direct {}
}
CFG
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1

# Examples show one resource's use and leave out the terraform block; without it "bifrost"
# would mean hashicorp/bifrost, so a copy of each gets the block the provider example has.
required_providers='terraform {
  required_providers {
    bifrost = { source = "bifrost-platform/bifrost" }
  }
}'

failed=()
checked=0
for dir in examples/provider examples/resources/* examples/data-sources/* examples/ephemeral-resources/*; do
  [ -d "$dir" ] || continue
  for cli in $EXAMPLES_CLIS; do
    name="$(basename "$cli") $dir"
    if ! "$cli" fmt -check -diff "$dir"; then
      failed+=("$name: fmt -check (run '$(basename "$cli") fmt $dir')")
      continue
    fi
    copy="$work/validate/$(basename "$cli")/$dir"
    mkdir -p "$copy"
    cp "$dir"/*.tf "$copy"/
    grep -q required_providers "$copy"/*.tf || printf '%s\n' "$required_providers" > "$copy/bifrost_required_providers.tf"
    if ! out=$(cd "$copy" && "$cli" validate -no-color 2>&1); then
      printf '%s\n' "$out" >&2
      failed+=("$name: validate")
      continue
    fi
    checked=$((checked + 1))
  done
done

# List resources (.tfquery.hcl) exist only in Terraform >= 1.14: their examples are checked with
# today's Terraform alone, `validate -query` reading the query files.
terraform_latest="$TOOLS_DIR/bin/terraform-$TERRAFORM_LATEST_VERSION"
for dir in examples/list-resources/*; do
  [ -d "$dir" ] || continue
  name="$(basename "$terraform_latest") $dir"
  if ! "$terraform_latest" fmt -check -diff "$dir"; then
    failed+=("$name: fmt -check (run '$(basename "$terraform_latest") fmt $dir')")
    continue
  fi
  copy="$work/validate/list/$dir"
  mkdir -p "$copy"
  cp "$dir"/*.tfquery.hcl "$copy"/
  printf '%s\n' "$required_providers" > "$copy/bifrost_required_providers.tf"
  if ! out=$(cd "$copy" && "$terraform_latest" validate -query -no-color 2>&1); then
    printf '%s\n' "$out" >&2
    failed+=("$name: validate -query")
    continue
  fi
  checked=$((checked + 1))
done

if [ ${#failed[@]} -gt 0 ]; then
  printf 'example failed: %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "examples: $checked directory/CLI pairs pass fmt -check and validate"
