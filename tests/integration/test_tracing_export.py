"""What the service exports over OTLP, as an independent receiver decodes it.

One SERVER span per request continuing the caller's traceparent, with the HTTP
semantic-convention attributes; DB CLIENT spans and password-hashing INTERNAL spans
under it, and the exact tree of a board read (two statements, the role decided in
authorize); the resource; status rules (4xx unset, 5xx error with an exception event);
the same span shape over grpc, http/protobuf and http/json, gzip; sampling decisions
(an unsampled caller, always_off) that still hand ids back; logs that share the
exported ids; and no secret in any exported byte.
"""

import re
import secrets
import socket
import struct
import threading
import unittest

from harness import HEX32, PASSWORD, Service
from otlp_receiver import (SPAN_KIND_CLIENT, SPAN_KIND_INTERNAL, SPAN_KIND_SERVER,
                           STATUS_ERROR, STATUS_UNSET, OtlpReceiver, ReceiverServiceTestCase,
                           attribute, new_traceparent, reaches, resource_attribute)

HEX16 = re.compile(r"^[0-9a-f]{16}$")
SAMPLED = 0x01  # trace-flags bit; others (Level 2's random-trace-id bit) may be set
USER_AGENT = "rb-tracing-test/1.0"
# Fast batches so a test never waits for the 5 s default schedule.
FAST_BATCHES = {"OTEL_BSP_SCHEDULE_DELAY": "100"}


def traced_env(receiver, protocol="grpc", **extra):
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint(protocol),
           "OTEL_EXPORTER_OTLP_PROTOCOL": protocol}
    env.update(FAST_BATCHES)
    env.update(extra)
    return env


class GrpcCompressionSniffer:
    """A TCP proxy in front of the receiver's gRPC port that reads the HTTP/2 frames the
    exporter sends and records, for each stream, the compressed-flag byte of its first
    gRPC message. (The receiver cannot tell: grpc-js decompresses before its handler
    and strips grpc-encoding from the metadata it hands over.)"""

    PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.flags = []  # one per gRPC request: 1 compressed, 0 not
        self.lock = threading.Lock()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.sockets = [self.listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            with self.lock:
                self.sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False),
                             daemon=True).start()

    def _pump(self, source, sink, parse):
        buffer, started, seen_streams = b"", False, set()
        while True:
            try:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
            except OSError:
                break
            if not parse:
                continue
            buffer += data
            if not started:
                if len(buffer) < len(self.PREFACE):
                    continue
                buffer, started = buffer[len(self.PREFACE):], True
            while len(buffer) >= 9:
                length = int.from_bytes(buffer[:3], "big")
                if len(buffer) < 9 + length:
                    break
                frame_type, frame_flags = buffer[3], buffer[4]
                stream = struct.unpack(">I", buffer[5:9])[0] & 0x7FFFFFFF
                payload = buffer[9:9 + length]
                buffer = buffer[9 + length:]
                if frame_type == 0 and stream not in seen_streams:  # DATA
                    if frame_flags & 0x8:  # PADDED
                        payload = payload[1:]
                    if payload:
                        seen_streams.add(stream)
                        with self.lock:
                            self.flags.append(payload[0])
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self):
        with self.lock:
            for sock in self.sockets:
                sock.close()


# GET /api/boards/{id}, member or not: the token and its user in one statement, then
# the board with the caller's role read inside `authorize`.
BOARD_READ_TREE = [
    ("GET /api/boards/{id}", SPAN_KIND_SERVER, [
        ("SELECT sessions", SPAN_KIND_CLIENT, []),
        ("authorize", SPAN_KIND_INTERNAL, [
            ("SELECT boards", SPAN_KIND_CLIENT, []),
        ]),
    ]),
]


def span_tree(spans, parent_id):
    """The spans under `parent_id` as [(name, kind, [children...])], each level in start
    order: what a trace view draws."""
    children = sorted((s for s in spans if s["parentSpanId"] == parent_id),
                      key=lambda s: int(s["startTimeUnixNano"]))
    return [(s["name"], s["kind"], span_tree(spans, s["spanId"])) for s in children]


