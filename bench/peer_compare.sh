#!/usr/bin/env bash
# This service against a Node.js peer and a Rust peer on its hottest reads:
#   board         authorized GET /api/boards/{id}           (bench/wrk/board_read.lua)
#   element_list  authorized GET /api/boards/{id}/elements  (bench/wrk/element_list.lua),
#                 one page of the seeded board's RB_LIST_ELEMENTS elements
# served by the Release service (SQLite, seeded like bench/http_load.sh) and by
#   node  bench/peer/server.mjs: Node.js + Fastify, the same token hash lookup, membership
#         check and JSON, from memory (the elements as the service listed them);
#   rust  bench/peer-rust/: hyper 0.14 + tokio + rusqlite on the system SQLite, all from
#         Debian's packaged crates, reading the service's own database with the service's
#         statements (2 per board read, 3 per element list), one read connection per
#         tokio worker thread, the statements run on the worker itself;
#   rust-hop (not by default) the same Rust peer with every request's statements handed
#         to tokio's blocking pool (PEER_DB_HOP=1), as the service hands them to its
#         database threads.
# One server is loaded at a time, in alternating rounds (per round and route: ours, then
# each peer), RB_ROUNDS times, first untraced, then traced. Untraced: ours with no
# exporter and the trace view off, every server on every route. Traced: board read only,
# ours and node only: the service with always_on sampling and its OTLP/gRPC exporter,
# node with the OpenTelemetry JS SDK (always on, batch processor, OTLP/gRPC exporter),
# both exporting to bench_grpc_sink.
# Printed per run: requests/s, p99 and the server's own CPU time per request
# (utime+stime of its process from /proc/PID/stat over the run / requests); per round
# and route, the ratios ours/peer of requests/s and of CPU per request.
#
#   bench/peer_compare.sh
# Environment: RB_ROUNDS (default 3), RB_DURATION (seconds per run, default 10),
#   RB_THREADS/RB_CONNECTIONS (wrk, default 2 x 64), RB_PEER_CONFIGS (default "off traced"),
#   RB_PEERS (default "node rust"; also rust-hop), RB_PEER_ROUTES (untraced routes,
#   default "board element_list"), RB_LIST_ELEMENTS (elements on the seeded board,
#   default 20), RB_BENCH_BIN, RB_PIN=1 (see bench/lib/common.sh; the peers get the
#   service's core and the Rust peer one worker thread), PEER_THREADS (the Rust peer's
#   tokio workers, default one per core).
# Needs node and npm (the Node peer's dependencies are installed with `npm ci`); for the
# Rust peer, Debian's cargo and rustc and the librust-*-dev crates it names (installed
# with apt when missing), built offline against /usr/share/cargo/registry
# (bench/peer-rust/.cargo/config.toml) with `cargo build --release` under the build lock.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$rb_repo/scripts/lib/deps.sh"
RB_ROUNDS=${RB_ROUNDS:-3}
RB_PEER_CONFIGS=${RB_PEER_CONFIGS:-off traced}
RB_PEERS=${RB_PEERS:-node rust}
RB_PEER_ROUTES=${RB_PEER_ROUTES:-board element_list}
RB_LIST_ELEMENTS=${RB_LIST_ELEMENTS:-20}
RB_BENCH_LOG=quiet
rb_require
rb_require_sink
command -v node >/dev/null || rb_die "node is not installed (Debian package nodejs)"
command -v npm >/dev/null || rb_die "npm is not installed (Debian package npm)"
peer_dir=$rb_repo/bench/peer
(cd "$peer_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || rb_die "npm ci failed in $peer_dir"

# The Rust peer: Debian's toolchain and crates (the versions Debian 12 ships).
rust_dir=$rb_repo/bench/peer-rust
rust_bin=$rust_dir/target/release/rb-peer-rust
case " $RB_PEERS " in
  *" rust"*)
    rb_ensure_packages cargo rustc librust-hyper-dev librust-tokio-dev librust-rusqlite-dev \
      librust-serde-dev librust-serde-derive-dev librust-serde-json-dev librust-sha2-dev \
      librust-rand-dev libsqlite3-dev
    rb_lock
    (cd "$rust_dir" && RUSTC=/usr/bin/rustc /usr/bin/cargo build --release --offline --quiet) 9>&- ||
      { rb_unlock; rb_die "cargo build failed in $rust_dir"; }
    rb_unlock
    ;;
esac

echo "== peer_compare: wrk -t$RB_THREADS -c$RB_CONNECTIONS -d${RB_DURATION}s, $RB_ROUNDS alternating rounds, configs: $RB_PEER_CONFIGS, peers: $RB_PEERS, untraced routes: $RB_PEER_ROUTES"
rb_machine_summary
echo "node $(node --version), fastify $(node -p "require('$peer_dir/node_modules/fastify/package.json').version")"
case " $RB_PEERS " in
  *" rust"*) echo "rust peer: $(/usr/bin/rustc --version), $(cd "$rust_dir" && /usr/bin/cargo tree --offline --depth 1 --prefix none -e normal 2>/dev/null | tail -n +2 | tr '\n' ' ')" ;;
