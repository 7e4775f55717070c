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
# Also per run: the writer's group totals the service logs at exit (groups, writes per
# group; builds that log them), and per thread of the service its CPU µs, voluntary
# context switches (wake-ups) and involuntary ones (preemptions) per create
# (/proc/PID/task/*; the writer thread is named db-writer).
# Environment: RB_ROUNDS, RB_DURATION, RB_THREADS/RB_CONNECTIONS (as bench/http_load.sh),
#   RB_CREATE_CONFIGS (default "off traced"), RB_BENCH_BIN, RB_SINK_BIN, RB_PIN=1 (see
#   bench/lib/common.sh). The element cap is raised (BOARD_MAX_ELEMENTS_PER_BOARD,
#   default here 10000000) so that a run's creates stay under it.
#   RB_BASE_BIN=PATH: a second binary (an older build) run in every configuration of
#   every round right after this one (labels CONFIG-base), so that old and new are
#   compared in one run; each round then also prints new/base ratios per configuration.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
RB_ROUNDS=${RB_ROUNDS:-3}
RB_CREATE_CONFIGS=${RB_CREATE_CONFIGS:-off traced}
RB_BENCH_LOG=quiet
RB_QUIET_LOG_LEVEL="warn,app=info,telemetry=info,storage=info"
RB_THREAD_STATS=1
RB_BASE_BIN=${RB_BASE_BIN:-}
if [ -n "$RB_BASE_BIN" ]; then [ -x "$RB_BASE_BIN" ] || rb_die "RB_BASE_BIN=$RB_BASE_BIN is not executable"; fi
export BOARD_MAX_ELEMENTS_PER_BOARD=${BOARD_MAX_ELEMENTS_PER_BOARD:-10000000}
rb_require
case " $RB_CREATE_CONFIGS " in *" traced "*) rb_require_sink ;; esac

echo "== create_load: POST /api/boards/{id}/elements, wrk -t$RB_THREADS -c$RB_CONNECTIONS -d${RB_DURATION}s, $RB_ROUNDS rounds, configs: $RB_CREATE_CONFIGS"
echo "binary: $RB_BENCH_BIN${RB_BASE_BIN:+; base: $RB_BASE_BIN}"
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

# The writer's "write group totals" line from the service's log, if it logged one.
group_totals() {
  python3 - "$rb_tmp/$1.log" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    try:
        rec = json.loads(line)
    except ValueError:
        continue
    if rec.get("message") == "write group totals":
        print("groups=%s writes=%s writes_per_group=%.1f full_groups=%s" % (
            rec.get("groups"), rec.get("writes"), rec.get("writes_per_group"), rec.get("full_groups")))
        break
else:
    print("none logged")
EOF
}

# measure LABEL CONFIG ROUND: one run of $RB_BENCH_BIN; appends "LABEL rps cpu" to args.
measure() {
  local label=$1 config=$2 round=$3
  rb_start_configured "create-$label-$round" "$config"
  RB_BOARD_ID=$(new_board "warm-up $label $round")
  RB_DURATION=2 RB_RESULTS="" RB_THREAD_STATS="" rb_wrk "warmup-$label-$round" element_create.lua \
    "/api/boards/$RB_BOARD_ID/elements" >/dev/null
  RB_BOARD_ID=$(new_board "create $label $round")
  rb_wrk "create-$label-$round" element_create.lua "/api/boards/$RB_BOARD_ID/elements"
  # Every create wrk counted was answered 201 (rb_wrk fails on any other answer).
  acknowledged=$(tr ' ' '\n' <<<"$RB_LAST" | sed -n 's/^requests=//p')
  args+=("$label" "$(tr ' ' '\n' <<<"$RB_LAST" | sed -n 's/^rps=//p')"
    "$(tr ' ' '\n' <<<"$RB_LAST" | sed -n 's/^cpu_us_per_req=//p')")
  local threads=$RB_LAST_THREADS
  rb_stop_service
  stored=$(stored_rows "$RB_BOARD_ID")
  [ "$stored" -ge "$acknowledged" ] ||
    rb_die "$label: $acknowledged creates acknowledged, only $stored stored"
  totals=""
  [ "$config" = traced ] && totals=", span export totals: $(rb_export_totals "create-$label-$round")"
  echo "  $label round $round: acknowledged=$acknowledged stored=$stored (in flight when wrk stopped: $((stored - acknowledged)))$totals"
  echo "  $label round $round: write groups: $(group_totals "create-$label-$round")"
  echo "  $label round $round: threads per create: $threads"
}

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
    measure "$config" "$config" "$round"
    if [ -n "$RB_BASE_BIN" ]; then
      own=$RB_BENCH_BIN
      RB_BENCH_BIN=$RB_BASE_BIN
      measure "$config-base" "$config" "$round"
      RB_BENCH_BIN=$own
    fi
  done
  line=$(python3 - "${args[@]}" <<'EOF2'
import sys
a = sys.argv[1:]
runs = {a[i]: (float(a[i + 1]), float(a[i + 2])) for i in range(0, len(a), 3)}
out = [f"{name}_rps={rps:.0f} {name}_cpu_us={cpu:.1f}" for name, (rps, cpu) in runs.items()]
for suffix in ("", "-base"):
    if "off" + suffix in runs and "traced" + suffix in runs:
        (orps, ocpu), (trps, tcpu) = runs["off" + suffix], runs["traced" + suffix]
        out.append(f"rps_traced_over_off{suffix}={trps / orps:.2f} cpu_traced_over_off{suffix}={tcpu / ocpu:.2f}")
for name in list(runs):
    if not name.endswith("-base") and name + "-base" in runs:
        (nrps, ncpu), (brps, bcpu) = runs[name], runs[name + "-base"]
        out.append(f"{name}_rps_new_over_base={nrps / brps:.2f} {name}_cpu_new_over_base={ncpu / bcpu:.2f}")
print(" ".join(out))
EOF2
  )
  echo "round $round $line"
  summary+=("$round $line")
done
case " $RB_CREATE_CONFIGS " in *" traced "*) rb_stop_sidecar ;; esac

echo "== summary (one line per round)"
printf 'RB_CREATE %s\n' "${summary[@]}"
