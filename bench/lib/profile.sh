#!/usr/bin/env bash
# Where does the service spend its CPU under load? Starts the Release service (tracing
# off unless OTEL_* is passed through RB_PROFILE_ENV), runs wrk on one endpoint while
# `perf record -g` samples the service, and prints the top of `perf report`.
#   bench/lib/profile.sh [board_read|element_list|element_create] [perf report options...]
# element_list: the board is filled to RB_LIST_ELEMENTS (default 20) elements first, the
#   same kinds and styles as bench/peer_compare.sh seeds.
# Environment: RB_DURATION (default 8), RB_PROFILE_ENV ("VAR=value ..." for the service),
#   RB_PROFILE_OUT (keep perf.data there), RB_PROFILE_LINES (default 60).
# Traced: start the light OTLP sink of the bench tree by hand (it prints "ready grpc=PORT
#   http=PORT"; build/bench/bench/bench_grpc_sink), then pass RB_PROFILE_ENV=
#   "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:PORT OTEL_TRACES_SAMPLER=always_on".
set -euo pipefail
source "$(dirname "$0")/common.sh"
rb_require
command -v perf >/dev/null || rb_die "perf is not installed (Debian package linux-perf)"
which=${1:-board_read}
shift || true
RB_DURATION=${RB_DURATION:-8}

# shellcheck disable=SC2086
rb_start_service profile ${RB_PROFILE_ENV:-OTEL_SDK_DISABLED=true}
rb_seed
case "$which" in
  board_read) path="/api/boards/$RB_BOARD_ID" ;;
  element_create) path="/api/boards/$RB_BOARD_ID/elements" ;;
  element_list)
    path="/api/boards/$RB_BOARD_ID/elements"
    for i in $(seq 2 "${RB_LIST_ELEMENTS:-20}"); do
      if [ $((i % 2)) = 0 ]; then
        body="{\"kind\":\"sticky_note\",\"x\":$((i * 37)).5,\"y\":-$((i * 11)),\"width\":200,\"height\":150,\"rotation\":0,\"z_index\":$((i % 7)),\"style\":{\"fill\":\"#ffd54f\",\"stroke\":\"#333333\"},\"text\":\"Note $i: ship the \\\"list\\\" route\"}"
      else
        body="{\"kind\":\"rectangle\",\"x\":$((i * 13)),\"y\":$((i * 29)).25,\"width\":$((40 + i)),\"height\":30,\"rotation\":15.5,\"z_index\":$((i % 7)),\"style\":{\"fill\":\"#90caf9\"},\"text\":\"\"}"
      fi
      curl -fsS -m 10 -o /dev/null -X POST "http://127.0.0.1:$RB_PORT$path" \
        -H "authorization: Bearer $RB_TOKEN" -H 'content-type: application/json' -d "$body" ||
        rb_die "element creation failed"
    done
    ;;
  *) rb_die "unknown endpoint $which" ;;
esac
data=${RB_PROFILE_OUT:-$rb_tmp/perf.data}
rb_lock
timeout $((RB_DURATION + 20)) perf record -F "${RB_PROFILE_FREQ:-1999}" --call-graph "${RB_PROFILE_CALLGRAPH:-fp}" -o "$data" -p "$RB_SERVICE_PID" \
  -- sleep "$RB_DURATION" >/dev/null 2>"$rb_tmp/perf.err" 9>&- &
perf_pid=$!
timeout $((RB_DURATION + 30)) wrk -t"$RB_THREADS" -c"$RB_CONNECTIONS" -d"${RB_DURATION}s" \
  -s "$RB_WRK_DIR/$which.lua" "http://127.0.0.1:$RB_PORT$path" 9>&- | grep '^RB_RESULT'
wait "$perf_pid" || { cat "$rb_tmp/perf.err" >&2; rb_die "perf record failed"; }
rb_unlock
rb_stop_service
perf report -i "$data" --no-children --sort dso,symbol --stdio "$@" 2>/dev/null |
  grep -E "^ +[0-9]" | sed -E "s/ +/ /g; s/ - - *$//" | head -"${RB_PROFILE_LINES:-60}"
