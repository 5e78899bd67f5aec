#!/usr/bin/env bash
# make testacc-live-emulator (part of make test): make testacc-live against a Key Vault emulator
# started here as a process of its own and reached only the way a real vault is, through the
# variables a user sets: the vault URL and the credentials, plus what only an emulator needs
# (its CA in SSL_CERT_FILE, its authority, skip_challenge_resource_verification). The tests
# never see its management API; this script asks it, after the run, how many requests the run
# made, and checks in the emulator's data file that the run left nothing in the vault.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d "${TMPDIR:-/tmp}/bifrost-live-emulator.XXXXXX")
emulator_pid=""
stop_emulator() {
  if [ -n "$emulator_pid" ]; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
    emulator_pid=""
  fi
}
trap 'stop_emulator; rm -rf "$work"' EXIT

go build -o "$work/kvemulator" ./internal/emulator/kvemulator
# Port 0: a free port. -data: the emulator writes the vault to this file when it stops.
"$work/kvemulator" -addr 127.0.0.1:0 -ca-cert "$work/ca.pem" -data "$work/vault.json" \
  > "$work/ready.json" 2> "$work/emulator.log" &
emulator_pid=$!
for _ in $(seq 600); do
  [ -s "$work/ready.json" ] && break
  kill -0 "$emulator_pid" 2>/dev/null || { echo "the emulator stopped:"; cat "$work/emulator.log"; exit 1; }
  sleep 0.1
done
[ -s "$work/ready.json" ] || { echo "the emulator did not start within a minute:"; cat "$work/emulator.log"; exit 1; }
# One field of the JSON line the emulator prints when it listens (its values hold no quotes).
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" "$work/ready.json"; }

# What a user sets for a real vault...
export BIFROST_VAULT_URL="$(field vault_url)"
export ARM_TENANT_ID="$(field tenant_id)" ARM_CLIENT_ID="$(field client_id)" ARM_CLIENT_SECRET="$(field client_secret)"
# ...and what only the emulator needs.
export SSL_CERT_FILE="$(field ca_cert_file)" BIFROST_AUTHORITY_HOST="$(field authority_host)"
export BIFROST_SKIP_CHALLENGE_RESOURCE_VERIFICATION=true
management="$(field management_url)"
echo "Key Vault emulator at $BIFROST_VAULT_URL (pid $emulator_pid); make testacc-live against it"

start=$(date +%s)
status=0
"${MAKE:-make}" --no-print-directory testacc-live || status=$?
elapsed=$(($(date +%s) - start))

# The run's requests, as the emulator counted them (every attempt, 401 challenges included).
counts=$(curl -sS --cacert "$SSL_CERT_FILE" "$management/counts")
statuses=$(curl -sS --cacert "$SSL_CERT_FILE" "$management/counts?by=status")
total=$(printf '%s' "$counts" | tr -d '{}" ' | tr ',' '\n' | awk -F: '{n += $2} END {print n + 0}')
echo "testacc-live against the emulator: exit $status after ${elapsed}s; $total Key Vault requests"
echo "  by operation: $counts"
echo "  by status:    $statuses"

stop_emulator
left=$(grep -c '"name":' "$work/vault.json" || true)
if [ "$left" != 0 ]; then
  echo "the run left $left secrets in the vault (live or soft-deleted):"
  grep '"name":' "$work/vault.json"
  status=1
else
  echo "the vault is empty after the run: every secret it created was deleted and purged"
fi
exit "$status"
