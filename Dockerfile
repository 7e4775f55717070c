# syntax=docker/dockerfile:1
# realtime-board-api on Debian 12: build with Debian's own toolchain and libraries,
# run on debian:12-slim with only the shared libraries the binary links.
#
#   docker build -t realtime-board-api .
#   docker compose up -d --build          # with the stack: see docker-compose.yml

# ---------------------------------------------------------------------------------
FROM debian:12 AS build

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      g++ cmake ninja-build pkg-config \
      libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev \
      libsoci-dev libsqlite3-dev \
      libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
      libsodium-dev zlib1g-dev libssl-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .

RUN cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DRB_BUILD_TESTS=OFF -DRB_BUILD_BENCH=OFF \
 && cmake --build build/release --target realtime-board-api \
 && install -D -m 0755 build/release/src/app/realtime-board-api /out/realtime-board-api

# The runtime packages are the ones that own the libraries ldd lists, so this list
# follows the link line by itself. (Debian 12 is usr-merged: a library may be
# registered under /lib or /usr/lib, so both spellings are tried.)
RUN set -eu; \
    for lib in $(ldd /out/realtime-board-api | awk '$3 ~ /^\// { print $3 }'); do \
      real=$(readlink -f "$lib"); \
      for path in "$lib" "$real" "/usr${lib#/usr}" "${lib#/usr}" "/usr${real#/usr}" "${real#/usr}"; do \
        if owner=$(dpkg -S "$path" 2>/dev/null); then echo "${owner%%:*}"; break; fi; \
      done; \
    done | sort -u > /out/runtime-packages.txt; \
    test -s /out/runtime-packages.txt; \
    cat /out/runtime-packages.txt

# ---------------------------------------------------------------------------------
FROM debian:12-slim AS runtime

COPY --from=build /out/runtime-packages.txt /tmp/runtime-packages.txt
RUN apt-get update \
 && xargs -a /tmp/runtime-packages.txt apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages.txt \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/realtime-board-api \
      --shell /usr/sbin/nologin board \
 && install -d -o board -g board /var/lib/realtime-board-api/data

COPY --from=build /out/realtime-board-api /usr/local/bin/realtime-board-api

USER board
WORKDIR /var/lib/realtime-board-api

# In a container: listen on every interface, JSON lines on stdout (Alloy reads them
# through the Docker API), SQLite file on the data volume.
ENV BOARD_LISTEN_ADDRESS=0.0.0.0 \
    BOARD_PORT=8080 \
    DATABASE_URL=sqlite://data/board.db \
    LOG_FORMAT=json \
    LOG_LEVEL=info

EXPOSE 8080
VOLUME ["/var/lib/realtime-board-api/data"]

# No curl in the slim image; bash asks /health over /dev/tcp.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=6 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${BOARD_PORT:-8080} && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]

ENTRYPOINT ["/usr/local/bin/realtime-board-api"]
