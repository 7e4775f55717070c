"""Another SDK's trace continues into ours.

A client traced with the OpenTelemetry JS SDK (tests/integration/js_client, installed
by `npm ci`) calls the service with the traceparent its own propagator injected and
exports its CLIENT span to the same independent receiver as the service. The receiver
must then hold one trace in which the JS client span is the parent of the service's
SERVER span.
"""

import json
import os
import subprocess
import unittest

from otlp_receiver import (SPAN_KIND_CLIENT, SPAN_KIND_SERVER, ReceiverServiceTestCase,
                           attribute, node_binary, resource_attribute)

JS_CLIENT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "js_client")
JS_TIMEOUT = 60.0


class JsClientTraceTest(ReceiverServiceTestCase):

    @classmethod
    def setUpClass(cls):
        if not os.path.isdir(os.path.join(JS_CLIENT_DIR, "node_modules")):
            raise RuntimeError(f"{JS_CLIENT_DIR}/node_modules is missing: run `npm ci` there")
        super().setUpClass()

    def run_js_client(self, path, token):
        completed = subprocess.run(
            [node_binary(), "traced_get.mjs",
             "--url", f"http://127.0.0.1:{self.service.port}{path}",
             "--otlp", self.receiver.traces_url(),
             "--header", f"authorization: Bearer {token}"],
            cwd=JS_CLIENT_DIR, capture_output=True, timeout=JS_TIMEOUT)
        self.assertEqual(completed.returncode, 0,
                         completed.stderr.decode("utf-8", "replace")[-2000:])
        return json.loads(completed.stdout.decode().strip().splitlines()[-1])

    def test_js_client_span_is_the_parent_of_the_server_span(self):
        _, token = self.service.new_user("jsclient")
        board = self.service.create_board(token, name="From JS")
        path = f"/api/boards/{board['id']}"
        result = self.run_js_client(path, token)
        self.assertEqual(result["status"], 200, result)
        trace_id, client_span_id = result["traceId"], result["spanId"]
        # The JS SDK's propagator wrote the header the service received.
        self.assertEqual(result["sentTraceparent"], f"00-{trace_id}-{client_span_id}-01")

        client = self.receiver.wait_for_span(
            lambda s: s["spanId"] == client_span_id and s["traceId"] == trace_id)
        server = self.receiver.server_span(trace_id)

        self.assertEqual(client["kind"], SPAN_KIND_CLIENT)
        self.assertEqual(resource_attribute(client, "service.name"), "rb-js-test-client")
        self.assertEqual(client["parentSpanId"], "")
        self.assertEqual(server["kind"], SPAN_KIND_SERVER)
        self.assertEqual(resource_attribute(server, "service.name"), "realtime-board-api")
        self.assertEqual(server["traceId"], trace_id)
        self.assertEqual(server["parentSpanId"], client_span_id)
        self.assertEqual(attribute(server, "url.path"), path)
        # The server's span sits inside the client's in time (same host clock).
        self.assertGreaterEqual(int(server["startTimeUnixNano"]),
                                int(client["startTimeUnixNano"]))
        self.assertLessEqual(int(server["endTimeUnixNano"]), int(client["endTimeUnixNano"]))
        # And the response told the JS client which span served it.
        self.assertEqual(result["responseTraceparent"], f"00-{trace_id}-{server['spanId']}-01")
        # One trace: every span of it is either the client's or descends from the server's.
        in_trace = self.receiver.trace(trace_id)
        servers = [s for s in in_trace if s["kind"] == SPAN_KIND_SERVER]
        self.assertEqual(len(servers), 1, servers)
        self.assertEqual({s["transport"] for s in in_trace if s["spanId"] == client_span_id},
                         {"http/protobuf"})


if __name__ == "__main__":
    unittest.main()
