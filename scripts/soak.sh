#!/usr/bin/env bash
# make soak: the fault, crash and transition-delay tests at SOAK_ENTRIES entries (default 200) on
# one CLI (TF_ACC_TERRAFORM_PATH, OpenTofu from the GNUmakefile), then how long each took.
#   30 % 429 with Retry-After, 30 % 5xx, 30 % dropped connections: TestAccSafety_faults
#   SIGKILL of the CLI mid-apply, then re-apply:                  TestAccSafety_crashDuringCreateConverges
#   SIGKILL at random points of applies and destroys, then rerun: TestAccSoak_killedAtRandomPoints
#   5 s delete and recover transitions:                           TestAccSoak_transitionDelays
#   a second writer rotating, disabling, expiring, deleting:      TestAccSoak_otherWriters
set -euo pipefail
cd "$(dirname "$0")/.."
export SOAK_ENTRIES="${SOAK_ENTRIES:-200}"
log=.cache/soak.log
mkdir -p .cache
tests='^(TestAccSafety_faults|TestAccSafety_crashDuringCreateConverges|TestAccSoak_killedAtRandomPoints|TestAccSoak_transitionDelays|TestAccSoak_otherWriters)$'
echo "== soak: $SOAK_ENTRIES entries on $("$TF_ACC_TERRAFORM_PATH" version | head -n1) (log: $log)"
start=$(date +%s)
status=0
go test -count=1 -v -timeout 90m -run "$tests" ./internal/provider/ 2>&1 | tee "$log" || status=$?
echo
echo "== soak summary ($SOAK_ENTRIES entries, $(( $(date +%s) - start )) s in all)"
grep -E '^\s*--- (PASS|FAIL|SKIP)' "$log" || true
exit "$status"
