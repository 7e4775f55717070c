"""Runs the independent OTLP receiver (tests/otlp-receiver/receiver.mjs) for a test,
and the otlp_export_probe helper that drives the exporter alone against it.

The receiver decodes every export with the schema OpenTelemetry publishes on npm and
appends one JSON record per span to spans.jsonl and one per export request to
requests.jsonl. This module starts it on ephemeral ports, reads those files, waits for
spans, and switches its faults at run time through POST /control.

    receiver = OtlpReceiver().start()
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint("grpc")}
    ...
    span = receiver.wait_for_span(lambda s: s["traceId"] == trace_id and s["kind"] == 2)
    receiver.stop()

A span record has: traceId, spanId, parentSpanId (hex; "" for a root), name, kind
(1 internal, 2 server, 3 client, 4 producer, 5 consumer), attributes and
resource ({key: {"type": "string"|"int"|"double"|"bool"|..., "value": ...}}; int64
values are decimal strings), events, links, status {code, message}, scope, transport
("grpc", "http/protobuf", "http/json") and compressed.

The exporter-vs-receiver tests drive the exporter without the app through Probe:

    probe = Probe({"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint("grpc")})
    result = probe.command("batch 5 tag 1000")   # {"code", "rejected", "message", "ms"}
    probe.log_lines()                            # the exporter's log lines, parsed
    probe.close()

Environment: RB_RECEIVER_DIR, the receiver's folder (default ../otlp-receiver);
RB_OTLP_PROBE, the built otlp_export_probe (for Probe and run_probe_once only).
Everything listens on 127.0.0.1 on ephemeral ports.
"""

import http.client
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time

from harness import ServiceTestCase, scratch_dir

READY_TIMEOUT = 20.0
SPAN_TIMEOUT = 15.0

SPAN_KIND_INTERNAL = 1
SPAN_KIND_SERVER = 2
SPAN_KIND_CLIENT = 3
STATUS_UNSET = 0
STATUS_OK = 1
STATUS_ERROR = 2


def receiver_dir():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.environ.get("RB_RECEIVER_DIR") or os.path.join(here, "..", "otlp-receiver")


def node_binary():
    node = shutil.which("node")
    if not node:
        raise RuntimeError("node is not installed; the OTLP receiver needs Node.js >= 18")
    return node


def attribute(record, key, default=None):
    """The value of a span (or resource) attribute, ints as Python ints."""
    attrs = record.get("attributes", record)
    item = attrs.get(key)
    if item is None:
        return default
    if item["type"] == "int":
        return int(item["value"])
    return item["value"]


def resource_attribute(record, key, default=None):
    item = record["resource"].get(key)
    if item is None:
        return default
    return int(item["value"]) if item["type"] == "int" else item["value"]


