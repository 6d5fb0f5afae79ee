#!/usr/bin/env bash
# Runs `testbed serve` (defaults: 127.0.0.1:5000, one loop per core). Extra arguments go to serve.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
exec dotnet run -c Release --project cli -- serve "$@"
