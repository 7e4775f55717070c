rb_add_benchmark(bench_trace_view SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_trace_view.cpp
  LIBS telemetry_trace telemetry_trace_view)
