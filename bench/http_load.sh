#!/usr/bin/env bash
# HTTP load test of realtime-board-api (Release build in build/bench) with wrk:
#   1. GET  /api/boards/{id}           (bench/wrk/board_read.lua)
#   2. POST /api/boards/{id}/elements  (bench/wrk/element_create.lua)
# The script starts the service itself on a free port with a temporary SQLite database,
# tracing off, seeds a user, a token and a board, and prints per run: requests/s, p50 and
# p99 latency, and the service's own CPU time per request (utime+stime from
# /proc/PID/stat over the run / requests completed).
#
# Environment (defaults): RB_THREADS=2 RB_CONNECTIONS=64 RB_DURATION=10 (seconds),
#   RB_BENCH_LOG=quiet (LOG_LEVEL=warn, JSON to a file) or access (LOG_LEVEL=info, JSON
#   access log to /dev/null), RB_BENCH_BIN (service binary), RB_RESULTS (append results),
#   RB_VERBOSE=1 (also print wrk's own output), BOARD_THREADS/BOARD_DB_THREADS (service),
#   RB_PIN=1 (service alone on core 0, wrk on core 1; see bench/lib/common.sh).
# Each wrk run holds the machine-wide build lock so no compile competes with it.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
rb_require

echo "== http_load: wrk -t$RB_THREADS -c$RB_CONNECTIONS -d${RB_DURATION}s, log mode $RB_BENCH_LOG"
rb_machine_summary

rb_start_service http_load OTEL_SDK_DISABLED=true
rb_seed
echo "service pid $RB_SERVICE_PID on port $RB_PORT, board $RB_BOARD_ID"

# A short warm-up so SQLite's page cache and the allocators are in their steady state.
RB_DURATION=2 RB_RESULTS="" rb_wrk warmup board_read.lua "/api/boards/$RB_BOARD_ID" >/dev/null

rb_wrk board_read board_read.lua "/api/boards/$RB_BOARD_ID"
rb_wrk element_create element_create.lua "/api/boards/$RB_BOARD_ID/elements"

rb_stop_service
