#!/usr/bin/env bash
# Packages provider binaries in the layout the Terraform and OpenTofu registries (and a provider
# network mirror) serve:
#
#   OUTDIR/terraform-provider-azuread_VERSION_OS_ARCH.zip   one per binary, holding
#                                                           terraform-provider-azuread_vVERSION[.exe]
#   OUTDIR/terraform-provider-azuread_VERSION_manifest.json the registry manifest (protocol 6.0)
#   OUTDIR/terraform-provider-azuread_VERSION_SHA256SUMS    "<sha256>  <file>" for the zips and manifest
#   OUTDIR/terraform-provider-azuread_VERSION_SHA256SUMS.sig  detached GPG signature, only when
#                                                           GPG_FINGERPRINT names a secret key
#
# Usage: scripts/package.sh VERSION OUTDIR OS_ARCH=BINARY [OS_ARCH=BINARY ...]
#   e.g. scripts/package.sh 0.2.0 dist/0.2.0 linux_amd64=target/release/terraform-provider-azuread
# Each binary must report VERSION (`--version`), so a zip never holds a binary of another version.
# The zips are reproducible: fixed timestamps and modes, so the same binary gives the same hash.
# Optional: GPG_PASSPHRASE for a key that has one; GNUPGHOME as usual; ZIP_LEVEL 0-9 (default 9;
# 0 stores the binary uncompressed, which the tests use for the large unstripped debug binary).
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: $0 VERSION OUTDIR OS_ARCH=BINARY [OS_ARCH=BINARY ...]" >&2
  exit 2
fi
version=$1 outdir=$2
shift 2
repo=$(cd "$(dirname "$0")/.." && pwd)
name=terraform-provider-azuread
prefix="${name}_${version}"

if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "error: VERSION must be a semantic version without a leading v, such as 0.2.0; got '$version'" >&2
  exit 2
fi
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
rm -f "$outdir/${prefix}_"*

files=()
for pair in "$@"; do
  os_arch=${pair%%=*} binary=${pair#*=}
  if [ "$os_arch" = "$pair" ] || ! [[ "$os_arch" =~ ^(linux|darwin|windows|freebsd)_(amd64|arm64|386|arm)$ ]]; then
    echo "error: expected OS_ARCH=BINARY such as linux_amd64=target/release/$name; got '$pair'" >&2
    exit 2
  fi
  [ -f "$binary" ] || { echo "error: $binary does not exist (build it first)" >&2; exit 1; }
  member="${name}_v${version}"
  case "$os_arch" in windows_*) member="$member.exe" ;; esac
  # A binary built for this machine must report the version it is packaged as; a cross-built
  # one cannot run here, and the release workflow checks its version on its own runner.
  if [ -x "$binary" ] && reported=$("$binary" --version 2>/dev/null); then
    if [ "$reported" != "$name $version" ]; then
      echo "error: $binary reports '$reported', not '$name $version'. Set the version in Cargo.toml and rebuild." >&2
      exit 1
    fi
  fi
  zip="${prefix}_${os_arch}.zip"
  python3 - "$binary" "$member" "$outdir/$zip" "${ZIP_LEVEL:-9}" <<'PY'
import sys, zipfile
binary, member, out, level = sys.argv[1:]
level = int(level)
info = zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0))
info.create_system = 3  # unix, so the mode below is honoured
info.external_attr = (0o100755 << 16)
info.compress_type = zipfile.ZIP_DEFLATED if level > 0 else zipfile.ZIP_STORED
with open(binary, "rb") as f, zipfile.ZipFile(out, "w") as z:
    z.writestr(info, f.read(), compresslevel=level if level > 0 else None)
PY
  files+=("$zip")
done

cp "$repo/terraform-registry-manifest.json" "$outdir/${prefix}_manifest.json"
files+=("${prefix}_manifest.json")

sums="${prefix}_SHA256SUMS"
(cd "$outdir" && sha256sum "${files[@]}" >"$sums")

if [ -n "${GPG_FINGERPRINT:-}" ]; then
  command -v gpg >/dev/null || { echo "error: GPG_FINGERPRINT is set but gpg is not installed (apt-get install gnupg)" >&2; exit 1; }
  sign=(gpg --batch --yes --local-user "$GPG_FINGERPRINT" --output "$outdir/$sums.sig" --detach-sign)
  if [ -n "${GPG_PASSPHRASE:-}" ]; then
    sign+=(--pinentry-mode loopback --passphrase-fd 0)
    printf '%s' "$GPG_PASSPHRASE" | "${sign[@]}" "$outdir/$sums"
  else
    "${sign[@]}" "$outdir/$sums"
  fi
fi

(cd "$outdir" && ls -l "${prefix}_"*)
