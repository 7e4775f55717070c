"""Drives the real realtime-board-api binary over real sockets.

A `Service` starts the binary on an ephemeral port of 127.0.0.1 with its own SQLite
database, collects its JSON log lines from a reader thread, and offers HTTP helpers.
`ServiceTestCase` starts one service per test class (start-up is the slow part) and
checks after every test that the service still answers /health, because bad input must
never take it down.

Environment (set by CTest, see tests/CMakeLists.txt):
  RB_BINARY       path to the built realtime-board-api
  RB_SCRATCH_DIR  where temporary databases go (default: the system temp dir)
"""

import http.client
import itertools
import json as jsonlib
import os
import re
import secrets
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

START_TIMEOUT = 20.0
REQUEST_TIMEOUT = 10.0
HEX32 = re.compile(r"^[0-9a-f]{32}$")
RFC3339_MILLIS_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
PASSWORD = "correct horse battery"


def binary_path():
    path = os.environ.get("RB_BINARY")
    if not path:
        raise unittest.SkipTest("RB_BINARY is not set (run through ctest)")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"RB_BINARY={path} is not an executable file")
    return path


def scratch_dir():
    base = os.environ.get("RB_SCRATCH_DIR") or tempfile.gettempdir()
    os.makedirs(base, exist_ok=True)
    return base


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-cased names; repeated headers joined by ", "
        self.body = body

    def json(self):
        return jsonlib.loads(self.body.decode("utf-8"))

    def __repr__(self):
        text = self.body[:500].decode("utf-8", "replace")
        return f"<Response {self.status} {text!r}>"


