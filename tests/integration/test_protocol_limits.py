"""What the server does with requests that break HTTP or its limits, sent over raw
sockets: every one gets a JSON error (or at least a clean status), never a crash or a
hang, and the service keeps serving afterwards."""

import json
import unittest

from harness import ServiceTestCase

MAX_HEADER_BYTES = 8 * 1024
MAX_BODY_BYTES = 1024 * 1024


class ProtocolLimitsTest(ServiceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user, cls.token = cls.service.new_user()

    def assert_raw_error(self, exchange, status, code):
        self.assertIsNotNone(exchange.response, f"no HTTP response; got {exchange.data[:300]!r}")
        error = self.assert_error(exchange.response, status, code)
        return error

    def test_oversize_body_is_413(self):
        body = json.dumps({"name": "x" * (MAX_BODY_BYTES + 10)}).encode()
        response = self.service.request("POST", "/api/boards", body=body, token=self.token,
                                        headers={"Content-Type": "application/json"})
        self.assert_error(response, 413, "payload_too_large")

    def test_oversize_declared_length_is_refused_before_the_body(self):
        # Only the header block is sent: the server must answer from Content-Length alone.
        head = ("POST /api/boards HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                f"Authorization: Bearer {self.token}\r\n"
                f"Content-Length: {MAX_BODY_BYTES + 1}\r\n\r\n").encode()
        exchange = self.service.raw(head, timeout=5)
        self.assert_raw_error(exchange, 413, "payload_too_large")

    def test_body_just_under_the_limit_is_read(self):
        # A valid request whose body is large but allowed reaches the handler (422 for the
        # over-long name), proving the limit is not set lower than documented.
        body = json.dumps({"name": "x" * (MAX_BODY_BYTES - 100)}).encode()
        self.assertLess(len(body), MAX_BODY_BYTES)
        response = self.service.request("POST", "/api/boards", body=body, token=self.token,
                                        headers={"Content-Type": "application/json"})
        self.assert_validation_error(response, "name")

    def test_oversize_headers_are_431_and_close(self):
        head = ("GET /health HTTP/1.1\r\nHost: test\r\n"
                f"X-Padding: {'a' * (MAX_HEADER_BYTES + 100)}\r\n\r\n").encode()
        exchange = self.service.raw(head, timeout=5)
        self.assert_raw_error(exchange, 431, "request_header_fields_too_large")
        self.assertTrue(exchange.closed, "the connection should be closed after a 431")

    def test_many_small_headers_over_the_limit_are_431(self):
        lines = "".join(f"X-H{i}: {'b' * 60}\r\n" for i in range(200))
        exchange = self.service.raw(f"GET /health HTTP/1.1\r\nHost: t\r\n{lines}\r\n".encode())
        self.assert_raw_error(exchange, 431, "request_header_fields_too_large")

    def test_headers_under_the_limit_are_fine(self):
        response = self.service.request("GET", "/health",
                                        headers={"X-Padding": "a" * (MAX_HEADER_BYTES - 1024)})
        self.assertEqual(response.status, 200, response)

    def test_content_length_with_transfer_encoding_is_400_and_close(self):
        body = b'{"name":"smuggled"}'
        request = (b"POST /api/boards HTTP/1.1\r\nHost: test\r\n"
                   b"Content-Type: application/json\r\n"
                   b"Authorization: Bearer " + self.token.encode() + b"\r\n"
                   b"Content-Length: " + str(len(body)).encode() + b"\r\n"
                   b"Transfer-Encoding: chunked\r\n\r\n"
                   + hex(len(body))[2:].encode() + b"\r\n" + body + b"\r\n0\r\n\r\n")
        exchange = self.service.raw(request, timeout=5)
        self.assert_raw_error(exchange, 400, "bad_request")
        self.assertTrue(exchange.closed, "the connection should be closed after a 400")
        listed = self.service.request("GET", "/api/boards", token=self.token).json()["boards"]
        self.assertNotIn("smuggled", [b["name"] for b in listed])

    def test_conflicting_content_lengths_are_400(self):
        request = (b"POST /api/boards HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                   b"Content-Length: 2\r\nContent-Length: 5\r\n\r\n{}")
        exchange = self.service.raw(request, timeout=5)
        self.assert_raw_error(exchange, 400, "bad_request")
        self.assertTrue(exchange.closed)

    def test_malformed_request_lines_are_400(self):
        for line in [b"NOT A REQUEST\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/1.1 extra\r\n\r\n",
                     b"G@T / HTTP/1.1\r\nHost: t\r\n\r\n", b"GET / HTTP/x.y\r\nHost: t\r\n\r\n",
                     b"\x00\x01\x02\x03\r\n\r\n"]:
            with self.subTest(line=line):
                exchange = self.service.raw(line, timeout=5)
                self.assert_raw_error(exchange, 400, "bad_request")
                self.assertTrue(exchange.closed)

    def test_malformed_header_line_is_400(self):
        exchange = self.service.raw(b"GET /health HTTP/1.1\r\nHost: t\r\nNo colon here\r\n\r\n")
        self.assert_raw_error(exchange, 400, "bad_request")

    def test_invalid_content_length_is_400(self):
        exchange = self.service.raw(b"POST /api/boards HTTP/1.1\r\nHost: t\r\n"
                                    b"Content-Length: abc\r\n\r\n")
        self.assert_raw_error(exchange, 400, "bad_request")

    def test_keep_alive_serves_several_requests_on_one_connection(self):
        two = b"GET /health HTTP/1.1\r\nHost: t\r\n\r\nGET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        exchange = self.service.raw(two, timeout=5)
        self.assertEqual(exchange.data.count(b"HTTP/1.1 200"), 2, exchange.data)
        self.assertTrue(exchange.closed)

    def test_client_that_closes_early_does_not_hurt(self):
        # Half a request, then the client goes away.
        self.service.raw(b"POST /api/boards HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n{",
                         timeout=0.3, half_close=True)
        self.service.raw(b"GET /hea", timeout=0.3, half_close=True)


if __name__ == "__main__":
    unittest.main()