class TracedServiceTestCase(ReceiverServiceTestCase):
    """One receiver and one service exporting to it over `protocol`, per class."""

    protocol = "grpc"
    extra_env = {}

    @classmethod
    def exporting_env(cls, receiver):
        return traced_env(receiver, cls.protocol, **cls.extra_env)

    def traced_request(self, method, path, sampled=True, **kwargs):
        """A request carrying a fresh traceparent: (response, trace id, caller span id)."""
        traceparent, trace_id, parent_id = new_traceparent(sampled)
        headers = {"traceparent": traceparent, "User-Agent": USER_AGENT}
        headers.update(kwargs.pop("headers", {}))
        response = self.service.request(method, path, headers=headers, **kwargs)
        return response, trace_id, parent_id

    def barrier(self):
        """Waits until a new request's server span arrived. Spans leave in the order they
        ended, so every span that ended before this call has arrived too."""
        response, trace_id, _ = self.traced_request("GET", "/api/users/me")
        self.assertEqual(response.status, 401, response)
        self.receiver.server_span(trace_id)

    def complete_trace(self, trace_id):
        """Every span of `trace_id` once its server span and everything before it arrived."""
        self.receiver.server_span(trace_id)
        self.barrier()
        return self.receiver.trace(trace_id)

    def only_server_span(self, spans):
        servers = [s for s in spans if s["kind"] == SPAN_KIND_SERVER]
        self.assertEqual(len(servers), 1, [(s["name"], s["spanId"]) for s in servers])
        return servers[0]

    def assert_children_of(self, spans, server):
        for span in spans:
            if span is server:
                continue
            self.assertTrue(reaches(span, server["spanId"], spans),
                            f"{span['name']} does not descend from the server span")
            self.assertGreaterEqual(int(span["startTimeUnixNano"]),
                                    int(server["startTimeUnixNano"]), span["name"])
            self.assertLessEqual(int(span["endTimeUnixNano"]), int(server["endTimeUnixNano"]),
                                 span["name"])


