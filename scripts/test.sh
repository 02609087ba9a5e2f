#!/usr/bin/env bash
# Runs the whole test suite: unit tests, the emulator's own tests, protocol tests against the
# real plugin binary, and acceptance tests that drive real `terraform` and real `tofu` against
# the local Graph emulator. Installs OpenTofu into .tools/ first if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-tools.sh
cargo test --workspace --locked "$@"
