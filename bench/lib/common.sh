# Shell helpers for the load scripts in bench/ (sourced, not run).
#
# What they share: where the Release binary is, a temporary directory that is removed on
# exit together with every process the script started, the machine-wide build lock (held
# while measuring so that no compile competes with the measurement), starting the service
# on a chosen free port with a temporary SQLite database, seeding a user/token/board,
# and running wrk with the service's own CPU time per request read from /proc/PID/stat.
#
# RB_PIN=1 pins the processes to cores, so that the service has a core of its own: the
# service under `taskset -c $RB_PIN_SERVICE_CPU` (default 0) with BOARD_THREADS=1 and
# BOARD_DB_THREADS=$RB_PIN_DB_THREADS (default 1: one I/O thread and one database thread
# for one core; a second database thread only adds hand-offs there), wrk and the OTLP
# receiver or sink under `taskset -c $RB_PIN_LOAD_CPU` (default 1). Unpinned (the
# default), everything shares every core, as on a small box that runs its own load.

rb_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RB_BENCH_BUILD_DIR=${RB_BENCH_BUILD_DIR:-$rb_repo/build/bench}
RB_BENCH_BIN=${RB_BENCH_BIN:-$RB_BENCH_BUILD_DIR/src/app/realtime-board-api}
# The OTLP/gRPC sink that accepts Export without decoding (bench/lib/grpc_sink.cpp).
RB_SINK_BIN=${RB_SINK_BIN:-$RB_BENCH_BUILD_DIR/bench/bench_grpc_sink}
RB_WRK_DIR=$rb_repo/bench/wrk
export RB_WRK_DIR
RB_THREADS=${RB_THREADS:-2}          # wrk threads
RB_CONNECTIONS=${RB_CONNECTIONS:-64} # wrk connections
RB_DURATION=${RB_DURATION:-10}       # seconds per wrk run
# quiet: LOG_LEVEL=warn (plus the app/telemetry start-up and export-total lines), JSON,
#        to a file in the temporary directory; no access log.
# access: LOG_LEVEL=info, JSON, stdout to /dev/null; one access-log line per request is
#        formatted and written, as in production.
RB_BENCH_LOG=${RB_BENCH_LOG:-quiet}
RB_LOCK_FILE=${RB_LOCK_FILE:-/tmp/realtime-board-build.lock}
RB_CLK_TCK=$(getconf CLK_TCK)
RB_PIN=${RB_PIN:-0}
RB_PIN_SERVICE_CPU=${RB_PIN_SERVICE_CPU:-0}
RB_PIN_LOAD_CPU=${RB_PIN_LOAD_CPU:-1}
RB_PIN_DB_THREADS=${RB_PIN_DB_THREADS:-1}

# The command prefixes that place the service, and the load generator with the
# receivers, on their cores (empty unless RB_PIN=1). The service's thread counts belong
# to its prefix, so that a pinned service never runs more I/O threads than it has cores.
rb_pin_service=()
rb_pin_load=()
if [ "$RB_PIN" = 1 ]; then
  rb_pin_service=(env BOARD_THREADS=1 "BOARD_DB_THREADS=$RB_PIN_DB_THREADS" taskset -c "$RB_PIN_SERVICE_CPU")
  rb_pin_load=(taskset -c "$RB_PIN_LOAD_CPU")
fi

rb_tmp=$(mktemp -d /tmp/rb-bench.XXXXXX)
rb_pids=()

rb_cleanup() {
  local pid
  for pid in "${rb_pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${rb_pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$rb_tmp"
}
trap rb_cleanup EXIT
trap 'exit 130' INT TERM

rb_die() {
  echo "error: $*" >&2
  exit 1
}

rb_require() {
  [ -x "$RB_BENCH_BIN" ] || rb_die "no Release binary at $RB_BENCH_BIN; build it with:
  exec 9>$RB_LOCK_FILE; flock 9; cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DRB_BUILD_TESTS=OFF -DRB_BUILD_BENCH=ON && cmake --build build/bench -j2 --target realtime-board-api"
  command -v wrk >/dev/null || rb_die "wrk is not installed (Debian package wrk)"
  command -v curl >/dev/null || rb_die "curl is not installed"
  command -v python3 >/dev/null || rb_die "python3 is not installed"
  if [ "$RB_PIN" = 1 ]; then
    command -v taskset >/dev/null || rb_die "taskset is not installed (Debian package util-linux)"
    [ "$(nproc --all)" -ge 2 ] || rb_die "RB_PIN=1 needs at least 2 cores"
  fi
}

