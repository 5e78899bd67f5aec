#!/usr/bin/env bash
# make demo: starts the Key Vault emulator, applies examples/demo with the freshly built
# provider, plans again (no changes), and prints what a workflow's config.get would resolve,
# last. Everything it writes is under .cache/demo, which it lists; a second run reuses the vault
# and the state.
#   DEMO_CLI    tofu (default), terraform (1.5.7) or terraform-1.16.4
#   DEMO_KEEP   1: leave the emulator running afterwards (its data survives restarts)
#   DEMO_RESET  1: start from an empty vault and an empty state
#   DEMO_ADDR   the emulator's address (default 127.0.0.1:8443)
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS_DIR="${TOOLS_DIR:-$HOME/.cache/terraform-provider-bifrost/tools}"
CLI="$TOOLS_DIR/bin/${DEMO_CLI:-tofu}"
repo="$PWD"
demo="$repo/.cache/demo"
step() { printf '\n== %s\n' "$*"; }

if [ "${DEMO_RESET:-0}" = 1 ]; then
  step "DEMO_RESET=1: removing the demo's vault and state ($demo)"
  rm -rf "$demo"
fi
mkdir -p "$demo/bin" "$demo/work"

if [ ! -x "$CLI" ]; then
  step "building the Terraform and OpenTofu CLIs from the Go module proxy, once (15 to 25 minutes on 2 cores; later runs reuse them)"
  ./scripts/tools.sh
fi

step "building the provider and the Key Vault emulator"
go build -o "$demo/bin/terraform-provider-bifrost" .
go build -o "$demo/kvemulator" ./internal/emulator/kvemulator

step "starting the Key Vault emulator"
# The emulator writes its connection details here once it listens; an old copy must not be read.
rm -f "$demo/emulator.json"
"$demo/kvemulator" -addr "${DEMO_ADDR:-127.0.0.1:8443}" -data "$demo/vault.json" \
  -ca-cert "$demo/ca.pem" -ca-key "$demo/ca-key.pem" >"$demo/emulator.json" 2>"$demo/emulator.log" &
emulator=$!
if [ "${DEMO_KEEP:-0}" != 1 ]; then trap 'kill $emulator 2>/dev/null; wait $emulator 2>/dev/null' EXIT; fi
for _ in $(seq 1 100); do [ -s "$demo/emulator.json" ] && break; sleep 0.1; done
if [ ! -s "$demo/emulator.json" ]; then
  cat "$demo/emulator.log" >&2
  echo "the emulator did not start (is ${DEMO_ADDR:-127.0.0.1:8443} in use? set DEMO_ADDR)" >&2
  exit 1
fi

field() { sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p" "$demo/emulator.json" | head -n1; }
SSL_CERT_FILE="$(field ca_cert_file)"
BIFROST_VAULT_URL="$(field vault_url)"
BIFROST_AUTHORITY_HOST="$(field authority_host)"
BIFROST_TENANT_ID="$(field tenant_id)"
BIFROST_CLIENT_ID="$(field client_id)"
BIFROST_CLIENT_SECRET="$(field client_secret)"
export SSL_CERT_FILE BIFROST_VAULT_URL BIFROST_AUTHORITY_HOST BIFROST_TENANT_ID BIFROST_CLIENT_ID BIFROST_CLIENT_SECRET
export BIFROST_SKIP_CHALLENGE_RESOURCE_VERIFICATION=true
export CHECKPOINT_DISABLE=1

cat > "$demo/cli.tfrc" <<CFG
provider_installation {
  dev_overrides {
    "registry.opentofu.org/bifrost-platform/bifrost"  = "$demo/bin"
    "registry.terraform.io/bifrost-platform/bifrost" = "$demo/bin"
  }
  direct {}
}
CFG
export TF_CLI_CONFIG_FILE="$demo/cli.tfrc"
cp examples/demo/*.tf "$demo/work/"
cd "$demo/work"

cat <<EOF
   vault       $BIFROST_VAULT_URL (an emulator; its CA is $SSL_CERT_FILE)
   CLI         $CLI
   files       $demo
                 work/main.tf            the configuration (a copy of examples/demo/main.tf)
                 work/terraform.tfstate  the state
                 vault.json              the emulated vault's secrets, kept between runs
                 emulator.log            the emulator's log
                 cli.tfrc                the CLI configuration: dev_overrides to bin/, the provider just built
   start over  DEMO_RESET=1 make demo    (or: rm -rf .cache/demo)
EOF

step "apply: a shared secret referenced by three configs, one key in two organizations, a global fallback"
cat <<'EOF'
   "value_wo = (write-only attribute)" on every resource below (OpenTofu, and Terraform 1.11 and
   later): value_wo is the write-only alternative to value, which never enters the plan or the
   state (docs/guides/rotation.md). The CLI lists write-only attributes on every resource, set or
   not; this demo sets value, which the plan shows as (sensitive value).
EOF
"$CLI" apply -auto-approve -input=false -compact-warnings

step "plan again: the vault matches the configuration"
if "$CLI" plan -input=false -detailed-exitcode >"$demo/plan.log" 2>&1; then
  echo "   no changes (the full plan is in $demo/plan.log)"
else
  cat "$demo/plan.log"
  echo "the second plan should show no changes" >&2
  exit 1
fi

step "Key Vault requests by operation, as the emulator counted them"
curl -s --cacert "$SSL_CERT_FILE" "$(field management_url)/counts"
echo

step "what a workflow's config.get resolves (sensitive values, shown because this is a demo vault)"
"$CLI" output -raw resolved_table
echo
if [ "${DEMO_KEEP:-0}" = 1 ]; then
  echo
  echo "The emulator keeps running (pid $emulator; stop it with: kill $emulator). Its provider block:"
  cat "$demo/emulator.log"
fi
