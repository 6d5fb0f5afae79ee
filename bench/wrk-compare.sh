#!/usr/bin/env bash
# Side-by-side plaintext load test on loopback: Testbed vs ASP.NET Core Kestrel vs nginx, in one run.
#
# Builds Testbed (cli) and bench/KestrelReference in Release, writes an nginx config in a temp dir, starts
# all three on 127.0.0.1, then drives each in turn with wrk using the same parameters: a warm-up, a plain
# keep-alive run and a run that pipelines DEPTH requests per write (TechEmpower's plaintext shape).
# Prints a Markdown table of requests/sec, ratios Testbed/Kestrel and Testbed/nginx, and errors.
# Every server it started is stopped on exit. Only 127.0.0.1 is ever a target; every wrk run is bounded.
#
# With -r N the measured runs are repeated N times, interleaved (every server once per round), and the
# table shows the median, so a burst of load from elsewhere on a shared machine skews one sample, not all.
#
# Usage: bench/wrk-compare.sh [-d 10s] [-w 5s] [-r 1] [-c 64] [-t 1] [-p 16] [--out[=FILE]] [--no-build]
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/wrk-compare.sh [options]
  -d DURATION   length of each measured wrk run (default 10s; wrk units: 5s, 1m)
  -w DURATION   length of the warm-up run per server (default 5s)
  -r N          rounds of measured runs, interleaved; the report shows medians (default 1)
  -c N          connections (default 64)
  -t N          wrk threads (default 1)
  -p N          requests per write in the pipelined run (default 16)
  --out[=FILE]  also write the report to FILE (default bench/results/wrk-YYYYMMDD.md)
  --no-build    reuse the builds of the previous run (in bench/.build)
  -h, --help    this text
EOF
}

DURATION=10s
WARMUP=5s
ROUNDS=1
CONNECTIONS=64
WRK_THREADS=1
DEPTH=16
OUT=
BUILD=1

while [[ $# -gt 0 ]]; do
  case "$1" in
    -d) DURATION=$2; shift 2 ;;
    -w) WARMUP=$2; shift 2 ;;
    -r) ROUNDS=$2; shift 2 ;;
    -c) CONNECTIONS=$2; shift 2 ;;
    -t) WRK_THREADS=$2; shift 2 ;;
    -p) DEPTH=$2; shift 2 ;;
    --out) OUT=default; shift ;;
    --out=*) OUT=${1#--out=}; shift ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=$ROOT/bench/.build
CORES=$(nproc)
WORK=$(mktemp -d -t wrk-compare.XXXXXX)
PIDS=()

log() { echo "[wrk-compare] $*" >&2; }

# Seconds in a wrk duration (10, 10s, 2m, 1h), to bound each run with `timeout`.
seconds() {
  local v=$1
  case "$v" in
    *h) echo $(( ${v%h} * 3600 )) ;;
    *m) echo $(( ${v%m} * 60 )) ;;
    *s) echo "${v%s}" ;;
    *) echo "$v" ;;
  esac
}