# For scripts that export to the light sink; the tree is the one rb_require names.
rb_require_sink() {
  [ -x "$RB_SINK_BIN" ] || rb_die "no OTLP sink at $RB_SINK_BIN; build it (with the service) with:
  exec 9>$RB_LOCK_FILE; flock 9; cmake --build build/bench -j2 --target realtime-board-api bench_grpc_sink"
}

# The machine-wide build lock on fd 9: held while measuring, released between runs.
rb_lock() {
  exec 9>"$RB_LOCK_FILE"
  if ! timeout "${RB_LOCK_WAIT:-900}" flock 9; then rb_die "waited too long for $RB_LOCK_FILE"; fi
}
rb_unlock() {
  flock -u 9 2>/dev/null || true
  exec 9>&-
}

rb_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

rb_track() { rb_pids+=("$1"); }
rb_untrack() {
  local keep=() pid
  for pid in "${rb_pids[@]}"; do [ "$pid" = "$1" ] || keep+=("$pid"); done
  rb_pids=("${keep[@]}")
}

# rb_start_service NAME [VAR=value...]: starts the service with a temporary SQLite
# database (shared by all runs of one script, so the seeded token stays valid) and the
# given extra environment; sets RB_PID and RB_PORT. fd 9 (the lock) is not inherited.
rb_start_service() {
  local name=$1
  shift
  RB_PORT=$(rb_free_port)
  local log=/dev/null level="info"
  if [ "$RB_BENCH_LOG" = quiet ]; then
    log=$rb_tmp/$name.log
    level=${RB_QUIET_LOG_LEVEL:-warn,app=info,telemetry=info}
  fi
  env BOARD_PORT="$RB_PORT" BOARD_LISTEN_ADDRESS=127.0.0.1 \
    DATABASE_URL="sqlite://$rb_tmp/board.db" BOARD_PASSWORD_HASH=min \
    LOG_LEVEL="$level" LOG_FORMAT=json LOG_COLOR=never \
    "$@" "${rb_pin_service[@]}" timeout 900 "$RB_BENCH_BIN" >"$log" 2>"$rb_tmp/$name.err" 9>&- &
  RB_PID=$!
  rb_track "$RB_PID"
  # `timeout` is the parent; the service is its child: /proc stats must read the child.
  local child=""
  for _ in $(seq 150); do
    child=$(pgrep -P "$RB_PID" -x realtime-board- 2>/dev/null | head -1 || true)
    [ -n "$child" ] || child=$(pgrep -P "$RB_PID" 2>/dev/null | head -1 || true)
    if [ -n "$child" ] && curl -fsS -o /dev/null "http://127.0.0.1:$RB_PORT/health" 2>/dev/null; then
      RB_SERVICE_PID=$child
      return 0
    fi
    kill -0 "$RB_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$rb_tmp/$name.err" >&2
  rb_die "service $name did not become healthy on port $RB_PORT"
}

# rb_start_configured NAME CONFIG: rb_start_service in one of the tracing
# configurations the pair and instruction scripts compare. Untraced means nothing
# exported and the built-in trace view off, so the first three turn the view off:
# off (no OTLP endpoint: nothing recorded), recorded (always_on, spans recorded and
# ended, no exporter) or traced (always_on, OTLP/gRPC to the sink rb_start_sidecar
# started: RB_SINK_GRPC). The view's own cost: view-off (as off), view-on (no OTLP
# endpoint, view on as by default: every span recorded into it), view-1pct (view on
# recording every span, OTLP/gRPC to the sink with traceidratio 0.01: 1 % of the
# traces exported), recorded-no-view (as recorded).
rb_start_configured() {
  local name=$1 config=$2
  case $config in
    off) rb_start_service "$name" BOARD_TRACE_VIEW=off ;;
    view-off) rb_start_service "$name" BOARD_TRACE_VIEW=off ;;
    view-on) rb_start_service "$name" BOARD_TRACE_VIEW=on ;;
    recorded-no-view)
      rb_start_service "$name" BOARD_TRACE_VIEW=off OTEL_TRACES_EXPORTER=none OTEL_TRACES_SAMPLER=always_on
      ;;
    view-1pct)
      rb_start_service "$name" BOARD_TRACE_VIEW=on \
        OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$RB_SINK_GRPC" \
        OTEL_TRACES_SAMPLER=traceidratio OTEL_TRACES_SAMPLER_ARG=0.01
      ;;
    recorded)
      rb_start_service "$name" BOARD_TRACE_VIEW=off OTEL_TRACES_EXPORTER=none OTEL_TRACES_SAMPLER=always_on
      ;;
    traced)
      rb_start_service "$name" BOARD_TRACE_VIEW=off \
        OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$RB_SINK_GRPC" OTEL_TRACES_SAMPLER=always_on
      ;;
    *) rb_die "unknown configuration '$config' (off, recorded, traced, view-off, view-on, view-1pct or recorded-no-view)" ;;
  esac
}

