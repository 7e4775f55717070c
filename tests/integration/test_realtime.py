"""Real-time collaboration over WebSocket, with real clients against the real binary:
order, catch-up, idempotent retries, refusals, limits and shutdown."""

import time
import unittest

from harness import Service, ServiceTestCase
from ws_clients import WsClients


def note(text, **fields):
    element = {"kind": "sticky_note", "x": 10, "y": 20, "width": 100, "height": 80, "text": text}
    element.update(fields)
    return element


def board_events(messages):
    return [m for m in messages if "seq" in m and m.get("type", "").split(".")[0] in
            ("element", "member", "board")]


class RealtimeTestCase(ServiceTestCase):
    def setUp(self):
        self.ws = WsClients(self.service.port)

    def tearDown(self):
        self.ws.close()
        super().tearDown()

    def fresh_board(self):
        """A new board owned by a new user, with an editor and a viewer."""
        s = self.service
        owner, owner_token = s.new_user("owner")
        editor, editor_token = s.new_user("editor")
        viewer, viewer_token = s.new_user("viewer")
        board = s.create_board(owner_token, "Live")
        s.add_member(owner_token, board["id"], editor["username"], "editor")
        s.add_member(owner_token, board["id"], viewer["username"], "viewer")
        return board, {"owner": owner_token, "editor": editor_token, "viewer": viewer_token,
                       "editor_user": editor, "viewer_user": viewer}

    def join(self, name, board_id, token, query=""):
        answer = self.ws.open(name, board_id, token, query=query)
        self.assertTrue(answer["ok"], answer)
        return answer


