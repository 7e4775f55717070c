#!/usr/bin/env bash
# Fan-out benchmark of the real-time layer, old against new in one run: for each binary
# in RB_FANOUT_BINARIES (label=path, space-separated; default: this tree's Release
# build) and each case in RB_FANOUT_CASES, starts the service on its own SQLite file
# and runs bench_fanout_client (100 clients on one board, one editing at 20/s, 20
# cursors at 30/s; "slow" adds 10 clients that stop reading). Pinned: the service on
# core 1 (BOARD_THREADS=1), the client on core 0. Prints one JSON line per run.
#
#   RB_FANOUT_BINARIES="old=/path/a new=/path/b" bench/realtime_fanout.sh
set -euo pipefail
RB_BENCH_BUILD_DIR=${RB_BENCH_BUILD_DIR:-$(cd "$(dirname "$0")/.." && pwd)/build/release}
source "$(dirname "$0")/lib/common.sh"
client=${RB_FANOUT_CLIENT:-$RB_BENCH_BUILD_DIR/bench/bench_fanout_client}
binaries=${RB_FANOUT_BINARIES:-new=$RB_BENCH_BUILD_DIR/src/app/realtime-board-api}
cases=${RB_FANOUT_CASES:-"aligned:single:0 aligned:batched:0 spread:batched:0 aligned:batched:10"}
seconds=${RB_FANOUT_SECONDS:-10}
[ -x "$client" ] || rb_die "no $client; build the target bench_fanout_client"
echo "machine: $(nproc) cores, $(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | sed "s/^ //"), kernel $(uname -r); pinned: service on core 1 (BOARD_THREADS=1), client on core 0"
rb_lock
for spec in $cases; do
  IFS=: read -r phase frames slow <<<"$spec"
  for entry in $binaries; do
    label=${entry%%=*}
    RB_BENCH_BIN=${entry#*=}
    rm -f "$rb_tmp"/board.db*
    rb_pin_service=(env BOARD_THREADS=1 taskset -c 1)
    rb_start_service "fanout-$label" BOARD_TRACE_VIEW=off BOARD_REGISTRATIONS_PER_ADDRESS=1000/60s
    out=$(taskset -c 0 "$client" --url "http://127.0.0.1:$RB_PORT" --pid "$RB_SERVICE_PID" \
      --seconds "$seconds" --threads 1 --phase "$phase" --cursor-frames "$frames" --slow "$slow")
    closed=$(grep -c 'closing a connection that does not keep up' "$rb_tmp/fanout-$label.log" || true)
    rb_stop_service
    echo "{\"binary\":\"$label\",\"slow_readers_closed\":$closed,\"run\":$out}"
  done
done
rb_unlock