def _read_jsonl(path):
    """Complete lines only: the receiver may be half-way through appending one."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return []
    end = data.rfind(b"\n")
    if end < 0:
        return []
    return [json.loads(line) for line in data[:end].split(b"\n") if line.strip()]


class OtlpReceiver:
    """One receiver.mjs process with its own output files."""

    def __init__(self, *args):
        # Extra command-line options, e.g. "--fail-first", "2".
        self.args = [str(a) for a in args]
        self.dir = tempfile.mkdtemp(prefix="otlp-", dir=scratch_dir())
        self.spans_path = os.path.join(self.dir, "spans.jsonl")
        self.requests_path = os.path.join(self.dir, "requests.jsonl")
        self.process = None
        self.grpc_port = None
        self.http_port = None
        self._stdout = queue.Queue()
        self._stderr = []
        self._pumps = []

    # --- lifetime --------------------------------------------------------------

    def start(self):
        folder = receiver_dir()
        script = os.path.join(folder, "receiver.mjs")
        if not os.path.isdir(os.path.join(folder, "node_modules")):
            raise RuntimeError(f"{folder}/node_modules is missing: run `npm ci` in {folder}")
        self.process = subprocess.Popen(
            [node_binary(), script, "--grpc-port", "0", "--http-port", "0",
             "--out", self.spans_path, "--requests", self.requests_path, *self.args],
            cwd=folder, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        self._pumps = [threading.Thread(target=self._pump_stdout, daemon=True),
                       threading.Thread(target=self._pump_stderr, daemon=True)]
        for pump in self._pumps:
            pump.start()
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.stop()
                raise RuntimeError("the OTLP receiver did not print 'ready' in time: "
                                   + "".join(self._stderr)[-2000:])
            try:
                line = self._stdout.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                if self.process.poll() is not None:
                    raise RuntimeError("the OTLP receiver exited: "
                                       + "".join(self._stderr)[-2000:])
                continue
            if line.startswith("ready "):
                fields = dict(part.split("=", 1) for part in line.split()[1:])
                self.grpc_port = int(fields["grpc"])
                self.http_port = int(fields["http"])
                return self

    def _pump_stdout(self):
        for raw in iter(self.process.stdout.readline, b""):
            self._stdout.put(raw.decode("utf-8", "replace").strip())

    def _pump_stderr(self):
        for raw in iter(self.process.stderr.readline, b""):
            self._stderr.append(raw.decode("utf-8", "replace"))

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        for pump in self._pumps:
            pump.join(timeout=5)
        if not any(pump.is_alive() for pump in self._pumps):
            self.process.stdout.close()
            self.process.stderr.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def endpoint(self, protocol="grpc"):
        """The OTEL_EXPORTER_OTLP_ENDPOINT for `protocol` (the exporter adds /v1/traces
        for the HTTP protocols); https:// when the receiver was started with
        --tls-cert."""
        port = self.grpc_port if protocol == "grpc" else self.http_port
        scheme = "https" if "--tls-cert" in self.args else "http"
        return f"{scheme}://127.0.0.1:{port}"

    def traces_url(self):
        return f"http://127.0.0.1:{self.http_port}/v1/traces"

    # --- what arrived ----------------------------------------------------------

    def spans(self):
        return _read_jsonl(self.spans_path)

    def requests(self):
        return _read_jsonl(self.requests_path)

    def raw_output(self):
        """Every byte the receiver wrote: spans and export requests (with headers)."""
        data = b""
        for path in (self.spans_path, self.requests_path):
            try:
                with open(path, "rb") as f:
                    data += f.read()
            except FileNotFoundError:
                pass
        return data

    def wait_for_spans(self, predicate=lambda span: True, count=1, timeout=SPAN_TIMEOUT):
        """At least `count` spans matching `predicate` (all the matching ones), waiting up
        to `timeout`; raises AssertionError naming what did arrive otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            found = [s for s in self.spans() if predicate(s)]
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"the receiver got {len(found)} matching span(s), wanted {count}, "
                    f"within {timeout} s ({len(self.spans())} spans in total)")
            if self.process.poll() is not None:
                raise AssertionError("the OTLP receiver exited: " + "".join(self._stderr)[-2000:])
            time.sleep(0.05)

    def wait_for_span(self, predicate, timeout=SPAN_TIMEOUT):
        return self.wait_for_spans(predicate, 1, timeout)[0]

    def server_span(self, trace_id, timeout=SPAN_TIMEOUT):
        """The one SERVER span of `trace_id`, once it arrived."""
        return self.wait_for_span(
            lambda s: s["traceId"] == trace_id and s["kind"] == SPAN_KIND_SERVER, timeout)

    def trace(self, trace_id):
        return [s for s in self.spans() if s["traceId"] == trace_id]

    # --- faults ----------------------------------------------------------------

    def _http(self, method, path, body=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=10)
        try:
            data = json.dumps(body).encode() if body is not None else None
            connection.request(method, path, body=data,
                               headers={"content-type": "application/json"})
            reply = connection.getresponse()
            text = reply.read()
            if reply.status != 200:
                raise RuntimeError(f"receiver {method} {path}: {reply.status} {text!r}")
            return json.loads(text)
        finally:
            connection.close()

    def control(self, **settings):
        """POST /control: fail, fail_code, fail_first, delay_ms, reject_spans,
        retry_after_s. Returns the receiver's new state."""
        return self._http("POST", "/control", settings)

    def stats(self):
        """GET /stats: requests, failed, spans, rejected_requests."""
        return self._http("GET", "/stats")