# Stops the service (SIGTERM: graceful, flushes spans and logs the export totals).
# Sets RB_STOP (how it ended: "exit=N after Ss", or "killed after 40s" when it did not
# stop in time) so that a measurement can say when a shutdown went wrong.
rb_stop_service() {
  # Signal the service itself, not its `timeout` parent: timeout passes a SIGTERM on to
  # the child and to its whole process group, so the service often gets it twice, and
  # a second signal means "exit at once" (no flush, no export totals line).
  local service
  service=$(pgrep -P "$RB_PID" 2>/dev/null | head -1 || true)
  kill -TERM "${service:-$RB_PID}" 2>/dev/null || true
  local waited=0 status=0
  while kill -0 "$RB_PID" 2>/dev/null && [ $waited -lt 400 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$RB_PID" 2>/dev/null; then
    kill -KILL "$RB_PID" 2>/dev/null || true
    RB_STOP="killed after 40s"
  fi
  wait "$RB_PID" 2>/dev/null || status=$?
  [ $waited -lt 400 ] && RB_STOP="exit=$status after $((waited / 10)).$((waited % 10))s"
  rb_untrack "$RB_PID"
}

# The "span export totals" line the service logs at exit (quiet log mode only).
rb_export_totals() {
  local log=$rb_tmp/$1.log
  [ -f "$log" ] || { echo "n/a"; return; }
  python3 - "$log" <<'EOF'
import json, sys
out = []
for line in open(sys.argv[1]):
    try:
        rec = json.loads(line)
    except ValueError:
        continue
    if rec.get("message") == "span export totals":
        out.append("exported=%s dropped=%s failed=%s batches=%s yields=%s flushed=%s" % (
            rec.get("exported"), rec.get("dropped"), rec.get("failed"), rec.get("batches"),
            rec.get("yields", "n/a"), rec.get("flushed_in_time")))
print("; ".join(out) if out else "none logged")
EOF
}

# rb_thread_ticks PID: one line per thread of PID: "tid name cpu_ticks voluntary
# nonvoluntary" (utime + stime from /proc/PID/task/TID/stat; context switches from
# .../status: a voluntary one is the thread going to sleep, so one wake-up each).
rb_thread_ticks() {
  local task
  for task in /proc/"$1"/task/*; do
    awk -v tid="${task##*/}" -v name="$(cat "$task/comm" 2>/dev/null)" '
      FNR == 1 && FILENAME ~ /stat$/ { sub(/^.*\) /, ""); cpu = $12 + $13 }
      /^voluntary_ctxt_switches/ { vol = $2 }
      /^nonvoluntary_ctxt_switches/ { nonvol = $2 }
      END { gsub(/ /, "_", name); print tid, name, cpu, vol, nonvol }' "$task/stat" "$task/status" 2>/dev/null || true
  done
}

# rb_thread_report BEFORE AFTER REQUESTS: each thread that used CPU in between, busiest
# first: its CPU µs per request and its voluntary (sleeps, so wake-ups) and involuntary
# (preempted) context switches per request, on one line.
rb_thread_report() {
  python3 - "$1" "$2" "$3" "$RB_CLK_TCK" <<'EOF'
import sys
def load(path):
    out = {}
    for line in open(path):
        parts = line.split()
        if len(parts) == 5:
            out[parts[0]] = (parts[1], int(parts[2]), int(parts[3]), int(parts[4]))
    return out
before, after = load(sys.argv[1]), load(sys.argv[2])
requests, hz = max(int(sys.argv[3]), 1), int(sys.argv[4])
rows = []
for tid, (name, cpu, vol, nonvol) in after.items():
    b = before.get(tid, (name, 0, 0, 0))
    d_cpu = (cpu - b[1]) * 1e6 / hz / requests
    if d_cpu < 0.05 and (vol - b[2]) < requests / 100:
        continue
    rows.append((d_cpu, f"{name}/{tid}:cpu_us={d_cpu:.1f},wakes={(vol - b[2]) / requests:.2f},"
                        f"preempted={(nonvol - b[3]) / requests:.2f}"))
print(" ".join(r for _, r in sorted(rows, reverse=True)))
EOF
}