def parse_raw_response(data):
    """Splits the first HTTP response in `data` into a Response (None if incomplete)."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = data[:end].decode("latin-1").split("\r\n")
    parts = head[0].split(" ", 2)
    status = int(parts[1])
    headers = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        key = name.strip().lower()
        headers[key] = headers[key] + ", " + value.strip() if key in headers else value.strip()
    length = int(headers.get("content-length", "0"))
    body = data[end + 4:end + 4 + length]
    return Response(status, headers, body)


class RawExchange:
    """What came back on a raw socket: the bytes, the first response, and whether the
    server closed the connection after it."""

    def __init__(self, data, closed):
        self.data = data
        self.closed = closed
        self.response = parse_raw_response(data)


class Service:
    """One running realtime-board-api process."""

    _names = itertools.count(1)

    def __init__(self, env=None, db_dir=None, preexec_fn=None, binary=None):
        self.db_dir = db_dir or tempfile.mkdtemp(prefix="rb-", dir=scratch_dir())
        self.binary = binary  # another build of the service (default: RB_BINARY)
        self.extra_env = dict(env or {})
        self.preexec_fn = preexec_fn  # run in the child before exec (resource limits)
        self.process = None
        self.port = None
        self.lines = []  # raw output lines (stdout and stderr), in order of arrival
        self.logs = []  # the lines that are JSON objects, parsed
        self._cond = threading.Condition()
        self._readers = []

    # --- lifetime --------------------------------------------------------------

    def start(self):
        # The service's own settings come only from here, not from the caller's shell.
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("BOARD_", "OTEL_", "LOG_", "DATABASE_"))}
        env.update({
            "BOARD_PORT": "0",
            "BOARD_LISTEN_ADDRESS": "127.0.0.1",
            "DATABASE_URL": f"sqlite://{os.path.join(self.db_dir, 'board.db')}",
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "debug",
            "BOARD_PASSWORD_HASH": "min",
            # Tests register many users and fail many logins from one address; the
            # tests of these limits (test_auth_limits.py) set low ones of their own.
            "BOARD_LOGIN_FAILURES_PER_ACCOUNT": "100000/1s",
            "BOARD_LOGIN_FAILURES_PER_ADDRESS": "100000/1s",
            "BOARD_REGISTRATIONS_PER_ADDRESS": "100000/1s",
        })
        env.update(self.extra_env)
        with self._cond:
            self.lines.clear()
            self.logs.clear()
        self.port = None
        self.process = subprocess.Popen([self.binary or binary_path()], env=env,
                                        stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        preexec_fn=self.preexec_fn)
        self._readers = [
            threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True),
            threading.Thread(target=self._read, args=(self.process.stderr,), daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        try:
            line = self.wait_for_log(
                lambda l: l.get("target") == "app" and l.get("message") == "listening",
                timeout=START_TIMEOUT)
        except TimeoutError:
            self._kill()
            raise RuntimeError("the service did not log 'listening' within "
                               f"{START_TIMEOUT} s; output:\n" + self.output_tail())
        self.port = int(line["port"])
        return self

    def _read(self, stream):
        for raw in iter(stream.readline, b""):
            text = raw.decode("utf-8", "replace").rstrip("\r\n")
            parsed = None
            if text.startswith("{"):
                try:
                    parsed = jsonlib.loads(text)
                except ValueError:
                    parsed = None
            with self._cond:
                self.lines.append(text)
                if isinstance(parsed, dict):
                    self.logs.append(parsed)
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=15.0):
        """Sends `sig` and returns the exit code (negative: killed by a signal)."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._kill()
                raise RuntimeError(f"the service did not exit within {timeout} s of {sig}")
        self._close_pipes()
        return self.process.returncode

    def _kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self._close_pipes()

    def _close_pipes(self):
        """Once the process has exited, its readers reach the end of its output:
        join them and close the pipes (no ResourceWarning, no leaked descriptors)."""
        if self.process is None or self.process.poll() is None:
            return
        for reader in self._readers:
            reader.join(timeout=5)
        if any(r.is_alive() for r in self._readers):
            return  # still reading: closing under a blocked read could hang
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None and not stream.closed:
                stream.close()

    def output_tail(self, count=40):
        with self._cond:
            return "\n".join(self.lines[-count:])

    # --- logs ------------------------------------------------------------------

    def wait_for_log(self, predicate, timeout=5.0):
        """The first parsed log line matching `predicate`, waiting up to `timeout`."""
        deadline = time.monotonic() + timeout
        seen = 0
        with self._cond:
            while True:
                for line in self.logs[seen:]:
                    if predicate(line):
                        return line
                seen = len(self.logs)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("no matching log line")
                if self.process is not None and self.process.poll() is not None and all(
                        not r.is_alive() for r in self._readers):
                    raise TimeoutError("no matching log line; the service has exited")
                self._cond.wait(timeout=min(remaining, 0.5))

    def logs_for(self, request_id):
        with self._cond:
            return [l for l in self.logs if l.get("request_id") == request_id]

    def all_logs(self):
        with self._cond:
            return list(self.logs)

    def all_output(self):
        with self._cond:
            return "\n".join(self.lines)

    # --- HTTP ------------------------------------------------------------------

    def request(self, method, path, json=None, body=None, headers=None, token=None,
                timeout=REQUEST_TIMEOUT):
        """One request on a fresh connection. `json` is encoded with Content-Type
        application/json unless `headers` says otherwise; `body` is sent as is."""
        all_headers = {}
        if json is not None:
            body = jsonlib.dumps(json).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        if isinstance(body, str):
            body = body.encode("utf-8")
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        all_headers.update(headers or {})
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            try:
                connection.request(method, path, body=body, headers=all_headers)
            except (BrokenPipeError, ConnectionResetError):
                # The server may answer (413...) and close before reading all of a large
                # body; its answer is still there to read.
                pass
            reply = connection.getresponse()
            data = reply.read()
            merged = {}
            for name, value in reply.getheaders():
                key = name.lower()
                merged[key] = merged[key] + ", " + value if key in merged else value
            return Response(reply.status, merged, data)
        finally:
            connection.close()

    def raw(self, data, timeout=5.0, half_close=False):
        """Sends raw bytes and reads until the server closes or `timeout` passes.
        The result says whether the connection was closed by the server."""
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        received = b""
        closed = False
        try:
            try:
                sock.sendall(data)
                if half_close:
                    sock.shutdown(socket.SHUT_WR)
            except (BrokenPipeError, ConnectionResetError):
                pass
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                sock.settimeout(max(0.05, deadline - time.monotonic()))
                try:
                    chunk = sock.recv(65536)
                except socket.timeout:
                    break
                except ConnectionResetError:
                    closed = True
                    break
                if not chunk:
                    closed = True
                    break
                received += chunk
        finally:
            sock.close()
        return RawExchange(received, closed)

    # --- accounts --------------------------------------------------------------

    def unique_username(self, prefix="user"):
        return f"{prefix}{next(self._names)}_{secrets.token_hex(3)}"

    def register(self, username=None, password=PASSWORD):
        username = username or self.unique_username()
        response = self.request("POST", "/api/auth/register",
                                json={"username": username, "password": password})
        if response.status != 201:
            raise AssertionError(f"register {username}: {response!r}")
        return response.json()

    def login(self, username, password=PASSWORD):
        response = self.request("POST", "/api/auth/login",
                                json={"username": username, "password": password})
        if response.status != 200:
            raise AssertionError(f"login {username}: {response!r}")
        return response.json()

    def new_user(self, prefix="user"):
        """Registers and logs in a fresh user: (user dict, token)."""
        user = self.register(self.unique_username(prefix))
        session = self.login(user["username"])
        return user, session["token"]

    def create_board(self, token, name="Board", description=None):
        payload = {"name": name}
        if description is not None:
            payload["description"] = description
        response = self.request("POST", "/api/boards", json=payload, token=token)
        if response.status != 201:
            raise AssertionError(f"create board: {response!r}")
        return response.json()

    def add_member(self, token, board_id, username, role):
        response = self.request("POST", f"/api/boards/{board_id}/members",
                                json={"username": username, "role": role}, token=token)
        if response.status != 201:
            raise AssertionError(f"add member: {response!r}")
        return response.json()

    def list_all(self, token, path, key, limit=None):
        """Every item of a paged list (`key`: "boards", "members", "elements"),
        following next_cursor from page to page."""
        items, cursor = [], None
        while True:
            query = [f"limit={limit}"] if limit else []
            if cursor is not None:
                query.append(f"cursor={cursor}")
            url = path + ("?" + "&".join(query) if query else "")
            response = self.request("GET", url, token=token)
            if response.status != 200:
                raise AssertionError(f"list {url}: {response!r}")
            page = response.json()
            items.extend(page[key])
            cursor = page["next_cursor"]
            if cursor is None:
                return items

    def create_element(self, token, board_id, **fields):
        payload = {"kind": "rectangle", "x": 0, "y": 0, "width": 10, "height": 10}
        payload.update(fields)
        response = self.request("POST", f"/api/boards/{board_id}/elements", json=payload,
                                token=token)
        if response.status != 201:
            raise AssertionError(f"create element: {response!r}")
        return response.json()


