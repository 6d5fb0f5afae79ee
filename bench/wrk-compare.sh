#!/usr/bin/env bash
# Side-by-side load test on loopback: Testbed vs ASP.NET Core Kestrel vs nginx, in one run.
#
# Builds Testbed (cli) and bench/KestrelReference in Release, writes an nginx config in a temp dir, starts
# all three on 127.0.0.1, then drives each in turn with wrk using the same parameters over four loads:
#   plain      TechEmpower plaintext, keep-alive, -c 64
#   pipelined  the same, DEPTH (16) requests per write (TechEmpower's pipeline script), -c 64
#   1MiB       a 1 MiB response (/bytes/1048576; nginx: a static file with sendfile), -c 16
#   c1000      plaintext, keep-alive, -c 1000
# For every server and load: requests/s, p50 and p99 latency (wrk --latency), peak RSS of the server
# during the run (VmRSS sampled every 100 ms, the max kept; nginx: master + workers summed), errors (socket
# errors + non-2xx), and for Testbed the bytes allocated per request (serve --report-allocations, SIGUSR1
# before and after each run, so the figure covers that run only). Ends with the ratios Testbed/Kestrel and
# Testbed/nginx per load. Every server it started is stopped on exit. Only 127.0.0.1 is ever a target;
# every wrk run is bounded.
#
# The measured runs are repeated -r times, interleaved (every server once per load per round), and the
# tables show medians, so a burst of load from elsewhere on a shared machine skews one sample, not all.
#
# Usage: bench/wrk-compare.sh [-d 5s] [-w 2s] [-r 3] [-c 64] [-t 1] [-p 16] [-l LOOPS] [--out[=FILE]] [--no-build]
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/wrk-compare.sh [options]
  -d DURATION   length of each measured wrk run (default 5s; wrk units: 5s, 1m)
  -w DURATION   length of the warm-up run per server and load, before round 1 (default 2s)
  -r N          rounds of measured runs, interleaved; the report shows medians (default 3)
  -c N          connections of the plain and pipelined loads (default 64)
  --bytes-connections N   connections of the 1 MiB load (default 16)
  --many-connections N    connections of the c1000 load (default 1000)
  -t N          wrk threads (default 1)
  -p N          requests per write in the pipelined run (default 16)
  -l N          Testbed's loops (--threads) and nginx's workers (default: serve's own, nproc/2, 1 to 16)
  --out[=FILE]  also write the report to FILE (default bench/results/wrk-YYYYMMDD.md)
  --no-build    reuse the builds of the previous run (in bench/.build)
  -h, --help    this text
EOF
}

DURATION=5s
WARMUP=2s
ROUNDS=3
CONNECTIONS=64
BYTES_CONNECTIONS=16
MANY_CONNECTIONS=1000
BIG=1048576
WRK_THREADS=1
DEPTH=16
OUT=
BUILD=1
LOOPS=

