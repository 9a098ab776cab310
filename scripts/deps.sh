#!/usr/bin/env bash
# Install the Debian packages this project builds and tests with.
# Idempotent: it asks dpkg what is already there and installs only what is missing,
# so a second run takes well under a second. Debian packages only; nothing is vendored.
set -euo pipefail

host_pkgs=(
  make gcc clang libclang-rt-14-dev llvm
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross
  qemu-system-arm qemu-user
  libfdt-dev device-tree-compiler libcmocka-dev libyaml-dev libssl-dev openssl
  lcov python3-pytest python3-yaml cpio xz-utils
)
# Libraries the static aarch64 cross build links (brief section 8).
# libfdt-dev is not co-installable across architectures, so its arm64 build is unpacked
# into a private sysroot below instead (see arm64_sysroot).
arm64_pkgs=(libyaml-dev:arm64 libssl-dev:arm64)

missing=()
installed() { dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | grep -q '^ii'; }
for p in "${host_pkgs[@]}" "${arm64_pkgs[@]}"; do
  installed "$p" || missing+=("$p")
done

# The arm64 libfdt goes into a private sysroot: $AVF_CACHE/arm64-sysroot/usr/lib/...
cache=${AVF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/avf}
sysroot=$cache/arm64-sysroot
need_sysroot=0
[ -f "$sysroot/usr/lib/aarch64-linux-gnu/libfdt.a" ] || need_sysroot=1
[ ${#missing[@]} -eq 0 ] && [ $need_sysroot -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $SUDO dpkg --add-architecture arm64
fi
export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
if [ $need_sysroot -eq 1 ]; then
  echo "deps: unpacking libfdt-dev:arm64 into $sysroot" >&2
  tmp=$(mktemp -d); chmod 755 "$tmp"
  trap 'rm -rf "$tmp"' EXIT
  ( cd "$tmp" && apt-get download -qq libfdt-dev:arm64 libfdt1:arm64 ) ||
    { $SUDO apt-get update -qq && ( cd "$tmp" && apt-get download -qq libfdt-dev:arm64 libfdt1:arm64 ); }
  mkdir -p "$sysroot"
  for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$sysroot"; done
fi
