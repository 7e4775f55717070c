"""Browser log ingestion (POST /api/telemetry/client): valid events come out as backend
log lines under their own trace ids, invalid ones are listed per index (while the valid
ones are still written), and a noisy address is rate limited."""

import json
import secrets
import unittest

from harness import ServiceTestCase

PATH = "/api/telemetry/client"


def event(**overrides):
    base = {"level": "info", "message": "clicked " + secrets.token_hex(6),
            "timestamp": "2026-11-24T23:20:15.123Z"}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


class ClientLogIngestionTest(ServiceTestCase):
    # Generous, so that this class never meets the limit; RateLimitTest tests it.
    service_env = {"BOARD_CLIENT_LOG_RATE": "1000/10s"}

    def send(self, events, **kwargs):
        return self.service.request("POST", PATH, json=events, **kwargs)

    def client_line(self, message, timeout=5):
        return self.service.wait_for_log(
            lambda l: l.get("target") == "client" and l.get("client_message") == message,
            timeout=timeout)

    def test_valid_event_is_written_under_its_own_trace(self):
        trace_id = secrets.token_hex(16)
        span_id = secrets.token_hex(8)
        e = event(level="warn", trace_id=trace_id, span_id=span_id, board_id=12,
                  fields={"component": "canvas", "route": "/boards/12"})
        response = self.send([e])  # no token: browsers log before login
        self.assertEqual(response.status, 202, response)
        self.assertEqual(response.json(), {"accepted": 1, "rejected": []})

        line = self.client_line(e["message"])
        self.assertEqual(line["message"], "client_log")
        self.assertEqual(line["level"], "warn")
        self.assertEqual(line["source"], "frontend")
        self.assertEqual(line["client_level"], "warn")
        self.assertEqual(line["client_timestamp"], e["timestamp"])
        self.assertEqual(line["board_id"], 12)
        self.assertEqual(line["trace_id"], trace_id)
        self.assertEqual(line["span_id"], span_id)
        self.assertNotEqual(line["trace_id"], response.headers["x-trace-id"])
        self.assertEqual(line["request_id"], response.headers["x-request-id"])
        self.assertEqual(line["client_field.component"], "canvas")
        self.assertEqual(line["client_field.route"], "/boards/12")

    def test_event_without_trace_has_no_trace_ids(self):
        e = event(level="error")
        self.assertEqual(self.send([e]).status, 202)
        line = self.client_line(e["message"])
        self.assertEqual(line["level"], "error")
        self.assertNotIn("trace_id", line)
        self.assertNotIn("span_id", line)

    def test_secret_looking_fields_are_redacted(self):
        e = event(fields={"password": "hunter2-client", "authToken": "abc.def.ghi",
                          "note": "Bearer eyJhbGciOi.payload.sig"})
        self.assertEqual(self.send([e]).status, 202)
        self.client_line(e["message"])
        output = self.service.all_output()
        for secret in ("hunter2-client", "abc.def.ghi", "eyJhbGciOi.payload.sig"):
            self.assertNotIn(secret, output)

    def test_credentials_inside_values_and_secret_field_names_are_redacted(self):
        bearer, basic, token, password = (secrets.token_hex(10) for _ in range(4))
        e = event(message="Authorization: Bearer " + bearer,
                  fields={"request": "GET /api/boards?token=" + token + "&limit=5",
                          "header": "Basic " + basic + "==",
                          "pass": password,
                          "component": "canvas"})
        self.assertEqual(self.send([e]).status, 202)
        line = self.service.wait_for_log(
            lambda l: l.get("target") == "client" and l.get("client_field.component") == "canvas"
            and l.get("client_field.pass") is not None)
        self.assertEqual(line["client_message"], "Authorization: Bearer [REDACTED]")
        self.assertEqual(line["client_field.request"], "GET /api/boards?token=[REDACTED]&limit=5")
        self.assertEqual(line["client_field.header"], "Basic [REDACTED]")
        self.assertEqual(line["client_field.pass"], "[REDACTED]")
        output = self.service.all_output()
        for secret in (bearer, basic, token, password):
            self.assertNotIn(secret, output)

    def test_batch_of_many_events(self):
        events = [event(message=f"batch-{secrets.token_hex(4)}-{i}") for i in range(100)]
        response = self.send(events)
        self.assertEqual(response.status, 202, response)
        self.assertEqual(response.json()["accepted"], 100)
        for e in (events[0], events[-1]):
            self.client_line(e["message"])
        self.assertEqual(self.send([]).json(), {"accepted": 0, "rejected": []})

    def test_invalid_events_are_422_by_index_and_valid_ones_still_written(self):
        good_first = event()
        bad = event(timestamp="yesterday", level="loud")
        good_last = event(trace_id=secrets.token_hex(16), span_id=secrets.token_hex(8))
        response = self.send([good_first, bad, good_last])
        error = self.assert_error(response, 422, "validation_failed")
        details = error["details"]
        self.assertEqual(details["accepted"], 2)
        self.assertEqual([r["index"] for r in details["rejected"]], [1])
        fields = {e["field"] for e in details["rejected"][0]["errors"]}
        self.assertEqual(fields, {"timestamp", "level"})
        self.client_line(good_first["message"])
        self.assertEqual(self.client_line(good_last["message"])["trace_id"],
                         good_last["trace_id"])
        with self.assertRaises(TimeoutError):
            self.client_line(bad["message"], timeout=0.5)

    def test_event_rules(self):
        cases = [
            (event(level=None), "level"),
            (event(level="INFO"), "level"),
            (event(level="fatal"), "level"),
            (event(message=None), "message"),
            (event(message=""), "message"),
            (event(message="m" * 4097), "message"),
            (event(message=42), "message"),
            (event(timestamp=None), "timestamp"),
            (event(timestamp="2026-02-30T10:00:00Z"), "timestamp"),
            (event(timestamp="2026-11-24 23:20:15Z"), "timestamp"),
            (event(timestamp="2026-11-24T23:20:15"), "timestamp"),
            (event(timestamp=1732490415), "timestamp"),
            (event(board_id="12"), "board_id"),
            (event(board_id=0), "board_id"),
            (event(trace_id="xyz", span_id="00f067aa0ba902b7"), "trace_id"),
            (event(trace_id="4BF92F3577B34DA6A3CE929D0E0E4736", span_id="00f067aa0ba902b7"),
             "trace_id"),
            (event(trace_id="0" * 32, span_id="00f067aa0ba902b7"), "trace_id"),
            (event(trace_id="4bf92f3577b34da6a3ce929d0e0e4736", span_id="0" * 16), "span_id"),
            (event(trace_id="4bf92f3577b34da6a3ce929d0e0e4736"), "span_id"),
            (event(fields={"k": 1}), "fields.k"),
            (event(fields={"bad key": "v"}), "fields.bad key"),
            (event(fields={"k" * 65: "v"}), None),
            (event(fields={"k": "v" * 1025}), "fields.k"),
            (event(fields={f"k{i}": "v" for i in range(21)}), "fields"),
            (event(fields=["a"]), "fields"),
            (event(user="someone"), "user"),
        ]
        batch = [c[0] for c in cases] + ["not an object"]
        response = self.send(batch)
        error = self.assert_error(response, 422, "validation_failed")
        rejected = {r["index"]: r["errors"] for r in error["details"]["rejected"]}
        self.assertEqual(error["details"]["accepted"], 0)
        self.assertEqual(sorted(rejected), list(range(len(batch))))
        for index, (_, field) in enumerate(cases):
            with self.subTest(index=index, field=field):
                if field is not None:
                    self.assertIn(field, [e["field"] for e in rejected[index]], rejected[index])
        self.assertEqual(rejected[len(cases)][0]["field"], "event")

    def test_accepted_timestamp_forms(self):
        events = [event(timestamp=t) for t in
                  ["2026-11-24T23:20:15Z", "2026-11-24t23:20:15.123456z",
                   "2024-02-29T00:00:00+01:00", "2026-12-31T23:59:60-05:30"]]
        response = self.send(events)
        self.assertEqual(response.status, 202, response)

    def test_batch_shape_and_size_limits(self):
        self.assert_validation_error(self.send({"level": "info"}), "body")
        too_many = self.send([event() for _ in range(101)])
        self.assert_validation_error(too_many, "body")
        big = [event(message="m" * 4000) for _ in range(17)]  # > 64 KiB, < 100 events
        self.assertGreater(len(json.dumps(big)), 64 * 1024)
        self.assert_error(self.send(big), 413, "payload_too_large")
        with self.assertRaises(TimeoutError):
            self.client_line(big[0]["message"], timeout=0.5)

    def test_media_type_and_syntax(self):
        self.assert_error(self.service.request("POST", PATH, body=b"[]",
                                               headers={"Content-Type": "text/plain"}),
                          415, "unsupported_media_type")
        self.assert_error(self.service.request("POST", PATH, body=b"[{",
                                               headers={"Content-Type": "application/json"}),
                          400, "malformed_json")


class RateLimitTest(ServiceTestCase):
    service_env = {"BOARD_CLIENT_LOG_RATE": "3/60s"}

    def test_over_the_limit_is_429_with_retry_after(self):
        for _ in range(3):
            response = self.service.request("POST", PATH, json=[event()])
            self.assertEqual(response.status, 202, response)
        refused_event = event()
        response = self.service.request("POST", PATH, json=[refused_event])
        self.assert_error(response, 429, "rate_limited")
        retry_after = int(response.headers["retry-after"])
        self.assertGreaterEqual(retry_after, 1)
        self.assertLessEqual(retry_after, 60)
        with self.assertRaises(TimeoutError):
            self.service.wait_for_log(
                lambda l: l.get("client_message") == refused_event["message"], timeout=0.5)
        # Only this endpoint is limited.
        self.assertEqual(self.service.request("GET", "/health").status, 200)


if __name__ == "__main__":
    unittest.main()