class Collaboration(RealtimeTestCase):
    def test_two_clients_see_create_update_delete_in_the_same_seq_order(self):
        board, tokens = self.fresh_board()
        self.join("a", board["id"], tokens["owner"])
        self.join("b", board["id"], tokens["editor"])
        for name in ("a", "b"):
            snapshot = self.ws.wait_type(name, "snapshot")[0]
            self.assertEqual(snapshot["seq"], 2)  # two members were added
            self.assertEqual(snapshot["elements"], [])

        self.ws.send("a", type="element.create", id="c1", element=note("from a"))
        ack = self.ws.wait_for("a", lambda m: m.get("type") == "ack" and m.get("id") == "c1")[0]
        element = ack["element"]
        self.assertEqual(ack["seq"], 3)
        self.ws.send("b", type="element.update", id="u1", element_id=element["id"],
                     patch={"version": 1, "text": "edited by b"})
        self.ws.wait_for("b", lambda m: m.get("type") == "ack" and m.get("id") == "u1")
        self.ws.send("a", type="element.delete", id="d1", element_id=element["id"])
        self.ws.wait_for("a", lambda m: m.get("type") == "ack" and m.get("id") == "d1")

        seen = {}
        for name in ("a", "b"):
            self.ws.wait_type(name, "element.deleted")
            seen[name] = [(m["seq"], m["type"]) for m in board_events(self.ws.messages(name))]
        self.assertEqual(seen["a"], [(3, "element.created"), (4, "element.updated"),
                                     (5, "element.deleted")])
        self.assertEqual(seen["a"], seen["b"])
        updated = self.ws.messages("a", "element.updated")[0]
        self.assertEqual(updated["element"]["text"], "edited by b")
        self.assertEqual(updated["element"]["version"], 2)
        self.assertRegex(updated["traceparent"], r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")

    def test_a_rest_edit_reaches_the_sockets(self):
        board, tokens = self.fresh_board()
        self.join("a", board["id"], tokens["viewer"])
        self.ws.wait_type("a", "snapshot")
        created = self.service.create_element(tokens["editor"], board["id"], text="via REST")
        event = self.ws.wait_type("a", "element.created")[0]
        self.assertEqual(event["element"], created)  # as REST returns it
        self.assertEqual(event["seq"], 3)

    def test_a_viewers_edit_is_refused_with_the_rest_error_and_their_cursor_moves(self):
        board, tokens = self.fresh_board()
        self.join("viewer", board["id"], tokens["viewer"])
        self.join("editor", board["id"], tokens["editor"])
        self.ws.send("viewer", type="element.create", id=7, element=note("no"))
        error = self.ws.wait_type("viewer", "error")[0]
        self.assertEqual(error["id"], 7)
        self.assertEqual(error["error"]["code"], "forbidden")
        self.assertEqual(error["error"]["status"], 403)
        self.assertTrue(error["error"]["request_id"])
        self.assertEqual(self.service.request("GET", f"/api/boards/{board['id']}/elements",
                                              token=tokens["owner"]).json()["elements"], [])
        self.ws.send("viewer", type="cursor.move", x=5, y=6)
        moved = self.ws.wait_type("editor", "cursor.moved")[0]
        self.assertEqual((moved["x"], moved["y"]), (5, 6))
        self.assertEqual(moved["username"], tokens["viewer_user"]["username"])

    def test_a_client_that_asks_for_batches_gets_every_cursor_move_in_order(self):
        board, tokens = self.fresh_board()
        self.assertEqual(
            self.ws.open("bad", board["id"], tokens["owner"], query="cursors=many")["status"], 400)
        self.join("reader", board["id"], tokens["owner"], query="cursors=batched")
        self.join("plain", board["id"], tokens["viewer"])
        self.join("mover", board["id"], tokens["editor"])
        self.ws.wait_type("reader", "snapshot")
        self.ws.send_many([("mover", {"type": "cursor.move", "x": i, "y": 0}) for i in range(20)]
                          + [("mover", {"type": "ping", "id": "done"})])
        self.ws.wait_type("mover", "pong")

        def moves(name):
            def unpacked():
                out = []
                for m in self.ws.messages(name):
                    if m.get("type") == "cursor.moved":
                        out.append(m)
                    elif m.get("type") == "cursor.moved.batch":
                        self.assertGreater(len(m["moves"]), 1)  # a lone move is not wrapped
                        out.extend(m["moves"])
                return out
            deadline = time.monotonic() + 5
            while not any(m["x"] == 19 for m in unpacked()) and time.monotonic() < deadline:
                time.sleep(0.05)
            return unpacked()

        # Moves queued behind each other may be coalesced per sender (only the latest
        # position matters), never reordered; the last one always arrives.
        for name in ("reader", "plain"):
            xs = [m["x"] for m in moves(name) if m["user_id"] == tokens["editor_user"]["id"]]
            self.assertEqual(xs, sorted(xs))
            self.assertEqual(xs[-1], 19)
        self.assertFalse(any(m.get("type") == "cursor.moved.batch"
                             for m in self.ws.messages("plain")))

    def test_invalid_messages_answer_error_and_the_connection_stays(self):
        board, tokens = self.fresh_board()
        self.join("a", board["id"], tokens["editor"])
        self.ws.command(op="send_raw", name="a", text="{not json")
        self.ws.send("a", type="teleport", id="t")
        self.ws.send("a", type="element.create", id="bad", element={"kind": "hexagon"})
        errors = self.ws.wait_type("a", "error", count=3)
        self.assertEqual([e["error"]["code"] for e in errors],
                         ["bad_request", "bad_request", "validation_failed"])
        self.ws.send("a", type="ping", id="p")
        self.assertEqual(self.ws.wait_type("a", "pong")[0]["id"], "p")
        self.assertFalse(self.ws.state("a")["closed"])

    def test_presence_joins_and_leaves(self):
        board, tokens = self.fresh_board()
        self.join("a", board["id"], tokens["owner"])
        self.ws.wait_type("a", "snapshot")
        self.join("b", board["id"], tokens["editor"])
        snapshot = self.ws.wait_type("b", "snapshot")[0]
        self.assertEqual(len(snapshot["present"]), 2)
        joined = self.ws.wait_type("a", "presence.joined")[0]
        self.assertEqual(joined["username"], tokens["editor_user"]["username"])
        self.ws.command(op="close", name="b")
        left = self.ws.wait_type("a", "presence.left")[0]
        self.assertEqual(left["connection_id"], joined["connection_id"])
        closed = self.service.wait_for_log(
            lambda l: l.get("message") == "websocket closed"
            and l.get("connection_id") == joined["connection_id"])
        self.assertEqual(closed["user_id"], tokens["editor_user"]["id"])
        self.assertEqual(closed["board_id"], board["id"])
        self.assertEqual(closed["close_code"], 1000)
        self.assertGreaterEqual(closed["messages_out"], 1)  # the snapshot at least
        self.assertIn("duration_ms", closed)
        self.assertTrue(closed["trace_id"])


class Refusals(RealtimeTestCase):
    def test_bad_token_is_401_and_a_non_member_404_before_any_upgrade(self):
        board, tokens = self.fresh_board()
        answer = self.ws.open("x", board["id"], "not-a-token")
        self.assertEqual((answer["ok"], answer["status"]), (False, 401))
        answer = self.ws.open("y", board["id"], None)
        self.assertEqual((answer["ok"], answer["status"]), (False, 401))
        _, stranger = self.service.new_user("stranger")
        answer = self.ws.open("z", board["id"], stranger)
        self.assertEqual((answer["ok"], answer["status"]), (False, 404))

    def test_browser_token_in_the_query_is_accepted_and_never_logged(self):
        board, tokens = self.fresh_board()
        answer = self.ws.open("q", board["id"], query=f"access_token={tokens['viewer']}")
        self.assertTrue(answer["ok"], answer)
        self.ws.wait_type("q", "snapshot")
        answer = self.ws.open("p", board["id"], protocols=["realtime-board",
                                                          f"access_token.{tokens['viewer']}"])
        self.assertTrue(answer["ok"], answer)
        self.assertEqual(answer["protocol"], "realtime-board")
        self.assertNotIn(tokens["viewer"], self.service.all_output())

    def test_the_upgrade_is_answered_101_with_the_request_id_and_logged_as_a_request(self):
        board, tokens = self.fresh_board()
        answer = self.join("a", board["id"], tokens["viewer"])
        request_id = answer["headers"]["x-request-id"]
        self.assertTrue(request_id)
        self.assertRegex(answer["headers"]["traceparent"], r"^00-[0-9a-f]{32}-")
        line = self.service.wait_for_log(
            lambda l: l.get("message") == "request completed" and l.get("request_id") == request_id)
        self.assertEqual(line["status"], 101)
        self.assertEqual(line["user_id"], tokens["viewer_user"]["id"])
        opened = self.service.wait_for_log(lambda l: l.get("message") == "websocket opened"
                                           and l.get("request_id") == request_id)
        self.assertEqual(opened["board_id"], board["id"])

    def test_oversize_frame_closes_with_1009(self):
        board, tokens = self.fresh_board()
        self.join("big", board["id"], tokens["editor"])
        self.ws.command(op="send_big", name="big", bytes=70 * 1024)
        self.assertEqual(self.ws.wait_closed("big")["code"], 1009)

    def test_a_member_removed_mid_session_is_disconnected(self):
        board, tokens = self.fresh_board()
        self.join("v", board["id"], tokens["viewer"])
        self.ws.wait_type("v", "snapshot")
        response = self.service.request(
            "DELETE", f"/api/boards/{board['id']}/members/{tokens['viewer_user']['id']}",
            token=tokens["owner"])
        self.assertEqual(response.status, 204)
        started = time.monotonic()
        state = self.ws.wait_closed("v", timeout=2)
        self.assertLess(time.monotonic() - started, 1.5)
        self.assertEqual(state["code"], 4403)

    def test_a_member_demoted_mid_session_has_their_next_edit_refused(self):
        board, tokens = self.fresh_board()
        self.join("e", board["id"], tokens["editor"])
        self.join("o", board["id"], tokens["owner"])
        self.ws.wait_type("e", "snapshot")
        self.ws.send("e", type="element.create", id="before", element=note("allowed"))
        self.assertIn("seq", self.ws.wait_type("e", "ack")[0])
        editor_id = tokens["editor_user"]["id"]
        response = self.service.request(
            "PATCH", f"/api/boards/{board['id']}/members/{editor_id}",
            json={"role": "viewer"}, token=tokens["owner"])
        self.assertEqual(response.status, 200)
        self.assertEqual(response.json()["role"], "viewer")
        started = time.monotonic()
        for name in ("e", "o"):
            event = self.ws.wait_type(name, "member.updated", timeout=1)[0]
            self.assertEqual(event["member"], response.json())  # as REST returns it
            self.assertEqual(event["seq"], 4)  # two members added, one element created
        self.ws.send("e", type="element.create", id="after", element=note("refused"))
        error = self.ws.wait_for("e", lambda m: m.get("id") == "after")[0]
        self.assertLess(time.monotonic() - started, 1)
        self.assertEqual(error["type"], "error")
        self.assertEqual((error["error"]["status"], error["error"]["code"]), (403, "forbidden"))
        # Still connected, as a viewer: cursor moves still reach the others.
        self.ws.send("e", type="cursor.move", x=1, y=2)
        self.assertEqual(self.ws.wait_type("o", "cursor.moved")[0]["user_id"], editor_id)
        elements = self.service.request("GET", f"/api/boards/{board['id']}/elements",
                                        token=tokens["owner"]).json()["elements"]
        self.assertEqual([e["text"] for e in elements], ["allowed"])


class CatchUp(RealtimeTestCase):
    def test_reconnect_with_since_gets_exactly_the_missed_events(self):
        board, tokens = self.fresh_board()
        self.join("a", board["id"], tokens["editor"])
        self.ws.send("a", type="element.create", id="n1", element=note("one"))
        first = self.ws.wait_type("a", "element.created")[0]
        self.ws.command(op="close", name="a")
        self.ws.wait_closed("a")
        # Missed while away: a REST create and a REST update.
        second = self.service.create_element(tokens["owner"], board["id"], text="two")
        self.service.request("PATCH", f"/api/boards/{board['id']}/elements/{second['id']}",
                             json={"version": 1, "text": "two!"}, token=tokens["owner"])
        self.join("a2", board["id"], tokens["editor"], query=f"since={first['seq']}")
        catch_up = self.ws.wait_type("a2", "catch_up")[0]
        self.assertEqual(catch_up["events"], 2)
        events = self.ws.wait_for("a2", lambda m: "seq" in m and m["type"] != "catch_up", count=2)
        self.assertEqual([(e["seq"], e["type"]) for e in events],
                         [(first["seq"] + 1, "element.created"), (first["seq"] + 2, "element.updated")])
        # Then live, with no gap and no duplicate.
        self.service.create_element(tokens["owner"], board["id"], text="three")
        live = self.ws.wait_for("a2", lambda m: m.get("seq") == first["seq"] + 3)
        self.assertEqual(len(live), 1)
        self.assertEqual(len(self.ws.messages("a2", "snapshot")), 0)

    def test_a_retried_create_with_the_same_client_id_creates_one_element(self):
        board, tokens = self.fresh_board()
        self.join("a", board["id"], tokens["editor"])
        self.ws.send("a", type="element.create", id="same", element=note("once"))
        first = self.ws.wait_type("a", "ack")[0]
        self.ws.command(op="close", name="a")
        self.join("b", board["id"], tokens["editor"])
        self.ws.send("b", type="element.create", id="same", element=note("once"))
        again = self.ws.wait_type("b", "ack")[0]
        self.assertEqual(again["element"]["id"], first["element"]["id"])
        self.assertEqual(again["seq"], first["seq"])
        elements = self.service.request("GET", f"/api/boards/{board['id']}/elements",
                                        token=tokens["owner"]).json()["elements"]
        self.assertEqual(len(elements), 1)

    def test_a_retry_sent_while_the_first_create_runs_gets_the_same_answer(self):
        board, tokens = self.fresh_board()
        self.join("a", board["id"], tokens["editor"])
        self.join("b", board["id"], tokens["editor"])  # the retry's new connection
        ids = [f"quick-{i}" for i in range(10)]
        sends = []
        for client_id in ids:
            message = {"type": "element.create", "id": client_id, "element": note(client_id)}
            sends += [("a", message), ("b", message)]
        self.ws.send_many(sends)
        acks = {name: {m["id"]: m for m in self.ws.wait_type(name, "ack", count=len(ids))}
                for name in ("a", "b")}
        for client_id in ids:
            self.assertEqual(acks["a"][client_id], acks["b"][client_id])
        elements = self.service.request("GET", f"/api/boards/{board['id']}/elements",
                                        token=tokens["owner"]).json()["elements"]
        self.assertEqual(sorted(e["text"] for e in elements), sorted(ids))
        # One event per element: the retries published nothing.
        created = self.ws.wait_type("a", "element.created", count=len(ids))
        time.sleep(0.2)
        self.assertEqual(len(self.ws.messages("a", "element.created")), len(ids))
        self.assertEqual(sorted(e["seq"] for e in created), [a["seq"] for a in sorted(
            acks["a"].values(), key=lambda a: a["seq"])])

    def test_since_in_the_first_message_gets_exactly_the_missed_events(self):
        board, tokens = self.fresh_board()
        self.join("a", board["id"], tokens["editor"])
        self.ws.send("a", type="element.create", id="n1", element=note("one"))
        first = self.ws.wait_type("a", "element.created")[0]
        self.ws.command(op="close", name="a")
        self.ws.wait_closed("a")
        self.service.create_element(tokens["owner"], board["id"], text="two")
        self.join("a2", board["id"], tokens["editor"])  # no ?since= on the upgrade
        self.ws.send("a2", type="join", since=first["seq"])
        catch_up = self.ws.wait_type("a2", "catch_up")[0]
        self.assertEqual((catch_up["since"], catch_up["events"]), (first["seq"], 1))
        missed = self.ws.wait_for("a2", lambda m: m.get("type") == "element.created")
        self.assertEqual([(e["seq"], e["element"]["text"]) for e in missed],
                         [(first["seq"] + 1, "two")])
        self.assertEqual(self.ws.messages("a2", "snapshot"), [])
        # Later, or on a connection that has a since already, join is an error.
        self.ws.send("a2", type="join", id="late", since=0)
        late = self.ws.wait_type("a2", "error")[0]
        self.assertEqual((late["id"], late["error"]["code"]), ("late", "bad_request"))

    def test_without_a_join_the_snapshot_comes_after_the_wait_or_the_first_message(self):
        board, tokens = self.fresh_board()
        self.join("quiet", board["id"], tokens["viewer"])
        self.assertEqual(self.ws.wait_type("quiet", "snapshot")[0]["seq"], 2)
        self.join("talker", board["id"], tokens["viewer"])
        self.ws.send("talker", type="ping", id="first")
        messages = self.ws.wait_for("talker", lambda m: m.get("type") in ("snapshot", "pong"),
                                    count=2)
        self.assertEqual([m["type"] for m in messages], ["snapshot", "pong"])


class SlowReader(RealtimeTestCase):
    # 64 events of 4 KB fit in a queue: a reader that keeps up never comes close.
    service_env = {"BOARD_WS_SEND_QUEUE_BYTES": "262144", "BOARD_WS_EDITS_PER_SECOND": "100000"}

    def test_a_client_that_stops_reading_is_dropped_while_the_others_keep_receiving(self):
        board, tokens = self.fresh_board()
        self.join("slow", board["id"], tokens["viewer"])
        self.join("fast", board["id"], tokens["owner"])
        self.join("writer", board["id"], tokens["editor"])
        self.ws.wait_type("slow", "snapshot")
        self.ws.command(op="pause", name="slow")
        text = "x" * 4000
        self.ws.send("writer", type="element.create", id="big", element=note(text))
        element = self.ws.wait_type("writer", "ack")[0]["element"]
        version = element["version"]
        updates = 3000  # ~12 MB of events: more than the kernel buffers and the queue
        for i in range(updates):
            self.ws.send("writer", type="element.update", element_id=element["id"],
                         patch={"version": version + i, "text": text[:-1] + str(i % 10)})
        slow_id = tokens["viewer_user"]["id"]
        dropped = self.service.wait_for_log(
            lambda l: l.get("message") == "closing a connection that does not keep up",
            timeout=60)
        self.assertEqual(dropped["user_id"], slow_id)
        # Reading again in time, it gets the close frame with the policy code.
        self.ws.command(op="resume", name="slow")
        state = self.ws.wait_closed("slow", timeout=10)
        self.assertEqual(state["code"], 1008)
        # The others got every event, in order.
        received = self.ws.wait_for("fast", lambda m: m.get("type") == "element.updated",
                                    count=updates, timeout=60)
        self.assertEqual([m["element"]["version"] for m in received],
                         list(range(version + 1, version + updates + 1)))
        self.assertFalse(self.ws.state("fast")["closed"])
        self.assertFalse(self.ws.state("writer")["closed"])
        dropped_users = [l["user_id"] for l in self.service.all_logs()
                         if l.get("message") == "closing a connection that does not keep up"]
        self.assertEqual(dropped_users, [slow_id])


class Shutdown(unittest.TestCase):
    def test_sigterm_closes_sockets_with_1001_and_acked_edits_are_stored(self):
        service = Service().start()
        ws = WsClients(service.port)
        try:
            user, token = service.new_user("owner")
            board = service.create_board(token, "Stop")
            self.assertTrue(ws.open("a", board["id"], token)["ok"])
            for i in range(20):
                ws.send("a", type="element.create", id=f"e{i}", element=note(f"n{i}"))
            acks = ws.wait_type("a", "ack", count=20)
            service.stop()
            state = ws.wait_closed("a")
            self.assertEqual(state["code"], 1001)
            service.start()
            stored = service.request("GET", f"/api/boards/{board['id']}/elements",
                                     token=service.login(user["username"])["token"])
            self.assertEqual(sorted(e["id"] for e in stored.json()["elements"]),
                             sorted(a["element"]["id"] for a in acks))
        finally:
            ws.close()
            service.stop()


if __name__ == "__main__":
    unittest.main()
