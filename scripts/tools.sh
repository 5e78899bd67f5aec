#!/usr/bin/env bash
# Builds the CLIs the acceptance tests run, from the Go module proxy (no binary downloads reach
# this machine): Terraform 1.5.7 (the last MPL release) and OpenTofu 1.12.x. Idempotent: a
# binary already built at the wanted version is kept. Prints nothing but progress on stderr.
#
#   TOOLS_DIR   where the binaries go (default: $HOME/.cache/terraform-provider-bifrost/tools)
set -euo pipefail

TERRAFORM_VERSION="${TERRAFORM_VERSION:-1.5.7}"
TOFU_VERSION="${TOFU_VERSION:-1.12.6}"
TOOLS_DIR="${TOOLS_DIR:-$HOME/.cache/terraform-provider-bifrost/tools}"
mkdir -p "$TOOLS_DIR/bin"
unset TF_CLI_CONFIG_FILE
export PATH="$(go env GOROOT)/bin:$PATH"

version_of() { TF_CLI_CONFIG_FILE=/dev/null "$1" version 2>/dev/null | head -n1 | awk '{print $2}' | sed 's/^v//'; }

tf="$TOOLS_DIR/bin/terraform"
if [ "$(version_of "$tf")" != "$TERRAFORM_VERSION" ]; then
  echo "building terraform $TERRAFORM_VERSION into $tf (about 2 minutes)" >&2
  GOBIN="$TOOLS_DIR/bin" GOFLAGS=-mod=mod go install "github.com/hashicorp/terraform@v$TERRAFORM_VERSION"
fi

tofu="$TOOLS_DIR/bin/tofu"
if [ "$(version_of "$tofu")" != "$TOFU_VERSION" ]; then
  echo "building tofu $TOFU_VERSION into $tofu (about 4 minutes)" >&2
  # `go install module@version` refuses OpenTofu's replace directives, so build it from its
  # module source in a writable copy.
  dir=$(go mod download -json "github.com/opentofu/opentofu@v$TOFU_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  src="$TOOLS_DIR/src/opentofu-$TOFU_VERSION"
  rm -rf "$src" && mkdir -p "$TOOLS_DIR/src"
  cp -r "$dir" "$src" && chmod -R u+w "$src"
  (cd "$src" && go build -o "$tofu" -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" ./cmd/tofu)
  rm -rf "$src"
fi

echo "terraform $(version_of "$tf") at $tf" >&2
echo "tofu $(version_of "$tofu") at $tofu" >&2
