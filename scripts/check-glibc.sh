#!/usr/bin/env bash
# Fails when a Linux build of the provider needs a newer glibc than the one the README
# promises, so a release never stops running on distributions it documents.
# Usage: scripts/check-glibc.sh BINARY [MAX_VERSION]   (MAX_VERSION defaults to 2.34)
set -euo pipefail
binary=${1:?usage: scripts/check-glibc.sh BINARY [MAX_VERSION]}
max=${2:-2.34}
command -v objdump >/dev/null || { echo "error: objdump not found: install binutils" >&2; exit 2; }
[ -f "$binary" ] || { echo "error: $binary: no such file" >&2; exit 2; }
# A static binary has no dynamic symbol table (objdump fails): it needs no glibc at all.
symbols=$(objdump -T "$binary" 2>/dev/null || true)
needed=$(grep -o 'GLIBC_[0-9][0-9.]*' <<<"$symbols" | sed 's/GLIBC_//' | sort -V | tail -n1 || true)
if [ -z "$needed" ]; then
  echo "$binary: needs no versioned glibc symbol (static or not linked against glibc)"
  exit 0
fi
newest=$(printf '%s\n%s\n' "$needed" "$max" | sort -V | tail -n1)
if [ "$newest" != "$max" ]; then
  echo "error: $binary needs glibc $needed, newer than the documented $max." >&2
  echo "Symbols that need it:" >&2
  grep "(GLIBC_$needed)" <<<"$symbols" >&2 || true
  echo "Build on an older distribution, or raise the documented minimum in README.md." >&2
  exit 1
fi
echo "$binary: needs glibc $needed (documented minimum $max)"
