rb_add_benchmark(bench_trace SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_trace.cpp LIBS telemetry_trace)