class ServiceTestCase(unittest.TestCase):
    """One service per class; after each test it must still answer /health."""

    service_env = {}
    service = None

    @classmethod
    def setUpClass(cls):
        cls.service = Service(env=cls.service_env).start()

    @classmethod
    def tearDownClass(cls):
        if cls.service is not None:
            cls.service.stop()

    @classmethod
    def set_up_board_with_roles(cls, board_name):
        """A board owned by `owner`, with `editor` and `viewer` as members and a
        `stranger` who is not: each as cls.<role> (the user) and cls.<role>_token."""
        s = cls.service
        for role in ("owner", "editor", "viewer", "stranger"):
            user, token = s.new_user(role)
            setattr(cls, role, user)
            setattr(cls, role + "_token", token)
        cls.board = s.create_board(cls.owner_token, board_name)
        s.add_member(cls.owner_token, cls.board["id"], cls.editor["username"], "editor")
        s.add_member(cls.owner_token, cls.board["id"], cls.viewer["username"], "viewer")

    def tearDown(self):
        self.assert_still_serving()

    def assert_still_serving(self):
        self.assertTrue(self.service.alive(),
                        "the service exited; output:\n" + self.service.output_tail())
        response = self.service.request("GET", "/health")
        self.assertEqual(response.status, 200, response)

    # --- assertions shared by the suites --------------------------------------

    def assert_error(self, response, status, code):
        """`response` is an error of `status` with the documented body; returns the
        error object."""
        self.assertEqual(response.status, status, response)
        self.assertTrue(response.headers.get("content-type", "").startswith("application/json"),
                        response.headers)
        body = response.json()
        self.assertIn("error", body, body)
        error = body["error"]
        self.assertEqual(error.get("code"), code, body)
        self.assertIsInstance(error.get("message"), str, body)
        self.assertTrue(error["message"], body)
        self.assertIsInstance(error.get("request_id"), str, body)
        self.assertTrue(error["request_id"], body)
        self.assertEqual(error["request_id"], response.headers.get("x-request-id"), response.headers)
        self.assertRegex(error.get("trace_id", ""), HEX32, body)
        self.assertEqual(error["trace_id"], response.headers.get("x-trace-id"), response.headers)
        return error

    def assert_validation_error(self, response, *fields):
        """422 validation_failed whose details name at least `fields`; returns details."""
        error = self.assert_error(response, 422, "validation_failed")
        details = error.get("details")
        self.assertIsInstance(details, list, error)
        for item in details:
            self.assertIsInstance(item.get("field"), str, item)
            self.assertIsInstance(item.get("message"), str, item)
            self.assertTrue(item["message"], item)
        named = {item["field"] for item in details}
        for field in fields:
            self.assertIn(field, named, details)
        return details
