#!/usr/bin/env bash
# Builds a release of the provider for linux_amd64 and packages it in the registry layout in
# dist/VERSION/ (see scripts/package.sh). VERSION must be the version in Cargo.toml, which is
# what the binary reports (`--version`) and sends in its User-Agent. Other platforms are built
# by the release workflow (.github/workflows/release.yml).
#
# Usage: scripts/release.sh VERSION
# Set GPG_FINGERPRINT (and GPG_PASSPHRASE if the key has one) to sign the SHA256SUMS file.
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:?usage: scripts/release.sh VERSION (such as 0.2.0)}
version=${version#v}
crate_version=$(cargo metadata --format-version 1 --no-deps --locked |
  python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "terraform-provider-azuread"))')
if [ "$version" != "$crate_version" ]; then
  echo "error: Cargo.toml says version $crate_version, not $version. Set [package] version = \"$version\" (and add a CHANGELOG.md entry) first." >&2
  exit 1
fi
grep -q "^## \[$version\]" CHANGELOG.md || { echo "error: CHANGELOG.md has no '## [$version]' section" >&2; exit 1; }

binary=$(scripts/build-release.sh x86_64-unknown-linux-gnu)
"$binary" --version

echo "==> Packaging into dist/$version/" >&2
scripts/package.sh "$version" "dist/$version" "linux_amd64=$binary"
