#!/usr/bin/env bash
# What does tracing cost a request? GET /api/boards/{id} under wrk, in ONE run with the
# configurations interleaved so that drift of the machine hits them alike:
#   off      tracing off (no OTLP endpoint: the service logs only)
#   on       OTEL_TRACES_SAMPLER=always_on, OTLP/gRPC to tests/otlp-receiver/receiver.mjs
#            (decodes every span with OpenTelemetry's npm schema; output to /dev/null)
#   on-light the same, to bench_grpc_sink (bench/lib/grpc_sink.cpp, built in the bench
#            tree: C++, accepts Export without decoding), so that the receiver's CPU on
#            this 2-core machine does not stand in for tracing's
#   down     tracing on, endpoint at a closed port (collector down)
# Order: off on on-light, then the reverse, alternating for RB_ROUNDS rounds (default
# 2), then down. Each run
# restarts the service (same temporary SQLite database and token), warms up for 2 s,
# then measures RB_DURATION seconds under the build lock. Printed per run: requests/s,
# p50, p99, the service's CPU µs/request (/proc/PID/stat) and the sink's CPU seconds;
# then the means, the traced/untraced ratios of the means, and the median of the
# per-round ratios (each traced run against the untraced run of its own round). The
# service's "span export totals" (exported, dropped) are read from its log at exit.
#
# Needs: the bench tree with both targets (`cmake --build build/bench -j2 --target
#   realtime-board-api bench_grpc_sink`, under the build lock), node and npm for the
#   decoding receiver (not with RB_TRACE_NODE=0).
# Environment: RB_THREADS RB_CONNECTIONS RB_DURATION (as bench/http_load.sh), RB_ROUNDS,
#   RB_TRACE_LIGHT=0 to skip on-light, RB_TRACE_NODE=0 to skip on (the Node receiver),
#   RB_TRACE_DOWN=0 to skip down, RB_RESULTS,
#   RB_PIN=1 to give the service core 0 to itself (BOARD_THREADS=1, BOARD_DB_THREADS=1)
#   with wrk and the receivers on core 1 (see bench/lib/common.sh); unpinned, all share
#   both cores and the ratio also counts the CPU that wrk and the receiver take,
#   RB_BENCH_BUILD_DIR (default build/bench), RB_SINK_BIN (default: the sink in that tree),
#   RB_TRACE_VIEW=off|on (default off: the built-in trace view off in every configuration,
#   so that "off" is untraced as issue 19 defines it and the traced runs measure export
#   alone; on leaves the view as the service defaults it),
#   RB_THREAD_STATS=1 to print each service thread's CPU µs, wake-ups and preemptions per
#   request under each run (bench/lib/common.sh rb_thread_report),
#   RB_BASE_BIN=PATH: a second binary (an older build) run in the same rounds right after
#   each run of this one, in the off and on-light configurations (labels off-base and
#   on-light-base), so that old and new are compared in one run; the summary then prints
#   each binary's traced/untraced CPU ratio per round and their medians.
# Every traced run's line ends with the service's exit totals (exported, dropped) and,
# for on-light, the requests the sink received; the summary adds up the drops per configuration.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
rb_require
RB_ROUNDS=${RB_ROUNDS:-2}
RB_TRACE_LIGHT=${RB_TRACE_LIGHT:-1}
RB_TRACE_NODE=${RB_TRACE_NODE:-1}
RB_TRACE_DOWN=${RB_TRACE_DOWN:-1}
RB_TRACE_VIEW=${RB_TRACE_VIEW:-off}
RB_BASE_BIN=${RB_BASE_BIN:-}
if [ -n "$RB_BASE_BIN" ]; then [ -x "$RB_BASE_BIN" ] || rb_die "RB_BASE_BIN=$RB_BASE_BIN is not executable"; fi
case $RB_TRACE_VIEW in off | on) ;; *) rb_die "RB_TRACE_VIEW must be off or on" ;; esac
if [ "$RB_TRACE_LIGHT" = 1 ]; then rb_require_sink; fi
receiver_dir=$rb_repo/tests/otlp-receiver
if [ "$RB_TRACE_NODE" = 1 ]; then
  command -v node >/dev/null || rb_die "node is not installed"
  if [ ! -d "$receiver_dir/node_modules/@grpc/grpc-js" ]; then
    (cd "$receiver_dir" && timeout 300 npm ci --no-audit --no-fund >/dev/null) ||
      rb_die "npm ci in tests/otlp-receiver failed"
  fi
