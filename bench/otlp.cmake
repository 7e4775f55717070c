rb_add_benchmark(bench_otlp SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_otlp.cpp LIBS telemetry_otlp)
