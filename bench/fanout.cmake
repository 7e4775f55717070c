# bench_fanout_client: the load client of bench/realtime_fanout.sh (100 WebSocket
# clients on one board, latency from send to receipt). Not a Google Benchmark, hence
# a plain executable.
add_executable(bench_fanout_client ${CMAKE_CURRENT_LIST_DIR}/lib/fanout_client.cpp)
target_link_libraries(bench_fanout_client PRIVATE Boost::headers Boost::json Threads::Threads)
