#!/usr/bin/env bash
# Proves the determinism guard is live: engine code that calls Task.Run must fail the build (RS0030).
# Builds a probe file into the engine in a throwaway artifacts folder; the real build is untouched.
set -euo pipefail
cd "$(dirname "$0")/.."
probe_dir=$(mktemp -d)
trap 'rm -rf "$probe_dir"' EXIT
cat > "$probe_dir/Probe.cs" <<'CS'
namespace Testbed.Engine;
internal static class BannedApiProbe
{
    public static System.Threading.Tasks.Task Escape() => System.Threading.Tasks.Task.Run(() => { });
}
CS
if output=$(dotnet build engine/Testbed.Engine.csproj -nologo -v q --artifacts-path "$probe_dir/artifacts" \
    -p:BannedApiProbe="$probe_dir/Probe.cs" 2>&1); then
  echo "check-banned-api: FAILED: Task.Run in engine/ built without error" >&2
  exit 1
fi
if ! grep -q 'RS0030' <<<"$output"; then
  echo "check-banned-api: FAILED: the probe build failed, but not with RS0030:" >&2
  echo "$output" | tail -n 20 >&2
  exit 1
fi
echo "check-banned-api: ok (Task.Run in engine/ fails the build with RS0030)"