esac

# start_server NAME KIND [VAR=value...]: a peer (node, rust or rust-hop) on a free port,
# serving the seeded token and board; records its `timeout` wrapper, its own process
# (for /proc stats) and its port under NAME.
declare -A wrapper_of pid_of port_of
start_server() {
  local name=$1 kind=$2
  shift 2
  local command
  case $kind in
    node)
      command=(env PEER_TOKEN="$RB_TOKEN" PEER_BOARD_ID="$RB_BOARD_ID"
        PEER_BOARD_FILE="$rb_tmp/board.json" PEER_ELEMENTS_FILE="$rb_tmp/elements.json" node "$peer_dir/server.mjs")
      ;;
    rust | rust-hop)
      local threads=()
      [ "$RB_PIN" = 1 ] && threads=(PEER_THREADS=1)
      command=(env PEER_DB="$rb_tmp/board.db" "PEER_DB_HOP=$([ "$kind" = rust-hop ] && echo 1 || echo 0)"
        "${threads[@]}" "$rust_bin")
      ;;
    *) rb_die "unknown peer '$kind' (node, rust or rust-hop)" ;;
  esac
  env PEER_PORT=0 "$@" "${rb_pin_service[@]}" timeout 900 "${command[@]}" \
    >"$rb_tmp/$name.out" 2>"$rb_tmp/$name.err" 9>&- &
  local wrapper=$!
  rb_track "$wrapper"
  for _ in $(seq 150); do
    if grep -q '^ready ' "$rb_tmp/$name.out" 2>/dev/null; then
      wrapper_of[$name]=$wrapper
      port_of[$name]=$(sed -n 's/^ready port=\([0-9]*\).*/\1/p' "$rb_tmp/$name.out")
      # The peer itself: the child of `timeout`, through `env` when that is a process.
      local child
      child=$(pgrep -P "$wrapper" | head -1)
      pid_of[$name]=$(pgrep -P "$child" | head -1 || true)
      [ -n "${pid_of[$name]}" ] || pid_of[$name]=$child
      return 0
    fi
    kill -0 "$wrapper" 2>/dev/null || break
    sleep 0.1
  done
  cat "$rb_tmp/$name.err" >&2
  rb_die "peer $name did not start"
}

stop_server() {
  kill -TERM "${pid_of[$1]}" 2>/dev/null || true
  wait "${wrapper_of[$1]}" 2>/dev/null || true
  rb_untrack "${wrapper_of[$1]}"
}

field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }

# Seeds the shared temporary database once, with a service that is stopped again: the
# user, token and board of rb_seed, the board filled to RB_LIST_ELEMENTS elements of
# varied kinds, positions and styles, and the service's own answers (the board, the
# list) for the Node peer.
rb_start_service seed OTEL_SDK_DISABLED=true
rb_seed
for i in $(seq 2 "$RB_LIST_ELEMENTS"); do
  if [ $((i % 2)) = 0 ]; then
    body="{\"kind\":\"sticky_note\",\"x\":$((i * 37)).5,\"y\":-$((i * 11)),\"width\":200,\"height\":150,\"rotation\":0,\"z_index\":$((i % 7)),\"style\":{\"fill\":\"#ffd54f\",\"stroke\":\"#333333\"},\"text\":\"Note $i: ship the \\\"list\\\" route\"}"
  else
    body="{\"kind\":\"rectangle\",\"x\":$((i * 13)),\"y\":$((i * 29)).25,\"width\":$((40 + i)),\"height\":30,\"rotation\":15.5,\"z_index\":$((i % 7)),\"style\":{\"fill\":\"#90caf9\"},\"text\":\"\"}"
  fi
  curl -fsS -m 10 -o /dev/null -X POST "http://127.0.0.1:$RB_PORT/api/boards/$RB_BOARD_ID/elements" \
    -H "authorization: Bearer $RB_TOKEN" -H 'content-type: application/json' -d "$body" ||
    rb_die "element creation failed"
done
curl -fsS -m 10 -o "$rb_tmp/board.json" "http://127.0.0.1:$RB_PORT/api/boards/$RB_BOARD_ID" \
  -H "authorization: Bearer $RB_TOKEN" || rb_die "board read failed"
curl -fsS -m 10 -o "$rb_tmp/elements.json" "http://127.0.0.1:$RB_PORT/api/boards/$RB_BOARD_ID/elements" \
  -H "authorization: Bearer $RB_TOKEN" || rb_die "element list failed"
list_bytes=$(wc -c <"$rb_tmp/elements.json")
echo "seeded board $RB_BOARD_ID: $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["elements"]))' "$rb_tmp/elements.json") elements, the list answer is $list_bytes bytes"
rb_stop_service

