"""Running out of connections and descriptors: the connection cap is checked against
RLIMIT_NOFILE at start-up, the server waits calmly at its cap, and when accept fails
anyway (the limit lowered under it) it backs off instead of spinning, with one warning
line per interval that counts the failures. Each case ends with the service answering
again once the connections are gone."""

import os
import resource
import socket
import subprocess
import time
import unittest

from harness import Service, binary_path, scratch_dir

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User plus system CPU time of the process, all threads."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def open_descriptors(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def descriptor_limit(soft):
    """A preexec_fn that sets the child's RLIMIT_NOFILE (soft and hard) to `soft`."""
    return lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (soft, soft))


def connect_many(port, count):
    sockets = []
    for _ in range(count):
        sockets.append(socket.create_connection(("127.0.0.1", port), timeout=5))
    return sockets


def close_all(sockets):
    for sock in sockets:
        sock.close()


def warnings(service, message):
    return [line for line in service.all_logs()
            if line.get("target") == "http" and line.get("message") == message]


def health_within(service, seconds):
    """Status of GET /health, retried until `seconds` pass (None if never answered)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return service.request("GET", "/health", timeout=1).status
        except OSError:
            time.sleep(0.1)
    return None


class StartUpCheckTest(unittest.TestCase):
    def run_binary(self, limit, env):
        environment = {k: v for k, v in os.environ.items() if not k.startswith("BOARD_")}
        environment.update({"BOARD_PORT": "0", "LOG_FORMAT": "json",
                            "DATABASE_URL": f"sqlite://{scratch_dir()}/limits-{os.getpid()}.db"})
        environment.update(env)
        return subprocess.run([binary_path()], env=environment, capture_output=True, timeout=20,
                              preexec_fn=descriptor_limit(limit))

    def test_a_cap_above_the_descriptor_limit_stops_start_up_with_one_clear_line(self):
        result = self.run_binary(128, {"BOARD_MAX_CONNECTIONS": "1000", "BOARD_DB_THREADS": "2",
                                       "BOARD_THREADS": "2"})
        self.assertEqual(result.returncode, 2, result)
        stderr = result.stderr.decode()
        self.assertEqual(len(stderr.strip().splitlines()), 1, stderr)
        self.assertIn("BOARD_MAX_CONNECTIONS", stderr)
        # 128 minus 32 + 3 per SQLite connection: 2 pooled, the writer's, one per I/O thread
        self.assertIn("at most 81", stderr)

    def test_the_default_cap_follows_the_descriptor_limit(self):
        service = Service(env={"BOARD_DB_THREADS": "2", "BOARD_THREADS": "2"},
                          preexec_fn=descriptor_limit(200))
        service.start()
        try:
            listening = service.wait_for_log(lambda l: l.get("message") == "listening")
            self.assertEqual(listening["max_connections"], 200 - 47)
        finally:
            service.stop()


class ConnectionCapTest(unittest.TestCase):
    CAP = 20

    def setUp(self):
        self.service = Service(env={"BOARD_MAX_CONNECTIONS": str(self.CAP)}).start()

    def tearDown(self):
        self.service.stop()

    def test_at_the_cap_new_connections_wait_without_spinning_and_are_served_later(self):
        pid = self.service.process.pid
        held = connect_many(self.service.port, self.CAP + 30)
        try:
            time.sleep(0.5)
            cpu_before = cpu_seconds(pid)
            time.sleep(3)
            cpu = cpu_seconds(pid) - cpu_before
            self.assertLess(cpu, 0.5, f"{cpu:.2f} s of CPU in 3 s at the cap")
            # Connections past the cap wait in the backlog: a request is not answered.
            with self.assertRaises(OSError):
                self.service.request("GET", "/health", timeout=1)
            self.assertLessEqual(open_descriptors(pid), self.CAP + 40)
        finally:
            close_all(held)
        self.assertEqual(health_within(self.service, 10), 200)
        lines = warnings(self.service, "connection limit reached; new connections wait until one closes")
        self.assertTrue(lines, self.service.output_tail())
        self.assertLessEqual(len(lines), 2, lines)
        self.assertEqual(lines[0]["max_connections"], self.CAP)
        self.assertGreaterEqual(lines[0]["count"], 1)


class AcceptBackOffTest(unittest.TestCase):
    def setUp(self):
        self.service = Service().start()

    def tearDown(self):
        self.service.stop()

    def test_accept_failing_for_want_of_descriptors_backs_off_and_logs_a_count(self):
        pid = self.service.process.pid
        self.assertEqual(self.service.request("GET", "/health").status, 200)
        # Lower the running process's limit under its cap: accept now fails with EMFILE.
        soft, hard = resource.prlimit(pid, resource.RLIMIT_NOFILE)
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (open_descriptors(pid) + 5, hard))
        held = connect_many(self.service.port, 40)
        try:
            time.sleep(0.5)
            cpu_before = cpu_seconds(pid)
            time.sleep(3)
            cpu = cpu_seconds(pid) - cpu_before
            self.assertLess(cpu, 0.5, f"{cpu:.2f} s of CPU in 3 s while accept fails")
            failures = warnings(self.service, "accept failed")
            self.assertTrue(failures, self.service.output_tail())
            self.assertLessEqual(len(failures), 2, failures[:5])
            self.assertIn("open files", failures[0]["error"])
        finally:
            close_all(held)
            resource.prlimit(pid, resource.RLIMIT_NOFILE, (soft, hard))
        self.assertEqual(health_within(self.service, 10), 200)
        recovered = self.service.wait_for_log(
            lambda l: l.get("message") == "accepting again after failures", timeout=5)
        counted = recovered["count"] + sum(line["count"] for line in warnings(self.service, "accept failed"))
        self.assertGreaterEqual(counted, 10, "the failures held back are counted")


if __name__ == "__main__":
    unittest.main()
