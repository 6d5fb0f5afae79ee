#!/usr/bin/env bash
# Installs what the server and its tests need on a fresh Debian machine: libuv1 (the real libuv the
# native transport loads), curl (a real client in the specs) and python3 (the conformance runner).
# With --test (the test command) also Debian's chromium (the report's browser spec drives /usr/bin/chromium;
# no browser is ever downloaded), which `serve` does not need.
set -euo pipefail

missing=()
ldconfig -p 2>/dev/null | grep -q 'libuv\.so\.1 ' || missing+=(libuv1)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ "${1:-}" = --test ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "testbed: missing ${missing[*]}; install with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "Installing ${missing[*]} ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
