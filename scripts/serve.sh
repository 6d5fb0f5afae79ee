#!/usr/bin/env bash
# Runs `testbed serve` (defaults: 127.0.0.1:5000, one loop per core). Extra arguments go to serve.
# scripts/testbed builds only when a source is newer than the build, so a warm start takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
exec scripts/testbed serve "$@"