fi
# Always quiet logs here: the export totals line is needed and the access log is not
# what is being measured.
RB_BENCH_LOG=quiet

echo "== trace_overhead: GET /api/boards/{id}, wrk -t$RB_THREADS -c$RB_CONNECTIONS -d${RB_DURATION}s, $RB_ROUNDS rounds, RB_PIN=$RB_PIN, trace view $RB_TRACE_VIEW"
echo "binary: $RB_BENCH_BIN${RB_BASE_BIN:+; base: $RB_BASE_BIN}"
rb_machine_summary

summary=$rb_tmp/trace-summary
: >"$summary"
seeded=""
run=0

# measure LABEL [service environment...]
measure() {
  local label=$1
  shift
  run=$((run + 1))
  rb_start_service "run$run" BOARD_TRACE_VIEW="$RB_TRACE_VIEW" "$@"
  if [ -z "$seeded" ]; then
    rb_seed
    seeded=1
  fi
  local spans0="" spans1=""
  if [ -n "${RB_SIDECAR_PID:-}" ]; then spans0=$(curl -fsS -m 5 "http://127.0.0.1:$RB_SINK_HTTP/stats"); fi
  RB_DURATION=2 RB_RESULTS="" rb_wrk warmup board_read.lua "/api/boards/$RB_BOARD_ID" >/dev/null
  rb_wrk "$label" board_read.lua "/api/boards/$RB_BOARD_ID" >/dev/null
  local line=$RB_LAST threads=${RB_LAST_THREADS:-}
  rb_stop_service
  if [ -n "${RB_SIDECAR_PID:-}" ]; then spans1=$(curl -fsS -m 5 "http://127.0.0.1:$RB_SINK_HTTP/stats"); fi
  local totals
  totals=$(rb_export_totals "run$run")
  if [ "$totals" = "none logged" ]; then
    # The service did not get as far as its exit line: say how it ended.
    totals="none logged; $RB_STOP; stderr: $(tail -c 300 "$rb_tmp/run$run.err" | tr '\n' ' ')"
  fi
  echo "$line export[$totals]${spans1:+ sink_before=$spans0 sink_after=$spans1}"
  if [ -n "$threads" ]; then echo "  threads per request: $threads"; fi
  local dropped
  dropped=$(sed -n 's/.*dropped=\([0-9]*\).*/\1/p' <<<"$totals" | head -1)
  local received=""
  if [ -n "$spans1" ]; then
    received=$(python3 -c 'import json,sys; a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2]); print(b["requests"]-a["requests"])' "$spans0" "$spans1" 2>/dev/null || true)
  fi
  echo "$line round=$round dropped=${dropped:-0}${received:+ sink_requests=$received}" >>"$summary"
}

# twice LABEL [service environment...]: this binary, then (with RB_BASE_BIN) the base one.
twice() {
  local label=$1
  shift
  measure "$label" "$@"
  if [ -n "$RB_BASE_BIN" ]; then
    local own=$RB_BENCH_BIN
    RB_BENCH_BIN=$RB_BASE_BIN
    measure "$label-base" "$@"
    RB_BENCH_BIN=$own
  fi
}

