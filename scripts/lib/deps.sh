# Shared by scripts/run and scripts/test: installs the Debian packages the project
# needs, only when some are missing (apt-get update once, no prompts).

# Build dependencies of the service itself.
RB_BUILD_PACKAGES=(
  g++ cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsoci-dev libsqlite3-dev libsodium-dev
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  zlib1g-dev libssl-dev
)

# What the test suite adds: GoogleTest and Benchmark, clang for libFuzzer, Python for
# the integration tests, Node.js for the independent OTLP receiver, docker-compose to
# validate the stack's compose files offline, openssl to make the receiver's
# certificate for the TLS export tests, chromium for the tests of the pages the
# binary serves (driven headless by playwright-core from npm).
RB_TEST_PACKAGES=(
  libgtest-dev libgmock-dev libbenchmark-dev
  clang clang-format libclang-rt-14-dev
  python3 python3-yaml
  docker-compose openssl
  chromium
)

rb_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# rb_ensure_packages pkg...: installs whichever of the given packages is missing.
rb_ensure_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "==> installing Debian packages: ${missing[*]}"
  rb_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  rb_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

# Node.js and npm: use the machine's if present (any version >= 18), else Debian's.
rb_ensure_node() {
  if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    return 0
  fi
  rb_ensure_packages nodejs npm
}