class ServerSpanTest(TracedServiceTestCase):

    def setUp(self):
        self.user, self.token = self.service.new_user("tracer")
        self.board_name = "board-name-" + secrets.token_hex(8)
        self.board = self.service.create_board(self.token, name=self.board_name)

    def test_request_gives_exactly_one_server_span_continuing_the_caller(self):
        path = f"/api/boards/{self.board['id']}"
        response, trace_id, parent_id = self.traced_request("GET", path, token=self.token)
        self.assertEqual(response.status, 200, response)
        spans = self.complete_trace(trace_id)
        server = self.only_server_span(spans)

        self.assertEqual(server["name"], "GET /api/boards/{id}")
        self.assertEqual(server["traceId"], trace_id)
        self.assertEqual(server["parentSpanId"], parent_id)
        self.assertRegex(server["spanId"], HEX16)
        self.assertEqual(server["status"]["code"], STATUS_UNSET, server["status"])
        self.assertLess(int(server["startTimeUnixNano"]), int(server["endTimeUnixNano"]))

        attrs = server["attributes"]
        self.assertEqual(attribute(server, "http.request.method"), "GET")
        self.assertEqual(attribute(server, "url.path"), path)
        self.assertEqual(attribute(server, "url.scheme"), "http")
        self.assertEqual(attribute(server, "http.route"), "/api/boards/{id}")
        self.assertEqual(attrs["http.response.status_code"]["type"], "int", attrs)
        self.assertEqual(attribute(server, "http.response.status_code"), 200)
        self.assertEqual(attribute(server, "server.address"), "127.0.0.1")
        self.assertEqual(attrs["server.port"]["type"], "int", attrs)
        self.assertEqual(attribute(server, "server.port"), self.service.port)
        self.assertEqual(attribute(server, "client.address"), "127.0.0.1")
        self.assertEqual(attribute(server, "user_agent.original"), USER_AGENT)
        self.assertEqual(attribute(server, "network.protocol.version"), "1.1")
        self.assertNotIn("error.type", attrs)

        # The response hands the server span back to the caller.
        self.assertEqual(response.headers.get("traceparent"),
                         f"00-{trace_id}-{server['spanId']}-01", response.headers)
        self.assertEqual(response.headers.get("x-trace-id"), trace_id)

    def test_database_spans_are_clients_nested_under_the_server_span(self):
        response, trace_id, _ = self.traced_request(
            "GET", f"/api/boards/{self.board['id']}", token=self.token)
        self.assertEqual(response.status, 200, response)
        spans = self.complete_trace(trace_id)
        server = self.only_server_span(spans)
        self.assert_children_of(spans, server)

        db_spans = [s for s in spans if s["kind"] == SPAN_KIND_CLIENT]
        self.assertTrue(db_spans, [s["name"] for s in spans])
        for span in db_spans:
            self.assertEqual(attribute(span, "db.system.name"), "sqlite", span["attributes"])
            operation = attribute(span, "db.operation.name")
            self.assertTrue(operation, span["attributes"])
            query = attribute(span, "db.query.text")
            self.assertIsInstance(query, str, span["attributes"])
            self.assertTrue(query.upper().startswith(operation.upper()), (operation, query))
        boards = [s for s in db_spans if attribute(s, "db.collection.name") == "boards"]
        self.assertTrue(boards, [(s["name"], s["attributes"]) for s in db_spans])
        for span in boards:
            self.assertEqual(span["name"],
                             f"{attribute(span, 'db.operation.name')} boards")
            # Parameterised: the id is bound, never written into the SQL.
            self.assertRegex(attribute(span, "db.query.text"), r"(:\w+|\?)")

    def test_board_read_is_two_statements_with_the_role_decided_in_authorize(self):
        response, trace_id, parent_id = self.traced_request(
            "GET", f"/api/boards/{self.board['id']}", token=self.token)
        self.assertEqual(response.status, 200, response)
        spans = self.complete_trace(trace_id)
        self.assertEqual(span_tree(spans, parent_id), BOARD_READ_TREE)
        self.assertEqual(len(spans), 4, [s["name"] for s in spans])
        by_name = {s["name"]: s for s in spans}

        # The token and its user in one statement, named after its first table.
        token = by_name["SELECT sessions"]
        self.assertEqual(attribute(token, "db.operation.name"), "SELECT")
        self.assertEqual(attribute(token, "db.collection.name"), "sessions")
        query = attribute(token, "db.query.text")
        self.assertRegex(query, r"^SELECT .* FROM sessions s JOIN users u ", query)
        self.assertIn(":token_hash", query)
        self.assertNotIn(self.token, query)

        authorize = by_name["authorize"]
        self.assertEqual(attribute(authorize, "board.id"), self.board["id"])
        self.assertEqual(attribute(authorize, "authz.required_role"), "viewer")
        self.assertEqual(attribute(authorize, "authz.role"), "owner")
        self.assertEqual(attribute(authorize, "authz.outcome"), "allowed")
        self.assertIn("m.role", attribute(by_name["SELECT boards"], "db.query.text"))

    def test_board_read_by_a_non_member_is_decided_on_the_same_statement(self):
        _, stranger_token = self.service.new_user("stranger")
        response, trace_id, parent_id = self.traced_request(
            "GET", f"/api/boards/{self.board['id']}", token=stranger_token)
        self.assertEqual(response.status, 404, response)
        spans = self.complete_trace(trace_id)
        self.assertEqual(span_tree(spans, parent_id), BOARD_READ_TREE)
        authorize = next(s for s in spans if s["name"] == "authorize")
        self.assertEqual(attribute(authorize, "authz.outcome"), "not_member")
        self.assertIsNone(attribute(authorize, "authz.role"), authorize["attributes"])

    def test_unknown_token_is_one_statement(self):
        response, trace_id, parent_id = self.traced_request(
            "GET", f"/api/boards/{self.board['id']}", token="not-a-real-token")
        self.assertEqual(response.status, 401, response)
        spans = self.complete_trace(trace_id)
        self.assertEqual(span_tree(spans, parent_id), [
            ("GET /api/boards/{id}", SPAN_KIND_SERVER, [
                ("SELECT sessions", SPAN_KIND_CLIENT, []),
            ]),
        ])

    def test_statement_text_never_carries_values(self):
        # The board's name went through an INSERT, a SELECT and an UPDATE: no span of
        # any of those requests may contain it.
        new_name = "renamed-" + secrets.token_hex(8)
        response, trace_id, _ = self.traced_request(
            "PATCH", f"/api/boards/{self.board['id']}", json={"name": new_name},
            token=self.token)
        self.assertEqual(response.status, 200, response)
        spans = self.complete_trace(trace_id)
        updates = [s for s in spans if s["kind"] == SPAN_KIND_CLIENT
                   and attribute(s, "db.operation.name") == "UPDATE"]
        self.assertTrue(updates, [s["name"] for s in spans])
        exported = self.receiver.raw_output()
        self.assertNotIn(self.board_name.encode(), exported)
        self.assertNotIn(new_name.encode(), exported)

    def test_password_hashing_has_internal_spans(self):
        username = self.service.unique_username("hasher")
        for path in ("/api/auth/register", "/api/auth/login"):
            response, trace_id, _ = self.traced_request(
                "POST", path, json={"username": username, "password": PASSWORD})
            self.assertIn(response.status, (200, 201), response)
            spans = self.complete_trace(trace_id)
            server = self.only_server_span(spans)
            self.assert_children_of(spans, server)
            hashing = [s for s in spans if s["kind"] == SPAN_KIND_INTERNAL
                       and s["name"].startswith("password.")]
            self.assertEqual(len(hashing), 1, (path, [(s["name"], s["kind"]) for s in spans]))

    def test_client_errors_leave_the_server_span_status_unset(self):
        cases = [("/api/boards/999999999", self.token, 404), ("/api/boards", None, 401)]
        for path, token, status in cases:
            response, trace_id, _ = self.traced_request("GET", path, token=token)
            self.assertEqual(response.status, status, response)
            server = self.only_server_span(self.complete_trace(trace_id))
            self.assertEqual(attribute(server, "http.response.status_code"), status)
            self.assertEqual(server["status"]["code"], STATUS_UNSET, (path, server["status"]))
            self.assertNotIn("error.type", server["attributes"])

    def test_resource_names_the_service_and_the_sdk(self):
        response, trace_id, _ = self.traced_request("GET", "/api/boards", token=self.token)
        self.assertEqual(response.status, 200, response)
        spans = self.complete_trace(trace_id)
        instance_ids = set()
        for span in spans:
            self.assertEqual(resource_attribute(span, "service.name"), "realtime-board-api")
            self.assertTrue(resource_attribute(span, "service.version"), span["resource"])
            instance_ids.add(resource_attribute(span, "service.instance.id"))
            self.assertTrue(resource_attribute(span, "telemetry.sdk.name"), span["resource"])
            self.assertEqual(resource_attribute(span, "telemetry.sdk.language"), "cpp")
            self.assertTrue(resource_attribute(span, "telemetry.sdk.version"), span["resource"])
            self.assertTrue(span["scope"]["name"], span["scope"])
        self.assertEqual(len(instance_ids), 1, instance_ids)
        self.assertRegex(instance_ids.pop(), r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-"
                                             r"[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

    def test_unsampled_caller_gets_ids_but_nothing_is_exported(self):
        response, trace_id, _ = self.traced_request(
            "GET", f"/api/boards/{self.board['id']}", sampled=False, token=self.token)
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.headers.get("x-trace-id"), trace_id)
        match = re.match(rf"^00-{trace_id}-[0-9a-f]{{16}}-([0-9a-f]{{2}})$",
                         response.headers.get("traceparent", ""))
        self.assertIsNotNone(match, response.headers)
        self.assertFalse(int(match.group(1), 16) & SAMPLED, response.headers)
        self.barrier()
        self.assertEqual(self.receiver.trace(trace_id), [])

    def test_log_lines_share_the_exported_ids(self):
        response, trace_id, _ = self.traced_request(
            "GET", f"/api/boards/{self.board['id']}", token=self.token)
        self.assertEqual(response.status, 200, response)
        spans = self.complete_trace(trace_id)
        server = self.only_server_span(spans)
        request_id = response.headers["x-request-id"]
        access = self.service.wait_for_log(
            lambda l: l.get("request_id") == request_id and l.get("message") == "request completed")
        self.assertEqual(access["trace_id"], server["traceId"])
        self.assertEqual(access["span_id"], server["spanId"])
        self.assertEqual(attribute(server, "http.request.id"), request_id)
        lines = self.service.logs_for(request_id)
        exported_ids = {s["spanId"] for s in spans}
        for line in lines:
            self.assertEqual(line.get("trace_id"), trace_id, line)
            self.assertIn(line.get("span_id"), exported_ids, line)

    def test_no_secret_in_any_exported_byte(self):
        password = "pw-" + secrets.token_hex(12)
        username = self.service.unique_username("secretive")
        for path, status in (("/api/auth/register", 201), ("/api/auth/login", 200)):
            response, trace_id, _ = self.traced_request(
                "POST", path, json={"username": username, "password": password})
            self.assertEqual(response.status, status, response)
        token = response.json()["token"]
        for method, path in (("GET", "/api/users/me"), ("GET", "/api/boards"),
                             ("GET", "/api/boards?token=" + token),
                             ("POST", "/api/auth/logout")):
            response, trace_id, _ = self.traced_request(
                method, path, token=token, headers={"Cookie": "session=" + token})
            self.assertLess(response.status, 500, response)
        self.receiver.server_span(trace_id)
        self.barrier()
        exported = self.receiver.raw_output()
        self.assertTrue(exported)
        self.assertNotIn(password.encode(), exported)
        self.assertNotIn(token.encode(), exported)


    def test_secret_query_parameters_are_redacted_in_url_query(self):
        values = {key: secrets.token_hex(8) for key in (
            "access_token", "jwt", "auth", "session", "key", "sig", "code", "x-api-key")}
        query = "a=1;" + ";".join(f"{k}={v}" for k, v in list(values.items())[:4]) + "&" + \
            "&".join(f"{k}={v}" for k, v in list(values.items())[4:]) + "&limit=5"
        response, trace_id, _ = self.traced_request("GET", "/api/boards?" + query,
                                                    token=self.token)
        self.assertLess(response.status, 500, response)
        server = self.only_server_span(self.complete_trace(trace_id))
        self.assertEqual(
            attribute(server, "url.query"),
            "a=1;access_token=REDACTED;jwt=REDACTED;auth=REDACTED;session=REDACTED"
            "&key=REDACTED&sig=REDACTED&code=REDACTED&x-api-key=REDACTED&limit=5")
        exported = self.receiver.raw_output()
        for value in values.values():
            self.assertNotIn(value.encode(), exported)