# route_path ROUTE, route_script ROUTE: what wrk requests on a route.
route_path() {
  case $1 in
    board) echo "/api/boards/$RB_BOARD_ID" ;;
    element_list) echo "/api/boards/$RB_BOARD_ID/elements" ;;
    *) rb_die "unknown route '$1' (board or element_list)" ;;
  esac
}
route_script() {
  case $1 in
    board) echo board_read.lua ;;
    element_list) echo element_list.lua ;;
  esac
}

# Each peer's answer must be the service's, field for field (numbers compared as
# numbers: the service writes 120.5 as 1.205E2).
check_same() {
  local name=$1 route=$2 ours_port=$3
  local path
  path=$(route_path "$route")
  curl -fsS -m 10 -o "$rb_tmp/check-ours.json" "http://127.0.0.1:$ours_port$path" -H "authorization: Bearer $RB_TOKEN" ||
    rb_die "ours did not answer $path"
  curl -fsS -m 10 -o "$rb_tmp/check-$name.json" "http://127.0.0.1:${port_of[$name]}$path" -H "authorization: Bearer $RB_TOKEN" ||
    rb_die "$name did not answer $path"
  python3 - "$rb_tmp/check-ours.json" "$rb_tmp/check-$name.json" <<'EOF' || rb_die "$name answers $path unlike the service"
import json, sys
ours, peer = (json.load(open(p)) for p in sys.argv[1:])
sys.exit(0 if ours == peer else 1)
EOF
}

summary=()
for config in $RB_PEER_CONFIGS; do
  peer_env=()
  servers=(ours)
  read -ra routes <<<"$RB_PEER_ROUTES"
  if [ "$config" = traced ]; then
    rb_start_sidecar "sink-$config" "$RB_SINK_BIN"
    peer_env=(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$RB_SINK_GRPC")
    case " $RB_PEERS " in *" node "*) servers+=(node) ;; esac
    routes=(board)
  elif [ "$config" = off ]; then
    read -ra peers <<<"$RB_PEERS"
    servers+=("${peers[@]}")
  else
    rb_die "unknown configuration '$config' (off or traced)"
  fi
  rb_start_configured "ours-$config" "$config"
  ours_pid=$RB_PID
  pid_of[ours]=$RB_SERVICE_PID port_of[ours]=$RB_PORT
  started="ours pid ${pid_of[ours]} port ${port_of[ours]}"
  for server in "${servers[@]:1}"; do
    extra=()
    [ "$server" = node ] && extra=("${peer_env[@]}")
    start_server "$server" "$server" "${extra[@]}"
    started+=", $server pid ${pid_of[$server]} port ${port_of[$server]}"
    for route in "${routes[@]}"; do check_same "$server" "$route" "${port_of[ours]}"; done
  done
  echo "-- $config: $started (answers checked equal to ours on: ${routes[*]})"

  # on SERVER ROUTE LABEL: points rb_wrk at one of the servers.
  on() {
    RB_SERVICE_PID=${pid_of[$1]} RB_PORT=${port_of[$1]}
    rb_wrk "$3" "$(route_script "$2")" "$(route_path "$2")"
  }
  # Warm-up: SQLite's page cache, the allocators, V8's optimizing compiler.
  for route in "${routes[@]}"; do
    for server in "${servers[@]}"; do
      RB_DURATION=3 RB_RESULTS="" on "$server" "$route" "warmup-$server-$route-$config" >/dev/null
    done
  done
  for round in $(seq "$RB_ROUNDS"); do
    for route in "${routes[@]}"; do
      args=()
      for server in "${servers[@]}"; do
        on "$server" "$route" "$server-$route-$config-$round"
        args+=("$server" "$(field rps "$RB_LAST")" "$(field cpu_us_per_req "$RB_LAST")" "$(field p99_us "$RB_LAST")")
      done
      line=$(python3 - "${args[@]}" <<'EOF'
import sys
args = sys.argv[1:]
runs = [(args[i], float(args[i + 1]), float(args[i + 2]), int(args[i + 3])) for i in range(0, len(args), 4)]
out = [f"{name}_rps={rps:.0f} {name}_cpu_us={cpu:.1f} {name}_p99_us={p99}" for name, rps, cpu, p99 in runs]
_, orps, ocpu, _ = runs[0]
for name, rps, cpu, _ in runs[1:]:
    key = name.replace("-", "_")
    out.append(f"rps_ours_over_{key}={orps / rps:.2f} cpu_ours_over_{key}={ocpu / cpu:.2f}")
print(" ".join(out))
EOF
      )
      echo "round $config $round $route $line"
      summary+=("$config $round $route $line")
    done
  done

  RB_PID=$ours_pid
  rb_stop_service
  for server in "${servers[@]:1}"; do stop_server "$server"; done
  if [ "$config" = traced ]; then
    echo "ours export totals: $(rb_export_totals "ours-$config")"
    if [ -f "$rb_tmp/node.out" ]; then
      grep '^peer export totals' "$rb_tmp/node.out" || echo "node export totals: none printed"
    fi
    rb_stop_sidecar
  fi
done

echo "== summary (one line per round and route)"
printf 'RB_PEER %s\n' "${summary[@]}"
