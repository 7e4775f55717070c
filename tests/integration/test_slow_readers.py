"""Clients that ask for large responses and never read them. Each one holds at most
the response being written, and only until the write timeout: the server then drops
the connection, frees what it held, and logs the request as aborted with the bytes
actually written. Shutting down with such a client does the same at the end of the
grace period. Meanwhile the service keeps answering /ready quickly."""

import signal
import socket
import time
import unittest

from harness import Service
from otlp_receiver import STATUS_ERROR, OtlpReceiver, attribute
from test_connection_limits import cpu_seconds

WRITE_TIMEOUT_MS = 5000
ELEMENTS = 40  # about 1 MB of element list
READERS = 20
PIPELINED = 32  # requests per reader, so the unsent bytes exceed every socket buffer


def create_large_board(service):
    """A board whose element list is about a megabyte: (token, board id, list size)."""
    _, token = service.new_user("big")
    board = service.create_board(token, "large")
    element = {"kind": "text", "x": 0, "y": 0, "width": 10, "height": 10,
               "text": "t" * 9000, "style": {"padding": "p" * 15000}}
    for _ in range(ELEMENTS):
        service.create_element(token, board["id"], **element)
    size = len(service.request("GET", f"/api/boards/{board['id']}/elements", token=token).body)
    return token, board["id"], size


def non_reader(port, board_id, token, pipelined=PIPELINED):
    """A connection with a tiny receive window that asks for the list `pipelined` times
    and never reads."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    request = (f"GET /api/boards/{board_id}/elements HTTP/1.1\r\nHost: t\r\n"
               f"Authorization: Bearer {token}\r\n\r\n").encode()
    sock.sendall(request * pipelined)
    return sock


def wait_until_idle(pid, timeout):
    """Waits until the process uses under 10% of a core over 0.2 s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = cpu_seconds(pid)
        time.sleep(0.2)
        if cpu_seconds(pid) - before < 0.02:
            return
    raise AssertionError(f"the service was still busy after {timeout} s")


def aborted_lines(service, reason):
    return [line for line in service.all_logs()
            if line.get("message") == "request aborted" and line.get("reason") == reason]


class SlowReaderTest(unittest.TestCase):
    def setUp(self):
        self.service = Service(env={"BOARD_BODY_TIMEOUT_MS": str(WRITE_TIMEOUT_MS)}).start()
        self.token, self.board_id, self.size = create_large_board(self.service)
        self.assertGreater(self.size, 800_000)

    def tearDown(self):
        self.service.stop()

    def test_readers_that_do_not_read_are_dropped_after_the_write_timeout(self):
        readers = [non_reader(self.service.port, self.board_id, self.token)
                   for _ in range(READERS)]
        try:
            # Building the responses takes the database pool for a moment (how large a
            # list may be is the paging's business); what is measured is the time the
            # readers then spend stalled, holding what they asked for, until the server
            # drops them, and after.
            started = time.monotonic()
            wait_until_idle(self.service.process.pid, WRITE_TIMEOUT_MS / 1000 - 1)
            self.assertEqual(aborted_lines(self.service, "write_timeout"), [])
            slowest = 0.0
            deadline = started + WRITE_TIMEOUT_MS / 1000 + 2
            while time.monotonic() < deadline:
                started = time.monotonic()
                self.assertEqual(self.service.request("GET", "/ready").status, 200)
                slowest = max(slowest, time.monotonic() - started)
                time.sleep(0.2)
            self.assertLess(slowest, 1.0, f"/ready took {slowest:.2f} s beside the non-readers")

            lines = aborted_lines(self.service, "write_timeout")
            self.assertEqual(len(lines), READERS, self.service.output_tail())
            for line in lines:
                self.assertEqual(line["status"], 200)
                self.assertEqual(line["level"], "warn")
                self.assertGreater(line["bytes_out"], 0)
                self.assertLess(line["bytes_out"], self.size)
            # The server closed its end: after what is buffered, each reader sees the end.
            for sock in readers:
                sock.settimeout(5)
                while True:
                    try:
                        if not sock.recv(1 << 20):
                            break
                    except ConnectionResetError:
                        break
        finally:
            for sock in readers:
                sock.close()


class ShutdownCutTest(unittest.TestCase):
    def setUp(self):
        self.receiver = OtlpReceiver().start()

    def tearDown(self):
        self.receiver.stop()

    def test_responses_cut_at_the_end_of_the_grace_period_are_logged_as_aborted(self):
        service = Service(env={"BOARD_SHUTDOWN_TIMEOUT_MS": "500",
                               "OTEL_EXPORTER_OTLP_ENDPOINT": self.receiver.endpoint("grpc"),
                               "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
                               "OTEL_BSP_SCHEDULE_DELAY": "100"}).start()
        try:
            token, board_id, size = create_large_board(service)
            reader = non_reader(service.port, board_id, token)
            time.sleep(0.5)  # the first response fills the buffers and blocks
            self.assertEqual(service.stop(signal.SIGTERM), 0)
            reader.close()
        finally:
            service.stop()
        lines = aborted_lines(service, "shutdown")
        self.assertEqual(len(lines), 1, service.output_tail())
        self.assertEqual(lines[0]["status"], 200)
        self.assertGreater(lines[0]["bytes_out"], 0)
        self.assertLess(lines[0]["bytes_out"], size)
        # Its span, flushed at exit, is an error naming why.
        span = self.receiver.server_span(lines[0]["trace_id"])
        self.assertEqual(span["status"]["code"], STATUS_ERROR, span["status"])
        self.assertEqual(attribute(span, "error.type"), "shutdown")
        self.assertEqual(attribute(span, "http.response.status_code"), 200)
        completed_empty = [line for line in service.all_logs()
                           if line.get("message") == "request completed"
                           and line.get("bytes_out") == 0 and line.get("status") == 200]
        self.assertEqual(completed_empty, [])


if __name__ == "__main__":
    unittest.main()
