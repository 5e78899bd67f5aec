#!/usr/bin/env bash
# make demo: starts the Key Vault emulator, applies examples/demo with the freshly built
# provider, shows what a workflow's config.get would resolve, then plans again (no changes).
#   DEMO_CLI   tofu (default) or terraform
#   DEMO_KEEP  set to 1 to leave the emulator running afterwards (its data survives restarts)
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS_DIR="${TOOLS_DIR:-$HOME/.cache/terraform-provider-bifrost/tools}"
CLI="$TOOLS_DIR/bin/${DEMO_CLI:-tofu}"
demo="$PWD/.cache/demo"
mkdir -p "$demo/bin" "$demo/work"
[ -x "$CLI" ] || ./scripts/tools.sh

go build -o "$demo/bin/terraform-provider-bifrost" .
go build -o "$demo/kvemulator" ./internal/emulator/kvemulator

"$demo/kvemulator" -addr "${DEMO_ADDR:-127.0.0.1:8443}" -data "$demo/vault.json" \
  -ca-cert "$demo/ca.pem" -ca-key "$demo/ca-key.pem" >"$demo/emulator.json" 2>"$demo/emulator.log" &
emulator=$!
if [ "${DEMO_KEEP:-0}" != 1 ]; then trap 'kill $emulator 2>/dev/null; wait $emulator 2>/dev/null' EXIT; fi
for _ in $(seq 1 100); do [ -s "$demo/emulator.json" ] && break; sleep 0.1; done
[ -s "$demo/emulator.json" ] || { cat "$demo/emulator.log"; echo "the emulator did not start" >&2; exit 1; }

field() { sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p" "$demo/emulator.json" | head -n1; }
export SSL_CERT_FILE="$(field ca_cert_file)"
export BIFROST_VAULT_URL="$(field vault_url)"
export BIFROST_AUTHORITY_HOST="$(field authority_host)"
export BIFROST_TENANT_ID="$(field tenant_id)"
export BIFROST_CLIENT_ID="$(field client_id)"
export BIFROST_CLIENT_SECRET="$(field client_secret)"
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

echo "== emulator at $BIFROST_VAULT_URL (CA: $SSL_CERT_FILE)"
"$CLI" apply -auto-approve -input=false
echo "== what config.get resolves (values are sensitive; shown here because this is a demo vault)"
"$CLI" output -json resolved
echo "== plan after apply (expect no changes)"
"$CLI" plan -input=false -detailed-exitcode && echo "no changes"
echo "== Key Vault requests by operation"
curl -s --cacert "$SSL_CERT_FILE" "$(field management_url)/counts"; echo
if [ "${DEMO_KEEP:-0}" = 1 ]; then
  echo "the emulator keeps running (pid $emulator); its provider block:"; cat "$OLDPWD/.cache/demo/emulator.log"
fi
