#!/usr/bin/env bash
# Quickstart: builds the provider and the local Graph emulator, starts the emulator, and runs
# `terraform apply` then `terraform plan` on examples/quickstart against it. Nothing reaches
# Microsoft. Set TF=tofu to use OpenTofu instead of Terraform.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
tf=${TF:-terraform}
command -v "$tf" >/dev/null || { echo "error: $tf is not on PATH (install Terraform, or TF=tofu with OpenTofu installed)" >&2; exit 1; }

echo "==> Building the provider and the emulator (cargo build)"
cargo build --locked --bin terraform-provider-azuread && cargo build --locked -p graph-emulator --bin graph-emulator

work=$(mktemp -d)
emulator_pid=""
cleanup() {
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> Starting the Graph emulator"
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
"$target_dir/debug/graph-emulator" --listen 127.0.0.1:0 --ca-out "$work/ca.pem" >"$work/emulator.url" 2>"$work/emulator.log" &
emulator_pid=$!
for _ in $(seq 1 100); do [ -s "$work/emulator.url" ] && break; sleep 0.1; done
url=$(head -n1 "$work/emulator.url")
[ -n "$url" ] || { echo "error: the emulator did not start:" >&2; cat "$work/emulator.log" >&2; exit 1; }
echo "    Graph emulator at $url"

cat >"$work/cli.tfrc" <<TFRC
provider_installation {
  dev_overrides {
    "entra-xtap/azuread" = "$target_dir/debug"
  }
  direct {}
}
TFRC
cp "$repo/examples/quickstart/main.tf" "$work/"

export TF_CLI_CONFIG_FILE="$work/cli.tfrc" SSL_CERT_FILE="$work/ca.pem" TF_IN_AUTOMATION=1
export ARM_GRAPH_ENDPOINT="$url" ARM_AUTHORITY_HOST="$url"
# The emulator's built-in test application (see emulator/src/config.rs).
export ARM_TENANT_ID=72f988bf-86f1-41af-91ab-2d7cd011db47
export ARM_CLIENT_ID=11111111-1111-1111-1111-111111111111
export ARM_CLIENT_SECRET=emulator-secret-value-0123456789

cd "$work"
echo "==> $tf apply"
"$tf" apply -auto-approve -no-color 2>&1 | grep -v -e '^ - entra-xtap' -e 'development overrides' -e 'behavior may therefore' -e 'applying changes may cause' -e 'releases.$' -e '^ *$' -e '^configuration:$' -e '^Warning: Provider development'
echo "==> $tf plan (expect: no changes)"
set +e
"$tf" plan -no-color -detailed-exitcode >"$work/plan.out" 2>&1
plan_rc=$?
set -e
grep -E 'No changes|to add|to change|to destroy|Error' "$work/plan.out" || true

echo "==> What Microsoft Graph (the emulator) received"
curl -s --cacert "$work/ca.pem" "$url/_emulator/requests" | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    print("    %-6s %s  -> %s" % (r["method"], r["path"], r["status"]))
'
if [ "$plan_rc" -ne 0 ]; then
  echo "error: the plan after apply was not empty (exit $plan_rc):" >&2
  cat "$work/plan.out" >&2
  exit 1
fi
echo "==> Done: the partner was created, read back, and the next plan is empty."
