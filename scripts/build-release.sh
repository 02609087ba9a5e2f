#!/usr/bin/env bash
# Builds the provider for TARGET as releases are built, and prints the binary's path (the only
# line on stdout). Used by scripts/release.sh and the release workflow.
#
# - Linux: statically linked, so it runs on any distribution (see scripts/check-static.sh).
#   crt-static needs an explicit --target: without one, cargo would apply it to proc-macros
#   too, which cannot be static.
# - x86_64 Linux: then linked again with the functions a Terraform run executes placed first
#   (scripts/link-order.sh). That needs lld, the default linker of this target; arm64 Linux
#   links with the system's linker, which has no such option.
#
# Usage: scripts/build-release.sh TARGET   (such as x86_64-unknown-linux-gnu)
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/build-release.sh TARGET (such as x86_64-unknown-linux-gnu)}

rustflags=${RUSTFLAGS:-}
case $target in
  *-linux-*) rustflags="$rustflags -C target-feature=+crt-static" ;;
esac
build=(--release --locked --bin terraform-provider-azuread --target "$target")

echo "==> cargo build ${build[*]} (RUSTFLAGS:$rustflags)" >&2
RUSTFLAGS="$rustflags" cargo build "${build[@]}" >&2
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
binary="$target_dir/$target/release/terraform-provider-azuread"

if [ "$target" = x86_64-unknown-linux-gnu ]; then
  resolved="$target_dir/$target/link-order.txt"
  scripts/link-order.sh resolve "$binary" "$resolved"
  # Named by its content: cargo relinks only when the arguments change, not the file behind them.
  order="$target_dir/$target/link-order-$(sha256sum <"$resolved" | cut -c1-16).txt"
  mv "$resolved" "$order"
  echo "==> linking again with the link order" >&2
  RUSTFLAGS="$rustflags" cargo rustc "${build[@]}" -- \
    -C link-arg=-Wl,--symbol-ordering-file="$order" -C link-arg=-Wl,--no-warn-symbol-ordering >&2
fi
case $target in
  *-linux-*) scripts/check-static.sh "$binary" >&2 ;;
esac
echo "$binary"
