"""The OTLP exporter against an independent receiver that decodes with OpenTelemetry's
own npm schema: every protocol delivers the same spans, gzip works, retries deliver each
span exactly once, an outage is logged once, oversized batches are split, and https://
endpoints verify the receiver's certificate.

Needs RB_OTLP_PROBE (the otlp_export_probe binary) and RB_RECEIVER_DIR (with npm ci done).
"""

import tempfile
import unittest

from harness import scratch_dir
from otlp_receiver import OtlpReceiver, Probe, make_test_certificate, run_probe_once

PROTOCOLS = ("grpc", "http/protobuf", "http/json")
FOUR_MIB = 4 * 1024 * 1024


def probe_env(receiver, protocol, **extra):
    env = {"OTEL_EXPORTER_OTLP_PROTOCOL": protocol,
           "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint(protocol)}
    env.update(extra)
    return env


def comparable(span):
    """A span record without what legitimately differs between transports."""
    return {k: v for k, v in span.items() if k not in ("transport", "compressed")}


class ReceiverTestCase(unittest.TestCase):
    receiver_args = ()

    def setUp(self):
        self.receiver = OtlpReceiver(*self.receiver_args).start()
        self.probes = []

    def tearDown(self):
        for probe in self.probes:
            probe.close()
        self.receiver.stop()

    def probe(self, protocol, **extra):
        probe = Probe(probe_env(self.receiver, protocol, **extra))
        self.probes.append(probe)
        return probe

    def export(self, protocol, command, **extra):
        result = self.probe(protocol, **extra).command(command)
        return result


class SameSpansOverEveryProtocol(ReceiverTestCase):
    def test_fixed_spans_arrive_identically_with_every_field(self):
        for protocol in PROTOCOLS:
            result = self.export(protocol, "fixed",
                                 OTEL_EXPORTER_OTLP_HEADERS="x-tenant=team%20a,x-api-key=k1")
            self.assertEqual(result["code"], "success", f"{protocol}: {result}")
        spans = self.receiver.spans()
        by_transport = {p: [comparable(s) for s in spans if s["transport"] == p]
                        for p in PROTOCOLS}
        for protocol in PROTOCOLS:
            self.assertEqual(len(by_transport[protocol]), 5, protocol)
            self.assertEqual(by_transport[protocol], by_transport["grpc"], protocol)

        server = next(s for s in by_transport["grpc"] if s["kind"] == 2)
        self.assertEqual(server["name"], "GET /boards/{board_id}")
        self.assertEqual(server["traceId"], "1112131415161718191a1b1c1d1e1f20")
        self.assertEqual(server["spanId"], "eeeeeeee00000001")
        self.assertEqual(server["parentSpanId"], "eeeeeeee00abcdef")
        self.assertEqual(server["traceState"], "vendor=abc,rb=1")
        self.assertEqual(server["flags"], 0x301)  # sampled, parent known to be remote
        self.assertEqual(server["startTimeUnixNano"], "1700000000000001000")
        self.assertEqual(server["endTimeUnixNano"], "1700000000123457789")
        attrs = server["attributes"]
        self.assertEqual(attrs["http.request.method"], {"type": "string", "value": "GET"})
        self.assertEqual(attrs["http.response.status_code"], {"type": "int", "value": "200"})
        self.assertEqual(attrs["big.int"], {"type": "int", "value": "9007199254740993"})
        self.assertEqual(attrs["negative.int"], {"type": "int", "value": "-42"})
        self.assertEqual(attrs["ratio"], {"type": "double", "value": 0.25})
        self.assertEqual(attrs["cache.hit"], {"type": "bool", "value": False})
        self.assertEqual(attrs["unicode"]["value"], 'caf\u00e9 \u2713 "quoted"\n')
        self.assertEqual(attrs["tags"], {"type": "array", "value": [
            {"type": "string", "value": "a"}, {"type": "string", "value": "b"}]})
        self.assertEqual([v["value"] for v in attrs["ints"]["value"]], ["1", "-2", "3"])
        self.assertEqual([v["type"] for v in attrs["doubles"]["value"]], ["double", "double"])
        self.assertEqual([v["value"] for v in attrs["bools"]["value"]], [True, False])
        self.assertEqual(server["droppedAttributesCount"], 3)
        self.assertEqual(server["droppedEventsCount"], 4)
        self.assertEqual(server["droppedLinksCount"], 5)
        self.assertEqual([e["name"] for e in server["events"]], ["board.loaded", "exception"])
        self.assertEqual(server["events"][0]["attributes"]["elements"],
                         {"type": "int", "value": "17"})
        self.assertEqual(server["events"][1]["timeUnixNano"], "1700000000000003000")
        self.assertEqual(server["events"][1]["droppedAttributesCount"], 1)
        link = server["links"][0]
        self.assertEqual(link["traceId"], "9192939495969798999a9b9c9d9e9fa0")
        self.assertEqual(link["spanId"], "eeeeeeee00123456")
        self.assertEqual(link["traceState"], "k=v")
        self.assertEqual(link["flags"], 0x301)
        self.assertEqual(link["attributes"]["link.reason"]["value"], "websocket upgrade")
        self.assertEqual(server["status"], {"code": 2, "message": "database unavailable"})
        self.assertEqual(server["resource"]["service.name"],
                         {"type": "string", "value": "otlp-export-probe"})
        self.assertEqual(server["resource"]["probe.version"], {"type": "int", "value": "3"})
        self.assertEqual(server["scope"]["name"], "realtime-board-telemetry")

        kinds = sorted(s["kind"] for s in by_transport["grpc"])
        self.assertEqual(kinds, [1, 2, 3, 4, 5])
        children = [s for s in by_transport["grpc"] if s["kind"] != 2]
        self.assertTrue(all(c["parentSpanId"] == "eeeeeeee00000001" for c in children))
        self.assertTrue(all(c["flags"] == 0x101 for c in children))  # local parent
        client = next(s for s in children if s["kind"] == 3)
        self.assertEqual(client["status"], {"code": 1, "message": ""})

        for request in self.receiver.requests():
            self.assertEqual(request["problems"], [], request)
            self.assertTrue(request["headers"]["user-agent"].startswith("realtime-board-otlp/"))
            self.assertEqual(request["headers"]["x-tenant"], "team a")
            self.assertEqual(request["headers"]["x-api-key"], "k1")

    def test_gzip_on_every_protocol(self):
        for protocol in PROTOCOLS:
            result = self.export(protocol, "fixed", OTEL_EXPORTER_OTLP_COMPRESSION="gzip")
            self.assertEqual(result["code"], "success", f"{protocol}: {result}")
        requests = self.receiver.requests()
        self.assertEqual(sorted(r["transport"] for r in requests), sorted(PROTOCOLS))
        for request in requests:
            self.assertTrue(request["compressed"], request)
            self.assertLess(request["bytes"], request["decodedBytes"], request)
        spans = self.receiver.spans()
        self.assertEqual(len(spans), 15)
        grpc_spans = [comparable(s) for s in spans if s["transport"] == "grpc"]
        for protocol in PROTOCOLS[1:]:
            self.assertEqual([comparable(s) for s in spans if s["transport"] == protocol],
                             grpc_spans)

    def test_per_signal_endpoint_is_used_verbatim(self):
        url = f"http://127.0.0.1:{self.receiver.http_port}/v1/traces"
        probe = Probe({"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
                       "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9/ignored",
                       "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": url})
        self.probes.append(probe)
        self.assertEqual(probe.command("describe")["describe"], f"otlp http/json {url}")
        self.assertEqual(probe.command("batch 3 verbatim")["code"], "success")
        self.assertEqual(len(self.receiver.spans()), 3)


class LargeBatchesAreSplit(ReceiverTestCase):
    def test_six_mib_of_spans_go_out_as_requests_under_four_mib(self):
        for protocol in ("grpc", "http/json"):
            result = self.export(protocol, "large")
            self.assertEqual(result["code"], "success", f"{protocol}: {result}")
            self.assertEqual(result["rejected"], 0)
            requests = [r for r in self.receiver.requests() if r["transport"] == protocol]
            self.assertGreaterEqual(len(requests), 2, protocol)
            for request in requests:
                self.assertEqual(request["answer"], "ok", request)
                self.assertLessEqual(request["decodedBytes"], FOUR_MIB, request)
            names = sorted(s["name"] for s in self.receiver.spans() if s["transport"] == protocol)
            self.assertEqual(names, sorted(f"large-{i}" for i in range(24)))


class RetriesDeliverExactlyOnce(ReceiverTestCase):
    # The first two requests fail (UNAVAILABLE + RetryInfo 1s / HTTP 503 + Retry-After: 1).
    receiver_args = ("--fail-first", "2")

    def check(self, protocol):
        result = self.export(protocol, "batch 50 retried 20000")
        self.assertEqual(result["code"], "success", result)
        self.assertGreaterEqual(result["ms"], 1900)  # it waited as the receiver asked, twice
        names = [s["name"] for s in self.receiver.spans()]
        self.assertEqual(sorted(names), sorted(f"retried-{i}" for i in range(50)))
        answers = [r["answer"] for r in self.receiver.requests()]
        self.assertEqual(answers, ["failed", "failed", "ok"])

    def test_grpc(self):
        self.check("grpc")

    def test_http_protobuf(self):
        self.check("http/protobuf")

    def test_http_json(self):
        self.check("http/json")


class ExportOverTls(ReceiverTestCase):
    """https:// endpoints: the exporter checks the receiver's certificate against
    OTEL_EXPORTER_OTLP_CERTIFICATE (and its name against the endpoint's host), over gRPC
    and both HTTP encodings."""

    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="otlp-tls-", dir=scratch_dir())
        cls.cert, cls.key = make_test_certificate(cls.folder)

    def setUp(self):
        self.receiver_args = ("--tls-cert", self.cert, "--tls-key", self.key)
        super().setUp()

    def test_spans_arrive_when_the_receiver_certificate_is_trusted(self):
        for protocol in PROTOCOLS:
            self.assertTrue(self.receiver.endpoint(protocol).startswith("https://"))
            tag = protocol.replace("/", "-")
            result = self.export(protocol, f"batch 3 {tag} 10000",
                                 OTEL_EXPORTER_OTLP_CERTIFICATE=self.cert)
            self.assertEqual(result["code"], "success", (protocol, result))
        by_transport = {}
        for span in self.receiver.spans():
            by_transport.setdefault(span["transport"], []).append(span["name"])
        for protocol in PROTOCOLS:
            tag = protocol.replace("/", "-")
            self.assertEqual(sorted(by_transport.get(protocol, [])),
                             [f"{tag}-{i}" for i in range(3)], protocol)

    def test_an_untrusted_certificate_is_refused_and_nothing_is_sent(self):
        # Without OTEL_EXPORTER_OTLP_CERTIFICATE only the system's CAs are trusted: a
        # self-signed receiver must be refused, promptly, as a failed export.
        for protocol in ("grpc", "http/protobuf"):
            result = self.export(protocol, "batch 2 untrusted 3000")
            self.assertEqual(result["code"], "failure", (protocol, result))
            self.assertLess(result["ms"], 5000)
        self.assertEqual(self.receiver.spans(), [])

    def test_a_trusted_certificate_for_another_name_is_refused(self):
        # Trusted, but issued for another host than the endpoint's 127.0.0.1.
        cert, key = make_test_certificate(self.folder, "DNS:collector.example")
        self.receiver.stop()
        self.receiver = OtlpReceiver("--tls-cert", cert, "--tls-key", key).start()
        for protocol in ("grpc", "http/protobuf"):
            result = self.export(protocol, "batch 2 misnamed 3000",
                                 OTEL_EXPORTER_OTLP_CERTIFICATE=cert)
            self.assertEqual(result["code"], "failure", (protocol, result))
        self.assertEqual(self.receiver.spans(), [])


