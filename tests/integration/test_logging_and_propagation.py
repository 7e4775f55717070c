"""W3C Trace Context and x-request-id through the real server, and what its JSON log
lines say: the access line, correlation ids, escaping, and no secrets."""

import json
import re
import unittest

from harness import ServiceTestCase

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = "00f067aa0ba902b7"
HEX16 = re.compile(r"^[0-9a-f]{16}$")
# A real route that needs no set-up (it answers 401). Not /health: health checks are
# never sampled, so their response flags say "not sampled" whatever came in.
PROBE = "/api/users/me"


def traceparent_of(response):
    value = response.headers.get("traceparent", "")
    parts = value.split("-")
    if len(parts) != 4 or parts[0] != "00" or len(value) != 55:
        raise AssertionError(f"bad response traceparent {value!r}")
    return parts[1], parts[2], parts[3]


class TraceContextOverHttp(ServiceTestCase):
    """Each case: the incoming headers, and whether the trace continues."""

    CONTINUED = [
        ("sampled", {"traceparent": f"00-{TRACE}-{PARENT}-01"}, "01"),
        ("not sampled", {"traceparent": f"00-{TRACE}-{PARENT}-00"}, "00"),
        ("surrounding spaces", {"traceparent": f"  00-{TRACE}-{PARENT}-01 "}, "01"),
        ("future version with extra field",
         {"traceparent": f"cc-{TRACE}-{PARENT}-01-what-the-future-holds"}, "01"),
        ("future version, exact length", {"traceparent": f"01-{TRACE}-{PARENT}-01"}, "01"),
    ]

    NEW_TRACE = [
        ("uppercase hex", {"traceparent": f"00-{TRACE.upper()}-{PARENT}-01"}),
        ("version ff", {"traceparent": f"ff-{TRACE}-{PARENT}-01"}),
        ("all-zero trace id", {"traceparent": f"00-{'0' * 32}-{PARENT}-01"}),
        ("all-zero parent id", {"traceparent": f"00-{TRACE}-{'0' * 16}-01"}),
        ("version 00 with extra field", {"traceparent": f"00-{TRACE}-{PARENT}-01-extra"}),
        ("too short", {"traceparent": f"00-{TRACE[:-1]}-{PARENT}-01"}),
        ("bad delimiter", {"traceparent": f"00_{TRACE}_{PARENT}_01"}),
        ("non-hex flags", {"traceparent": f"00-{TRACE}-{PARENT}-0x"}),
        ("future version without dash after flags",
         {"traceparent": f"cc-{TRACE}-{PARENT}-01x"}),
    ]

    def test_valid_traceparent_continues_the_trace(self):
        for name, headers, flags in self.CONTINUED:
            with self.subTest(name):
                response = self.service.request("GET", PROBE, headers=headers)
                trace_id, span_id, got_flags = traceparent_of(response)
                self.assertEqual(trace_id, TRACE)
                self.assertNotEqual(span_id, PARENT)
                self.assertRegex(span_id, HEX16)
                self.assertEqual(int(got_flags, 16) & 1, int(flags, 16) & 1, "sampled flag")
                self.assertEqual(response.headers.get("x-trace-id"), TRACE)

    def test_invalid_traceparent_starts_a_new_trace_and_drops_tracestate(self):
        for name, headers, in self.NEW_TRACE:
            with self.subTest(name):
                response = self.service.request(
                    "GET", PROBE, headers={**headers, "tracestate": "vendor=kept"})
                self.assertEqual(response.status, 401, "an invalid header never rejects")
                trace_id, _, flags = traceparent_of(response)
                self.assertNotEqual(trace_id, TRACE)
                self.assertNotIn("tracestate", response.headers)
                # Level 2: traces we start carry the random-trace-id flag.
                self.assertEqual(int(flags, 16) & 2, 2)

    def test_two_traceparent_headers_are_invalid(self):
        raw = (f"GET /api/users/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
               f"traceparent: 00-{TRACE}-{PARENT}-01\r\n"
               f"traceparent: 00-{TRACE}-{PARENT}-01\r\n\r\n").encode()
        reply = self.service.raw(raw).data.decode("latin-1").lower()
        self.assertIn("x-trace-id:", reply)
        self.assertNotIn(f"x-trace-id: {TRACE}", reply)

    def test_tracestate_headers_are_combined_in_order(self):
        raw = (f"GET /api/users/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
               f"traceparent: 00-{TRACE}-{PARENT}-01\r\n"
               f"tracestate: first=1,second=2\r\n"
               f"tracestate: third=3\r\n\r\n").encode()
        reply = self.service.raw(raw).data.decode("latin-1")
        self.assertRegex(reply, r"(?i)tracestate: first=1,second=2,third=3\r\n")

    def test_invalid_tracestate_is_discarded_without_rejecting(self):
        for bad in ["UPPER=1", "novalue", "k=a=b", "@vendor=1", ",".join(
                f"k{i}=v" for i in range(33))]:
            with self.subTest(bad):
                response = self.service.request("GET", PROBE, headers={
                    "traceparent": f"00-{TRACE}-{PARENT}-01", "tracestate": bad})
                self.assertEqual(response.status, 401)
                self.assertEqual(traceparent_of(response)[0], TRACE)
                self.assertNotIn("tracestate", response.headers)

    def test_duplicate_tracestate_keys_keep_the_first_member(self):
        # In one field or across two, with equal or different values: the trace goes
        # on and the key's first (leftmost) member is carried.
        for fields, expected in [(["foo=1,foo=1"], "foo=1"), (["foo=1,foo=2"], "foo=1"),
                                 (["foo=1", "foo=1"], "foo=1"),
                                 (["foo=1,bar=2", "foo=2"], "foo=1,bar=2")]:
            with self.subTest(fields=fields):
                lines = "".join(f"tracestate: {value}\r\n" for value in fields)
                raw = (f"GET {PROBE} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                       f"traceparent: 00-{TRACE}-{PARENT}-01\r\n{lines}\r\n").encode()
                response = self.service.raw(raw).response
                self.assertEqual(response.status, 401)
                self.assertEqual(traceparent_of(response)[0], TRACE)
                self.assertEqual(response.headers.get("tracestate"), expected)

    def test_future_version_keeps_the_random_trace_id_flag(self):
        for flags in ("02", "03"):
            with self.subTest(flags=flags):
                response = self.service.request("GET", PROBE, headers={
                    "traceparent": f"cc-{TRACE}-{PARENT}-{flags}-what-the-future-holds"})
                trace_id, _, got = traceparent_of(response)
                self.assertEqual(trace_id, TRACE)
                self.assertEqual(int(got, 16) & 2, 2, "random-trace-id flag as received")

    def test_long_tracestate_is_cut_by_whole_members(self):
        big = "big=" + "x" * 200
        members = [f"m{i}=" + "v" * 20 for i in range(25)]  # 25 * 24 chars + commas
        value = ",".join([members[0], big] + members[1:])
        response = self.service.request("GET", PROBE, headers={
            "traceparent": f"00-{TRACE}-{PARENT}-01", "tracestate": value})
        out = response.headers.get("tracestate", "")
        self.assertTrue(out)
        self.assertLessEqual(len(out), 512)
        self.assertNotIn("big=", out, "members over 128 characters go first")
        self.assertTrue(out.startswith("m0="), out[:40])
        for member in out.split(","):
            self.assertIn(member, members)

    def test_x_trace_id_from_older_clients_is_continued(self):
        response = self.service.request("GET", PROBE, headers={"x-trace-id": TRACE})
        self.assertEqual(traceparent_of(response)[0], TRACE)
        response = self.service.request("GET", PROBE, headers={"x-trace-id": "nothex"})
        self.assertNotEqual(traceparent_of(response)[0], TRACE)

    def test_traceparent_wins_over_x_trace_id(self):
        other = "0af7651916cd43dd8448eb211c80319c"
        response = self.service.request("GET", PROBE, headers={
            "traceparent": f"00-{TRACE}-{PARENT}-01", "x-trace-id": other})
        self.assertEqual(traceparent_of(response)[0], TRACE)

    def test_request_id_rules(self):
        for value, kept in [("abc-123_X.y:z", True), ("a" * 128, True), ("a" * 129, False),
                            ("has space", False), ("semi;colon", False), ("ünï", False)]:
            with self.subTest(value=value[:20]):
                response = self.service.request("GET", PROBE,
                                                headers={"X-Request-Id": value.encode(
                                                    "utf-8").decode("latin-1")})
                got = response.headers.get("x-request-id")
                if kept:
                    self.assertEqual(got, value)
                else:
                    self.assertNotEqual(got, value)
                    self.assertRegex(got, r"^[0-9a-f-]{36}$")

    def test_rejected_requests_carry_trace_headers_too(self):
        reply = self.service.raw(b"GARBAGE\r\n\r\n").data.decode("latin-1").lower()
        self.assertIn("400", reply.split("\r\n")[0])
        for header in ("x-request-id:", "traceparent:", "x-trace-id:"):
            self.assertIn(header, reply)


class LogLines(ServiceTestCase):
    def access_line(self, request_id):
        return self.service.wait_for_log(
            lambda l: l.get("request_id") == request_id and l.get("target") == "http"
            and l.get("message") == "request completed")

    def test_access_line_fields(self):
        user, token = self.service.new_user()
        board = self.service.create_board(token, name="fields")
        response = self.service.request("GET", f"/api/boards/{board['id']}?limit=1",
                                        token=token, headers={"User-Agent": "probe/1.0"})
        self.assertEqual(response.status, 200)
        line = self.access_line(response.headers["x-request-id"])
        self.assertEqual(line["level"], "info")
        self.assertEqual(line["method"], "GET")
        self.assertEqual(line["route"], "/api/boards/{id}")
        self.assertEqual(line["path"], f"/api/boards/{board['id']}")
        self.assertEqual(line["status"], 200)
        self.assertIsInstance(line["duration_ms"], float)
        self.assertGreater(line["bytes_in"], 0)
        self.assertEqual(line["bytes_out"] > len(response.body), True)
        self.assertEqual(line["client_address"], "127.0.0.1")
        self.assertEqual(line["user_agent"], "probe/1.0")
        self.assertEqual(line["user_id"], user["id"])
        self.assertEqual(line["trace_id"], response.headers["x-trace-id"])
        self.assertEqual(line["span_id"], traceparent_of(response)[1])
        self.assertRegex(line["timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")

    def test_health_access_line_is_debug(self):
        response = self.service.request("GET", "/health")
        self.assertEqual(self.access_line(response.headers["x-request-id"])["level"], "debug")

    def test_handler_lines_carry_the_request_ids(self):
        username = self.service.unique_username("ids")
        response = self.service.request("POST", "/api/auth/register",
                                        json={"username": username, "password": "long enough pw"})
        self.assertEqual(response.status, 201)
        request_id = response.headers["x-request-id"]
        self.access_line(request_id)
        own = [l for l in self.service.logs_for(request_id) if l.get("target") != "http"]
        self.assertTrue(own, "the handler logged nothing of its own")
        for line in own:
            self.assertEqual(line["trace_id"], response.headers["x-trace-id"])
            self.assertRegex(line["span_id"], HEX16)

    def test_injected_newlines_stay_escaped(self):
        evil = 'line one\n{"level":"error","message":"forged"}\r\x1b[31m'
        response = self.service.request("POST", "/api/telemetry/client", json=[{
            "level": "info", "message": evil, "timestamp": "2026-11-24T10:00:00.000Z"}])
        self.assertIn(response.status, (200, 202))
        line = self.service.wait_for_log(lambda l: l.get("client_message") == evil)
        self.assertEqual(line["message"], "client_log")
        for raw in self.service.all_output().splitlines():
            self.assertFalse(raw.startswith('{"level":"error","message":"forged"'), raw)
            self.assertNotIn("\x1b", raw)

    def test_no_token_or_password_anywhere_in_the_logs(self):
        password = "Sup3r-secret-passphrase-" + self.service.unique_username("pw")
        username = self.service.unique_username("secret")
        self.service.register(username, password)
        token = self.service.login(username, password)["token"]
        self.service.request("GET", "/api/users/me", token=token)
        self.service.request("GET", "/api/boards", token=token, headers={"Cookie": "sid=cookievalue123"})
        self.service.request("POST", "/api/auth/login",
                             json={"username": username, "password": password + "-wrong"})
        bad = self.service.request("GET", "/api/boards?token=querytokenvalue", token=token)
        self.access_line(bad.headers["x-request-id"])
        output = self.service.all_output()
        for secret in (password, token, "cookievalue123", "querytokenvalue"):
            self.assertNotIn(secret, output)


if __name__ == "__main__":
    unittest.main()