run_off() { twice off OTEL_SDK_DISABLED=false; }
run_on() {
  [ "$RB_TRACE_NODE" = 1 ] || return 0
  rb_start_sidecar receiver node "$receiver_dir/receiver.mjs" --grpc-port 0 --http-port 0 --out /dev/null
  measure on OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$RB_SINK_GRPC" \
    OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_TRACES_SAMPLER=always_on
  rb_stop_sidecar
}
run_light() {
  [ "$RB_TRACE_LIGHT" = 1 ] || return 0
  rb_start_sidecar sink "$RB_SINK_BIN"
  twice on-light OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$RB_SINK_GRPC" \
    OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_TRACES_SAMPLER=always_on
  rb_stop_sidecar
}

for round in $(seq "$RB_ROUNDS"); do
  echo "-- round $round"
  # Even rounds run in reverse, so that a drift within a round (the first run of a
  # round was often the fastest) does not always favour the same configuration.
  if [ $((round % 2)) = 1 ]; then
    run_off
    run_on
    run_light
  else
    run_light
    run_on
    run_off
  fi
done

round=down
if [ "$RB_TRACE_DOWN" = 1 ]; then
  echo "-- collector down"
  closed=$(rb_free_port)
  measure down OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$closed" \
    OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_TRACES_SAMPLER=always_on
fi

echo "-- summary (mean over runs; ratio = traced / untraced)"
PYTHONPATH="$(dirname "$0")/lib" python3 - "$summary" <<'EOF'
import sys
from summarize_runs import load, mean, print_table


def median_of(sorted_values):
    n = len(sorted_values)
    return (sorted_values[(n - 1) // 2] + sorted_values[n // 2]) / 2

runs = load(sys.argv[1])
base = runs.get("off")
print_table(runs, "off", ["off", "on", "on-light", "down", "off-base", "on-light-base"])
for label, rows in runs.items():
    if label.startswith("on") or label == "down":
        dropped = sum(int(r.get("dropped", 0)) for r in rows)
        requests = sum(int(r["requests"]) for r in rows)
        received = sum(int(r.get("sink_requests", 0)) for r in rows)
        print(f"RB_TRACE_DROPS {label} dropped={dropped} sink_requests={received} "
              f"requests={requests} max_rps={max(float(r['rps']) for r in rows):.0f}")
# Each binary's traced/untraced CPU per request, per round and the median.
for suffix in ("", "-base"):
    off = {r["round"]: float(r["cpu_us_per_req"]) for r in runs.get("off" + suffix, [])}
    on = {r["round"]: float(r["cpu_us_per_req"]) for r in runs.get("on-light" + suffix, [])}
    ratios = sorted(on[k] / off[k] for k in on if k in off)
    if ratios:
        median = median_of(ratios)
        listed = " ".join(f"{x:.3f}" for x in ratios)
        print(f"RB_TRACE_CPU_RATIO binary={'base' if suffix else 'this'} median={median:.3f} "
              f"rounds=[{listed}] target<=1.10 {'met' if median <= 1.10 else 'MISSED'}")
# Per round: each traced run against the untraced run of the same round (machine drift
# between rounds cancels out); the median of those is less moved by one bad run.
base_by_round = {r["round"]: float(r["rps"]) for r in base or []}
for label, rows in runs.items():
    if label == "off" or not base:
        continue
    r = mean(rows, "rps") / mean(base, "rps")
    print(f"RB_TRACE_RATIO {label} rps_ratio={r:.3f} target>=0.95 {'met' if r >= 0.95 else 'MISSED'}")
    per_round = sorted(float(row["rps"]) / base_by_round[row["round"]]
                       for row in rows if row["round"] in base_by_round)
    if per_round:
        median = median_of(per_round)
        listed = " ".join(f"{x:.3f}" for x in per_round)
        print(f"RB_TRACE_ROUND_RATIOS {label} median={median:.3f} rounds=[{listed}] "
              f"target>=0.95 {'met' if median >= 0.95 else 'MISSED'}")
EOF
