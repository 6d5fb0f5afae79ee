#!/usr/bin/env bash
# What recording costs: `testbed serve` plaintext throughput without and with `--record` (docs/record-replay.md).
#
# Builds the CLI in Release, then for each round starts a fresh server without recording and one with
# `--record FILE --record-bodies BODIES` (FILE in a temp dir, deleted after its size is noted), in turn, and drives
# each with the same wrk run after a warm-up. Rounds interleave the two, so a burst of load from elsewhere on a
# shared machine skews one sample, not one side. Prints each sample, the medians and the ratio, and beside the
# throughput the server's CPU time per request (user + system, warm-up included), which other work on the
# machine disturbs less than the throughput.
# Only 127.0.0.1 is ever a target; every wrk run is bounded; every server it started is stopped on exit.
#
# Usage: bench/record-overhead.sh [-r 3] [-d 10s] [-w 3s] [-c 64] [-t 1] [--threads N] [--bodies hash] [--no-build]
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/record-overhead.sh [options]
  -r N            rounds; each runs both servers once (default 3)
  -d DURATION     length of each measured wrk run (default 10s)
  -w DURATION     warm-up per server before it is measured (default 3s)
  -c N            wrk connections (default 64)
  -t N            wrk threads (default 1)
  --threads N     the server's loop threads (default: the core count)
  --bodies B      --record-bodies for the recording server: none, hash or full (default hash)
  --no-build      reuse the previous build (bench/.build/record-overhead)
  -h, --help      this text
EOF
}

ROUNDS=3
DURATION=10s
WARMUP=3s
CONNECTIONS=64
WRK_THREADS=1
THREADS=$(nproc)
BODIES=hash
BUILD=1

while [[ $# -gt 0 ]]; do
  case "$1" in
    -r) ROUNDS=$2; shift 2 ;;
    -d) DURATION=$2; shift 2 ;;
    -w) WARMUP=$2; shift 2 ;;
    -c) CONNECTIONS=$2; shift 2 ;;
    -t) WRK_THREADS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --bodies) BODIES=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=$ROOT/bench/.build/record-overhead
WORK=$(mktemp -d -t record-overhead.XXXXXX)
SERVER=

log() { echo "[record-overhead] $*" >&2; }

seconds() {
  local v=$1
  case "$v" in
    *m) echo $(( ${v%m} * 60 )) ;;
    *s) echo "${v%s}" ;;
    *) echo "$v" ;;
  esac
}

stop_server() {
  if [[ -n $SERVER ]]; then
    kill -INT "$SERVER" 2>/dev/null || true
    for _ in $(seq 100); do
      kill -0 "$SERVER" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    SERVER=
  fi
}

cleanup() {
  stop_server
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! command -v wrk >/dev/null 2>&1; then
  log "installing wrk"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2
fi

if [[ $BUILD == 1 || ! -x $BUILD_DIR/testbed ]]; then
  log "building the CLI (Release)"
  dotnet build -c Release "$ROOT/cli" -o "$BUILD_DIR" -nologo -v quiet >&2
fi

port_free() { [[ -z $(ss -Htln "sport = :$1") ]]; }
PORT=18180
while ! port_free "$PORT"; do PORT=$((PORT + 1)); done
URL="http://127.0.0.1:$PORT/plaintext"
# TechEmpower's plaintext request headers, as bench/wrk-compare.sh sends them.
HEADERS=(-H 'Host: localhost' -H 'Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7' -H 'Connection: keep-alive')
BOUND=$(( $(seconds "$DURATION") + $(seconds "$WARMUP") + 30 ))

# run NAME [serve flags...]: one server, warmed up, measured; prints requests/sec.
run() {
  local name=$1; shift
  (cd "$WORK" && exec "$BUILD_DIR/testbed" serve --port "$PORT" --threads "$THREADS" "$@") >"$WORK/$name.log" 2>&1 &
  SERVER=$!
  local ok=0
  for _ in $(seq 150); do
    if [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$URL" || true) == 200 ]]; then ok=1; break; fi
    kill -0 "$SERVER" 2>/dev/null || break
    sleep 0.2
  done
  if [[ $ok != 1 ]]; then
    log "$name did not answer 200 on $URL; its output:"; cat "$WORK/$name.log" >&2; exit 1
  fi
  timeout "$BOUND" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$WARMUP" "${HEADERS[@]}" "$URL" >"$WORK/$name.warm"
  timeout "$BOUND" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" "${HEADERS[@]}" "$URL" >"$WORK/$name.wrk"
  # utime + stime (fields 14 and 15 of /proc/PID/stat, after the command's parenthesised name), in clock ticks.
  local ticks
  ticks=$(sed 's/^.*) //' "/proc/$SERVER/stat" | awk '{ print $12 + $13 }')
  stop_server
  local rps errors requests
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/$name.wrk")
  requests=$(cat "$WORK/$name.warm" "$WORK/$name.wrk" | awk '/requests in/ { n += $1 } END { print n }')
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN { printf "%.2f\n", t / hz * 1e6 / n }' >"$WORK/$name.cpu"
  errors=$(grep -E 'Non-2xx|Socket errors' "$WORK/$name.wrk" | tr -s ' ' | paste -sd';' || true)
  [[ -n $rps ]] || { log "no Requests/sec from wrk for $name"; cat "$WORK/$name.wrk" >&2; exit 1; }
  [[ -z $errors ]] || log "$name: $errors"
  echo "$rps"
}

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

log "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
log "wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION (warm-up $WARMUP) $URL; serve --threads $THREADS; $ROUNDS rounds; recording with --record-bodies $BODIES"
PLAIN=()
RECORDED=()
PLAIN_CPU=()
RECORDED_CPU=()
for round in $(seq "$ROUNDS"); do
  PLAIN+=("$(run "plain-$round")")
  PLAIN_CPU+=("$(cat "$WORK/plain-$round.cpu")")
  file="$WORK/round-$round.jsonl"
  RECORDED+=("$(run "record-$round" --record "$file" --record-bodies "$BODIES")")
  RECORDED_CPU+=("$(cat "$WORK/record-$round.cpu")")
  summary=$(grep -m1 '^recorded ' "$WORK/record-$round.log" || echo "no summary line")
  log "round $round: plain ${PLAIN[-1]} req/s (${PLAIN_CPU[-1]} CPU µs/req), recording ${RECORDED[-1]} req/s (${RECORDED_CPU[-1]} CPU µs/req) ($summary)"
  rm -f "$file"
done

plain=$(median "${PLAIN[@]}")
recorded=$(median "${RECORDED[@]}")
plain_cpu=$(median "${PLAIN_CPU[@]}")
recorded_cpu=$(median "${RECORDED_CPU[@]}")
echo "plain     req/s: ${PLAIN[*]} (median $plain); server CPU µs/request: ${PLAIN_CPU[*]} (median $plain_cpu)"
echo "recording req/s: ${RECORDED[*]} (median $recorded); server CPU µs/request: ${RECORDED_CPU[*]} (median $recorded_cpu)"
awk -v p="$plain" -v r="$recorded" 'BEGIN { printf "throughput ratio recording/plain: %.3f (overhead %.1f%%)\n", r / p, (1 - r / p) * 100 }'
awk -v p="$plain_cpu" -v r="$recorded_cpu" 'BEGIN { printf "CPU per request ratio recording/plain: %.3f (%+.1f%%)\n", r / p, (r / p - 1) * 100 }'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
