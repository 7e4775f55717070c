"""Runs the Node OTLP receiver (tests/otlp-receiver) and the otlp_export_probe helper
for the exporter-vs-receiver tests. Everything listens on 127.0.0.1, ports ephemeral."""

import json
import os
import subprocess
import tempfile
import time
import urllib.request


def scratch_dir():
    base = os.environ.get("RB_SCRATCH_DIR") or tempfile.gettempdir()
    os.makedirs(base, exist_ok=True)
    return tempfile.mkdtemp(prefix="otlp-export-", dir=base)


def read_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class Receiver:
    def __init__(self, *args):
        receiver_dir = os.environ["RB_RECEIVER_DIR"]
        self.dir = scratch_dir()
        self.spans_file = os.path.join(self.dir, "spans.jsonl")
        self.requests_file = os.path.join(self.dir, "requests.jsonl")
        self.stderr = open(os.path.join(self.dir, "receiver.err"), "w")
        self.process = subprocess.Popen(
            ["node", os.path.join(receiver_dir, "receiver.mjs"), "--grpc-port", "0",
             "--http-port", "0", "--out", self.spans_file, "--requests", self.requests_file,
             *[str(a) for a in args]],
            stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        line = self.process.stdout.readline()  # "ready grpc=P http=Q", or EOF on a crash
        if not line.startswith("ready "):
            self.stop()
            raise RuntimeError(f"receiver did not start: {line!r}, see {self.stderr.name}")
        ports = dict(part.split("=") for part in line.split()[1:])
        self.grpc_port = int(ports["grpc"])
        self.http_port = int(ports["http"])

    def endpoint(self, protocol):
        port = self.grpc_port if protocol == "grpc" else self.http_port
        return f"http://127.0.0.1:{port}"

    def spans(self):
        return read_jsonl(self.spans_file)

    def requests(self):
        return read_jsonl(self.requests_file)

    def control(self, **settings):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.http_port}/control", data=json.dumps(settings).encode(),
            method="POST", headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.stderr.close()


class Probe:
    """The exporter, configured from OTEL_EXPORTER_OTLP_* like the app, driven by
    commands on stdin (see tests/unit/export/otlp_export_probe.cpp)."""

    def __init__(self, env):
        probe = os.environ.get("RB_OTLP_PROBE")
        if not probe or not os.path.exists(probe):
            raise RuntimeError("RB_OTLP_PROBE must name the built otlp_export_probe")
        self.dir = scratch_dir()
        self.log_path = os.path.join(self.dir, "probe.log")
        self.log = open(self.log_path, "w")
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
        full_env.update(env)
        self.process = subprocess.Popen([probe], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self.log, env=full_env, text=True)

    def command(self, text):
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"probe exited; log: {self.log_lines()}")
        return json.loads(line)

    def log_lines(self):
        self.log.flush()
        return read_jsonl(self.log_path)

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


def run_probe_once(env, timeout=30):
    """Runs the probe with no commands; returns (exit code, stderr)."""
    probe = os.environ["RB_OTLP_PROBE"]
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    full_env.update(env)
    done = subprocess.run([probe], input="", capture_output=True, text=True, env=full_env,
                          timeout=timeout)
    return done.returncode, done.stderr


def wait_until(predicate, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()
