"""Boards and their members: the success paths, pagination, the validation rules, and
who may do what (viewer, editor, owner, non-member, no token)."""

import unittest

from harness import RFC3339_MILLIS_UTC, ServiceTestCase

BOARD_FIELDS = {"id", "name", "description", "owner_id", "role", "created_at", "updated_at"}
MEMBER_FIELDS = {"user_id", "username", "role", "added_at"}


class BoardsTest(ServiceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner, cls.token = cls.service.new_user("owner")

    def test_create_and_read(self):
        response = self.service.request("POST", "/api/boards",
                                        json={"name": "Sprint 12", "description": "planning"},
                                        token=self.token)
        self.assertEqual(response.status, 201, response)
        board = response.json()
        self.assertEqual(set(board), BOARD_FIELDS)
        self.assertEqual(board["name"], "Sprint 12")
        self.assertEqual(board["description"], "planning")
        self.assertEqual(board["owner_id"], self.owner["id"])
        self.assertEqual(board["role"], "owner")
        self.assertRegex(board["created_at"], RFC3339_MILLIS_UTC)
        self.assertRegex(board["updated_at"], RFC3339_MILLIS_UTC)

        fetched = self.service.request("GET", f"/api/boards/{board['id']}", token=self.token)
        self.assertEqual(fetched.status, 200, fetched)
        self.assertEqual(fetched.json(), board)

    def test_description_defaults_to_empty(self):
        board = self.service.create_board(self.token, "No description")
        self.assertEqual(board["description"], "")

    def test_update_name_and_clear_description(self):
        board = self.service.create_board(self.token, "Before", "some text")
        response = self.service.request("PATCH", f"/api/boards/{board['id']}",
                                        json={"name": "After"}, token=self.token)
        self.assertEqual(response.status, 200, response)
        updated = response.json()
        self.assertEqual(updated["name"], "After")
        self.assertEqual(updated["description"], "some text")
        self.assertGreaterEqual(updated["updated_at"], board["updated_at"])
        self.assertEqual(updated["created_at"], board["created_at"])

        response = self.service.request("PATCH", f"/api/boards/{board['id']}",
                                        json={"description": None}, token=self.token)
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.json()["description"], "")
        self.assertEqual(response.json()["name"], "After")

    def test_delete(self):
        board = self.service.create_board(self.token, "Doomed")
        response = self.service.request("DELETE", f"/api/boards/{board['id']}", token=self.token)
        self.assertEqual(response.status, 204, response)
        self.assertEqual(response.body, b"")
        self.assert_error(self.service.request("GET", f"/api/boards/{board['id']}",
                                               token=self.token), 404, "not_found")
        self.assert_error(self.service.request("DELETE", f"/api/boards/{board['id']}",
                                               token=self.token), 404, "not_found")

    def test_missing_board_is_404(self):
        self.assert_error(self.service.request("GET", "/api/boards/987654321", token=self.token),
                          404, "not_found")

    def test_name_and_description_rules(self):
        cases = [
            ({}, "name"),
            ({"name": ""}, "name"),
            ({"name": "   "}, "name"),
            ({"name": "n" * 201}, "name"),
            ({"name": 42}, "name"),
            ({"name": "ok", "description": "d" * 2001}, "description"),
            ({"name": "ok", "description": 7}, "description"),
            ({"name": "ok", "colour": "red"}, "colour"),
        ]
        for payload, field in cases:
            with self.subTest(payload=str(payload)[:60]):
                response = self.service.request("POST", "/api/boards", json=payload,
                                                token=self.token)
                self.assert_validation_error(response, field)

    def test_limits_count_characters_not_bytes(self):
        board = self.service.create_board(self.token, "é" * 200, "ü" * 2000)
        self.assertEqual(len(board["name"]), 200)

    def test_update_rules(self):
        board = self.service.create_board(self.token, "Rules")
        path = f"/api/boards/{board['id']}"
        self.assert_validation_error(
            self.service.request("PATCH", path, json={}, token=self.token), "body")
        self.assert_validation_error(
            self.service.request("PATCH", path, json={"name": ""}, token=self.token), "name")
        self.assert_validation_error(
            self.service.request("PATCH", path, json={"owner_id": 5}, token=self.token),
            "owner_id")

    def test_needs_a_token(self):
        self.assert_error(self.service.request("GET", "/api/boards"), 401, "unauthorized")
        self.assert_error(self.service.request("POST", "/api/boards", json={"name": "x"}), 401,
                          "unauthorized")
        self.assert_error(self.service.request("GET", "/api/boards", token="bogus"), 401,
                          "unauthorized")


