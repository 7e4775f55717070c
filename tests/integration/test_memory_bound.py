"""Many clients that ask for the largest answer and never read it: the process's
resident memory stays under what docs/limits.md says such clients can make it hold.

Runs the Release build (build/release, which ./scripts/test builds before the suite):
AddressSanitizer's quarantine and shadow memory would swamp what is measured."""

import os
import time
import unittest

from harness import Service, binary_path
from test_connection_limits import cpu_seconds
from test_slow_readers import non_reader

MB = 1024 * 1024
READERS = 40
ELEMENTS = 300  # three pages of 100
PIPELINED = 8  # requests per reader; a connection answers one at a time
HEADER_BYTES = 8192
BODY_BYTES = 64 * 1024
DB_THREADS = 2
IO_THREADS = 2


def release_binary():
    """build/release's binary beside the suite's build (RB_BINARY is build/test's)."""
    test_build = binary_path()
    build_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(test_build))))
    path = os.path.join(build_root, "release", "src", "app", "realtime-board-api")
    if not os.access(path, os.X_OK):
        raise unittest.SkipTest(f"no Release build at {path} (./scripts/test builds it)")
    return path


def resident_bytes(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


class ManySlowReadersTest(unittest.TestCase):
    def test_resident_memory_stays_under_the_documented_bound(self):
        service = Service(binary=release_binary(), env={
            "BOARD_MAX_BODY_BYTES": str(BODY_BYTES),
            "BOARD_DB_THREADS": str(DB_THREADS),
            "BOARD_THREADS": str(IO_THREADS),
            "BOARD_TRACE_VIEW": "off",  # its own bound is a separate term
            "LOG_LEVEL": "info",
            "BOARD_BODY_TIMEOUT_MS": "60000",  # the readers hold their answers all along
        }).start()
        readers = []
        try:
            _, token = service.new_user("big")
            board = service.create_board(token, "large")["id"]
            element = {"kind": "text", "x": 0, "y": 0, "width": 10, "height": 10,
                       "text": "t" * 9000, "style": {"padding": "p" * 15000}}
            for _ in range(ELEMENTS):
                created = service.create_element(token, board, **element)
            one = len(service.request("GET", f"/api/boards/{board}/elements/{created['id']}",
                                      token=token).body)
            # P: the largest answer docs/limits.md allows, a page of N = 100 elements.
            page = 100 * (one + 1) + 64
            self.assertGreater(page, 2_000_000)
            start = resident_bytes(service.process.pid)

            readers = [non_reader(service.port, board, token, PIPELINED) for _ in range(READERS)]
            peak = start
            deadline = time.monotonic() + 6
            while time.monotonic() < deadline:  # answers built, then held unsent
                peak = max(peak, resident_bytes(service.process.pid))
                time.sleep(0.05)
            before = cpu_seconds(service.process.pid)
            time.sleep(0.5)
            self.assertLess(cpu_seconds(service.process.pid) - before, 0.1,
                            "still building answers: the measurement would be early")
            peak = max(peak, resident_bytes(service.process.pid))

            # docs/limits.md: a reader that does not read costs at most 3 × P + 2 × (H + B)
            # resident; the answers being built (N × E_mem as values, about as much as a
            # JSON tree) are at most one per thread at a time; the start-up figure
            # covers the binary, SQLite's caches and the log and span queues.
            per_reader = 3 * page + 2 * (HEADER_BYTES + BODY_BYTES)
            building = (DB_THREADS + IO_THREADS) * 2 * 2 * page
            bound = start + READERS * per_reader + building
            self.assertLess(peak, bound,
                            f"peak {peak / MB:.0f} MiB, bound {bound / MB:.0f} MiB "
                            f"(start {start / MB:.0f} MiB, page {page / MB:.1f} MiB)")
            # And the service still answers beside them.
            self.assertEqual(service.request("GET", "/ready").status, 200)
        finally:
            for sock in readers:
                sock.close()
            service.stop()


if __name__ == "__main__":
    unittest.main()
