#!/usr/bin/env bash
# Does the built-in trace view keep to its memory bound? GET /api/boards/{id} under wrk
# until at least RB_VIEW_REQUESTS (default 100,000) requests were answered, first with
# the view off, then with it on and a small store bound (BOARD_TRACE_VIEW_MAX_MB, default
# 8 here, so that 100,000 requests overfill it many times). Reported per side: requests,
# resident memory after seeding (VmRSS), its peak under load (VmHWM) and at the end
# (VmRSS, from /proc/PID/status), and for the view its store (bytes, traces, evicted,
# spans dropped at the inbox, from /debug/api/pipeline). Passes when
#
#   VmHWM(view on) <= VmHWM(view off) + the store bound + RB_VIEW_MARGIN_MB
#
# The margin (default 24 MiB) is what the view can hold outside its store bound: its
# inbox (at most 16,384 span handles, each pinning a pooled span record of about 1 KiB
# with its strings, until the next digest: <= 16 MiB), the span record pool the digest
# refills (at most 4,096 records: about 4 MiB), and 4 MiB of allocator slack for trace
# buffers freed in one order and allocated in another.
#
# Needs the Release binary (bench tree, as bench/http_load.sh). Environment:
#   RB_VIEW_REQUESTS, RB_VIEW_MB, RB_VIEW_MARGIN_MB, RB_THREADS, RB_CONNECTIONS,
#   RB_DURATION (seconds per wrk run, default 5).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
rb_require
RB_VIEW_REQUESTS=${RB_VIEW_REQUESTS:-100000}
RB_VIEW_MB=${RB_VIEW_MB:-8}
RB_VIEW_MARGIN_MB=${RB_VIEW_MARGIN_MB:-24}
RB_DURATION=${RB_DURATION:-5}
RB_BENCH_LOG=quiet

echo "== trace_view_memory: $RB_VIEW_REQUESTS requests per side, store bound $RB_VIEW_MB MiB, margin $RB_VIEW_MARGIN_MB MiB, wrk -t$RB_THREADS -c$RB_CONNECTIONS"
rb_machine_summary

status_kb() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }

seeded=""
# side NAME [service environment...]: prints one result line; sets SIDE_HWM_KB.
side() {
  local name=$1
  shift
  rb_start_service "$name" "$@"
  if [ -z "$seeded" ]; then
    rb_seed
    seeded=1
  fi
  local start_kb total=0
  start_kb=$(status_kb "$RB_SERVICE_PID" VmRSS)
  while [ "$total" -lt "$RB_VIEW_REQUESTS" ]; do
    RB_RESULTS="" rb_wrk "$name" board_read.lua "/api/boards/$RB_BOARD_ID" >/dev/null
    total=$((total + $(sed 's/.* requests=\([0-9]*\) .*/\1/' <<<"$RB_LAST")))
  done
  sleep 0.5 # one more digest: the store has taken in the last spans
  SIDE_HWM_KB=$(status_kb "$RB_SERVICE_PID" VmHWM)
  local end_kb view="view=off"
  end_kb=$(status_kb "$RB_SERVICE_PID" VmRSS)
  if pipeline=$(curl -fsS -m 5 "http://127.0.0.1:$RB_PORT/debug/api/pipeline" 2>/dev/null); then
    view=$(python3 -c 'import json,sys; v = json.load(sys.stdin)["view"]
print("store_mib=%.1f bound_mib=%.1f traces=%d evicted=%d spans_dropped=%d" % (
    v["bytes"] / 1048576, v["max_bytes"] / 1048576, v["traces"], v["traces_evicted"],
    v["spans_dropped"]))' <<<"$pipeline")
  fi
  rb_stop_service
  echo "$name requests=$total rss_start_mib=$((start_kb / 1024)) hwm_mib=$((SIDE_HWM_KB / 1024)) rss_end_mib=$((end_kb / 1024)) $view"
}

side view-off BOARD_TRACE_VIEW=off
off_hwm=$SIDE_HWM_KB
side view-on BOARD_TRACE_VIEW=on BOARD_TRACE_VIEW_MAX_MB="$RB_VIEW_MB"
on_hwm=$SIDE_HWM_KB
python3 - "$off_hwm" "$on_hwm" "$RB_VIEW_MB" "$RB_VIEW_MARGIN_MB" <<'PY'
import sys
off, on, bound, margin = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
over = (on - off) / 1024
limit = bound + margin
verdict = "ok" if over <= limit else "OVER"
print("RB_VIEW_MEMORY peak_over_view_off_mib=%.1f bound_mib=%d margin_mib=%d "
      "over_bound_mib=%.1f %s" % (over, bound, margin, over - bound, verdict))
sys.exit(0 if verdict == "ok" else 1)
PY
