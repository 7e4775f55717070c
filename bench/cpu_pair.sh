#!/usr/bin/env bash
# What does a change cost per request, on a machine whose speed swings? GET
# /api/boards/{id} served by two services AT THE SAME TIME, each under its own wrk with
# the same load, so that whatever the machine does (this 2-core VM runs 35 or 55 µs per
# request for minutes at a time) hits both alike. Reported per round: each service's
# own CPU time per request (/proc/PID/stat) and their ratio B/A; then the median ratio.
# Only the CPU ratio means something here: the two share the cores, so neither's
# throughput is its own.
#
#   bench/cpu_pair.sh                        # untraced (A) against traced (B), this tree
#   RB_PAIR_A=/tmp/old-api:traced RB_PAIR_B=build/bench/src/app/realtime-board-api:traced \
#     bench/cpu_pair.sh                      # two builds, both traced
#
# A side is BINARY:CONFIG, CONFIG one of off (no OTLP endpoint), recorded (always_on,
# spans recorded and ended but no exporter: OTEL_TRACES_EXPORTER=none) or traced
# (always_on, OTLP/gRPC to bench_grpc_sink, which accepts Export without decoding),
# or, for the built-in trace view, view-off, view-on or view-1pct (bench/lib/common.sh):
#   RB_PAIR_A=build/bench/src/app/realtime-board-api:view-off \
#   RB_PAIR_B=build/bench/src/app/realtime-board-api:view-on bench/cpu_pair.sh
# Environment: RB_PAIR_A, RB_PAIR_B, RB_ROUNDS (default 3), RB_DURATION (default 10),
#   RB_CONNECTIONS (split between the two, default 64).
set -euo pipefail
RB_PIN=0 # both services share the cores on purpose: pinning does not apply here
source "$(dirname "$0")/lib/common.sh"
RB_PAIR_A=${RB_PAIR_A:-$RB_BENCH_BIN:off}
RB_PAIR_B=${RB_PAIR_B:-$RB_BENCH_BIN:traced}
RB_ROUNDS=${RB_ROUNDS:-3}
RB_BENCH_LOG=quiet
rb_require
rb_require_sink
per_side=$((RB_CONNECTIONS / 2))

echo "== cpu_pair: A=$RB_PAIR_A B=$RB_PAIR_B, at once, wrk -t1 -c$per_side -d${RB_DURATION}s each, $RB_ROUNDS rounds"
rb_machine_summary

# start_side NAME BINARY:CONFIG: sets SIDE_PID (for stopping), SIDE_SERVICE and SIDE_PORT.
start_side() {
  local name=$1 binary=${2%:*} config=${2##*:}
  RB_BENCH_BIN=$binary
  [ -x "$RB_BENCH_BIN" ] || rb_die "no binary at $RB_BENCH_BIN"
  rb_start_configured "$name" "$config"
  SIDE_PID=$RB_PID SIDE_SERVICE=$RB_SERVICE_PID SIDE_PORT=$RB_PORT
}

# load PORT SECONDS OUT: one wrk in the background; sets LOAD_PID.
load() {
  wrk -t1 -c"$per_side" -d"$2s" -s "$RB_WRK_DIR/board_read.lua" \
    "http://127.0.0.1:$1/api/boards/$RB_BOARD_ID" >"$3" 2>&1 9>&- &
  LOAD_PID=$!
}

requests_in() { grep '^RB_RESULT' "$1" | tr ' ' '\n' | sed -n 's/^requests=//p'; }

ratios=()
seeded=""
for round in $(seq "$RB_ROUNDS"); do
  rb_start_sidecar "sink$round" "$RB_SINK_BIN"
  start_side "a$round" "$RB_PAIR_A"
  a_pid=$SIDE_PID a_service=$SIDE_SERVICE a_port=$SIDE_PORT
  if [ -z "$seeded" ]; then # both sides share the temporary database
    rb_seed
    seeded=1
  fi
  start_side "b$round" "$RB_PAIR_B"
  b_pid=$SIDE_PID b_service=$SIDE_SERVICE b_port=$SIDE_PORT

  rb_lock
  load "$a_port" 2 /dev/null && w1=$LOAD_PID
  load "$b_port" 2 /dev/null && w2=$LOAD_PID
  wait "$w1" "$w2" || true
  a0=$(rb_cpu_ticks "$a_service") b0=$(rb_cpu_ticks "$b_service")
  load "$a_port" "$RB_DURATION" "$rb_tmp/a$round.wrk" && w1=$LOAD_PID
  load "$b_port" "$RB_DURATION" "$rb_tmp/b$round.wrk" && w2=$LOAD_PID
  wait "$w1" "$w2" || rb_die "wrk failed in round $round"
  a1=$(rb_cpu_ticks "$a_service") b1=$(rb_cpu_ticks "$b_service")
  rb_unlock

  for pid in "$a_pid" "$b_pid"; do
    RB_PID=$pid
    rb_stop_service
  done
  rb_stop_sidecar
  line=$(python3 - "$a0" "$a1" "$(requests_in "$rb_tmp/a$round.wrk")" \
    "$b0" "$b1" "$(requests_in "$rb_tmp/b$round.wrk")" "$RB_CLK_TCK" <<'EOF'
import sys
a0, a1, ra, b0, b1, rb, hz = (int(v) for v in sys.argv[1:])
a = (a1 - a0) / hz * 1e6 / ra
b = (b1 - b0) / hz * 1e6 / rb
print("a_cpu_us_per_req=%.1f a_requests=%d b_cpu_us_per_req=%.1f b_requests=%d ratio=%.3f"
      % (a, ra, b, rb, b / a))
EOF
  )
  echo "round $round $line"
  ratios+=("${line##*ratio=}")
done
python3 - "${ratios[@]}" <<'EOF'
import statistics, sys
ratios = [float(r) for r in sys.argv[1:]]
print("RB_PAIR_RATIO cpu_b_over_a median=%.3f rounds=[%s]"
      % (statistics.median(ratios), " ".join("%.3f" % r for r in ratios)))
EOF
