# bench_grpc_sink: the OTLP/gRPC receiver of bench/trace_overhead.sh's "on-light" runs. It
# accepts Export without decoding so that the load test measures the service, not the
# receiver (see bench/lib/grpc_sink.cpp). Not a Google Benchmark, hence a plain executable.
add_executable(bench_grpc_sink ${CMAKE_CURRENT_LIST_DIR}/lib/grpc_sink.cpp)
target_link_libraries(bench_grpc_sink PRIVATE PkgConfig::GRPCPP Boost::headers Threads::Threads)
