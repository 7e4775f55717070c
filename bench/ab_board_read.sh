#!/usr/bin/env bash
# Two builds of the service, one loaded at a time, alternating (A B, then B A, ...): the
# authorized GET /api/boards/{id} at peak (wrk -t$RB_THREADS -c$RB_CONNECTIONS, as fast
# as the service answers) and at a paced, moderate load (wrk -t$RB_THREADS
# -c$RB_PACE_CONNECTIONS, each connection waiting RB_PACE_MS ms before each request:
# bench/wrk/board_read_paced.lua), so that whether the cost per request grows with
# saturation can be read for both builds from one run. Per run: req/s, p99 and the
# service's own CPU per request (/proc/PID/stat); then, per load, the medians and the
# B/A ratio of each round.
#
#   RB_AB_A=/work/base-api RB_AB_B=build/release/src/app/realtime-board-api \
#     bench/ab_board_read.sh
#
# Environment: RB_AB_A, RB_AB_B (binaries), RB_AB_CONFIG (off, the default: no exporter
#   and the trace view off; or traced: always_on, OTLP/gRPC to bench_grpc_sink; see
#   rb_start_configured in lib/common.sh), RB_ROUNDS (default 3), RB_DURATION (default
#   10), RB_PACE_MS (default 1), RB_PACE_CONNECTIONS (default 32), and the variables of
#   lib/common.sh (RB_THREADS, RB_CONNECTIONS, BOARD_THREADS, ...).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
RB_AB_A=${RB_AB_A:?RB_AB_A: the first binary}
RB_AB_B=${RB_AB_B:?RB_AB_B: the second binary}
RB_AB_CONFIG=${RB_AB_CONFIG:-off}
RB_ROUNDS=${RB_ROUNDS:-3}
RB_PACE_MS=${RB_PACE_MS:-1}
RB_PACE_CONNECTIONS=${RB_PACE_CONNECTIONS:-32}
RB_BENCH_LOG=quiet
export RB_PACE_MS
for binary in "$RB_AB_A" "$RB_AB_B"; do [ -x "$binary" ] || rb_die "no binary at $binary"; done
RB_BENCH_BIN=$RB_AB_A
rb_require
[ "$RB_AB_CONFIG" = traced ] && rb_require_sink

echo "== ab_board_read: A=$RB_AB_A B=$RB_AB_B config=$RB_AB_CONFIG, $RB_ROUNDS rounds;" \
  "peak wrk -t$RB_THREADS -c$RB_CONNECTIONS, paced wrk -t$RB_THREADS -c$RB_PACE_CONNECTIONS" \
  "(${RB_PACE_MS} ms between requests), ${RB_DURATION}s each"
rb_machine_summary
results=$rb_tmp/results
: >"$results"
[ "$RB_AB_CONFIG" = traced ] && rb_start_sidecar sink "$RB_SINK_BIN"

seeded=""
for round in $(seq "$RB_ROUNDS"); do
  order="A B"
  [ $((round % 2)) = 0 ] && order="B A"
  for side in $order; do
    RB_BENCH_BIN=$RB_AB_A
    [ "$side" = B ] && RB_BENCH_BIN=$RB_AB_B
    rb_start_configured "$side$round" "$RB_AB_CONFIG"
    if [ -z "$seeded" ]; then # every run shares the temporary database and the token
      rb_seed
      seeded=1
    fi
    path="/api/boards/$RB_BOARD_ID"
    RB_DURATION=2 RB_RESULTS="" rb_wrk warmup board_read.lua "$path" >/dev/null
    RB_RESULTS=$results rb_wrk "$side:peak:$round" board_read.lua "$path"
    RB_CONNECTIONS=$RB_PACE_CONNECTIONS RB_RESULTS=$results \
      rb_wrk "$side:paced:$round" board_read_paced.lua "$path"
    rb_stop_service
    echo "$side round $round stopped: $RB_STOP"
  done
done

python3 - "$results" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    kv = dict(item.split("=", 1) for item in line.split())
    side, load, rnd = kv["label"].split(":")
    runs[(side, load, int(rnd))] = kv
for load in ("peak", "paced"):
    rounds = sorted({r for (s, l, r) in runs if l == load})
    for side in ("A", "B"):
        rows = [runs[(side, load, r)] for r in rounds]
        cpu = [float(x["cpu_us_per_req"]) for x in rows]
        rps = [float(x["rps"]) for x in rows]
        p99 = [int(x["p99_us"]) for x in rows]
        print(f"{load} {side}: cpu_us_per_req {' '.join(f'{v:.1f}' for v in cpu)} "
              f"(median {statistics.median(cpu):.1f}); req/s {' '.join(f'{v:.0f}' for v in rps)} "
              f"(median {statistics.median(rps):.0f}); p99_us {' '.join(str(v) for v in p99)} "
              f"(median {statistics.median(p99):.0f})")
    ratios = [float(runs[("B", load, r)]["cpu_us_per_req"]) / float(runs[("A", load, r)]["cpu_us_per_req"])
              for r in rounds]
    print(f"RB_AB {load} cpu_b_over_a median={statistics.median(ratios):.3f} "
          f"rounds=[{' '.join(f'{v:.3f}' for v in ratios)}]")
PY