class EntrySpansOnlyTest(TracedServiceTestCase):
    """BOARD_TRACE_SPANS=entry: a request is exported as its own span alone."""

    extra_env = {"BOARD_TRACE_SPANS": "entry"}

    def read_board(self, board, token, status):
        """Reads `board` as `token`; returns the response, its trace id, the caller's
        span id and the one span exported."""
        response, trace_id, parent_id = self.traced_request(
            "GET", f"/api/boards/{board['id']}", token=token)
        self.assertEqual(response.status, status, response)
        spans = self.complete_trace(trace_id)
        self.assertEqual([s["name"] for s in spans], ["GET /api/boards/{id}"])
        return response, trace_id, parent_id, spans[0]

    def test_board_read_is_one_server_span_and_its_logs_name_it(self):
        user, token = self.service.new_user("entry")
        board = self.service.create_board(token, name="entry-" + secrets.token_hex(4))
        response, trace_id, parent_id, server = self.read_board(board, token, 200)
        self.assertEqual(server["parentSpanId"], parent_id)
        self.assertEqual(attribute(server, "http.response.status_code"), 200)
        self.assertEqual(attribute(server, "enduser.id"), str(user["id"]))
        request_id = response.headers["x-request-id"]
        self.service.wait_for_log(
            lambda l: l.get("request_id") == request_id and l.get("message") == "request completed")
        for line in self.service.logs_for(request_id):
            self.assertEqual(line.get("trace_id"), trace_id, line)
            self.assertEqual(line.get("span_id"), server["spanId"], line)
        started = self.service.wait_for_log(lambda l: l.get("message") == "tracing on")
        self.assertEqual(started["spans"], "entry")

    def test_a_line_logged_under_a_child_span_names_the_request_span(self):
        _, owner = self.service.new_user("entry-owner")
        _, outsider = self.service.new_user("entry-outsider")
        board = self.service.create_board(owner, name="entry-" + secrets.token_hex(4))
        response, trace_id, _, server = self.read_board(board, outsider, 404)
        # Logged inside `authorize`, which records nothing here and takes the request's ids.
        request_id = response.headers["x-request-id"]
        denied = self.service.wait_for_log(
            lambda l: l.get("request_id") == request_id
            and l.get("message") == "access denied: not a member")
        self.assertEqual(denied["trace_id"], trace_id, denied)
        self.assertEqual(denied["span_id"], server["spanId"], denied)


