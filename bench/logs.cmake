rb_add_benchmark(bench_logger SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_logger.cpp LIBS telemetry_logs)
