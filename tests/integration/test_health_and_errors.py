"""Health, readiness, the headers every response carries, and the generic errors a
client meets before any resource rule: routing, media type, JSON syntax."""

import re
import unittest

from harness import HEX32, ServiceTestCase

TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")


class HealthTest(ServiceTestCase):
    def test_health_is_ok(self):
        response = self.service.request("GET", "/health")
        self.assertEqual(response.status, 200)
        self.assertEqual(response.json(), {"status": "ok"})

    def test_ready_when_database_answers(self):
        response = self.service.request("GET", "/ready")
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.json(), {"status": "ready"})


class ResponseHeadersTest(ServiceTestCase):
    def assert_trace_headers(self, response):
        headers = response.headers
        self.assertTrue(headers.get("x-request-id"), headers)
        match = TRACEPARENT.match(headers.get("traceparent", ""))
        self.assertIsNotNone(match, headers)
        self.assertEqual(headers.get("x-trace-id"), match.group(1))
        self.assertEqual(headers.get("traceresponse"), headers["traceparent"])
        return match.group(1), match.group(2)

    def test_success_and_error_responses_carry_trace_headers(self):
        self.assert_trace_headers(self.service.request("GET", "/health"))
        self.assert_trace_headers(self.service.request("GET", "/api/users/me"))
        self.assert_trace_headers(self.service.request("GET", "/no/such/route"))

    def test_each_request_gets_its_own_request_id(self):
        first = self.service.request("GET", "/health").headers["x-request-id"]
        second = self.service.request("GET", "/health").headers["x-request-id"]
        self.assertNotEqual(first, second)

    def test_incoming_request_id_is_kept(self):
        response = self.service.request("GET", "/api/users/me",
                                        headers={"X-Request-Id": "client-chosen-42"})
        self.assertEqual(response.headers.get("x-request-id"), "client-chosen-42")
        error = self.assert_error(response, 401, "unauthorized")
        self.assertEqual(error["request_id"], "client-chosen-42")

    def test_incoming_traceparent_is_continued_and_tracestate_returned(self):
        trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
        parent = "00f067aa0ba902b7"
        response = self.service.request("GET", "/health", headers={
            "traceparent": f"00-{trace_id}-{parent}-01",
            "tracestate": "vendor=abc",
        })
        got_trace, got_span = self.assert_trace_headers(response)
        self.assertEqual(got_trace, trace_id)
        self.assertNotEqual(got_span, parent, "the server span is a child, not the parent")
        self.assertIn("vendor=abc", response.headers.get("tracestate", ""))

    def test_every_log_line_of_a_request_shares_its_ids(self):
        user, token = self.service.new_user()
        response = self.service.request("POST", "/api/boards", json={"name": "traced"},
                                        token=token)
        self.assertEqual(response.status, 201, response)
        request_id = response.headers["x-request-id"]
        self.service.wait_for_log(lambda l: l.get("request_id") == request_id
                                  and l.get("target") == "http")
        lines = self.service.logs_for(request_id)
        self.assertTrue(lines)
        for line in lines:
            self.assertEqual(line.get("trace_id"), response.headers["x-trace-id"], line)
            self.assertRegex(line.get("span_id", ""), r"^[0-9a-f]{16}$", line)
        # Once authenticated, the request's lines name the user (the access line at least).
        self.assertIn(user["id"], [line.get("user_id") for line in lines])

    def test_error_body_trace_id_matches_request_log_lines(self):
        response = self.service.request("GET", "/no/such/route")
        error = self.assert_error(response, 404, "not_found")
        line = self.service.wait_for_log(lambda l: l.get("request_id") == error["request_id"])
        self.assertEqual(line.get("trace_id"), error["trace_id"])


class GenericErrorsTest(ServiceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user, cls.token = cls.service.new_user()

    def test_unknown_route_is_404(self):
        self.assert_error(self.service.request("GET", "/api/nothing-here"), 404, "not_found")
        self.assert_error(self.service.request("GET", "/index.html"), 404, "not_found")

    def test_trailing_slash_is_another_route(self):
        self.assert_error(self.service.request("GET", "/health/"), 404, "not_found")

    def test_wrong_method_is_405_with_allow(self):
        response = self.service.request("PUT", "/api/boards", json={}, token=self.token)
        self.assert_error(response, 405, "method_not_allowed")
        allowed = {m.strip() for m in response.headers.get("allow", "").split(",")}
        self.assertEqual(allowed, {"GET", "HEAD", "POST"})

        response = self.service.request("POST", "/health")
        self.assert_error(response, 405, "method_not_allowed")
        self.assertEqual(response.headers.get("allow"), "GET, HEAD")

    def test_malformed_json_is_400(self):
        for body in [b"{", b"{\"name\": }", b"not json", b"{\"name\":\"x\"} trailing",
                     b"\xff\xfe{}", b""]:
            with self.subTest(body=body):
                response = self.service.request(
                    "POST", "/api/boards", body=body, token=self.token,
                    headers={"Content-Type": "application/json"})
                self.assert_error(response, 400, "malformed_json")

    def test_wrong_content_type_is_415(self):
        for content_type in [None, "text/plain", "application/x-www-form-urlencoded",
                             "application/jsonx"]:
            with self.subTest(content_type=content_type):
                headers = {"Content-Type": content_type} if content_type else {}
                response = self.service.request("POST", "/api/boards", body=b'{"name":"x"}',
                                                token=self.token, headers=headers)
                self.assert_error(response, 415, "unsupported_media_type")

    def test_json_content_type_with_charset_and_capitals_is_accepted(self):
        response = self.service.request(
            "POST", "/api/boards", body=b'{"name":"charset"}', token=self.token,
            headers={"Content-Type": "Application/JSON; charset=utf-8"})
        self.assertEqual(response.status, 201, response)

    def test_body_of_the_wrong_json_type_is_422(self):
        for body in [b"[]", b"\"name\"", b"42", b"null"]:
            with self.subTest(body=body):
                response = self.service.request(
                    "POST", "/api/boards", body=body, token=self.token,
                    headers={"Content-Type": "application/json"})
                self.assert_validation_error(response, "body")

    def test_non_numeric_path_id_is_404(self):
        for path in ["/api/boards/abc", "/api/boards/0", "/api/boards/-1",
                     "/api/boards/99999999999999999999999"]:
            with self.subTest(path=path):
                self.assert_error(self.service.request("GET", path, token=self.token), 404,
                                  "not_found")


if __name__ == "__main__":
    unittest.main()
