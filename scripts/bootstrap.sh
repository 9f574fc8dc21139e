#!/usr/bin/env bash
# Makes this machine able to load TorchSharp 0.107.0, whose libLibTorchSharp.so needs
# GLIBCXX_3.4.32 (GCC 13's libstdc++). Idempotent: does nothing where the symbol is present.
# On Debian 12 (as root) it installs libstdc++6 from Debian 13, pinned low so nothing else moves
# to trixie unasked; elsewhere it prints what to do and fails.
set -euo pipefail

required=GLIBCXX_3.4.32

has_required_libstdcxx() {
  local lib
  for lib in /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6 /usr/lib/libstdc++.so.6; do
    [ -e "$lib" ] && grep -aq "$required" "$lib" && return 0
  done
  return 1
}

if has_required_libstdcxx; then
  exit 0
fi

. /etc/os-release 2>/dev/null || true
if [ "${ID:-}" != "debian" ] || [ "${VERSION_ID:-}" != "12" ]; then
  cat >&2 <<MSG
bootstrap: TorchSharp 0.107.0 needs libstdc++ with $required (GCC 13 or newer); this system lacks it.
Install a libstdc++6 from GCC 13+ (Ubuntu 24.04 and Debian 13 ship one), then run this again.
MSG
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "bootstrap: Debian 12 needs libstdc++6 from Debian 13 for $required; run scripts/bootstrap.sh as root once." >&2
  exit 1
fi

echo "bootstrap: installing libstdc++6 from Debian 13 (trixie), pinned at priority 100, for $required"
cat > /etc/apt/sources.list.d/trixie.sources <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
cat > /etc/apt/preferences.d/trixie-pin <<PIN
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# Bookworm tools first: once libc moves to trixie's, installing them from bookworm would conflict.
apt-get install -y -q --no-install-recommends ca-certificates curl unzip >/dev/null
apt-get install -y -q -o APT::Get::Upgrade-By-Source-Package=false -t trixie libstdc++6

if ! has_required_libstdcxx; then
  echo "bootstrap: libstdc++6 was installed but still lacks $required" >&2
  exit 1
fi
echo "bootstrap: done"
