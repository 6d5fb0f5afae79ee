#!/usr/bin/env bash
# The test command: installs what is missing, builds with warnings as errors, proves the determinism
# guard and the public-surface fence bite, runs every spec with coverage, turns the coverage into HTML
# (artifacts/coverage/index.html) with one summary line, and ends with one "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh --test
# ReportGenerator, pinned in .config/dotnet-tools.json.
dotnet tool restore >/dev/null

dotnet build Testbed.sln -c Release -nologo -v q
scripts/check-guards.sh

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

# Sums the "Passed:"/"Failed:" counts of every test assembly's summary line (awk: no bc needed).
count() {
  awk -v key="$1:" '{
    while ((i = index($0, key)) > 0) { $0 = substr($0, i + length(key)); n += $0 + 0 }
  } END { print n + 0 }' artifacts/test-output.txt
}
passed=$(count Passed)
failed=$(count Failed)

# One HTML report over every assembly's Cobertura file, and its line and branch figures on one line.
coverage="$PWD/artifacts/coverage"
rm -rf "$coverage"
if [ -n "$(find "$results" -name 'coverage.cobertura.xml' -print -quit)" ] &&
  dotnet tool run reportgenerator "-reports:$results/**/coverage.cobertura.xml" "-targetdir:$coverage" \
    "-reporttypes:Html;TextSummary" -verbosity:Error >/dev/null; then
  lines=$(awk -F': ' '$1 ~ /^ *Line coverage$/ { print $2 }' "$coverage/Summary.txt")
  branches=$(awk -F': ' '$1 ~ /^ *Branch coverage$/ { split($2, b, " "); print b[1] }' "$coverage/Summary.txt")
  echo "coverage: ${lines:-?} lines, ${branches:-?} branches (artifacts/coverage/index.html)"
else
  echo "coverage: no report (no coverage.cobertura.xml under $results, or ReportGenerator failed)"
fi
echo "$passed passed, $failed failed"
exit "$status"