class ServerErrorSpanTest(TracedServiceTestCase):
    """A handler that throws: the lead's fault-injection route, on only with
    BOARD_DEBUG_FAULTS=1."""

    extra_env = {"BOARD_DEBUG_FAULTS": "1"}

    def test_unhandled_exception_marks_the_span_error_with_an_exception_event(self):
        response, trace_id, parent_id = self.traced_request("GET", "/debug/fault")
        self.assert_error(response, 500, "internal_error")
        spans = self.complete_trace(trace_id)
        server = self.only_server_span(spans)
        self.assertEqual(server["parentSpanId"], parent_id)
        self.assertEqual(attribute(server, "http.response.status_code"), 500)
        self.assertEqual(server["status"]["code"], STATUS_ERROR, server["status"])
        # The route throws std::runtime_error: named as people write it, not mangled.
        self.assertEqual(attribute(server, "error.type"), "std::runtime_error",
                         server["attributes"])
        events = [e for e in server["events"] if e["name"] == "exception"]
        self.assertEqual(len(events), 1, server["events"])
        self.assertEqual(attribute(events[0], "exception.type"), "std::runtime_error", events[0])
        self.assertTrue(attribute(events[0], "exception.message"), events[0])
        # The client got a generic message; the span keeps the detail.
        detail = attribute(events[0], "exception.message")
        self.assertNotIn(detail, response.json()["error"]["message"])


