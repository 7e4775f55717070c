#!/usr/bin/env bash
# What does the built-in trace view cost a request? GET /api/boards/{id} under wrk, one
# service at a time, in ONE run with the configurations interleaved (reversed every
# other round) so that drift of the machine hits them alike:
#   view-off   no OTLP endpoint, BOARD_TRACE_VIEW=off: nothing recorded
#   view-on    no OTLP endpoint, view on (the default): every span recorded into it
#   view-1pct  view on, OTLP/gRPC to bench_grpc_sink with traceidratio 0.01: the view
#              records every span, export sends 1 % of the traces
# Printed per run: requests/s, p50, p99, the service's CPU µs/request (/proc/PID/stat);
# then the means and the ratios to view-off. The service's "span export totals" of the
# view-1pct runs are read from its log at exit.
#
# Needs the bench tree with the service and the sink (as bench/trace_overhead.sh).
# Environment: RB_THREADS RB_CONNECTIONS RB_DURATION (as bench/http_load.sh), RB_ROUNDS
#   (default 2), RB_BENCH_BUILD_DIR.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
rb_require
rb_require_sink
RB_ROUNDS=${RB_ROUNDS:-2}
RB_BENCH_LOG=quiet

echo "== trace_view_cpu: GET /api/boards/{id}, wrk -t$RB_THREADS -c$RB_CONNECTIONS -d${RB_DURATION}s, $RB_ROUNDS rounds"
rb_machine_summary
summary=$rb_tmp/view-summary
: >"$summary"
seeded=""
run=0

measure() {
  local config=$1
  run=$((run + 1))
  [ "$config" = view-1pct ] && rb_start_sidecar "sink$run" "$RB_SINK_BIN"
  rb_start_configured "run$run" "$config"
  if [ -z "$seeded" ]; then
    rb_seed
    seeded=1
  fi
  RB_DURATION=2 RB_RESULTS="" rb_wrk warmup board_read.lua "/api/boards/$RB_BOARD_ID" >/dev/null
  rb_wrk "$config" board_read.lua "/api/boards/$RB_BOARD_ID" >/dev/null
  local line=$RB_LAST
  rb_stop_service
  [ "$config" = view-1pct ] && rb_stop_sidecar
  local totals=""
  [ "$config" = view-1pct ] && totals=" export[$(rb_export_totals "run$run")]"
  echo "$line$totals"
  echo "$line" >>"$summary"
}

configs=(view-off view-on view-1pct)
for round in $(seq "$RB_ROUNDS"); do
  echo "-- round $round"
  if [ $((round % 2)) = 1 ]; then order=("${configs[@]}"); else order=(view-1pct view-on view-off); fi
  for config in "${order[@]}"; do measure "$config"; done
done

echo "-- summary (mean over runs; ratio = configuration / view-off)"
python3 "$(dirname "$0")/lib/summarize_runs.py" "$summary" view-off view-off view-on view-1pct
