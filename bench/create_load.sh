#!/usr/bin/env bash
# Element create, traced against untraced: POST /api/boards/{id}/elements
# (bench/wrk/element_create.lua, one sticky note per request, each a SQLite write
# transaction) under wrk, the configurations alternating in one run:
#   off     no exporter, the trace view off (untraced)
#   traced  always_on sampling, OTLP/gRPC to bench_grpc_sink, the view off
# Order: the configurations as given, then reversed, alternating for RB_ROUNDS rounds
# (default 3). Each run starts the service afresh on the shared temporary database (the
# seeded token stays valid), warms up for 2 s on a board of its own, then measures
# RB_DURATION seconds on a new, empty board under the build lock. Printed per run:
# requests/s, p50, p99, the service's CPU µs per create (/proc/PID/stat), and the
# acknowledged creates (2xx answers counted by wrk) against the rows the board holds
# afterwards (read from the database file): every acknowledged create must be stored,
# the difference being the creates still in flight when wrk stopped. Then per round the
# traced/untraced ratios, and the service's "span export totals" of the traced runs.
#
#   bench/create_load.sh
# Environment: RB_ROUNDS, RB_DURATION, RB_THREADS/RB_CONNECTIONS (as bench/http_load.sh),
#   RB_CREATE_CONFIGS (default "off traced"), RB_BENCH_BIN, RB_SINK_BIN, RB_PIN=1 (see
#   bench/lib/common.sh). The element cap is raised (BOARD_MAX_ELEMENTS_PER_BOARD,
#   default here 10000000) so that a run's creates stay under it.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
RB_ROUNDS=${RB_ROUNDS:-3}
RB_CREATE_CONFIGS=${RB_CREATE_CONFIGS:-off traced}
RB_BENCH_LOG=quiet
export BOARD_MAX_ELEMENTS_PER_BOARD=${BOARD_MAX_ELEMENTS_PER_BOARD:-10000000}
rb_require
case " $RB_CREATE_CONFIGS " in *" traced "*) rb_require_sink ;; esac

echo "== create_load: POST /api/boards/{id}/elements, wrk -t$RB_THREADS -c$RB_CONNECTIONS -d${RB_DURATION}s, $RB_ROUNDS rounds, configs: $RB_CREATE_CONFIGS"
rb_machine_summary

rb_start_service seed OTEL_SDK_DISABLED=true
rb_seed
rb_stop_service

new_board() {
  curl -fsS -m 10 -X POST "http://127.0.0.1:$RB_PORT/api/boards" -H "authorization: Bearer $RB_TOKEN" \
    -H 'content-type: application/json' -d "{\"name\":\"$1\"}" | rb_json_field id || rb_die "board creation failed"
}

stored_rows() {
  python3 - "$rb_tmp/board.db" "$1" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
print(db.execute("SELECT COUNT(*) FROM elements WHERE board_id = ?", (int(sys.argv[2]),)).fetchone()[0])
EOF
}

case " $RB_CREATE_CONFIGS " in *" traced "*) rb_start_sidecar sink "$RB_SINK_BIN" ;; esac

summary=()
read -ra configs <<<"$RB_CREATE_CONFIGS"
for round in $(seq "$RB_ROUNDS"); do
  order=("${configs[@]}")
  if [ $((round % 2)) = 0 ]; then
    order=()
    for ((i = ${#configs[@]} - 1; i >= 0; i--)); do order+=("${configs[$i]}"); done
  fi
  args=()
  for config in "${order[@]}"; do
    rb_start_configured "create-$config-$round" "$config"
    RB_BOARD_ID=$(new_board "warm-up $config $round")
    RB_DURATION=2 RB_RESULTS="" rb_wrk "warmup-$config-$round" element_create.lua \
      "/api/boards/$RB_BOARD_ID/elements" >/dev/null
    RB_BOARD_ID=$(new_board "create $config $round")
    rb_wrk "create-$config-$round" element_create.lua "/api/boards/$RB_BOARD_ID/elements"
    # Every create wrk counted was answered 201 (rb_wrk fails on any other answer).
    acknowledged=$(tr ' ' '\n' <<<"$RB_LAST" | sed -n 's/^requests=//p')
    args+=("$config" "$(tr ' ' '\n' <<<"$RB_LAST" | sed -n 's/^rps=//p')"
      "$(tr ' ' '\n' <<<"$RB_LAST" | sed -n 's/^cpu_us_per_req=//p')")
    rb_stop_service
    stored=$(stored_rows "$RB_BOARD_ID")
    [ "$stored" -ge "$acknowledged" ] ||
      rb_die "$config: $acknowledged creates acknowledged, only $stored stored"
    totals=""
    [ "$config" = traced ] && totals=", span export totals: $(rb_export_totals "create-$config-$round")"
    echo "  $config round $round: acknowledged=$acknowledged stored=$stored (in flight when wrk stopped: $((stored - acknowledged)))$totals"
  done
  line=$(python3 - "${args[@]}" <<'EOF2'
import sys
a = sys.argv[1:]
runs = {a[i]: (float(a[i + 1]), float(a[i + 2])) for i in range(0, len(a), 3)}
out = [f"{name}_rps={rps:.0f} {name}_cpu_us={cpu:.1f}" for name, (rps, cpu) in runs.items()]
if "off" in runs and "traced" in runs:
    (orps, ocpu), (trps, tcpu) = runs["off"], runs["traced"]
    out.append(f"rps_traced_over_off={trps / orps:.2f} cpu_traced_over_off={tcpu / ocpu:.2f}")
print(" ".join(out))
EOF2
  )
  echo "round $round $line"
  summary+=("$round $line")
done
case " $RB_CREATE_CONFIGS " in *" traced "*) rb_stop_sidecar ;; esac

echo "== summary (one line per round)"
printf 'RB_CREATE %s\n' "${summary[@]}"