cleanup() {
  local pid
  # Keep the servers' output and wrk's for a look after the run (the temp dir goes).
  if [[ -d $WORK ]]; then
    rm -rf "$BUILD_DIR/last-run" && mkdir -p "$BUILD_DIR/last-run"
    cp -r "$WORK"/*.log "$WORK"/*.txt "$WORK/nginx/logs" "$BUILD_DIR/last-run/" 2>/dev/null || true
  fi
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools -------------------------------------------------------------------------------------------
need_apt() {
  local cmd=$1 pkg=$2
  if ! command -v "$cmd" >/dev/null 2>&1; then
    log "installing $pkg"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >&2
  fi
}
need_apt wrk wrk
need_apt nginx nginx-light
need_apt curl curl
NGINX=$(command -v nginx)

# --- ports: three free loopback ports ---------------------------------------------------------------
port_free() { [[ -z $(ss -Htln "sport = :$1") ]]; }
PORTS=()
candidate=18080
while [[ ${#PORTS[@]} -lt 3 ]]; do
  if port_free "$candidate"; then PORTS+=("$candidate"); fi
  candidate=$((candidate + 1))
done
P_TESTBED=${PORTS[0]}
P_KESTREL=${PORTS[1]}
P_NGINX=${PORTS[2]}

# --- build -------------------------------------------------------------------------------------------
if [[ $BUILD == 1 || ! -x $BUILD_DIR/testbed/testbed || ! -x $BUILD_DIR/kestrel/KestrelReference ]]; then
  log "building Testbed and KestrelReference (Release)"
  dotnet build -c Release "$ROOT/cli" -o "$BUILD_DIR/testbed" -nologo -v quiet >&2
  dotnet build -c Release "$ROOT/bench/KestrelReference" -o "$BUILD_DIR/kestrel" -nologo -v quiet >&2
fi

# --- start -------------------------------------------------------------------------------------------
log "starting Testbed on 127.0.0.1:$P_TESTBED (--threads $CORES)"
(cd "$WORK" && exec "$BUILD_DIR/testbed/testbed" serve --port "$P_TESTBED" --threads "$CORES") \
  >"$WORK/testbed.log" 2>&1 &
PIDS+=($!)

log "starting Kestrel on 127.0.0.1:$P_KESTREL"
(cd "$WORK" && exec "$BUILD_DIR/kestrel/KestrelReference" --urls "http://127.0.0.1:$P_KESTREL") \
  >"$WORK/kestrel.log" 2>&1 &
PIDS+=($!)

mkdir -p "$WORK/nginx/logs" "$WORK/nginx/tmp"
cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes $CORES;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$P_NGINX reuseport;
    location = /plaintext { default_type text/plain; return 200 "Hello, World!"; }
  }
}
EOF
log "starting nginx on 127.0.0.1:$P_NGINX (worker_processes $CORES)"
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx.log" 2>&1 &
PIDS+=($!)

NAMES=(Testbed Kestrel nginx)
URLS=("http://127.0.0.1:$P_TESTBED/plaintext" "http://127.0.0.1:$P_KESTREL/plaintext" "http://127.0.0.1:$P_NGINX/plaintext")
SERVER_LOGS=("$WORK/testbed.log" "$WORK/kestrel.log" "$WORK/nginx/logs/error.log")

for i in 0 1 2; do
  ok=0
  for _ in $(seq 150); do
    if [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "${URLS[$i]}" || true) == 200 ]]; then ok=1; break; fi
    kill -0 "${PIDS[$i]}" 2>/dev/null || break
    sleep 0.2
  done
  if [[ $ok != 1 ]]; then
    log "${NAMES[$i]} did not answer 200 on ${URLS[$i]}; its output:"
    cat "$WORK/$(tr '[:upper:]' '[:lower:]' <<<"${NAMES[$i]}").log" "${SERVER_LOGS[$i]}" >&2 2>/dev/null || true
    exit 1
  fi
  body=$(curl -s --max-time 2 "${URLS[$i]}")
  [[ $body == "Hello, World!" ]] || { log "${NAMES[$i]} answered '$body'"; exit 1; }
done

# --- wrk ---------------------------------------------------------------------------------------------
# TechEmpower's plaintext request headers, and its pipeline script: DEPTH requests in each write.
HEADERS=(-H 'Host: localhost' -H 'Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7' -H 'Connection: keep-alive')
cat >"$WORK/pipeline.lua" <<'EOF'
init = function(args)
  local depth = tonumber(args[1]) or 1
  local r = {}
  for i = 1, depth do
    r[i] = wrk.format()
  end
  req = table.concat(r)
end

request = function()
  return req
end
EOF

# run_wrk NAME_INDEX MODE DURATION OUT: one bounded wrk run, its output kept in OUT.
run_wrk() {
  local i=$1 mode=$2 duration=$3 out=$4
  local bound=$(( $(seconds "$duration") + 30 ))
  local args=(-t"$WRK_THREADS" -c"$CONNECTIONS" -d"$duration" --latency "${HEADERS[@]}")
  if [[ $mode == pipelined ]]; then
    args+=(-s "$WORK/pipeline.lua" "${URLS[$i]}" -- "$DEPTH")
  else
    args+=("${URLS[$i]}")
  fi
  timeout --kill-after=5 "$bound" wrk "${args[@]}" >"$out" 2>&1 || echo "wrk exited with status $?" >>"$out"
  cat "$out" >&2
}

# Fields from wrk outputs: each takes the files of every round of one server and scenario.
# Requests/sec: the median over rounds (wrk prints none when it failed: that round is skipped).
rps()       { awk '/^Requests\/sec:/ {print $2}' "$@" | sort -g | awk '{v[NR]=$1} END {if (NR) print (NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
rps_range() { awk '/^Requests\/sec:/ {printf "%.0f\n", $2}' "$@" | sort -g | awk '{v[NR]=$1} END {if (NR > 1) printf "%s–%s", v[1], v[NR]; else if (NR) print v[1]; else print "n/a"}'; }
requests()  { awk '/ requests in / {n += $1} END {print n + 0}' "$@"; }
non2xx()    { awk '/Non-2xx or 3xx responses:/ {n += $NF} END {print n + 0}' "$@"; }
sockerrs()  { awk '/Socket errors:/ {gsub(",", ""); c += $4; r += $6; w += $8; t += $10; f = 1}
                   END {if (f) printf "%d/%d/%d/%d", c, r, w, t; else print "0"}' "$@"; }
# Average latency and p99, in ms: the median over rounds.
MS='function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /m$/) return v * 60000; if (v ~ /s$/) return v * 1000; return v }'
median()    { sort -g | awk '{v[NR]=$1} END {if (NR) printf "%.2fms", (NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2); else print "n/a"}'; }
latency()   { awk "$MS"' $1 == "Latency" && NF >= 4 {print ms($2)}' "$@" | median; }
p99()       { awk "$MS"' $1 == "99%" {print ms($2)}' "$@" | median; }
failed()    { grep -l '^wrk exited' "$@" 2>/dev/null | wc -l; }
ratio()     { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }
fmt_rps()   { awk -v a="$1" 'BEGIN { if (a == "") print "n/a"; else printf "%.0f", a }'; }
files()     { local r; for r in $(seq "$ROUNDS"); do echo "$WORK/wrk-$1-$2-$r.txt"; done; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for i in 0 1 2; do
  log "warm-up ${NAMES[$i]} ($WARMUP)"
  run_wrk "$i" warmup "$WARMUP" "$WORK/warmup-${NAMES[$i]}.txt"
done
for round in $(seq "$ROUNDS"); do
  for mode in plain pipelined; do
    for i in 0 1 2; do
      log "round $round/$ROUNDS: ${NAMES[$i]} $mode ($DURATION)"
      run_wrk "$i" "$mode" "$DURATION" "$WORK/wrk-${NAMES[$i]}-$mode-$round.txt"
    done
  done
done

# Servers still alive after the load? For one that is not, its exit status (128+N: killed by signal N).
ALIVE=()
for i in 0 1 2; do
  if kill -0 "${PIDS[$i]}" 2>/dev/null; then
    ALIVE+=(yes)
  else
    status=0
    wait "${PIDS[$i]}" 2>/dev/null || status=$?
    if (( status > 128 )); then
      ALIVE+=("NO (exit status $status: signal $(kill -l $((status - 128)) 2>/dev/null || echo $((status - 128))))")
    else
      ALIVE+=("NO (exit status $status)")
    fi
    log "${NAMES[$i]} died during the runs (${ALIVE[$i]}); the end of its output:"
    tail -n 40 "$WORK/$(tr '[:upper:]' '[:lower:]' <<<"${NAMES[$i]}").log" >&2 || true
  fi
done

# --- report ------------------------------------------------------------------------------------------
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
CPU=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
report() {
  echo "# wrk plaintext comparison, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Commit $COMMIT. Machine: $CORES cores ($CPU), shared; wrk runs on the same cores as the server, so"
  echo "absolute numbers are indicative only and the ratios are what to read. Load average (1/5/15 min) before"
  echo "the measured runs: $LOAD_BEFORE; after: $LOAD_AFTER."
  echo
  echo "wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS round(s) interleaved (req/s: median of the rounds), after a"
  echo "$WARMUP warm-up per server; TechEmpower plaintext headers; 'pipelined' sends $DEPTH requests per write."
  echo "Testbed: --threads $CORES; nginx: worker_processes $CORES."
  echo
  echo "| Scenario | Testbed req/s | Kestrel req/s | nginx req/s | Testbed/Kestrel | Testbed/nginx |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  local mode t k n
  for mode in plain pipelined; do
    t=$(rps $(files Testbed "$mode")); k=$(rps $(files Kestrel "$mode")); n=$(rps $(files nginx "$mode"))
    echo "| $mode | $(fmt_rps "$t") | $(fmt_rps "$k") | $(fmt_rps "$n") | $(ratio "$t" "$k") | $(ratio "$t" "$n") |"
  done
  echo
  echo "| Scenario | Server | req/s (min–max) | Requests (all rounds) | Latency avg (median) | Latency p99 (median) | Non-2xx/3xx | Socket errors (connect/read/write/timeout) | wrk failures |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |"
  local i
  local -a fs
  for mode in plain pipelined; do
    for i in 0 1 2; do
      mapfile -t fs < <(files "${NAMES[$i]}" "$mode")
      echo "| $mode | ${NAMES[$i]} | $(rps_range "${fs[@]}") | $(requests "${fs[@]}") | $(latency "${fs[@]}") | $(p99 "${fs[@]}") | $(non2xx "${fs[@]}") | $(sockerrs "${fs[@]}") | $(failed "${fs[@]}") |"
    done
  done
  echo
  echo "Servers alive after the runs: Testbed ${ALIVE[0]}, Kestrel ${ALIVE[1]}, nginx ${ALIVE[2]}."
  local problems
  problems=$(grep -ciE "$PROBLEMS" "$WORK/testbed.log" || true)
  echo "Testbed log lines with fail/crit/exception/error/terminated: $problems."
  echo "Server and wrk output of this run are kept in bench/.build/last-run/."
}

PROBLEMS='fail|crit|exception|error|terminated|abort'
REPORT=$(report)
if grep -qiE "$PROBLEMS" "$WORK/testbed.log"; then
  log "Testbed log excerpts:"
  grep -iE -A3 "$PROBLEMS" "$WORK/testbed.log" | head -40 >&2
fi
echo
echo "$REPORT"

if [[ -n $OUT ]]; then
  [[ $OUT == default ]] && OUT=$ROOT/bench/results/wrk-$(date +%Y%m%d).md
  mkdir -p "$(dirname "$OUT")"
  echo "$REPORT" >"$OUT"
  log "wrote $OUT"
fi
