#!/usr/bin/env bash
# Proves the public-surface fence is live: a public member that is not in the library's PublicAPI.*.txt must fail
# the build with RS0016. Builds a probe file into the engine (PublicApi.props, which the four libraries import, adds
# it) in a throwaway artifacts folder; the real build is untouched.
set -euo pipefail
cd "$(dirname "$0")/.."
probe_dir=$(mktemp -d)
trap 'rm -rf "$probe_dir"' EXIT
cat > "$probe_dir/Probe.cs" <<'CS'
namespace Testbed.Engine;
public static class PublicApiProbe
{
    public static int NewMember() => 42;
}
CS
if output=$(dotnet build engine/Testbed.Engine.csproj -nologo -v q --artifacts-path "$probe_dir/artifacts" \
    -p:PublicApiProbe="$probe_dir/Probe.cs" 2>&1); then
  echo "check-public-api: FAILED: a new public type in engine/ built without error" >&2
  exit 1
fi
for symbol in 'Testbed.Engine.PublicApiProbe' 'static Testbed.Engine.PublicApiProbe.NewMember() -> int'; do
  if ! grep -qF "RS0016: Symbol '$symbol' is not part of the declared public API" <<<"$output"; then
    echo "check-public-api: FAILED: $symbol in engine/ did not fail the build with RS0016:" >&2
    echo "$output" | tail -n 20 >&2
    exit 1
  fi
done
echo "check-public-api: ok (a new public type and method in engine/ each fail the build with RS0016)"