class ProtocolsTest(unittest.TestCase):
    """The same requests over each OTLP protocol (and gzip) give the same spans."""

    CASES = [("grpc", None), ("http/protobuf", None), ("http/json", None),
             ("grpc", "gzip"), ("http/protobuf", "gzip")]

    @classmethod
    def setUpClass(cls):
        cls.receiver = OtlpReceiver().start()

    @classmethod
    def tearDownClass(cls):
        cls.receiver.stop()

    def shape_over(self, protocol, compression):
        """Runs one scenario against a fresh service exporting with `protocol`: the shape
        of the GET trace, its spans, and (gRPC only) the compressed flag of every gRPC
        message sent."""
        extra = {"OTEL_EXPORTER_OTLP_COMPRESSION": compression} if compression else {}
        env = traced_env(self.receiver, protocol, **extra)
        sniffer = None
        if protocol == "grpc":
            sniffer = GrpcCompressionSniffer(self.receiver.grpc_port)
            env["OTEL_EXPORTER_OTLP_ENDPOINT"] = f"http://127.0.0.1:{sniffer.port}"
        service = Service(env=env).start()
        try:
            _, token = service.new_user("proto")
            board = service.create_board(token, name="Protocols")
            traceparent, trace_id, parent_id = new_traceparent()
            response = service.request("GET", f"/api/boards/{board['id']}", token=token,
                                       headers={"traceparent": traceparent,
                                                "User-Agent": USER_AGENT})
            self.assertEqual(response.status, 200, response)
            self.receiver.server_span(trace_id)
        finally:
            self.assertEqual(service.stop(), 0, service.output_tail())
            if sniffer:
                sniffer.close()
        # After a clean exit every span of that service has been delivered.
        spans = self.receiver.trace(trace_id)
        by_id = {s["spanId"]: s for s in spans}

        def parent_name(span):
            if span["parentSpanId"] == parent_id:
                return "<caller>"
            return by_id[span["parentSpanId"]]["name"] if span["parentSpanId"] in by_id else "?"

        shape = sorted(
            (s["kind"], s["name"], parent_name(s), s["status"]["code"],
             tuple(sorted((k, v["type"]) for k, v in s["attributes"].items())),
             tuple(e["name"] for e in s["events"]),
             tuple(sorted((k, v["type"]) for k, v in s["resource"].items())))
            for s in spans)
        return shape, spans, (sniffer.flags if sniffer else None)

    def test_same_span_shape_over_every_protocol(self):
        shapes = {}
        for protocol, compression in self.CASES:
            with self.subTest(protocol=protocol, compression=compression):
                shape, spans, grpc_flags = self.shape_over(protocol, compression)
                self.assertTrue(any(s["kind"] == SPAN_KIND_SERVER for s in spans), spans)
                for span in spans:
                    self.assertEqual(span["transport"], protocol)
                    if protocol != "grpc":
                        self.assertEqual(span["compressed"], compression == "gzip")
                if protocol == "grpc":
                    self.assertTrue(grpc_flags, "no gRPC message went through the proxy")
                    self.assertEqual(set(grpc_flags), {1 if compression == "gzip" else 0})
                shapes[(protocol, compression)] = shape
        reference = shapes[("grpc", None)]
        for case, shape in shapes.items():
            self.assertEqual(shape, reference, f"{case} differs from grpc")

        requests = self.receiver.requests()
        for line in requests:
            self.assertEqual(line["answer"], "ok", line)
            self.assertEqual(line["problems"], [], line)
        gzipped = [r for r in requests if r["transport"] == "http/protobuf" and r["compressed"]]
        self.assertTrue(gzipped, "no gzip request over http/protobuf")
        for line in gzipped:
            self.assertGreater(line["decodedBytes"], line["bytes"], line)


