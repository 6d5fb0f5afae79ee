#!/usr/bin/env bash
# A bounded AFL++ session on the request-head parser and the chunked decoder (see fuzz/README.md).
#   scripts/fuzz.sh [head|chunked|all] [--minutes N]      default: all, 3 minutes per target
# Targets run one after the other (this machine has 2 cores). Exits 1 when any crash was saved.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(head chunked)
minutes=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    head | chunked) targets=("$1") ;;
    all) targets=(head chunked) ;;
    --minutes)
      [[ $# -ge 2 && "$2" =~ ^[0-9]+$ && "$2" -gt 0 ]] || { echo "fuzz.sh: --minutes needs a whole number above 0" >&2; exit 2; }
      minutes="$2"
      shift
      ;;
    *) echo "fuzz.sh: unknown argument '$1' (usage: scripts/fuzz.sh [head|chunked|all] [--minutes N])" >&2; exit 2 ;;
  esac
  shift
done

if ! command -v afl-fuzz >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
fi
dotnet tool restore >/dev/null

# The engine copy under artifacts/ is instrumented; the build output the specs use stays untouched.
out=artifacts/fuzz
bin="$out/bin"
dotnet build fuzz/Testbed.Fuzz -c Release -nologo -v q
rm -rf "$bin"
mkdir -p "$out"
cp -r fuzz/Testbed.Fuzz/bin/Release/net10.0 "$bin"
dotnet tool run sharpfuzz "$bin/Testbed.Engine.dll" Testbed.Engine.Http

# dotnet itself carries no AFL instrumentation (SharpFuzz talks to AFL from managed code), this VM has no
# CPU frequency governor and a core_pattern AFL dislikes, and the output goes to a log, not a terminal.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1

stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$2"; }

status=0
for target in "${targets[@]}"; do
  dir="$out/$target"
  rm -rf "$dir"
  echo "fuzzing $target for $minutes min (log: $out/$target.log)"
  # -V bounds the session; timeout is the backstop should afl-fuzz ever ignore it.
  timeout $((minutes * 60 + 120)) afl-fuzz -i "fuzz/corpus/$target" -o "$dir" -V $((minutes * 60)) -t 5000 -m none \
    -- "$(command -v dotnet)" "$bin/Testbed.Fuzz.dll" "$target" >"$out/$target.log" 2>&1 || {
    echo "afl-fuzz failed for $target; the end of $out/$target.log:" >&2
    tail -n 20 "$out/$target.log" >&2
    exit 1
  }
done

echo
printf '%-8s %8s %12s %10s %8s %8s %8s\n' target seconds execs_done execs/s paths crashes hangs
for target in "${targets[@]}"; do
  stats="$out/$target/default/fuzzer_stats"
  printf '%-8s %8s %12s %10s %8s %8s %8s\n' "$target" "$(stat run_time "$stats")" \
    "$(stat execs_done "$stats")" "$(stat execs_per_sec "$stats")" "$(stat corpus_count "$stats")" \
    "$(stat saved_crashes "$stats")" "$(stat saved_hangs "$stats")"
done

for target in "${targets[@]}"; do
  for crash in "$out/$target"/default/crashes/id:* "$out/$target"/default/hangs/id:*; do
    [[ -e "$crash" ]] || continue
    echo "saved: $crash   (replay: dotnet fuzz/Testbed.Fuzz/bin/Release/net10.0/Testbed.Fuzz.dll $target '$crash')"
    status=1
  done
done
exit "$status"
