#!/usr/bin/env bash
# Proves the determinism guard is live: engine code that calls Task.Run or reads DateTime.UtcNow must fail the
# build, each with its own RS0030. Builds a probe file into the engine in a throwaway artifacts folder; the real
# build is untouched. One probe build reports every banned use in it, so each expected symbol is checked by name.
set -euo pipefail
cd "$(dirname "$0")/.."
probe_dir=$(mktemp -d)
trap 'rm -rf "$probe_dir"' EXIT
cat > "$probe_dir/Probe.cs" <<'CS'
namespace Testbed.Engine;
internal static class BannedApiProbe
{
    public static System.Threading.Tasks.Task Escape() => System.Threading.Tasks.Task.Run(() => { });
    public static System.DateTime WallClock() => System.DateTime.UtcNow;
}
CS
if output=$(dotnet build engine/Testbed.Engine.csproj -nologo -v q --artifacts-path "$probe_dir/artifacts" \
    -p:BannedApiProbe="$probe_dir/Probe.cs" 2>&1); then
  echo "check-banned-api: FAILED: Task.Run and DateTime.UtcNow in engine/ built without error" >&2
  exit 1
fi
for symbol in 'Task.Run(Action)' 'DateTime.UtcNow'; do
  if ! grep -qF "RS0030: The symbol '$symbol' is banned" <<<"$output"; then
    echo "check-banned-api: FAILED: $symbol in engine/ did not fail the build with RS0030:" >&2
    echo "$output" | tail -n 20 >&2
    exit 1
  fi
done
echo "check-banned-api: ok (Task.Run and DateTime.UtcNow in engine/ each fail the build with RS0030)"
