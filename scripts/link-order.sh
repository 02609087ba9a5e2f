#!/usr/bin/env bash
# The link order of the x86_64 Linux release. Terraform starts the plugin nine times for an
# apply and a destroy, and each start maps the code it runs one 64 KiB window at a time (a page
# fault each). Left to the linker, the ~2.7 MiB of functions a Terraform run executes lie spread
# over the whole 9 MiB of code, so every start mapped nearly all of it. Listed first, they lie
# together (scripts/link-order.txt; see docs/architecture.md, "Releases").
#
# The list holds the functions a recorded run executed, by symbol name; `resolve` maps each to
# the same or, after a compiler or dependency update, a similar symbol of a build
# (scripts/link_order.py). A stale list costs only speed: what it does not name is linked after
# what it names, as before.
#
# Usage:
#   scripts/link-order.sh resolve BINARY OUT   write lld's --symbol-ordering-file for the
#                                              symbols of BINARY to OUT (scripts/build-release.sh)
#   scripts/link-order.sh record BINARY        record scripts/link-order.txt anew: terraform
#                                              apply, plan and destroy of 20 partners against
#                                              the emulator, with BINARY under callgrind. Needs
#                                              terraform and valgrind. Do it when `resolve` warns.
set -euo pipefail
cd "$(dirname "$0")/.."
list=scripts/link-order.txt

usage() {
  sed -n '/^# Usage:/,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

resolve() {
  local binary=$1 out=$2
  [ -f "$binary" ] || { echo "error: $binary: no such file" >&2; exit 2; }
  command -v nm >/dev/null || { echo "error: nm not found: install binutils" >&2; exit 2; }
  nm --defined-only "$binary" | python3 scripts/link_order.py resolve "$list" "$binary" "$out"
}

record() {
  local binary
  binary=$(realpath "${1:?usage: scripts/link-order.sh record BINARY}")
  for tool in terraform valgrind python3; do
    command -v "$tool" >/dev/null || { echo "error: $tool not found; record needs it" >&2; exit 2; }
  done
  # Global, not local: the EXIT trap runs after this function has returned.
  work=$(mktemp -d)
  emulator_pid=""
  trap 'if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
  cargo build --locked --quiet -p graph-emulator --bin graph-emulator
  local target_dir
  target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

  local client=11111111-1111-1111-1111-111111111111 secret=link-order-secret-0123456789
  printf '{"apps":[{"client_id":"%s","secrets":["%s"],"roles":["Policy.ReadWrite.CrossTenantAccess"]}],"http2":true}\n' \
    "$client" "$secret" >"$work/emulator.json"
  "$target_dir/debug/graph-emulator" --listen 127.0.0.1:0 --ca-out "$work/ca.pem" \
    --config "$work/emulator.json" >"$work/url" &
  emulator_pid=$!
  for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.1; done
  [ -s "$work/url" ] || { echo "error: the emulator did not start" >&2; exit 1; }

  mkdir -p "$work/plugin" "$work/profiles" "$work/config"
  cat >"$work/plugin/terraform-provider-azuread" <<EOF
#!/bin/sh
exec valgrind --quiet --tool=callgrind --demangle=no --callgrind-out-file="$work/profiles/callgrind.%p" "$binary" "\$@"
EOF
  chmod +x "$work/plugin/terraform-provider-azuread"
  cat >"$work/cli.tfrc" <<EOF
provider_installation {
  dev_overrides { "entra-xtap/azuread" = "$work/plugin" }
  direct {}
}
EOF
  cat >"$work/config/main.tf" <<'EOF'
terraform {
  required_providers {
    azuread = { source = "entra-xtap/azuread" }
  }
}
provider "azuread" {}
resource "azuread_cross_tenant_partner" "p" {
  count     = 20
  tenant_id = format("00000000-0000-4000-8000-%012d", count.index)
  inbound_trust = {
    is_mfa_accepted = true
  }
}
EOF
  local url
  url=$(cat "$work/url")
  (
    cd "$work/config"
    export TF_CLI_CONFIG_FILE="$work/cli.tfrc" SSL_CERT_FILE="$work/ca.pem" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
    export ARM_GRAPH_ENDPOINT=$url ARM_AUTHORITY_HOST=$url ARM_TENANT_ID=72f988bf-86f1-41af-91ab-2d7cd011db47
    export ARM_CLIENT_ID=$client ARM_CLIENT_SECRET=$secret
    terraform apply -auto-approve -no-color >/dev/null
    terraform plan -detailed-exitcode -no-color >/dev/null
    terraform destroy -auto-approve -no-color >/dev/null
  )
  # Every function callgrind saw run, the oldest process's first.
  python3 scripts/link_order.py extract "$work/profiles" "$list"
}

case ${1:-} in
  resolve) [ $# -eq 3 ] || usage; resolve "$2" "$3" ;;
  record) [ $# -eq 2 ] || usage; record "$2" ;;
  *) usage ;;
esac
