"""What the server does with requests that break HTTP or its limits, sent over raw
sockets: every one gets a JSON error (or at least a clean status), never a crash or a
hang, and the service keeps serving afterwards."""

import json
import socket
import time
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

    # --- request smuggling (RFC 9112 6.1, 6.3) -----------------------------------

    def smuggled_post(self, name):
        body = json.dumps({"name": name}).encode()
        return (b"POST /api/boards HTTP/1.1\r\nHost: test\r\n"
                b"Content-Type: application/json\r\n"
                b"Authorization: Bearer " + self.token.encode() + b"\r\n"
                b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)

    def board_names(self):
        response = self.service.request("GET", "/api/boards", token=self.token)
        self.assertEqual(response.status, 200, response)
        return [b["name"] for b in response.json()["boards"]]

    def test_transfer_encoding_not_ending_in_chunked_is_400_and_close(self):
        # Each request carries a second request as its "body": a server that ignores a
        # coding it does not understand reads that body as the next request.
        codings = ["gzip", "identity", "xchunked", "chunked, identity", "chunked, chunked",
                   "gzip, chunked"]
        for coding in codings:
            with self.subTest(coding=coding):
                name = f"smuggled {coding}"
                request = (b"GET /health HTTP/1.1\r\nHost: test\r\n"
                           b"Transfer-Encoding: " + coding.encode() + b"\r\n\r\n"
                           + self.smuggled_post(name))
                exchange = self.service.raw(request, timeout=5)
                self.assert_raw_error(exchange, 400, "bad_request")
                self.assertTrue(exchange.closed, "the connection should be closed after a 400")
                self.assertEqual(exchange.data.count(b"HTTP/1.1 "), 1, exchange.data)
                self.assertNotIn(name, self.board_names())

    def test_unknown_transfer_encoding_with_content_length_is_400(self):
        smuggled = self.smuggled_post("smuggled by length")
        request = (b"POST /api/boards HTTP/1.1\r\nHost: test\r\n"
                   b"Content-Type: application/json\r\n"
                   b"Authorization: Bearer " + self.token.encode() + b"\r\n"
                   b"Transfer-Encoding: xchunked\r\n"
                   b"Content-Length: " + str(len(smuggled)).encode() + b"\r\n\r\n" + smuggled)
        exchange = self.service.raw(request, timeout=5)
        self.assert_raw_error(exchange, 400, "bad_request")
        self.assertTrue(exchange.closed)
        self.assertNotIn("smuggled by length", self.board_names())

    def test_chunked_body_is_still_read(self):
        body = json.dumps({"name": "sent in chunks"}).encode()
        request = (b"POST /api/boards HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
                   b"Content-Type: application/json\r\n"
                   b"Authorization: Bearer " + self.token.encode() + b"\r\n"
                   b"Transfer-Encoding: chunked\r\n\r\n"
                   + hex(len(body))[2:].encode() + b"\r\n" + body + b"\r\n0\r\n\r\n")
        exchange = self.service.raw(request, timeout=5)
        self.assertEqual(exchange.response.status, 201, exchange.data)

    def test_missing_host_is_400(self):
        exchange = self.service.raw(b"GET /health HTTP/1.1\r\n\r\n")
        self.assert_raw_error(exchange, 400, "bad_request")
        self.assertTrue(exchange.closed)

    def test_duplicate_host_is_400(self):
        exchange = self.service.raw(b"GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
        self.assert_raw_error(exchange, 400, "bad_request")
        self.assertTrue(exchange.closed)

    def test_http10_without_host_is_served(self):
        exchange = self.service.raw(b"GET /health HTTP/1.0\r\n\r\n")
        self.assertEqual(exchange.response.status, 200, exchange.data)

    # --- Expect: 100-continue (RFC 9110 10.1.1) ------------------------------------

    def test_expect_100_continue_gets_the_go_ahead_before_the_body(self):
        body = json.dumps({"name": "after continue"}).encode()
        head = (b"POST /api/boards HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
                b"Content-Type: application/json\r\n"
                b"Authorization: Bearer " + self.token.encode() + b"\r\n"
                b"Expect: 100-continue\r\n"
                b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        with socket.create_connection(("127.0.0.1", self.service.port), timeout=3) as sock:
            sock.sendall(head)
            interim = sock.recv(4096)  # times out (fails) if the server waits for the body
            self.assertTrue(interim.startswith(b"HTTP/1.1 100 Continue\r\n"), interim)
            sock.sendall(body)
            data = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        self.assertTrue(data.startswith(b"HTTP/1.1 201"), data)
        self.assertIn("after continue", self.board_names())

    def test_expect_100_continue_on_a_missing_route_is_answered_at_once(self):
        head = (b"POST /api/nothing HTTP/1.1\r\nHost: test\r\n"
                b"Expect: 100-continue\r\nContent-Length: 1000\r\n\r\n")
        exchange = self.service.raw(head, timeout=3)
        self.assert_raw_error(exchange, 404, "not_found")
        self.assertTrue(exchange.closed)
        self.assertNotIn(b"100 Continue", exchange.data)

    def test_expect_100_continue_with_too_large_a_body_is_413_at_once(self):
        head = (b"POST /api/boards HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\n"
                b"Content-Length: " + str(MAX_BODY_BYTES + 1).encode() + b"\r\n\r\n")
        exchange = self.service.raw(head, timeout=3)
        self.assert_raw_error(exchange, 413, "payload_too_large")
        self.assertNotIn(b"100 Continue", exchange.data)

    def test_unknown_expectation_is_417(self):
        exchange = self.service.raw(b"POST /api/boards HTTP/1.1\r\nHost: t\r\n"
                                    b"Expect: 200-ok\r\nContent-Length: 2\r\n\r\n{}")
        self.assert_raw_error(exchange, 417, "expectation_failed")

    # --- HEAD and the forms of the request target ----------------------------------

    def test_head_is_served_wherever_get_is_without_a_body(self):
        board = self.service.create_board(self.token, "for HEAD")
        for path in ["/health", f"/api/boards/{board['id']}", "/api/boards/999999"]:
            with self.subTest(path=path):
                get = self.service.request("GET", path, token=self.token)
                request = (f"HEAD {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                           f"Authorization: Bearer {self.token}\r\n\r\n").encode()
                exchange = self.service.raw(request, timeout=5)
                self.assertEqual(exchange.response.status, get.status, exchange.data)
                self.assertEqual(int(exchange.response.headers["content-length"]), len(get.body))
                head_end = exchange.data.find(b"\r\n\r\n") + 4
                self.assertEqual(exchange.data[head_end:], b"", "HEAD must not carry a body")
                self.assertTrue(exchange.closed)

    def test_head_where_there_is_no_get_is_405(self):
        exchange = self.service.raw(b"HEAD /api/auth/login HTTP/1.1\r\nHost: t\r\n"
                                    b"Connection: close\r\n\r\n")
        self.assertEqual(exchange.response.status, 405, exchange.data)

    def test_absolute_form_target_is_served_as_its_path(self):
        exchange = self.service.raw(b"GET http://example.com/api/boards?limit=1 HTTP/1.1\r\n"
                                    b"Host: example.com\r\nConnection: close\r\n"
                                    b"Authorization: Bearer " + self.token.encode() + b"\r\n\r\n")
        self.assertEqual(exchange.response.status, 200, exchange.data)
        self.assertLessEqual(len(exchange.response.json()["boards"]), 1)

    # --- bytes that are not UTF-8 (or not allowed at all) in the target ------------

    def test_raw_non_ascii_bytes_in_the_target_are_400_with_a_utf8_body(self):
        for target in [b"/api/boards\xff\xfe", b"/api/boards?limit=5&offset=\xff",
                       b"/api/b\xc3\xa9"]:
            with self.subTest(target=target):
                exchange = self.service.raw(b"GET " + target + b" HTTP/1.1\r\nHost: t\r\n"
                                            b"Authorization: Bearer " + self.token.encode()
                                            + b"\r\n\r\n")
                self.assertIsNotNone(exchange.response, exchange.data)
                exchange.response.body.decode("utf-8")  # raises if not UTF-8
                self.assert_raw_error(exchange, 400, "bad_request")

    def test_malformed_query_is_400_not_ignored(self):
        for query in ["limit=5&offset=%zz", "limit=%ff"]:
            with self.subTest(query=query):
                response = self.service.request("GET", "/api/boards?" + query, token=self.token)
                self.assert_error(response, 400, "bad_request")

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
