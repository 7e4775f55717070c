"""What a hostile or careless client can do to a board, answered as docs/api.md says:
caps on elements and members (409 limit_reached), writes racing the board's deletion
(404, never 500), and JSON bodies at the edges (duplicate keys, names of invisible
characters, nesting depth)."""

import json
import threading
import time
import unittest

from harness import PASSWORD, ServiceTestCase


class CapsTest(ServiceTestCase):
    service_env = {"BOARD_MAX_ELEMENTS_PER_BOARD": "3", "BOARD_MAX_MEMBERS_PER_BOARD": "2"}

    def test_elements_stop_at_the_cap_and_deleting_makes_room(self):
        _, token = self.service.new_user("owner")
        board = self.service.create_board(token, "Small")
        made = [self.service.create_element(token, board["id"]) for _ in range(3)]
        path = f"/api/boards/{board['id']}/elements"
        body = {"kind": "rectangle", "x": 0, "y": 0, "width": 1, "height": 1}
        error = self.assert_error(self.service.request("POST", path, json=body, token=token),
                                  409, "limit_reached")
        self.assertIn("3", error["message"])
        self.assertEqual(len(self.service.list_all(token, path, "elements")), 3)
        self.assertEqual(self.service.request("DELETE", f"{path}/{made[0]['id']}",
                                              token=token).status, 204)
        self.assertEqual(self.service.request("POST", path, json=body, token=token).status, 201)

    def test_members_stop_at_the_cap_the_owner_included(self):
        _, token = self.service.new_user("owner")
        board = self.service.create_board(token, "Pair")
        first, _ = self.service.new_user("first")
        second, _ = self.service.new_user("second")
        self.service.add_member(token, board["id"], first["username"], "viewer")
        response = self.service.request("POST", f"/api/boards/{board['id']}/members",
                                        json={"username": second["username"], "role": "viewer"},
                                        token=token)
        self.assert_error(response, 409, "limit_reached")


class DeleteRaceTest(ServiceTestCase):
    ROUNDS = 6
    WRITERS = 4

    def test_writes_racing_the_boards_deletion_answer_201_or_404(self):
        _, owner = self.service.new_user("owner")
        editor, editor_token = self.service.new_user("editor")
        newcomers = [self.service.register() for _ in range(self.ROUNDS * 40)]
        element = {"kind": "rectangle", "x": 0, "y": 0, "width": 1, "height": 1}
        statuses = []  # (what, status), from every thread
        lock = threading.Lock()

        def record(what, response):
            with lock:
                statuses.append((what, response.status))
            if response.status not in (201, 404):
                raise AssertionError(f"{what}: {response!r}")

        for round_number in range(self.ROUNDS):
            board = self.service.create_board(owner, f"Doomed {round_number}")
            self.service.add_member(owner, board["id"], editor["username"], "editor")
            base = f"/api/boards/{board['id']}"
            people = iter(newcomers[round_number * 40:(round_number + 1) * 40])
            people_lock = threading.Lock()
            failures = []

            def create_elements():
                # Until the board is gone for this writer too.
                for _ in range(200):
                    response = self.service.request("POST", f"{base}/elements", json=element,
                                                    token=editor_token)
                    record("create element", response)
                    if response.status == 404:
                        return

            def add_members():
                for _ in range(40):
                    with people_lock:
                        person = next(people, None)
                    if person is None:
                        return
                    response = self.service.request(
                        "POST", f"{base}/members",
                        json={"username": person["username"], "role": "viewer"}, token=owner)
                    record("add member", response)
                    if response.status == 404:
                        return

            def guarded(work):
                try:
                    work()
                except AssertionError as failure:
                    failures.append(failure)

            threads = [threading.Thread(target=guarded, args=(create_elements,))
                       for _ in range(self.WRITERS)]
            threads += [threading.Thread(target=guarded, args=(add_members,)) for _ in range(2)]
            for thread in threads:
                thread.start()
            time.sleep(0.05 + 0.02 * round_number)
            deleted = self.service.request("DELETE", base, token=owner)
            for thread in threads:
                thread.join(60)
            self.assertEqual(deleted.status, 204, deleted)
            self.assertEqual(failures, [])
        seen = {status for _, status in statuses}
        self.assertEqual(seen, {201, 404}, "both outcomes should occur across the rounds")
        # Nothing of the deleted boards is left behind.
        self.assertEqual(self.service.request("GET", "/api/boards", token=editor_token)
                         .json()["boards"], [])


class JsonEdgesTest(ServiceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user, cls.token = cls.service.new_user("edges")

    def post_raw(self, path, text, token=None):
        return self.service.request("POST", path, body=text.encode("utf-8"), token=token,
                                    headers={"Content-Type": "application/json"})

    def test_a_duplicate_key_is_malformed_json_also_on_login(self):
        alice, _ = self.service.new_user("alice")
        login = ('{"username":"nobody","username":"%s","password":"%s"}'
                 % (alice["username"], PASSWORD))
        error = self.assert_error(self.post_raw("/api/auth/login", login), 400, "malformed_json")
        self.assertIn("username", error["message"])
        self.assert_error(self.post_raw("/api/boards", '{"name":"a","name":"b"}', self.token),
                          400, "malformed_json")
        board = self.service.create_board(self.token, "Styled")
        nested = ('{"kind":"rectangle","x":0,"y":0,"width":1,"height":1,'
                  '"style":{"fill":"red","fill":"blue"}}')
        self.assert_error(self.post_raw(f"/api/boards/{board['id']}/elements", nested,
                                        self.token), 400, "malformed_json")
        # The same key in two different objects is fine.
        fine = ('{"kind":"rectangle","x":0,"y":0,"width":1,"height":1,'
                '"style":{"x":{"x":1}}}')
        self.assertEqual(self.post_raw(f"/api/boards/{board['id']}/elements", fine,
                                       self.token).status, 201)

    def test_a_name_of_only_unicode_whitespace_is_blank(self):
        for name in ["\u3000", "\u00a0", "\u200b", " \u2003\t", "\ufeff", "\u3000\u00a0\u200b"]:
            with self.subTest(name=ascii(name)):
                response = self.service.request("POST", "/api/boards", json={"name": name},
                                                token=self.token)
                self.assert_validation_error(response, "name")
        board = self.service.create_board(self.token, "Renamable")
        response = self.service.request("PATCH", f"/api/boards/{board['id']}",
                                        json={"name": "\u200b\u3000"}, token=self.token)
        self.assert_validation_error(response, "name")
        self.assertEqual(self.service.create_board(self.token, "\u3000日本\u3000")["name"],
                         "\u3000日本\u3000")

    def test_nesting_deeper_than_32_levels_is_malformed_json(self):
        board = self.service.create_board(self.token, "Deep")
        path = f"/api/boards/{board['id']}/elements"

        def with_style_depth(levels):
            # The body is one level; `style` and the objects inside it the others.
            style = {}
            for _ in range(levels - 2):
                style = {"a": style}
            return json.dumps({"kind": "rectangle", "x": 0, "y": 0, "width": 1, "height": 1,
                               "style": style})

        self.assertEqual(self.post_raw(path, with_style_depth(32), self.token).status, 201)
        self.assert_error(self.post_raw(path, with_style_depth(33), self.token), 400,
                          "malformed_json")


if __name__ == "__main__":
    unittest.main()
