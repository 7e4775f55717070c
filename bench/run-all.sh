#!/usr/bin/env bash
# Runs every benchmark of the project once, in the Release tree build/bench, and prints a
# summary: the Google Benchmark programs (bench_propagation, bench_logger, bench_trace,
# bench_otlp — whichever build), then bench/http_load.sh, bench/trace_overhead.sh,
# bench/cpu_pair.sh and (when valgrind is installed) bench/instructions.sh.
# Builds and measurements each hold the machine-wide build lock; it is released between
# steps so other builds can interleave.
#
# Environment: RB_GBENCH_MIN_TIME (seconds per Google Benchmark, default 0.2),
#   RB_BENCH_BUILD=0 to skip building, RB_SKIP_GBENCH=1, RB_SKIP_LOAD=1, RB_OUT (keep
#   the raw outputs in this directory), and everything bench/http_load.sh and
#   bench/trace_overhead.sh take (RB_DURATION, RB_CONNECTIONS, ...).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/common.sh"
out=${RB_OUT:-$rb_tmp/out}
mkdir -p "$out"
benches=(bench_propagation bench_logger bench_trace bench_otlp)
build_dir=$RB_BENCH_BUILD_DIR

if [ "${RB_BENCH_BUILD:-1}" = 1 ]; then
  rb_lock
  if [ ! -f "$build_dir/build.ninja" ]; then
    # RB_WERROR=OFF: g++ 12 -O2 raises a false -Wrestrict in string concatenation
    # (see docs/performance.md); a benchmark tree must not fail on it.
    cmake -S "$rb_repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DRB_BUILD_TESTS=OFF -DRB_BUILD_BENCH=ON -DRB_WERROR=OFF >"$out/configure.log" 2>&1 ||
      { rb_unlock; tail -20 "$out/configure.log" >&2; rb_die "configure failed"; }
  fi
  # bench_grpc_sink: the light OTLP sink bench/trace_overhead.sh exports to.
  for target in realtime-board-api bench_grpc_sink "${benches[@]}"; do
    timeout 1800 cmake --build "$build_dir" -j2 --target "$target" >"$out/build-$target.log" 2>&1 9>&- ||
      echo "warning: $target did not build (see $out/build-$target.log)" >&2
  done
  rb_unlock
fi

gbench_summary=$out/gbench-summary.txt
: >"$gbench_summary"
if [ "${RB_SKIP_GBENCH:-0}" != 1 ]; then
  for bench in "${benches[@]}"; do
    bin=$build_dir/bench/$bench
    if [ ! -x "$bin" ]; then
      echo "== $bench: not built, skipped" | tee -a "$gbench_summary"
      continue
    fi
    echo "== $bench"
    rb_lock
    status=0
    timeout 600 "$bin" --benchmark_min_time="${RB_GBENCH_MIN_TIME:-0.2}" \
      --benchmark_out="$out/$bench.json" --benchmark_out_format=json 9>&- |
      tee "$out/$bench.txt" || status=$?
    rb_unlock
    [ $status = 0 ] || echo "== $bench: exit status $status" | tee -a "$gbench_summary"
    python3 - "$out/$bench.json" "$bench" >>"$gbench_summary" <<'EOF' || true
import json, sys
data = json.load(open(sys.argv[1]))
print(f"== {sys.argv[2]}")
for b in data["benchmarks"]:
    if b.get("run_type") == "aggregate":
        continue
    unit = b.get("time_unit", "ns")
    skip = {"name", "run_name", "run_type", "repetitions", "repetition_index", "threads",
            "iterations", "real_time", "cpu_time", "time_unit", "family_index",
            "per_family_instance_index", "aggregate_name", "aggregate_unit", "label"}
    counters = " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                        for k, v in b.items() if k not in skip)
    print(f"  {b['name']:<48} real {b['real_time']:>10.1f} {unit}  cpu {b['cpu_time']:>10.1f} {unit}"
          f"  {counters}")
EOF
  done
fi

load_results=$out/load-results.txt
: >"$load_results"
if [ "${RB_SKIP_LOAD:-0}" != 1 ]; then
  RB_RESULTS=$load_results timeout 900 "$here/http_load.sh" | tee "$out/http_load.txt"
  RB_RESULTS=$load_results timeout 1800 "$here/trace_overhead.sh" | tee "$out/trace_overhead.txt"
  timeout 900 "$here/cpu_pair.sh" | tee "$out/cpu_pair.txt"
  if command -v valgrind >/dev/null; then
    timeout 1800 "$here/instructions.sh" | tee "$out/instructions.txt"
  else
    echo "== instructions: valgrind is not installed, skipped" | tee "$out/instructions.txt"
  fi
fi

echo
echo "================ summary ================"
rb_machine_summary
echo "compiler: $(${CXX:-g++} --version | head -1); build: Release ($build_dir)"
cat "$gbench_summary"
if [ -s "$load_results" ]; then
  echo "== load (wrk -t$RB_THREADS -c$RB_CONNECTIONS -d${RB_DURATION}s)"
  sed 's/^/  /' "$load_results"
  grep -h -A20 '^-- summary' "$out/trace_overhead.txt" 2>/dev/null | sed 's/^/  /' || true
  grep -h '^RB_PAIR_RATIO' "$out/cpu_pair.txt" 2>/dev/null | sed 's/^/  /' || true
  grep -h '^label=\|instructions: valgrind' "$out/instructions.txt" 2>/dev/null | sed 's/^/  /' || true
fi
[ -n "${RB_OUT:-}" ] && echo "raw outputs in $out"
exit 0
