# The generated-message encoder (a baseline row) lives with the tests it is the reference of.
rb_add_benchmark(bench_otlp
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_otlp.cpp
          ${PROJECT_SOURCE_DIR}/tests/support/otlp_proto_reference.cpp
  LIBS telemetry_otlp)
target_include_directories(bench_otlp PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
