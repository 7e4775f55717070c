#!/usr/bin/env bash
# Instructions per request, counted: GET /api/boards/{id} with the service running under
# valgrind's callgrind, untraced and traced (always_on, OTLP/gRPC to bench_grpc_sink).
# Unlike CPU time, an instruction count does not move with the machine's speed, so two
# builds or two configurations can be compared to a fraction of a percent. What it does
# not see: cache misses, lock waits and the kernel (sendmsg, epoll), which cpu_pair.sh
# and trace_overhead.sh measure. Counting starts after a warm-up (callgrind_control
# -z) and covers every thread of the service.
#
#   bench/instructions.sh                   # this tree's Release binary
#   RB_INSTR_BINS="/tmp/old-api build/bench/src/app/realtime-board-api" bench/instructions.sh
#
# Environment: RB_INSTR_BINS (binaries, each measured off and traced), RB_INSTR_CONFIGS
#   (default "off traced"; also "recorded": always_on with no exporter, as in
#   cpu_pair.sh), RB_DURATION (seconds counted, default 20; about 10,000
#   requests), RB_INSTR_TOP (show the N costliest telemetry functions of each traced
#   run, per request; default 0), RB_INSTR_KEEP (a directory to keep the callgrind
#   files in, for callgrind_annotate).
set -euo pipefail
RB_PIN=0 # callgrind counts instructions wherever they run: pinning does not apply
# Set before common.sh, whose own default for load runs is 10 s.
RB_DURATION=${RB_DURATION:-20}
source "$(dirname "$0")/lib/common.sh"
RB_INSTR_BINS=${RB_INSTR_BINS:-$RB_BENCH_BIN}
RB_INSTR_CONFIGS=${RB_INSTR_CONFIGS:-off traced}
RB_INSTR_TOP=${RB_INSTR_TOP:-0}
RB_BENCH_LOG=quiet
rb_require
rb_require_sink
command -v valgrind >/dev/null && command -v callgrind_control >/dev/null ||
  rb_die "valgrind is not installed (Debian package valgrind)"
keep=${RB_INSTR_KEEP:-$rb_tmp}
mkdir -p "$keep"

echo "== instructions: GET /api/boards/{id} under callgrind, wrk -t1 -c4 -d${RB_DURATION}s counted"
rb_machine_summary

seeded=""
run=0
for binary in $RB_INSTR_BINS; do
  [ -x "$binary" ] || rb_die "no binary at $binary"
  for config in $RB_INSTR_CONFIGS; do
    run=$((run + 1))
    out=$keep/callgrind.$run
    wrapper=$rb_tmp/under-callgrind-$run.sh
    printf '#!/bin/sh\nexec valgrind --tool=callgrind --callgrind-out-file=%s %s\n' \
      "$out" "$binary" >"$wrapper"
    chmod +x "$wrapper"
    RB_BENCH_BIN=$wrapper
    [ "$config" = traced ] && rb_start_sidecar "sink$run" "$RB_SINK_BIN"
    rb_start_configured "run$run" "$config"
    if [ -z "$seeded" ]; then
      rb_seed
      seeded=1
    fi
    url="http://127.0.0.1:$RB_PORT/api/boards/$RB_BOARD_ID"
    wrk -t1 -c4 -d5s -s "$RB_WRK_DIR/board_read.lua" "$url" >/dev/null 2>&1 9>&-
    callgrind_control -z "$RB_SERVICE_PID" >/dev/null 2>&1
    wrk -t1 -c4 -d"${RB_DURATION}s" -s "$RB_WRK_DIR/board_read.lua" "$url" \
      >"$rb_tmp/wrk$run.out" 2>&1 9>&-
    callgrind_control -d "$RB_SERVICE_PID" >/dev/null 2>&1 # writes $out.1: the counted part
    rb_stop_service
    [ "$config" = traced ] && rb_stop_sidecar
    requests=$(grep '^RB_RESULT' "$rb_tmp/wrk$run.out" | tr ' ' '\n' | sed -n 's/^requests=//p')
    [ -f "$out.1" ] && [ -n "$requests" ] || rb_die "no count for $binary ($config)"
    total=$(sed -n 's/^summary: *//p; s/^totals: *//p' "$out.1" | head -1)
    echo "label=$(basename "$binary"):$config requests=$requests instructions_per_req=$((total / requests))"
    if [ "$config" = traced ] && [ "$RB_INSTR_TOP" -gt 0 ]; then
      callgrind_annotate --inclusive=no --threshold=100 "$out.1" 2>/dev/null |
        python3 -c '
import re, sys
top, requests = int(sys.argv[1]), int(sys.argv[2])
shown = 0
for line in sys.stdin:
    match = re.match(r"\s*([0-9,]+) \([ 0-9.]+%\)\s+(\S*?:)?(.*?)( \[[^]]*\])?$", line)
    if match and "telemetry::" in match.group(3) and shown < top:
        cost = int(match.group(1).replace(",", "")) / requests
        print("  %7.0f  %s" % (cost, match.group(3)[:110]))
        shown += 1
' "$RB_INSTR_TOP" "$requests"
    fi
  done
done