# --- the exporter alone: tests/tools/otlp_export_probe.cpp ---------------------------


def _probe_binary():
    probe = os.environ.get("RB_OTLP_PROBE")
    if not probe or not os.path.exists(probe):
        raise RuntimeError("RB_OTLP_PROBE must name the built otlp_export_probe")
    return probe


def _probe_env(env):
    """The test's environment without any OTEL_ variable, plus `env`."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    full_env.update(env)
    return full_env


class Probe:
    """The exporter, configured from OTEL_EXPORTER_OTLP_* like the app, driven by
    commands on stdin; its log lines (JSON) go to a file read by log_lines()."""

    def __init__(self, env):
        probe = _probe_binary()
        self.dir = tempfile.mkdtemp(prefix="otlp-probe-", dir=scratch_dir())
        self.log_path = os.path.join(self.dir, "probe.log")
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([probe], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self.log, env=_probe_env(env), text=True)

    def command(self, text):
        """Sends one command; returns its JSON answer."""
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"probe exited; log: {self.log_lines()}")
        return json.loads(line)

    def log_lines(self):
        self.log.flush()
        return _read_jsonl(self.log_path)

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.log.close()


def make_test_certificate(folder, names="IP:127.0.0.1,DNS:localhost"):
    """A self-signed certificate for `names` (a subjectAltName list), valid for a day:
    (certificate file, key file) in `folder`, made with the openssl command."""
    stem = os.path.join(folder, names.replace(":", "_").replace(",", "+"))
    cert, key = stem + ".cert.pem", stem + ".key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=test receiver", "-addext", f"subjectAltName={names}",
                    "-keyout", key, "-out", cert],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def run_probe_once(env, timeout=30):
    """Runs the probe with no commands; returns (exit code, stderr)."""
    done = subprocess.run([_probe_binary()], input="", capture_output=True, text=True,
                          env=_probe_env(env), timeout=timeout)
    return done.returncode, done.stderr


# --- small trace helpers shared by the tracing tests --------------------------------


def new_traceparent(sampled=True):
    """(traceparent header, trace id, parent span id) for a fresh caller context."""
    trace_id = os.urandom(16).hex()
    parent_id = os.urandom(8).hex()
    flags = "01" if sampled else "00"
    return f"00-{trace_id}-{parent_id}-{flags}", trace_id, parent_id


def reaches(span, ancestor_id, spans):
    """True when following parentSpanId from `span` through `spans` reaches
    `ancestor_id`."""
    by_id = {s["spanId"]: s for s in spans}
    seen = set()
    current = span
    while current is not None and current["spanId"] not in seen:
        seen.add(current["spanId"])
        if current["parentSpanId"] == ancestor_id:
            return True
        current = by_id.get(current["parentSpanId"])
    return False


class ReceiverServiceTestCase(ServiceTestCase):
    """One receiver, and one service exporting to it, per test class. Subclasses say how
    the service exports by overriding `exporting_env`."""

    receiver = None

    @classmethod
    def exporting_env(cls, receiver):
        return {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint("grpc"),
                "OTEL_BSP_SCHEDULE_DELAY": "100"}

    @classmethod
    def setUpClass(cls):
        cls.receiver = OtlpReceiver().start()
        cls.service_env = cls.exporting_env(cls.receiver)
        try:
            super().setUpClass()
        except Exception:
            cls.receiver.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.receiver.stop()