class FailureHandling(ReceiverTestCase):
    def test_an_outage_is_one_warning_and_one_recovery_line(self):
        for protocol in ("grpc", "http/protobuf"):
            probe = self.probe(protocol)
            self.receiver.control(fail=True, fail_code="unavailable", retry_after_s=1)
            for i in range(4):
                # Retry-After 1 s does not fit a 300 ms deadline: each batch fails at once.
                result = probe.command(f"batch 5 down{i} 300")
                self.assertEqual(result["code"], "failure", result)
                self.assertIn("not exported", result["message"])
            self.receiver.control(fail=False)
            self.assertEqual(probe.command("batch 5 up 5000")["code"], "success")
            self.assertEqual(probe.command("batch 5 up2 5000")["code"], "success")
            lines = probe.log_lines()
            warnings = [line for line in lines if line["level"] == "warn"]
            infos = [line for line in lines if line["level"] == "info"]
            self.assertEqual(len(warnings), 1, lines)
            self.assertIn("failing", warnings[0]["message"])
            self.assertIn(self.receiver.endpoint(protocol), warnings[0]["endpoint"])
            self.assertEqual(len(infos), 1, lines)
            self.assertEqual(infos[0]["message"], "trace export recovered")
            self.assertEqual(infos[0]["failed_requests"], 4)

    def test_resource_exhausted_without_retry_info_is_not_retried(self):
        self.receiver.control(fail=True, fail_code="resource_exhausted", retry_after_s=0)
        result = self.export("grpc", "batch 3 exhausted 10000")
        self.assertEqual(result["code"], "failure")
        self.assertIn("RESOURCE_EXHAUSTED", result["message"])
        self.assertEqual(len(self.receiver.requests()), 1)

    def test_http_400_is_not_retried(self):
        self.receiver.control(fail=True, fail_code="invalid_argument")
        result = self.export("http/protobuf", "batch 3 refused 10000")
        self.assertEqual(result["code"], "failure")
        self.assertIn("HTTP 400", result["message"])
        self.assertEqual(len(self.receiver.requests()), 1)

    def test_partial_success_is_reported(self):
        self.receiver.control(reject_spans=2)
        for protocol in PROTOCOLS:
            probe = self.probe(protocol)
            result = probe.command("batch 4 partial 10000")
            self.assertEqual(result["code"], "success", result)
            self.assertEqual(result["rejected"], 2, protocol)
            self.assertEqual(result["message"], "receiver told to reject spans")
            warnings = [line for line in probe.log_lines() if line["level"] == "warn"]
            self.assertEqual(warnings[0]["rejected_spans"], 2, protocol)

    def test_collector_down_at_start_is_not_an_error(self):
        probe = Probe({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9"})
        self.probes.append(probe)
        self.assertEqual(probe.command("describe")["describe"], "otlp grpc http://127.0.0.1:9")
        result = probe.command("batch 2 nowhere 1000")
        self.assertEqual(result["code"], "failure")
        self.assertLess(result["ms"], 2000)  # bounded by the deadline

    def test_bad_configuration_exits_2_naming_the_variable(self):
        code, stderr = run_probe_once({"OTEL_EXPORTER_OTLP_PROTOCOL": "thrift",
                                       "OTEL_EXPORTER_OTLP_TIMEOUT": "soon"})
        self.assertEqual(code, 2)
        self.assertIn("OTEL_EXPORTER_OTLP_PROTOCOL", stderr)
        self.assertIn("OTEL_EXPORTER_OTLP_TIMEOUT", stderr)


if __name__ == "__main__":
    unittest.main()
