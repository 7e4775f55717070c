#!/usr/bin/env bash
# This service against a Node.js peer on its hottest read: authorized GET /api/boards/{id}
# served by the Release service (SQLite, seeded like bench/http_load.sh) and by
# bench/peer/server.mjs (Node.js + Fastify, the same token hash lookup, membership check
# and board JSON, from memory). One server is loaded at a time, in alternating rounds
# (ours, then the peer, RB_ROUNDS times), first untraced, then traced: the service with
# always_on sampling and its OTLP/gRPC exporter, the peer with the OpenTelemetry JS SDK
# (always on, batch processor, OTLP/gRPC exporter), both exporting to bench_grpc_sink.
# Printed per run: requests/s, p99 and the server's own CPU time per request
# (utime+stime of its process from /proc/PID/stat over the run / requests); per round,
# the ratios ours/peer.
#
#   bench/peer_compare.sh
# Environment: RB_ROUNDS (default 3), RB_DURATION (seconds per run, default 10),
#   RB_THREADS/RB_CONNECTIONS (wrk, default 2 x 64), RB_PEER_CONFIGS (default "off traced"),
#   RB_BENCH_BIN, RB_PIN=1 (see bench/lib/common.sh; the peer gets the service's core).
# Needs node and npm (the peer's dependencies are installed with `npm ci`).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
RB_ROUNDS=${RB_ROUNDS:-3}
RB_PEER_CONFIGS=${RB_PEER_CONFIGS:-off traced}
RB_BENCH_LOG=quiet
rb_require
rb_require_sink
command -v node >/dev/null || rb_die "node is not installed (Debian package nodejs)"
command -v npm >/dev/null || rb_die "npm is not installed (Debian package npm)"
peer_dir=$rb_repo/bench/peer
(cd "$peer_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || rb_die "npm ci failed in $peer_dir"

echo "== peer_compare: GET /api/boards/{id}, wrk -t$RB_THREADS -c$RB_CONNECTIONS -d${RB_DURATION}s, $RB_ROUNDS alternating rounds, configs: $RB_PEER_CONFIGS"
rb_machine_summary
echo "node $(node --version), fastify $(node -p "require('$peer_dir/node_modules/fastify/package.json').version")"

# start_peer NAME [VAR=value...]: the peer on a free port, serving the seeded token and
# board; sets PEER_PID (its `timeout` wrapper), PEER_SERVICE (node itself), PEER_PORT.
start_peer() {
  local name=$1
  shift
  env PEER_PORT=0 PEER_TOKEN="$RB_TOKEN" PEER_BOARD_ID="$RB_BOARD_ID" "$@" \
    "${rb_pin_service[@]}" timeout 900 node "$peer_dir/server.mjs" \
    >"$rb_tmp/$name.out" 2>"$rb_tmp/$name.err" 9>&- &
  PEER_PID=$!
  rb_track "$PEER_PID"
  for _ in $(seq 150); do
    if grep -q '^ready ' "$rb_tmp/$name.out" 2>/dev/null; then
      PEER_PORT=$(sed -n 's/^ready port=\([0-9]*\).*/\1/p' "$rb_tmp/$name.out")
      PEER_SERVICE=$(pgrep -P "$PEER_PID" | head -1)
      return 0
    fi
    kill -0 "$PEER_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$rb_tmp/$name.err" >&2
  rb_die "peer $name did not start"
}

stop_peer() {
  kill -TERM "$PEER_SERVICE" 2>/dev/null || true
  wait "$PEER_PID" 2>/dev/null || true
  rb_untrack "$PEER_PID"
}

field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }

# Seeds the shared temporary database once, with a service that is stopped again.
rb_start_service seed OTEL_SDK_DISABLED=true
rb_seed
rb_stop_service

summary=()
for config in $RB_PEER_CONFIGS; do
  peer_env=()
  if [ "$config" = traced ]; then
    rb_start_sidecar "sink-$config" "$RB_SINK_BIN"
    peer_env=(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$RB_SINK_GRPC")
  elif [ "$config" != off ]; then
    rb_die "unknown configuration '$config' (off or traced)"
  fi
  rb_start_configured "ours-$config" "$config"
  ours_pid=$RB_PID ours_service=$RB_SERVICE_PID ours_port=$RB_PORT
  start_peer "peer-$config" "${peer_env[@]}"
  echo "-- $config: ours pid $ours_service port $ours_port, peer pid $PEER_SERVICE port $PEER_PORT"

  # on SIDE LABEL: points rb_wrk at one of the two servers.
  on() {
    if [ "$1" = ours ]; then
      RB_SERVICE_PID=$ours_service RB_PORT=$ours_port
    else
      RB_SERVICE_PID=$PEER_SERVICE RB_PORT=$PEER_PORT
    fi
    rb_wrk "$2" board_read.lua "/api/boards/$RB_BOARD_ID"
  }
  # Warm-up: SQLite's page cache, the allocators, V8's optimizing compiler.
  for side in ours peer; do
    RB_DURATION=3 RB_RESULTS="" on "$side" "warmup-$side-$config" >/dev/null
  done
  for round in $(seq "$RB_ROUNDS"); do
    on ours "ours-$config-$round"
    ours=$RB_LAST
    on peer "peer-$config-$round"
    peer=$RB_LAST
    line=$(python3 - "$(field rps "$ours")" "$(field cpu_us_per_req "$ours")" \
      "$(field rps "$peer")" "$(field cpu_us_per_req "$peer")" <<'EOF'
import sys
orps, ocpu, prps, pcpu = (float(v) for v in sys.argv[1:])
print(f"ours_rps={orps:.0f} ours_cpu_us={ocpu:.1f} peer_rps={prps:.0f} peer_cpu_us={pcpu:.1f} "
      f"rps_ours_over_peer={orps / prps:.2f} cpu_ours_over_peer={ocpu / pcpu:.2f}")
EOF
    )
    echo "round $config $round $line"
    summary+=("$config $round $line")
  done

  RB_PID=$ours_pid
  rb_stop_service
  stop_peer
  if [ "$config" = traced ]; then
    echo "ours export totals: $(rb_export_totals "ours-$config")"
    echo "$(grep '^peer export totals' "$rb_tmp/peer-$config.out" || echo "peer export totals: none printed")"
    rb_stop_sidecar
  fi
done

echo "== summary (one line per round)"
printf 'RB_PEER %s\n' "${summary[@]}"
