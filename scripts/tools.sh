#!/usr/bin/env bash
# Builds the CLIs the acceptance tests run, from the Go module proxy (no binary downloads reach
# this machine): Terraform 1.5.7 (the last MPL release, the oldest supported) as bin/terraform,
# today's Terraform as bin/terraform-<version>, and OpenTofu 1.12.x as bin/tofu. Idempotent: a
# binary already built at the wanted version is kept. Prints nothing but progress on stderr.
#
#   TOOLS_DIR                  where the binaries go (default: $HOME/.cache/terraform-provider-bifrost/tools)
#   TERRAFORM_LATEST_VERSION   today's Terraform (default 1.16.4; the GNUmakefile passes its own)
set -euo pipefail

TERRAFORM_VERSION="${TERRAFORM_VERSION:-1.5.7}"
TERRAFORM_LATEST_VERSION="${TERRAFORM_LATEST_VERSION:-1.16.4}"
TOFU_VERSION="${TOFU_VERSION:-1.12.6}"
TOOLS_DIR="${TOOLS_DIR:-$HOME/.cache/terraform-provider-bifrost/tools}"
mkdir -p "$TOOLS_DIR/bin"
unset TF_CLI_CONFIG_FILE
export PATH="$(go env GOROOT)/bin:$PATH"

version_of() { TF_CLI_CONFIG_FILE=/dev/null "$1" version 2>/dev/null | head -n1 | awk '{print $2}' | sed 's/^v//'; }

# with_progress WHAT CMD...: runs CMD, printing on stderr every 30 seconds that WHAT is still
# being built and for how long (a Go build prints nothing for minutes), then the time it took.
with_progress() (
  what=$1; shift
  start=$SECONDS
  ( while sleep 30; do echo "  ... still building $what ($(( (SECONDS - start) / 60 ))m$(( (SECONDS - start) % 60 ))s so far)" >&2; done ) &
  ticker=$!
  trap 'kill $ticker 2>/dev/null' EXIT
  status=0
  "$@" || status=$?
  [ "$status" = 0 ] && echo "  built $what in $(( (SECONDS - start) / 60 ))m$(( (SECONDS - start) % 60 ))s" >&2
  exit "$status"
)