while [[ $# -gt 0 ]]; do
  case "$1" in
    -d) DURATION=$2; shift 2 ;;
    -w) WARMUP=$2; shift 2 ;;
    -r) ROUNDS=$2; shift 2 ;;
    -c) CONNECTIONS=$2; shift 2 ;;
    --bytes-connections) BYTES_CONNECTIONS=$2; shift 2 ;;
    --many-connections) MANY_CONNECTIONS=$2; shift 2 ;;
    -t) WRK_THREADS=$2; shift 2 ;;
    -p) DEPTH=$2; shift 2 ;;
    -l) LOOPS=$2; shift 2 ;;
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
# serve's default loop count (ServeOptions.DefaultThreads), passed explicitly so nginx gets as many workers.
DEFAULT_LOOPS=$(( CORES / 2 < 1 ? 1 : (CORES / 2 > 16 ? 16 : CORES / 2) ))
LOOPS=${LOOPS:-$DEFAULT_LOOPS}
WORK=$(mktemp -d -t wrk-compare.XXXXXX)
PIDS=()
SAMPLER=
START_TIME=$(date +%s)

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
  if [[ -n $SAMPLER ]]; then kill "$SAMPLER" 2>/dev/null || true; wait "$SAMPLER" 2>/dev/null || true; fi
  # Keep the servers' output and wrk's for a look after the run (the temp dir goes).
  if [[ -d $WORK ]]; then
    rm -rf "$BUILD_DIR/last-run" && mkdir -p "$BUILD_DIR/last-run"
    cp -r "$WORK"/*.log "$WORK"/*.txt "$WORK"/*.rss "$WORK"/*.alloc "$WORK/nginx/logs" "$BUILD_DIR/last-run/" 2>/dev/null || true
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

# 1,000 connections need as many descriptors in wrk and in each server (they inherit the limit).
NEED_FILES=$(( MANY_CONNECTIONS + 1024 ))
if (( $(ulimit -n) < NEED_FILES )); then
  ulimit -n "$NEED_FILES" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  (( $(ulimit -n) >= NEED_FILES )) || log "warning: ulimit -n is $(ulimit -n), under the $NEED_FILES the c$MANY_CONNECTIONS load needs"
fi

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
log "starting Testbed on 127.0.0.1:$P_TESTBED (--threads $LOOPS)"
(cd "$WORK" && exec "$BUILD_DIR/testbed/testbed" serve --port "$P_TESTBED" --threads "$LOOPS" --report-allocations) \
  >"$WORK/testbed.log" 2>&1 &
PIDS+=($!)

log "starting Kestrel on 127.0.0.1:$P_KESTREL"
(cd "$WORK" && exec "$BUILD_DIR/kestrel/KestrelReference" --urls "http://127.0.0.1:$P_KESTREL") \
  >"$WORK/kestrel.log" 2>&1 &
PIDS+=($!)

mkdir -p "$WORK/nginx/logs" "$WORK/nginx/tmp" "$WORK/nginx/root/bytes"
# The 1 MiB body, the same bytes as Testbed's and Kestrel's /bytes/N ('x' repeated).
head -c "$BIG" /dev/zero | tr '\0' x >"$WORK/nginx/root/bytes/$BIG"
# nginx's workers run as an unprivileged user when started as root: the path to the file must be theirs to read.
chmod a+rx "$WORK" "$WORK/nginx" "$WORK/nginx/root" "$WORK/nginx/root/bytes"
chmod a+r "$WORK/nginx/root/bytes/$BIG"
cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes $LOOPS;
worker_rlimit_nofile $NEED_FILES;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections $NEED_FILES; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 10000000;
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$P_NGINX reuseport;
    location = /plaintext { default_type text/plain; return 200 "Hello, World!"; }
    location /bytes/ { root $WORK/nginx/root; default_type application/octet-stream; }
  }
}
EOF
log "starting nginx on 127.0.0.1:$P_NGINX (worker_processes $LOOPS)"
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx.log" 2>&1 &
PIDS+=($!)

NAMES=(Testbed Kestrel nginx)
BASES=("http://127.0.0.1:$P_TESTBED" "http://127.0.0.1:$P_KESTREL" "http://127.0.0.1:$P_NGINX")
URLS=("${BASES[0]}/plaintext" "${BASES[1]}/plaintext" "${BASES[2]}/plaintext")
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
  big=$(curl -s --max-time 5 -o /dev/null -w '%{http_code} %{size_download}' "${BASES[$i]}/bytes/$BIG")
  [[ $big == "200 $BIG" ]] || { log "${NAMES[$i]} answered /bytes/$BIG with '$big' (status, bytes)"; exit 1; }
done

# The processes whose RSS is the server's: nginx's master and its workers (forked by now), the others one each.
RSS_PIDS=("${PIDS[0]}" "${PIDS[1]}" "${PIDS[2]} $(pgrep -P "${PIDS[2]}" | tr '\n' ' ')")

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

LOADS=(plain pipelined 1MiB c1000)
load_connections() {
  case "$1" in
    1MiB) echo "$BYTES_CONNECTIONS" ;;
    c1000) echo "$MANY_CONNECTIONS" ;;
    *) echo "$CONNECTIONS" ;;
  esac
}

# sample_rss "PID..." OUT: every 100 ms, the summed VmRSS (kB) of the PIDs; the max so far is kept in OUT.
# Bash builtins only, so sampling takes no fork from the cores under load.
sample_rss() {
  local pids=$1 out=$2 max=0 sum key value _ p
  while :; do
    sum=0
    for p in $pids; do
      while read -r key value _; do
        if [[ $key == VmRSS: ]]; then sum=$((sum + value)); break; fi
      done 2>/dev/null <"/proc/$p/status" || true
    done
    if (( sum > max )); then max=$sum; echo "$max" >"$out"; fi
    sleep 0.1
  done
}

# allocation_line: sends SIGUSR1 to Testbed and prints the line it answers with (the span the signal ended).
allocation_line() {
  local before
  before=$(grep -c '^allocations:' "$WORK/testbed.log" || true)
  kill -USR1 "${PIDS[0]}"
  for _ in $(seq 50); do
    if (( $(grep -c '^allocations:' "$WORK/testbed.log" || true) > before )); then
      grep '^allocations:' "$WORK/testbed.log" | tail -n 1
      return
    fi
    sleep 0.1
  done
  echo "allocations: no answer to SIGUSR1"
}

# run_wrk NAME_INDEX LOAD DURATION OUT: one bounded wrk run, its output kept in OUT, the server's peak RSS
# during it in OUT.rss (kB) and, for Testbed, its allocation line in OUT.alloc.
run_wrk() {
  local i=$1 load=$2 duration=$3 out=$4
  local bound=$(( $(seconds "$duration") + 30 ))
  local args=(-t"$WRK_THREADS" -c"$(load_connections "$load")" -d"$duration" --latency "${HEADERS[@]}")
  case "$load" in
    pipelined) args+=(-s "$WORK/pipeline.lua" "${URLS[$i]}" -- "$DEPTH") ;;
    1MiB) args+=("${BASES[$i]}/bytes/$BIG") ;;
    *) args+=("${URLS[$i]}") ;;
  esac
  if (( i == 0 )); then allocation_line >/dev/null; fi # ends the span before this run
  echo 0 >"$out.rss"
  sample_rss "${RSS_PIDS[$i]}" "$out.rss" &
  SAMPLER=$!
  timeout --kill-after=5 "$bound" wrk "${args[@]}" >"$out" 2>&1 || echo "wrk exited with status $?" >>"$out"
  kill "$SAMPLER" 2>/dev/null || true
  wait "$SAMPLER" 2>/dev/null || true
  SAMPLER=
  if (( i == 0 )); then allocation_line >"$out.alloc"; fi # this run's figure
  cat "$out" >&2
}

# Fields from wrk outputs: each takes the files of every round of one server and load.
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
p50()       { awk "$MS"' $1 == "50%" {print ms($2)}' "$@" | median; }
# A p99 of 0 is wrk's, not the server's: on some fast pipelined runs Debian's wrk 4.1.0 prints 99% 0.00us under a
# p90 of a millisecond or more, which no latency distribution gives. Such a round has no p99.
p99_raw()   { awk "$MS"' $1 == "99%" && ms($2) > 0 {print ms($2)}' "$@" | sort -g | awk '{v[NR]=$1} END {if (NR) print (NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
p99()       { p99_raw "$@" | awk '{printf "%.2fms", $1} END {if (!NR) print "n/a"}'; }
p99_zeros() { awk "$MS"' $1 == "99%" && ms($2) == 0 {n++} END {print n + 0}' "$@"; }
errors()    { awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$@"; }
# Peak RSS over the rounds (MiB), from the OUT.rss files.
peak_rss()  { local f; for f in "$@"; do cat "$f.rss" 2>/dev/null; done | sort -g | tail -n 1 | awk '{printf "%.1f MiB", $1 / 1024}'; }
# Testbed's bytes per request: the median over rounds, and the requests those lines counted.
alloc_per_request() { local f; for f in "$@"; do sed -n 's/.*(\([0-9.]*\) bytes\/request).*/\1/p' "$f.alloc" 2>/dev/null; done | sort -g | awk '{v[NR]=$1} END {if (NR) printf "%.1f", (NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2); else print "n/a"}'; }
alloc_requests()    { local f; for f in "$@"; do sed -n 's/.* bytes in \([0-9]*\) requests.*/\1/p' "$f.alloc" 2>/dev/null; done | awk '{n += $1} END {print n + 0}'; }
failed()    { grep -l '^wrk exited' "$@" 2>/dev/null | wc -l; }
ratio()     { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }
fmt_rps()   { awk -v a="$1" 'BEGIN { if (a == "") print "n/a"; else printf "%.0f", a }'; }
files()     { local r; for r in $(seq "$ROUNDS"); do echo "$WORK/wrk-$1-$2-$r.txt"; done; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for load in "${LOADS[@]}"; do
  for i in 0 1 2; do
    log "warm-up ${NAMES[$i]} $load ($WARMUP)"
    run_wrk "$i" "$load" "$WARMUP" "$WORK/warmup-${NAMES[$i]}-$load.txt"
  done
done
LOAD_DURING=()
for round in $(seq "$ROUNDS"); do
  for load in "${LOADS[@]}"; do
    for i in 0 1 2; do
      log "round $round/$ROUNDS: ${NAMES[$i]} $load ($DURATION)"
      run_wrk "$i" "$load" "$DURATION" "$WORK/wrk-${NAMES[$i]}-$load-$round.txt"
    done
  done
  LOAD_DURING+=("$(cut -d' ' -f1 /proc/loadavg)")
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
WALL=$(( $(date +%s) - START_TIME ))
report() {
  echo "# wrk comparison: Testbed, Kestrel, nginx, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Commit $COMMIT. Machine: $CORES cores ($CPU), shared; wrk runs on the same cores as the server, so"
  echo "absolute numbers are indicative only and the ratios are what to read. Load average (1/5/15 min) before"
  echo "the measured runs: $LOAD_BEFORE; 1-min load at the end of each round: ${LOAD_DURING[*]}; after: $LOAD_AFTER."
  echo "Wall time of the script up to this report (build, start, warm-ups, runs): ${WALL} s."
  echo
  echo "wrk -t$WRK_THREADS -d$DURATION --latency, $ROUNDS round(s) interleaved (every figure: the median of the rounds, unless"
  echo "said), after a $WARMUP warm-up per server and load; TechEmpower plaintext headers. Loads: plain -c$CONNECTIONS;"
  echo "pipelined -c$CONNECTIONS, $DEPTH requests per write; 1MiB -c$BYTES_CONNECTIONS, GET /bytes/$BIG (nginx: a static file, sendfile on);"
  echo "c1000 -c$MANY_CONNECTIONS plaintext. Testbed: --threads $LOOPS; nginx: worker_processes $LOOPS."
  echo
  echo "## Ratios"
  echo
  echo "| Load | Testbed req/s | Kestrel req/s | nginx req/s | Testbed/Kestrel | Testbed/nginx | p99 Testbed/Kestrel | p99 Testbed/nginx |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  local load t k n tp kp np
  for load in "${LOADS[@]}"; do
    t=$(rps $(files Testbed "$load")); k=$(rps $(files Kestrel "$load")); n=$(rps $(files nginx "$load"))
    tp=$(p99_raw $(files Testbed "$load")); kp=$(p99_raw $(files Kestrel "$load")); np=$(p99_raw $(files nginx "$load"))
    echo "| $load | $(fmt_rps "$t") | $(fmt_rps "$k") | $(fmt_rps "$n") | $(ratio "$t" "$k") | $(ratio "$t" "$n") | $(ratio "$tp" "$kp") | $(ratio "$tp" "$np") |"
  done
  echo
  echo "Req/s ratios above 1: Testbed served more. p99 ratios above 1: Testbed's p99 latency was longer."
  local zeros="" i
  for load in "${LOADS[@]}"; do
    for i in 0 1 2; do
      n=$(p99_zeros $(files "${NAMES[$i]}" "$load"))
      if (( n > 0 )); then zeros+=" ${NAMES[$i]} $load ($n of $ROUNDS);"; fi
    done
  done
  if [[ -n $zeros ]]; then
    echo "Rounds left out of the p99 figures because wrk printed a p99 of 0.00us, under its own p90 (a wrk fault on"
    echo "fast pipelined runs):${zeros%;}."
  fi
  echo
  echo "## Every server and load"
  echo
  echo "| Load | Server | req/s | req/s (min–max) | p50 | p99 | Peak RSS (max VmRSS, 100 ms samples) | Errors (socket + non-2xx, all rounds) | Socket errors (connect/read/write/timeout) | Non-2xx/3xx | wrk failures | Bytes allocated/request |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |"
  local i alloc
  local -a fs
  for load in "${LOADS[@]}"; do
    for i in 0 1 2; do
      mapfile -t fs < <(files "${NAMES[$i]}" "$load")
      alloc="–"
      if (( i == 0 )); then alloc="$(alloc_per_request "${fs[@]}") ($(alloc_requests "${fs[@]}") requests)"; fi
      echo "| $load | ${NAMES[$i]} | $(fmt_rps "$(rps "${fs[@]}")") | $(rps_range "${fs[@]}") | $(p50 "${fs[@]}") | $(p99 "${fs[@]}") | $(peak_rss "${fs[@]}") | $(errors "${fs[@]}") | $(sockerrs "${fs[@]}") | $(non2xx "${fs[@]}") | $(failed "${fs[@]}") | $alloc |"
    done
  done
  echo
  echo "Peak RSS: the largest VmRSS sample (every 100 ms during the run) over the rounds; nginx's is its master"
  echo "and $LOOPS workers summed. Bytes allocated/request: Testbed's serve --report-allocations, SIGUSR1 before and"
  echo "after each run, so the figure is everything the process allocated during that run (loops, thread pool,"
  echo "host) divided by the requests the app was handed in it; the median of the rounds, and the requests counted."
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
