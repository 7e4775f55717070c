"""A WebSocket message is followed in one trace, through the independent OTLP
receiver: the message's span continues the client's traceparent and links to the
upgrade span; the storage spans nest under it, and the broadcast (PRODUCER) span
under that, named by the traceparent the other clients receive."""

import os

from otlp_receiver import (SPAN_KIND_SERVER, ReceiverServiceTestCase, attribute,
                           new_traceparent, reaches)
from ws_clients import PUPPET_DIR, WsClients

SPAN_KIND_PRODUCER = 4


class RealtimeTracing(ReceiverServiceTestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.isdir(os.path.join(PUPPET_DIR, "node_modules")):
            raise RuntimeError(f"{PUPPET_DIR}/node_modules is missing: run `npm ci` there")
        super().setUpClass()

    def setUp(self):
        self.ws = WsClients(self.service.port)

    def tearDown(self):
        self.ws.close()
        super().tearDown()

    def test_a_message_is_one_span_in_the_senders_trace_with_storage_and_broadcast_under_it(self):
        s = self.service
        owner, token = s.new_user("owner")
        other, other_token = s.new_user("editor")
        board = s.create_board(token, "Traced")
        s.add_member(token, board["id"], other["username"], "editor")
        self.assertTrue(self.ws.open("a", board["id"], token)["ok"])
        self.assertTrue(self.ws.open("b", board["id"], other_token)["ok"])
        self.ws.wait_type("a", "snapshot")
        self.ws.wait_type("b", "snapshot")

        traceparent, trace_id, parent_id = new_traceparent()
        self.ws.send("a", type="element.create", id="t1", traceparent=traceparent,
                     element={"kind": "rectangle", "x": 1, "y": 2, "width": 3, "height": 4})
        event = self.ws.wait_type("b", "element.created")[0]

        message = self.receiver.wait_for_span(
            lambda sp: sp["traceId"] == trace_id and sp["name"] == "WS element.create")
        self.assertEqual(message["kind"], SPAN_KIND_SERVER)
        self.assertEqual(message["parentSpanId"], parent_id)
        self.assertEqual(attribute(message, "board.id"), board["id"])
        self.assertEqual(attribute(message, "websocket.message.type"), "element.create")
        self.assertGreater(attribute(message, "websocket.message.size"), 0)

        # Linked to the upgrade request's SERVER span, which is in another trace.
        upgrade = self.receiver.wait_for_span(
            lambda sp: sp["name"] == "GET /ws/boards/{id}" and sp["kind"] == SPAN_KIND_SERVER
            and any(l["spanId"] == sp["spanId"] for l in message["links"]))
        self.assertNotEqual(upgrade["traceId"], trace_id)
        self.assertEqual(attribute(upgrade, "http.response.status_code"), 101)

        spans = self.receiver.wait_for_spans(lambda sp: sp["traceId"] == trace_id, count=4)
        storage = [sp for sp in spans if attribute(sp, "db.system.name") == "sqlite"]
        self.assertTrue(any(sp["name"].startswith("INSERT") for sp in storage),
                        [sp["name"] for sp in storage])
        for sp in storage:
            self.assertTrue(reaches(sp, message["spanId"], spans), sp["name"])

        publish = self.receiver.wait_for_span(
            lambda sp: sp["traceId"] == trace_id and sp["kind"] == SPAN_KIND_PRODUCER)
        self.assertEqual(publish["name"], "publish board")
        self.assertTrue(reaches(publish, message["spanId"], spans))
        self.assertEqual(attribute(publish, "messaging.batch.message_count"), 2)
        # What the other client received names the broadcast span: it can continue it.
        self.assertEqual(event["traceparent"].split("-")[1:3], [trace_id, publish["spanId"]])