# drop_unpublished_modules DIR: Terraform's go.mod `replace`s its remote-state backends (and
# internal/legacy) with nested modules under ./internal that its published module zip leaves
# out, so neither `go install` nor a build of the module source works. In a writable copy DIR
# this drops each module replaced by a directory that is absent: its require and replace lines,
# and in internal/backend/init/init.go the import of its package and the backend map entry that
# uses it. It fails rather than guess when the layout is not the expected one: such a module
# imported by any other non-test file, an import or map entry not found exactly once, the alias
# still used afterwards, or the local backend gone.
drop_unpublished_modules() (
  set -euo pipefail
  cd "$1"
  local init=internal/backend/init/init.go
  fail() { echo "tools.sh: $1/$init: $2; the Terraform source layout changed, update drop_unpublished_modules" >&2; exit 1; }
  [ -f "$init" ] || fail "$1" "file not found"
  # `replace M => ./dir` lines, on their own or inside a `replace ( ... )` block.
  local replaces
  replaces=$(awk '/^replace \($/ {b=1; next} b && /^\)$/ {b=0; next}
    { l=$0; if (!b && !sub(/^replace[ \t]+/, "", l)) next; n=split(l, f, /[ \t]+/)
      if (n >= 3 && f[n-1] == "=>" && f[n] ~ /^\.\.?\//) print f[1], f[n] }' go.mod)
  local mod dir users n alias entry dropped=()
  while read -r mod dir; do
    [ -n "$mod" ] && [ ! -e "$dir" ] || continue
    go mod edit -droprequire="$mod" -dropreplace="$mod"
    users=$(grep -rlF --include='*.go' --exclude='*_test.go' -e "\"$mod\"" -e "\"$mod/" . || true)
    [ -z "$users" ] && { dropped+=("${mod##*/} (no non-test user)"); continue; }
    [ "$users" = "./$init" ] || fail "$1" "$mod is imported by $(echo $users)"
    # The import: `<alias> "<mod>"`, exactly once.
    n=$(grep -nF -e "\"$mod\"" "$init" | cut -d: -f1 || true)
    [ "$(echo "$n" | wc -w)" = 1 ] || fail "$1" "import of $mod not found exactly once"
    alias=$(sed -n "${n}p" "$init" | awk 'NF == 2 && $1 ~ /^[A-Za-z_][A-Za-z0-9_]*$/ {print $1}')
    [ -n "$alias" ] || fail "$1" "import of $mod on line $n is not '<alias> \"$mod\"'"
    # The map entry: `"<name>": func() backend.Backend { return <alias>.New() },`, exactly once.
    entry=$(grep -nE "^[[:space:]]*\"[a-z0-9_-]+\":[[:space:]]*func\(\) backend\.Backend \{ return $alias\.New\(\) \},\$" "$init" | cut -d: -f1 || true)
    [ "$(echo "$entry" | wc -w)" = 1 ] || fail "$1" "backend map entry using $alias not found exactly once"
    [ "$entry" -gt "$n" ] || fail "$1" "backend map entry for $alias above its import"
    sed -i -e "${entry}d" -e "${n}d" "$init"
    ! grep -qE "(^|[^A-Za-z0-9_])$alias\." "$init" || fail "$1" "$alias still used after dropping its backend"
    dropped+=("${mod##*/}")
  done <<<"$replaces"
  gofmt -w "$init" || fail "$1" "gofmt failed after the edit"
  grep -qE '^[[:space:]]*"local":[[:space:]]*func\(\) backend\.Backend \{ return backendLocal\.New\(\) \},$' "$init" ||
    fail "$1" "the local backend is no longer registered"
  echo "dropped the unpublished modules: ${dropped[*]:-none}" >&2
)

tf="$TOOLS_DIR/bin/terraform"
if [ "$(version_of "$tf")" != "$TERRAFORM_VERSION" ]; then
  echo "[1/3] building terraform $TERRAFORM_VERSION into $tf (4 to 6 minutes on 2 cores)" >&2
  GOBIN="$TOOLS_DIR/bin" GOFLAGS=-mod=mod with_progress "terraform $TERRAFORM_VERSION" go install "github.com/hashicorp/terraform@v$TERRAFORM_VERSION"
fi

tf_latest="$TOOLS_DIR/bin/terraform-$TERRAFORM_LATEST_VERSION"
if [ "$(version_of "$tf_latest")" != "$TERRAFORM_LATEST_VERSION" ]; then
  echo "[2/3] building terraform $TERRAFORM_LATEST_VERSION into $tf_latest (4 to 6 minutes on 2 cores)" >&2
  # `go install` fails on its unpublished backend modules (see drop_unpublished_modules): build
  # a writable copy of the module source without them. version.dev=no drops the -dev suffix.
  dir=$(go mod download -json "github.com/hashicorp/terraform@v$TERRAFORM_LATEST_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  src="$TOOLS_DIR/src/terraform-$TERRAFORM_LATEST_VERSION"
  rm -rf "$src" && mkdir -p "$TOOLS_DIR/src"
  cp -r "$dir" "$src" && chmod -R u+w "$src"
  drop_unpublished_modules "$src"
  (cd "$src" && with_progress "terraform $TERRAFORM_LATEST_VERSION" go build -mod=mod -o "$tf_latest" -ldflags "-s -w -X github.com/hashicorp/terraform/version.dev=no" .)
  rm -rf "$src"
  if [ "$(version_of "$tf_latest")" != "$TERRAFORM_LATEST_VERSION" ]; then
    echo "tools.sh: $tf_latest reports '$(version_of "$tf_latest")', not $TERRAFORM_LATEST_VERSION" >&2
    rm -f "$tf_latest"
    exit 1
  fi
fi

tofu="$TOOLS_DIR/bin/tofu"
if [ "$(version_of "$tofu")" != "$TOFU_VERSION" ]; then
  echo "[3/3] building tofu $TOFU_VERSION into $tofu (8 to 12 minutes on 2 cores)" >&2
  # `go install module@version` refuses OpenTofu's replace directives, so build it from its
  # module source in a writable copy.
  dir=$(go mod download -json "github.com/opentofu/opentofu@v$TOFU_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  src="$TOOLS_DIR/src/opentofu-$TOFU_VERSION"
  rm -rf "$src" && mkdir -p "$TOOLS_DIR/src"
  cp -r "$dir" "$src" && chmod -R u+w "$src"
  (cd "$src" && with_progress "tofu $TOFU_VERSION" go build -o "$tofu" -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" ./cmd/tofu)
  rm -rf "$src"
fi

echo "terraform $(version_of "$tf") at $tf" >&2
echo "terraform $(version_of "$tf_latest") at $tf_latest" >&2
echo "tofu $(version_of "$tofu") at $tofu" >&2
