"""The fields the stack relies on are in the backend's log lines: first in a line
written from the documented format, then (when RB_BINARY names a built binary) in
lines the real binary writes while serving one request."""

import json
import os
import re
import select
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from datetime import datetime

import stack_files as sf


def alloy_fields():
    """The JSON fields the Alloy pipeline and the dashboard read."""
    blocks = sf.parse_alloy(sf.ALLOY_CONFIG.read_text())
    process = next(b for b in blocks if b.kind == "loki.process")
    stage = process.inner("stage.json")[0]
    return {expr or key for key, expr in stage.attrs["expressions"].items()}


def dashboard_fields():
    dash = json.loads(next(sf.PROVISIONING.rglob("*.json")).read_text())
    fields = set()
    for panel in dash["panels"]:
        for target in panel.get("targets", []):
            for params in re.findall(r"\|\s*json\s+([^|]+)", target.get("expr", "")):
                fields |= {f for _, f in re.findall(r'(\w+)\s*=\s*"([^"]+)"', params)}
    return fields


def check_line(test, line, access):
    obj = json.loads(line)
    test.assertNotIn(" ", line.split('"message"')[0], "the format has no spaces between keys")
    test.assertEqual(list(obj)[:4], sf.LOG_CORE_FIELDS)
    test.assertIn(obj["level"], sf.LOG_LEVELS)
    test.assertRegex(obj["timestamp"], sf.TIMESTAMP_RE)
    datetime.fromisoformat(obj["timestamp"][:26].rstrip("Z") + "+00:00")
    if access:
        for name in alloy_fields() | dashboard_fields():
            test.assertIn(name, obj, f"the pipeline reads {name!r}; the line lacks it")
        test.assertRegex(obj["trace_id"], r"^[0-9a-f]{32}$")
        test.assertRegex(obj["span_id"], r"^[0-9a-f]{16}$")
        test.assertTrue(obj["request_id"])
        test.assertIsInstance(obj["status"], int)
        test.assertIsInstance(obj["duration_ms"], (int, float))
    return obj


class DocumentedFormat(unittest.TestCase):
    def test_pipeline_fields_are_in_the_documented_access_line(self):
        check_line(self, sf.documented_access_line(), access=True)

    def test_design_doc_shows_the_same_field_names(self):
        doc = (sf.ROOT / "docs" / "architecture" / "LOGGING_DESIGN.md").read_text()
        for name in sf.LOG_CORE_FIELDS + sf.LOG_CORRELATION_FIELDS + sf.ACCESS_FIELDS:
            self.assertIn(f"`{name}`", doc, f"LOGGING_DESIGN.md does not document {name}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RealBinary(unittest.TestCase):
    """Starts the built service for a moment and reads what it actually writes."""

    def setUp(self):
        binary = os.environ.get("RB_BINARY", "")
        if not binary:
            self.skipTest("RB_BINARY is not set: real log lines not checked")
        if not os.access(binary, os.X_OK):
            self.skipTest(f"RB_BINARY={binary} is not built yet: real log lines not checked")
        self.tmp = tempfile.TemporaryDirectory()
        self.port = free_port()
        env = dict(os.environ, LOG_FORMAT="json", LOG_LEVEL="info", BOARD_PORT=str(self.port),
                   BOARD_LISTEN_ADDRESS="127.0.0.1", OTEL_TRACES_EXPORTER="none",
                   DATABASE_URL=f"sqlite://{self.tmp.name}/board.db")
        env.pop("LOG_FILE", None)
        self.proc = subprocess.Popen([binary], env=env, cwd=self.tmp.name,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.buffer = b""

    def tearDown(self):
        if getattr(self, "proc", None):
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.proc.stdout.close()
            self.tmp.cleanup()

    def json_lines(self, until, timeout=10.0):
        """Reads output lines until `until(obj)` holds for a JSON line; returns it."""
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while time.monotonic() < deadline:
            while b"\n" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\n", 1)
                text = raw.decode("utf-8", "replace")
                if text.startswith("{"):
                    obj = json.loads(text)
                    if until(obj):
                        return text
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                self.buffer += chunk
        return None

    def wait_listening(self):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        self.fail(f"the binary never listened on 127.0.0.1:{self.port}")

    def test_real_lines_carry_the_fields_the_stack_reads(self):
        first = self.json_lines(lambda o: True)
        self.assertIsNotNone(first, "the binary wrote no JSON line within 10 s")
        check_line(self, first, access=False)

        self.wait_listening()
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/api/boards/1")
        try:
            urllib.request.urlopen(request, timeout=5)
        except urllib.error.HTTPError as e:   # 401 without a token: still an access line
            trace_header = e.headers.get("x-trace-id")
        else:
            self.fail("GET /api/boards/1 without a token should not succeed")
        access = self.json_lines(lambda o: o.get("target") == "http" and "route" in o
                                 and "duration_ms" in o)
        self.assertIsNotNone(access, "no access line (target http with route, duration_ms)")
        obj = check_line(self, access, access=True)
        if trace_header:
            self.assertEqual(obj["trace_id"], trace_header)


if __name__ == "__main__":
    unittest.main()
