#!/usr/bin/env bash
# Installs what the bench needs, and only what is missing. Safe to run again.
#
# - QEMU 10 (qemu-system-riscv, qemu-system-arm) from Debian's bookworm-backports suite:
#   the machine's qemu-utils 10 conflicts with bookworm's qemu-system 7.2.
# - Cross C toolchains and picolibc for WAMR's C sources; cmake; libclang for bindgen.
# - The Rust toolchain, targets and components pinned in rust-toolchain.toml.
set -euo pipefail

say() { printf 'setup: %s\n' "$*"; }

# package -> a file that proves it is installed
declare -A wanted=(
  [qemu-system-riscv]=/usr/bin/qemu-system-riscv32
  [qemu-system-arm]=/usr/bin/qemu-system-arm
  [gcc-riscv64-unknown-elf]=/usr/bin/riscv64-unknown-elf-gcc
  [picolibc-riscv64-unknown-elf]=/usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs
  [gcc-arm-none-eabi]=/usr/bin/arm-none-eabi-gcc
  [picolibc-arm-none-eabi]=/usr/lib/picolibc/arm-none-eabi/picolibc.specs
  [libclang-dev]=/usr/lib/llvm-14/lib/libclang.so
  [cmake]=/usr/bin/cmake
)

missing=()
for pkg in "${!wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

sudo_cmd=()
if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi

if [ ${#missing[@]} -gt 0 ]; then
  say "installing: ${missing[*]}"
  # Add bookworm-backports with the same mirror the machine already uses for Debian.
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    uri=$(grep -rhs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -n1)
    if [ -z "$uri" ]; then
      uri=$(grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}' | grep -v security | head -n1)
    fi
    : "${uri:=http://deb.debian.org/debian}"
    say "adding the bookworm-backports suite from $uri"
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uri" \
      | "${sudo_cmd[@]}" tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
  fi
  "${sudo_cmd[@]}" apt-get update -qq
  qemu=(); others=()
  for pkg in "${missing[@]}"; do
    case "$pkg" in qemu-*) qemu+=("$pkg");; *) others+=("$pkg");; esac
  done
  if [ ${#qemu[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq -o=Dpkg::Use-Pty=0 --no-install-recommends \
      -t bookworm-backports "${qemu[@]}"
  fi
  if [ ${#others[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq -o=Dpkg::Use-Pty=0 --no-install-recommends "${others[@]}"
  fi
else
  say "system packages already installed"
fi

# rustup reads rust-toolchain.toml and installs the pinned toolchain, targets and components.
cd "$(dirname "$0")/.."
if command -v rustup >/dev/null; then
  rustup toolchain install >/dev/null 2>&1 || rustup toolchain install
  rustup target list --installed >/dev/null
fi
# WAMR's C sources come from the pinned wamrx-sys package, which no build ever compiles, so a
# plain `cargo build` would not download it: fetch every package of the lock file.
cargo fetch --quiet
say "done"