class BoardListTest(ServiceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user, cls.token = cls.service.new_user("lister")
        cls.boards = [cls.service.create_board(cls.token, f"Board {i}") for i in range(3)]
        # Someone else's board must not show up.
        _, other = cls.service.new_user("other")
        cls.service.create_board(other, "Not mine")

    def list(self, query=""):
        return self.service.request("GET", f"/api/boards{query}", token=self.token)

    def test_default_page(self):
        response = self.list()
        self.assertEqual(response.status, 200, response)
        page = response.json()
        self.assertEqual(set(page), {"boards", "next_cursor"})
        self.assertIsNone(page["next_cursor"])
        ids = [b["id"] for b in page["boards"]]
        # Newest first.
        self.assertEqual(ids, [b["id"] for b in reversed(self.boards)])
        for board in page["boards"]:
            self.assertEqual(set(board), BOARD_FIELDS)
            self.assertEqual(board["role"], "owner")

    def test_pages_follow_next_cursor(self):
        first = self.list("?limit=2").json()
        self.assertEqual(len(first["boards"]), 2)
        self.assertIsInstance(first["next_cursor"], str)
        second = self.list(f"?limit=2&cursor={first['next_cursor']}").json()
        self.assertEqual(len(second["boards"]), 1)
        self.assertIsNone(second["next_cursor"])
        seen = [b["id"] for b in first["boards"] + second["boards"]]
        self.assertEqual(seen, [b["id"] for b in reversed(self.boards)])

    def test_a_board_made_between_pages_shifts_nothing(self):
        first = self.list("?limit=1").json()
        newer = self.service.create_board(self.token, "Made meanwhile")
        try:
            second = self.list(f"?limit=1&cursor={first['next_cursor']}").json()
            self.assertEqual([b["id"] for b in second["boards"]], [self.boards[1]["id"]])
        finally:
            self.service.request("DELETE", f"/api/boards/{newer['id']}", token=self.token)

    def test_limit_and_cursor_rules(self):
        for query, field in [("?limit=0", "limit"), ("?limit=101", "limit"), ("?limit=-1", "limit"),
                             ("?limit=abc", "limit"), ("?limit=", "limit"), ("?limit=1.5", "limit"),
                             ("?cursor=", "cursor"), ("?cursor=zz", "cursor"),
                             ("?offset=2", "offset")]:
            with self.subTest(query=query):
                self.assert_validation_error(self.list(query), field)
        self.assertEqual(self.list("?limit=100").status, 200)
        self.assertEqual(self.list("?limit=1").status, 200)


class MembersTest(ServiceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_up_board_with_roles("Team board")
        cls.path = f"/api/boards/{cls.board['id']}"

    def test_add_member_returns_the_member(self):
        user, _ = self.service.new_user("added")
        response = self.service.request("POST", f"{self.path}/members",
                                        json={"username": user["username"], "role": "viewer"},
                                        token=self.owner_token)
        self.assertEqual(response.status, 201, response)
        member = response.json()
        self.assertEqual(set(member), MEMBER_FIELDS)
        self.assertEqual(member["user_id"], user["id"])
        self.assertEqual(member["username"], user["username"])
        self.assertEqual(member["role"], "viewer")
        self.assertRegex(member["added_at"], RFC3339_MILLIS_UTC)

    def test_list_members(self):
        for token in (self.owner_token, self.editor_token, self.viewer_token):
            response = self.service.request("GET", f"{self.path}/members", token=token)
            self.assertEqual(response.status, 200, response)
            roles = {m["user_id"]: m["role"] for m in response.json()["members"]}
            self.assertEqual(roles[self.owner["id"]], "owner")
            self.assertEqual(roles[self.editor["id"]], "editor")
            self.assertEqual(roles[self.viewer["id"]], "viewer")
            self.assertNotIn(self.stranger["id"], roles)

    def test_members_come_in_pages_in_the_order_they_joined(self):
        response = self.service.request("GET", f"{self.path}/members?limit=2",
                                        token=self.viewer_token)
        self.assertEqual(response.status, 200, response)
        first = response.json()
        self.assertEqual(set(first), {"members", "next_cursor"})
        self.assertEqual([m["user_id"] for m in first["members"]],
                         [self.owner["id"], self.editor["id"]])
        members = self.service.list_all(self.viewer_token, f"{self.path}/members", "members",
                                        limit=2)
        self.assertEqual([m["user_id"] for m in members[:3]],
                         [self.owner["id"], self.editor["id"], self.viewer["id"]])
        self.assert_validation_error(
            self.service.request("GET", f"{self.path}/members?limit=101", token=self.viewer_token),
            "limit")

    def test_members_see_the_board_with_their_role(self):
        for token, role in [(self.editor_token, "editor"), (self.viewer_token, "viewer")]:
            response = self.service.request("GET", self.path, token=token)
            self.assertEqual(response.status, 200, response)
            self.assertEqual(response.json()["role"], role)
            listed = self.service.request("GET", "/api/boards", token=token).json()["boards"]
            self.assertIn(self.board["id"], [b["id"] for b in listed])

    def test_non_member_gets_404_everywhere(self):
        t = self.stranger_token
        self.assert_error(self.service.request("GET", self.path, token=t), 404, "not_found")
        self.assert_error(self.service.request("PATCH", self.path, json={"name": "x"}, token=t),
                          404, "not_found")
        self.assert_error(self.service.request("DELETE", self.path, token=t), 404, "not_found")
        self.assert_error(self.service.request("GET", f"{self.path}/members", token=t), 404,
                          "not_found")
        self.assert_error(self.service.request(
            "POST", f"{self.path}/members",
            json={"username": self.stranger["username"], "role": "editor"}, token=t),
            404, "not_found")
        listed = self.service.request("GET", "/api/boards", token=t).json()["boards"]
        self.assertNotIn(self.board["id"], [b["id"] for b in listed])

    def test_only_the_owner_manages_the_board(self):
        for token in (self.editor_token, self.viewer_token):
            self.assert_error(self.service.request("PATCH", self.path, json={"name": "Mine now"},
                                                   token=token), 403, "forbidden")
            self.assert_error(self.service.request("DELETE", self.path, token=token), 403,
                              "forbidden")
            self.assert_error(self.service.request(
                "POST", f"{self.path}/members",
                json={"username": self.stranger["username"], "role": "editor"}, token=token),
                403, "forbidden")
            self.assert_error(self.service.request(
                "DELETE", f"{self.path}/members/{self.owner['id']}", token=token), 403,
                "forbidden")
        self.assertEqual(self.service.request("GET", self.path, token=self.owner_token)
                         .json()["name"], "Team board")

    def test_member_rules(self):
        cases = [
            ({"username": self.stranger["username"], "role": "owner"}, "role"),
            ({"username": self.stranger["username"], "role": "admin"}, "role"),
            ({"username": self.stranger["username"]}, "role"),
            ({"role": "viewer"}, "username"),
            ({"username": "no_such_user_at_all", "role": "viewer"}, "username"),
            ({"username": self.stranger["username"], "role": 2}, "role"),
            ({"username": self.stranger["username"], "role": "viewer", "extra": 1}, "extra"),
        ]
        for payload, field in cases:
            with self.subTest(payload=payload):
                response = self.service.request("POST", f"{self.path}/members", json=payload,
                                                token=self.owner_token)
                self.assert_validation_error(response, field)

    def test_adding_an_existing_member_or_the_owner_is_409(self):
        for username in (self.editor["username"], self.owner["username"]):
            response = self.service.request("POST", f"{self.path}/members",
                                            json={"username": username, "role": "viewer"},
                                            token=self.owner_token)
            self.assert_error(response, 409, "conflict")

    def test_remove_member(self):
        user, token = self.service.new_user("removed")
        self.service.add_member(self.owner_token, self.board["id"], user["username"], "editor")
        self.assertEqual(self.service.request("GET", self.path, token=token).status, 200)
        response = self.service.request("DELETE", f"{self.path}/members/{user['id']}",
                                        token=self.owner_token)
        self.assertEqual(response.status, 204, response)
        self.assert_error(self.service.request("GET", self.path, token=token), 404, "not_found")
        self.assert_error(self.service.request("DELETE", f"{self.path}/members/{user['id']}",
                                               token=self.owner_token), 404, "not_found")

    def test_member_may_leave(self):
        user, token = self.service.new_user("leaver")
        self.service.add_member(self.owner_token, self.board["id"], user["username"], "viewer")
        response = self.service.request("DELETE", f"{self.path}/members/{user['id']}",
                                        token=token)
        self.assertEqual(response.status, 204, response)
        self.assert_error(self.service.request("GET", self.path, token=token), 404, "not_found")

    def test_owner_cannot_be_removed(self):
        response = self.service.request("DELETE", f"{self.path}/members/{self.owner['id']}",
                                        token=self.owner_token)
        self.assert_error(response, 409, "conflict")

    def test_deleting_a_board_removes_access_for_members(self):
        board = self.service.create_board(self.owner_token, "Short-lived")
        self.service.add_member(self.owner_token, board["id"], self.editor["username"], "editor")
        self.assertEqual(self.service.request("DELETE", f"/api/boards/{board['id']}",
                                              token=self.owner_token).status, 204)
        self.assert_error(self.service.request("GET", f"/api/boards/{board['id']}",
                                               token=self.editor_token), 404, "not_found")


if __name__ == "__main__":
    unittest.main()
