#!/usr/bin/env bash
# Runs every libFuzzer target built in BUILD_DIR for SECONDS each, on a scratch copy
# of its seed corpus (the repository's corpus never grows). One line per target;
# exits non-zero if any target crashed, leaked, hit a sanitizer report or is missing.
#   tests/fuzz/run-fuzzers.sh build/fuzz 30                      # every target
#   tests/fuzz/run-fuzzers.sh build/fuzz 30 fuzz_trace_context   # just these
set -uo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 BUILD_DIR SECONDS [TARGET...]" >&2
  exit 2
fi
build_dir=$1
seconds=$2
shift 2
fuzz_dir=$(cd "$(dirname "$0")" && pwd)

shopt -s nullglob
if [ $# -gt 0 ]; then
  targets=()
  for name in "$@"; do
    if [ ! -x "$build_dir/tests/fuzz/$name" ]; then
      echo "FAIL $name: not built in $build_dir/tests/fuzz" >&2
      exit 1
    fi
    targets+=("$build_dir/tests/fuzz/$name")
  done
else
  targets=("$build_dir"/tests/fuzz/fuzz_*)
fi
if [ ${#targets[@]} -eq 0 ]; then
  echo "no fuzz targets in $build_dir/tests/fuzz (configure with -DRB_BUILD_FUZZ=ON and build)" >&2
  exit 2
fi

# A sanitizer report must fail the run, leaks included.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

failures=0
for binary in "${targets[@]}"; do
  [ -x "$binary" ] && [ -f "$binary" ] || continue
  target=$(basename "$binary")
  name=${target#fuzz_}
  work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-$name.XXXXXX")
  mkdir -p "$work/corpus" "$work/artifacts"
  if [ -d "$fuzz_dir/corpus/$name" ]; then
    cp -R "$fuzz_dir/corpus/$name/." "$work/corpus/"
  fi
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192
        -artifact_prefix="$work/artifacts/" -print_final_stats=1)
  if [ -f "$fuzz_dir/$name.dict" ]; then
    args+=(-dict="$fuzz_dir/$name.dict")
  fi
  start=$(date +%s)
  "$binary" "${args[@]}" "$work/corpus" >"$work/log" 2>&1
  status=$?
  elapsed=$(( $(date +%s) - start ))
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$' || true)
  if [ $status -eq 0 ] && ! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$work/log"; then
    echo "PASS $target: ${runs:-?} runs in ${elapsed}s, corpus $(ls "$work/corpus" | wc -l) inputs"
    rm -rf "$work"
  else
    echo "FAIL $target: exit $status after ${elapsed}s; log and reproducer kept in $work"
    grep -E 'ERROR:|runtime error:|SUMMARY:|Test unit written' "$work/log" | head -5 | sed 's/^/  /'
    failures=$((failures + 1))
  fi
done

exit $(( failures > 0 ? 1 : 0 ))