class SamplerAlwaysOffTest(unittest.TestCase):

    def test_always_off_still_returns_ids_in_headers_and_logs(self):
        with OtlpReceiver() as receiver:
            service = Service(env=traced_env(receiver, OTEL_TRACES_SAMPLER="always_off")).start()
            try:
                _, token = service.new_user("off")
                traceparent, trace_id, _ = new_traceparent()
                fresh = service.request("GET", "/api/boards", token=token)
                continued = service.request("GET", "/api/boards", token=token,
                                            headers={"traceparent": traceparent})
                for response in (fresh, continued):
                    self.assertEqual(response.status, 200, response)
                    self.assertRegex(response.headers.get("x-trace-id", ""), HEX32)
                    match = re.match(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$",
                                     response.headers.get("traceparent", ""))
                    self.assertIsNotNone(match, response.headers)
                    self.assertFalse(int(match.group(3), 16) & SAMPLED, response.headers)
                    self.assertEqual(match.group(1), response.headers["x-trace-id"])
                    access = service.wait_for_log(
                        lambda l: l.get("request_id") == response.headers["x-request-id"]
                        and l.get("message") == "request completed")
                    self.assertEqual(access["trace_id"], match.group(1))
                    self.assertEqual(access["span_id"], match.group(2))
                self.assertEqual(continued.headers["x-trace-id"], trace_id)
            finally:
                self.assertEqual(service.stop(), 0, service.output_tail())
            # The process flushed and exited: anything it would export has arrived.
            self.assertEqual(receiver.spans(), [])


if __name__ == "__main__":
    unittest.main()