# rb_rss_kb PID: resident memory in KiB (VmRSS), to show memory stays flat under load.
rb_rss_kb() {
  awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

rb_cpu_ticks() {
  # Fields 14 and 15 of /proc/PID/stat (utime, stime) after the ")" of the command name.
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# Whole-machine busy and total jiffies (for "how saturated were the 2 cores").
rb_machine_ticks() {
  awk '/^cpu / { busy = $2 + $3 + $4 + $7 + $8 + $9; total = busy + $5 + $6; print busy, total }' /proc/stat
}

rb_json_field() {
  python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# Seeds a user (bench/…), logs in, creates a board with one element; exports RB_TOKEN
# and RB_BOARD_ID for the wrk scripts.
rb_seed() {
  local base="http://127.0.0.1:$RB_PORT" user="bench_$$"
  curl -fsS -m 10 -X POST "$base/api/auth/register" -H 'content-type: application/json' \
    -d "{\"username\":\"$user\",\"password\":\"benchmark password\"}" >/dev/null ||
    rb_die "register failed"
  RB_TOKEN=$(curl -fsS -m 10 -X POST "$base/api/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$user\",\"password\":\"benchmark password\"}" | rb_json_field token) ||
    rb_die "login failed"
  RB_BOARD_ID=$(curl -fsS -m 10 -X POST "$base/api/boards" -H "authorization: Bearer $RB_TOKEN" \
    -H 'content-type: application/json' -d '{"name":"Load test board"}' | rb_json_field id) ||
    rb_die "board creation failed"
  curl -fsS -m 10 -o /dev/null -X POST "$base/api/boards/$RB_BOARD_ID/elements" \
    -H "authorization: Bearer $RB_TOKEN" -H 'content-type: application/json' \
    -d '{"kind":"rectangle","x":0,"y":0,"width":10,"height":10}' || rb_die "element creation failed"
  export RB_TOKEN RB_BOARD_ID
}

# rb_wrk LABEL SCRIPT.lua PATH: one bounded wrk run against the running service, under
# the build lock. Sets RB_LAST (a "key=value ..." line) and appends it to $RB_RESULTS
# when that is set; with RB_THREAD_STATS=1 also RB_LAST_THREADS (rb_thread_report).
# Fails when any request was answered with a non-2xx status.
rb_wrk() {
  local label=$1 script=$2 path=$3
  local out=$rb_tmp/wrk-$label.out
  rb_lock
  sleep "${RB_SETTLE:-0.5}"
  local cpu0 cpu1 m0 m1 rss0 rss1
  cpu0=$(rb_cpu_ticks "$RB_SERVICE_PID")
  rss0=$(rb_rss_kb "$RB_SERVICE_PID")
  [ -n "${RB_THREAD_STATS:-}" ] && rb_thread_ticks "$RB_SERVICE_PID" >"$rb_tmp/threads-$label.0"
  local side0=0 side1=0
  [ -n "${RB_SIDECAR_PID:-}" ] && side0=$(rb_cpu_ticks "$RB_SIDECAR_PID")
  m0=$(rb_machine_ticks)
  /usr/bin/time -f "RB_WRK_CPU user=%U sys=%S" \
    timeout $((RB_DURATION + 30)) "${rb_pin_load[@]}" wrk -t"$RB_THREADS" -c"$RB_CONNECTIONS" -d"${RB_DURATION}s" \
    --latency -s "$RB_WRK_DIR/$script" "http://127.0.0.1:$RB_PORT$path" >"$out" 2>&1 9>&- ||
    { rb_unlock; cat "$out" >&2; rb_die "wrk failed ($label)"; }
  cpu1=$(rb_cpu_ticks "$RB_SERVICE_PID")
  rss1=$(rb_rss_kb "$RB_SERVICE_PID")
  [ -n "${RB_THREAD_STATS:-}" ] && rb_thread_ticks "$RB_SERVICE_PID" >"$rb_tmp/threads-$label.1"
  [ -n "${RB_SIDECAR_PID:-}" ] && side1=$(rb_cpu_ticks "$RB_SIDECAR_PID")
  m1=$(rb_machine_ticks)
  rb_unlock
  [ -n "${RB_VERBOSE:-}" ] && cat "$out"
  local result wrk_cpu
  result=$(grep '^RB_RESULT' "$out" | sed 's/^RB_RESULT //') || { cat "$out" >&2; rb_die "no result ($label)"; }
  wrk_cpu=$(grep '^RB_WRK_CPU' "$out" | sed 's/^RB_WRK_CPU //')
  RB_LAST=$(python3 - "$label" "$result" "$wrk_cpu" "$cpu0" "$cpu1" "$RB_CLK_TCK" $m0 $m1 "$side0" "$side1" "$rss0" "$rss1" <<'EOF'
import sys
label, result, wrk_cpu, cpu0, cpu1, hz, b0, t0, b1, t1, s0, s1, rss0, rss1 = sys.argv[1:]
kv = dict(item.split("=") for item in result.split())
wk = dict(item.split("=") for item in wrk_cpu.split())
requests = int(kv["requests"])
cpu_s = (int(cpu1) - int(cpu0)) / int(hz)
wrk_s = float(wk["user"]) + float(wk["sys"])
machine = (int(b1) - int(b0)) / max(1, int(t1) - int(t0))
cpu_us = cpu_s * 1e6 / requests if requests else float("nan")
print(f"label={label} rps={float(kv['rps']):.0f} p50_us={kv['p50_us']} p99_us={kv['p99_us']} "
      f"max_us={kv['max_us']} requests={requests} non2xx={kv['non2xx']} "
      f"errors={int(kv['connect_errors']) + int(kv['read_errors']) + int(kv['write_errors']) + int(kv['timeouts'])} "
      f"service_cpu_s={cpu_s:.2f} cpu_us_per_req={cpu_us:.1f} wrk_cpu_s={wrk_s:.2f} "
      f"machine_busy={machine * 100:.0f}% rss_mb_before={int(rss0) / 1024:.1f} "
      f"rss_mb_after={int(rss1) / 1024:.1f}"
      + (f" sink_cpu_s={(int(s1) - int(s0)) / int(hz):.2f}" if s1 != "0" else ""))
EOF
)
  echo "$RB_LAST"
  [ -n "${RB_RESULTS:-}" ] && echo "$RB_LAST" >>"$RB_RESULTS"
  RB_LAST_THREADS=""
  if [ -n "${RB_THREAD_STATS:-}" ]; then
    RB_LAST_THREADS=$(rb_thread_report "$rb_tmp/threads-$label.0" "$rb_tmp/threads-$label.1" \
      "$(tr ' ' '\n' <<<"$RB_LAST" | sed -n 's/^requests=//p')")
  fi
  case "$RB_LAST" in
    *" non2xx=0 "*) ;;
    *) grep -v '^RB_' "$out" >&2; rb_die "$label: some requests were not answered 2xx" ;;
  esac
}

# rb_start_sidecar NAME COMMAND...: starts an OTLP receiver that prints
# "ready grpc=PORT http=PORT"; sets RB_SIDECAR_PID, RB_SINK_GRPC, RB_SINK_HTTP.
rb_start_sidecar() {
  local name=$1
  shift
  "${rb_pin_load[@]}" timeout 900 "$@" >"$rb_tmp/$name.out" 2>"$rb_tmp/$name.err" 9>&- &
  local wrapper=$!
  rb_track "$wrapper"
  for _ in $(seq 150); do
    if grep -q '^ready ' "$rb_tmp/$name.out" 2>/dev/null; then
      RB_SINK_GRPC=$(sed -n 's/^ready grpc=\([0-9]*\).*/\1/p' "$rb_tmp/$name.out")
      RB_SINK_HTTP=$(sed -n 's/^ready .*http=\([0-9]*\).*/\1/p' "$rb_tmp/$name.out")
      RB_SIDECAR_PID=$(pgrep -P "$wrapper" | head -1)
      RB_SIDECAR_WRAPPER=$wrapper
      return 0
    fi
    kill -0 "$wrapper" 2>/dev/null || break
    sleep 0.1
  done
  cat "$rb_tmp/$name.err" >&2
  rb_die "$name did not start"
}

rb_stop_sidecar() {
  kill -TERM "$RB_SIDECAR_WRAPPER" 2>/dev/null || true
  wait "$RB_SIDECAR_WRAPPER" 2>/dev/null || true
  rb_untrack "$RB_SIDECAR_WRAPPER"
  RB_SIDECAR_PID=""
}

rb_machine_summary() {
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r)"
  if [ "$RB_PIN" = 1 ]; then
    echo "pinned: service on core $RB_PIN_SERVICE_CPU (BOARD_THREADS=1 BOARD_DB_THREADS=$RB_PIN_DB_THREADS), wrk and receivers on core $RB_PIN_LOAD_CPU"
  else
    echo "unpinned: service, wrk and receivers share every core"
  fi
}
