"""The documented limits of the WebSocket layer (README settings BOARD_WS_*), each set
low and met by real clients against the real binary: the Origin allow-list, the caps
on connections per board and per user, the per-connection rates of edits and cursor
moves, and the idle timeout."""

import time

from test_realtime import RealtimeTestCase, note


class OriginsAndCaps(RealtimeTestCase):
    service_env = {"BOARD_WS_ALLOWED_ORIGINS": "https://board.example, https://other.example",
                   "BOARD_WS_MAX_PER_BOARD": "3", "BOARD_WS_MAX_PER_USER": "2"}

    def test_an_origin_off_the_list_is_refused_before_the_upgrade(self):
        board, tokens = self.fresh_board()
        refused = self.ws.open("evil", board["id"], tokens["owner"],
                               headers={"Origin": "https://evil.example"})
        self.assertEqual((refused["ok"], refused["status"]), (False, 403))
        self.assertIn('"forbidden"', refused["body"])
        allowed = self.ws.open("good", board["id"], tokens["owner"],
                               headers={"Origin": "https://other.example"})
        self.assertTrue(allowed["ok"], allowed)
        self.ws.wait_type("good", "snapshot")
        # A program sends no Origin: not a browser, nothing to check.
        self.assertTrue(self.ws.open("program", board["id"], tokens["editor"])["ok"])
        line = self.service.wait_for_log(
            lambda l: l.get("message") == "request completed" and l.get("status") == 403
            and l.get("path") == f"/ws/boards/{board['id']}")
        self.assertEqual(line["status"], 403)

    def test_connections_are_capped_per_user_and_per_board(self):
        board, tokens = self.fresh_board()
        self.join("e1", board["id"], tokens["editor"])
        self.join("e2", board["id"], tokens["editor"])
        third = self.ws.open("e3", board["id"], tokens["editor"])
        self.assertEqual((third["ok"], third["status"]), (False, 429))
        self.assertIn("too_many_connections", third["body"])
        self.assertIn("user", third["body"])
        self.join("v1", board["id"], tokens["viewer"])  # the board's third
        fourth = self.ws.open("o1", board["id"], tokens["owner"])
        self.assertEqual((fourth["ok"], fourth["status"]), (False, 429))
        self.assertIn("board", fourth["body"])
        # A connection that goes makes room.
        self.ws.command(op="close", name="v1")
        self.service.wait_for_log(lambda l: l.get("message") == "websocket closed"
                                  and l.get("user_id") == tokens["viewer_user"]["id"])
        self.join("o2", board["id"], tokens["owner"])
        self.ws.wait_type("o2", "snapshot")


class Rates(RealtimeTestCase):
    service_env = {"BOARD_WS_EDITS_PER_SECOND": "5", "BOARD_WS_CURSORS_PER_SECOND": "5",
                   "BOARD_WS_JOIN_WAIT_MS": "0"}

    def test_edits_over_the_rate_answer_rate_limited_and_create_nothing(self):
        board, tokens = self.fresh_board()
        self.join("a", board["id"], tokens["editor"])
        self.ws.send_many([("a", {"type": "element.create", "id": i, "element": note(str(i))})
                           for i in range(20)])
        answers = self.ws.wait_for("a", lambda m: m.get("type") in ("ack", "error"), count=20)
        acks = [m for m in answers if m["type"] == "ack"]
        refused = [m for m in answers if m["type"] == "error"]
        # A burst of one second's worth (5), plus what refills while the burst is served.
        self.assertGreaterEqual(len(acks), 5)
        self.assertLessEqual(len(acks), 7)
        self.assertEqual({(m["error"]["status"], m["error"]["code"]) for m in refused},
                         {(429, "rate_limited")})
        elements = self.service.request("GET", f"/api/boards/{board['id']}/elements",
                                        token=tokens["owner"]).json()["elements"]
        self.assertEqual(len(elements), len(acks))
        # A second later the connection may edit again.
        time.sleep(1.1)
        self.ws.send("a", type="element.create", id="later", element=note("later"))
        later = self.ws.wait_for("a", lambda m: m.get("id") == "later")[0]
        self.assertEqual(later["type"], "ack")

    def test_cursor_moves_over_the_rate_are_dropped_without_an_answer(self):
        board, tokens = self.fresh_board()
        self.join("mover", board["id"], tokens["viewer"])
        self.join("watcher", board["id"], tokens["owner"])
        self.ws.wait_type("mover", "snapshot")
        self.ws.wait_type("watcher", "snapshot")
        self.ws.send_many([("mover", {"type": "cursor.move", "x": i, "y": 0}) for i in range(30)])
        self.ws.send("mover", type="ping", id="after")
        self.ws.wait_type("mover", "pong")
        time.sleep(0.3)
        # Only the first five (a second's worth) pass; a queued move may be replaced by
        # a later one of the same sender, so fewer may arrive, but never a later one.
        moved = self.ws.messages("watcher", "cursor.moved")
        self.assertGreaterEqual(len(moved), 1)
        self.assertLessEqual(max(m["x"] for m in moved), 6)
        self.assertEqual(self.ws.messages("mover", "error"), [])
        time.sleep(1.1)
        self.ws.send("mover", type="cursor.move", x=1000, y=0)
        self.ws.wait_for("watcher", lambda m: m.get("x") == 1000)


class IdleTimeout(RealtimeTestCase):
    service_env = {"BOARD_WS_IDLE_TIMEOUT_MS": "1000"}

    def test_a_connection_that_answers_no_ping_is_closed_and_a_quiet_one_stays(self):
        board, tokens = self.fresh_board()
        self.join("quiet", board["id"], tokens["editor"])  # reads, so it answers pings
        self.join("gone", board["id"], tokens["viewer"])
        self.ws.wait_type("gone", "snapshot")
        self.ws.wait_type("quiet", "snapshot")
        self.ws.command(op="pause", name="gone")  # stops reading: no pong
        started = time.monotonic()
        closed = self.service.wait_for_log(
            lambda l: l.get("message") == "websocket closed"
            and l.get("user_id") == tokens["viewer_user"]["id"], timeout=5)
        self.assertLess(time.monotonic() - started, 3)
        self.assertEqual(closed["board_id"], board["id"])
        time.sleep(1.5)  # more than the idle timeout again
        self.assertFalse(self.ws.state("quiet")["closed"])
        self.ws.send("quiet", type="ping", id="still")
        self.assertEqual(self.ws.wait_type("quiet", "pong")[0]["id"], "still")
