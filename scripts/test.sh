#!/usr/bin/env bash
# The test command: installs what is missing, builds with warnings as errors, proves the determinism
# guard and the public-surface fence bite, runs every spec with coverage, and ends with one "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh --test

dotnet build Testbed.sln -c Release -nologo -v q
scripts/check-banned-api.sh
scripts/check-public-api.sh

results="$PWD/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"
set +e
dotnet test Testbed.sln -c Release --no-build -nologo \
  --settings coverage.runsettings --results-directory "$results" \
  --logger "console;verbosity=minimal" --logger "junit;LogFilePath=$results/{assembly}.junit.xml" \
  2>&1 | tee artifacts/test-output.txt
status=${PIPESTATUS[0]}
set -e

passed=$(grep -oE 'Passed: +[0-9]+' artifacts/test-output.txt | grep -oE '[0-9]+' | paste -sd+ - | bc)
failed=$(grep -oE 'Failed: +[0-9]+' artifacts/test-output.txt | grep -oE '[0-9]+' | paste -sd+ - | bc)
echo "coverage: $(find "$results" -name 'coverage.cobertura.xml' | head -n 1)"
echo "${passed:-0} passed, ${failed:-0} failed"
exit "$status"
