"""Start-up, timeouts and graceful shutdown of the real binary."""

import os
import signal
import socket
import subprocess
import time
import unittest

from harness import Service, binary_path, scratch_dir


def run_with_env(env_overrides, timeout=10):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("BOARD_", "OTEL_", "LOG_", "DATABASE_"))}
    env.update(env_overrides)
    return subprocess.run([binary_path()], env=env, capture_output=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


class InvalidConfiguration(unittest.TestCase):
    """Invalid config stops start-up with one line naming the setting, exit status 2."""

    def assert_rejected(self, env, setting):
        result = run_with_env(env)
        self.assertEqual(result.returncode, 2, result.stderr)
        lines = [l for l in result.stderr.decode().splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, lines)
        self.assertIn(setting, lines[0])

    def test_port_that_is_not_a_number(self):
        self.assert_rejected({"BOARD_PORT": "http"}, "BOARD_PORT")

    def test_unknown_database_scheme(self):
        self.assert_rejected({"DATABASE_URL": "oracle://db/board"}, "DATABASE_URL")

    def test_invalid_log_directive(self):
        self.assert_rejected({"LOG_LEVEL": "info,storage=chatty"}, "LOG_LEVEL")

    def test_invalid_log_format(self):
        self.assert_rejected({"LOG_FORMAT": "xml"}, "LOG_FORMAT")

    def test_invalid_otlp_protocol(self):
        self.assert_rejected({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4317",
                              "OTEL_EXPORTER_OTLP_PROTOCOL": "carrier-pigeon"},
                             "OTEL_EXPORTER_OTLP_PROTOCOL")

    def test_unknown_flag(self):
        result = subprocess.run([binary_path(), "--colour"], capture_output=True, timeout=10)
        self.assertEqual(result.returncode, 2)
        self.assertIn("--colour", result.stderr.decode())


class DatabaseLocation(unittest.TestCase):
    def test_missing_folders_of_the_database_file_are_created(self):
        base = os.path.join(scratch_dir(), f"nested-{os.getpid()}-{time.monotonic_ns()}")
        path = os.path.join(base, "a", "b", "board.db")
        service = Service(env={"DATABASE_URL": f"sqlite://{path}"}).start()
        try:
            self.assertEqual(service.request("GET", "/ready").status, 200)
            self.assertTrue(os.path.exists(path))
        finally:
            self.assertEqual(service.stop(), 0)

    def test_unusable_database_location_stops_start_up_clearly(self):
        blocker = os.path.join(scratch_dir(), f"file-{os.getpid()}-{time.monotonic_ns()}")
        with open(blocker, "w") as handle:
            handle.write("not a folder")
        result = run_with_env({"DATABASE_URL": f"sqlite://{blocker}/board.db",
                               "LOG_FORMAT": "json", "BOARD_PORT": "0"})
        self.assertEqual(result.returncode, 1)
        self.assertIn(b"cannot open the database", result.stdout)


def open_connection(port):
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def closed_within(sock, seconds):
    """True when the server closes `sock` within `seconds` (reads EOF or a reset)."""
    sock.settimeout(seconds)
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


class Timeouts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.service = Service(env={"BOARD_IDLE_TIMEOUT_MS": "400",
                                   "BOARD_HEADER_TIMEOUT_MS": "400"}).start()

    @classmethod
    def tearDownClass(cls):
        cls.service.stop()

    def test_idle_connection_is_closed(self):
        sock = open_connection(self.service.port)
        started = time.monotonic()
        self.assertTrue(closed_within(sock, 5))
        self.assertLess(time.monotonic() - started, 3)
        sock.close()

    def test_slow_header_block_is_cut_off(self):
        sock = open_connection(self.service.port)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # never finishes the headers
        started = time.monotonic()
        self.assertTrue(closed_within(sock, 5))
        self.assertLess(time.monotonic() - started, 3)
        sock.close()
        self.assertEqual(self.service.request("GET", "/health").status, 200)

    def test_keep_alive_serves_several_requests_on_one_connection(self):
        sock = open_connection(self.service.port)
        request = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
        sock.sendall(request * 3)  # pipelined
        received = b""
        sock.settimeout(5)
        while received.count(b"HTTP/1.1 200") < 3:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        self.assertEqual(received.count(b"HTTP/1.1 200"), 3)
        sock.close()


class GracefulShutdown(unittest.TestCase):
    def start(self, **env):
        service = Service(env=env).start()
        self.addCleanup(service._kill)
        return service

    def send_partial_request(self, port):
        """A POST whose body is still arriving: a request in flight."""
        sock = open_connection(port)
        body = b'{"username":"late","password":"correct horse battery"}'
        head = (b"POST /api/auth/register HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/json\r\nContent-Length: "
                + str(len(body)).encode() + b"\r\n\r\n")
        sock.sendall(head + body[:10])
        return sock, body[10:]

    def test_in_flight_request_finishes_then_exit_zero(self):
        service = self.start(BOARD_SHUTDOWN_TIMEOUT_MS="5000")
        sock, rest = self.send_partial_request(service.port)
        idle = open_connection(service.port)  # an idle keep-alive client
        time.sleep(0.2)
        service.process.send_signal(signal.SIGTERM)
        service.wait_for_log(lambda l: l.get("message") == "shutting down", timeout=5)
        self.assertTrue(closed_within(idle, 3), "idle connection not closed at shutdown")
        sock.sendall(rest)
        sock.settimeout(5)
        reply = sock.recv(65536)
        self.assertTrue(reply.startswith(b"HTTP/1.1 201"), reply[:200])
        self.assertIn(b"connection: close", reply.lower())
        sock.close()
        idle.close()
        self.assertEqual(service.process.wait(timeout=10), 0)
        # New connections are refused once the listener is closed.
        with self.assertRaises(OSError):
            open_connection(service.port).sendall(b"GET /health HTTP/1.1\r\n\r\n")
            raise OSError("still accepting")

    def test_grace_period_bounds_shutdown(self):
        service = self.start(BOARD_SHUTDOWN_TIMEOUT_MS="500", BOARD_BODY_TIMEOUT_MS="60000")
        sock, _ = self.send_partial_request(service.port)  # never completes
        time.sleep(0.2)
        started = time.monotonic()
        self.assertEqual(service.stop(timeout=10), 0)
        self.assertLess(time.monotonic() - started, 3.0)
        sock.close()

    def test_second_signal_exits_at_once(self):
        service = self.start(BOARD_SHUTDOWN_TIMEOUT_MS="30000", BOARD_BODY_TIMEOUT_MS="60000")
        sock, _ = self.send_partial_request(service.port)  # keeps shutdown waiting
        time.sleep(0.2)
        service.process.send_signal(signal.SIGTERM)
        service.wait_for_log(lambda l: l.get("message") == "shutting down", timeout=5)
        started = time.monotonic()
        code = service.stop(sig=signal.SIGINT, timeout=5)
        self.assertLess(time.monotonic() - started, 2.0)
        self.assertNotEqual(code, 0)
        sock.close()


if __name__ == "__main__":
    unittest.main()
