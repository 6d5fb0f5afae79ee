#!/usr/bin/env bash
# Proves the two build guards are live, with one probe build of the engine in a throwaway artifacts folder (the
# real build is untouched):
# - the determinism guard: engine code that calls Task.Run or reads DateTime.UtcNow fails with RS0030 each;
# - the public-surface fence: a public type or member missing from PublicAPI.*.txt fails with RS0016 each.
# One build reports every diagnostic in the probe, so each expected one is checked by name.
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
public static class PublicApiProbe
{
    public static int NewMember() => 42;
}
CS
if output=$(dotnet build engine/Testbed.Engine.csproj -nologo -v q --artifacts-path "$probe_dir/artifacts" \
    -p:GuardProbe="$probe_dir/Probe.cs" 2>&1); then
  echo "check-guards: FAILED: Task.Run, DateTime.UtcNow and an unlisted public type in engine/ built without error" >&2
  exit 1
fi
expect() {
  if ! grep -qF "$1" <<<"$output"; then
    echo "check-guards: FAILED: the probe build did not report: $1" >&2
    echo "$output" | tail -n 20 >&2
    exit 1
  fi
}
for symbol in 'Task.Run(Action)' 'DateTime.UtcNow'; do
  expect "RS0030: The symbol '$symbol' is banned"
done
for symbol in 'Testbed.Engine.PublicApiProbe' 'static Testbed.Engine.PublicApiProbe.NewMember() -> int'; do
  expect "RS0016: Symbol '$symbol' is not part of the declared public API"
done
echo "check-guards: ok (Task.Run and DateTime.UtcNow in engine/ fail with RS0030, an unlisted public type and method with RS0016)"
