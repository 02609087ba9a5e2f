#!/usr/bin/env bash
# Fails unless BINARY is statically linked: the Linux releases are, so that they run on any
# distribution (old glibc, or musl as in the Alpine-based hashicorp/terraform image) and never
# load the system's NSS modules. Used by scripts/release.sh and the release workflow.
# Usage: scripts/check-static.sh BINARY
set -euo pipefail
binary=${1:?usage: scripts/check-static.sh BINARY}
[ -f "$binary" ] || { echo "error: $binary: no such file" >&2; exit 2; }
command -v objdump >/dev/null || { echo "error: objdump not found: install binutils" >&2; exit 2; }
needed=$(objdump -p "$binary" | awk '$1 == "NEEDED" { print $2 }' | tr '\n' ' ')
if [ -n "$needed" ]; then
  echo "error: $binary is dynamically linked (needs ${needed% }); a Linux release must be static." >&2
  echo "Build it with RUSTFLAGS='-C target-feature=+crt-static' and an explicit --target, as scripts/release.sh does." >&2
  exit 1
fi
echo "$binary: statically linked"
