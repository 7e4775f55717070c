rb_add_benchmark(bench_propagation SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_propagation.cpp
                 LIBS telemetry_propagation)
target_include_directories(bench_propagation PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
