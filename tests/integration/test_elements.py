"""Elements: create/read/update/delete, optimistic versions (409 with the current
element), the field rules, and the role rules (viewers read, editors write)."""

import unittest

from harness import RFC3339_MILLIS_UTC, ServiceTestCase

ELEMENT_FIELDS = {"id", "board_id", "kind", "x", "y", "width", "height", "rotation", "z_index",
                  "style", "text", "version", "created_by", "created_at", "updated_at"}
KINDS = ["sticky_note", "rectangle", "ellipse", "text", "line", "freehand"]


class ElementsTest(ServiceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_up_board_with_roles("Canvas")
        cls.path = f"/api/boards/{cls.board['id']}/elements"

    def post(self, payload, token=None):
        return self.service.request("POST", self.path, json=payload,
                                    token=token or self.editor_token)

    def patch(self, element_id, payload, token=None):
        return self.service.request("PATCH", f"{self.path}/{element_id}", json=payload,
                                    token=token or self.editor_token)

    # --- success paths -----------------------------------------------------------

    def test_create_every_kind(self):
        for kind in KINDS:
            with self.subTest(kind=kind):
                response = self.post({"kind": kind, "x": 1.5, "y": -2, "width": 30,
                                      "height": 0})
                self.assertEqual(response.status, 201, response)
                element = response.json()
                self.assertEqual(set(element), ELEMENT_FIELDS)
                self.assertEqual(element["kind"], kind)
                self.assertEqual(element["board_id"], self.board["id"])
                self.assertEqual((element["x"], element["y"]), (1.5, -2))
                self.assertEqual((element["width"], element["height"]), (30, 0))
                self.assertEqual(element["rotation"], 0)
                self.assertEqual(element["z_index"], 0)
                self.assertEqual(element["style"], {})
                self.assertEqual(element["text"], "")
                self.assertEqual(element["version"], 1)
                self.assertEqual(element["created_by"], self.editor["id"])
                self.assertRegex(element["created_at"], RFC3339_MILLIS_UTC)
                self.assertRegex(element["updated_at"], RFC3339_MILLIS_UTC)

    def test_create_with_every_field_and_read_back(self):
        payload = {"kind": "sticky_note", "x": 120.5, "y": -40, "width": 200, "height": 150,
                   "rotation": -45.25, "z_index": 7,
                   "style": {"fill": "#ffd54f", "font": {"size": 14, "bold": True}},
                   "text": "Ship it ✓"}
        created = self.post(payload).json()
        for key, value in payload.items():
            self.assertEqual(created[key], value, key)
        response = self.service.request("GET", f"{self.path}/{created['id']}",
                                        token=self.viewer_token)
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.json(), created)

    def test_list_is_ordered_by_z_index_then_id(self):
        board = self.service.create_board(self.owner_token, "Ordering")
        path = f"/api/boards/{board['id']}/elements"
        made = [self.service.create_element(self.owner_token, board["id"], z_index=z)
                for z in (5, -1, 5, 0)]
        listed = self.service.list_all(self.owner_token, path, "elements", limit=3)
        expected = sorted(made, key=lambda e: (e["z_index"], e["id"]))
        self.assertEqual([e["id"] for e in listed], [e["id"] for e in expected])
        self.assertEqual(listed, expected)

    def test_empty_board_lists_nothing(self):
        board = self.service.create_board(self.owner_token, "Empty")
        response = self.service.request("GET", f"/api/boards/{board['id']}/elements",
                                        token=self.owner_token)
        self.assertEqual(response.status, 200)
        self.assertEqual(response.json(), {"elements": [], "next_cursor": None})

    def test_large_list_comes_in_pages_of_100_by_default(self):
        board = self.service.create_board(self.owner_token, "Busy")
        for i in range(101):
            self.service.create_element(self.owner_token, board["id"], x=i)
        path = f"/api/boards/{board['id']}/elements"
        first = self.service.request("GET", path, token=self.owner_token)
        self.assertEqual(first.status, 200)
        page = first.json()
        self.assertEqual(len(page["elements"]), 100)
        self.assertIsInstance(page["next_cursor"], str)
        rest = self.service.request("GET", f"{path}?cursor={page['next_cursor']}",
                                    token=self.owner_token).json()
        self.assertEqual(len(rest["elements"]), 1)
        self.assertIsNone(rest["next_cursor"])
        self.assertEqual(sorted(e["x"] for e in page["elements"] + rest["elements"]),
                         list(range(101)))

    def test_pages_neither_repeat_nor_skip_when_elements_are_added_between_them(self):
        board = self.service.create_board(self.owner_token, "Growing")
        path = f"/api/boards/{board['id']}/elements"
        before = [self.service.create_element(self.owner_token, board["id"], z_index=1)
                  for _ in range(5)]
        first = self.service.request("GET", f"{path}?limit=2", token=self.owner_token).json()
        # One lands before the cursor (lower z_index), one after it.
        self.service.create_element(self.owner_token, board["id"], z_index=0)
        after = self.service.create_element(self.owner_token, board["id"], z_index=2)
        seen = [e["id"] for e in first["elements"]]
        cursor = first["next_cursor"]
        while cursor is not None:
            page = self.service.request("GET", f"{path}?limit=2&cursor={cursor}",
                                        token=self.owner_token).json()
            seen += [e["id"] for e in page["elements"]]
            cursor = page["next_cursor"]
        self.assertEqual(seen, [e["id"] for e in before] + [after["id"]])

    def test_paging_rules(self):
        path = f"/api/boards/{self.board['id']}/elements"
        self.service.create_board(self.owner_token, "Second")  # so that boards have a page 2
        boards_cursor = self.service.request("GET", "/api/boards?limit=1",
                                             token=self.owner_token).json()["next_cursor"]
        for query, field in [("?limit=0", "limit"), ("?limit=101", "limit"),
                             ("?limit=x", "limit"), ("?cursor=", "cursor"),
                             ("?cursor=nothex", "cursor"), ("?offset=10", "offset"),
                             (f"?cursor={boards_cursor}", "cursor")]:  # another list's
            with self.subTest(query=query):
                self.assert_validation_error(
                    self.service.request("GET", path + query, token=self.viewer_token), field)

    def test_patch_is_partial_and_bumps_version(self):
        element = self.service.create_element(self.editor_token, self.board["id"],
                                              text="first", style={"fill": "red"})
        response = self.patch(element["id"], {"version": 1, "x": 50, "text": "second"})
        self.assertEqual(response.status, 200, response)
        updated = response.json()
        self.assertEqual(updated["version"], 2)
        self.assertEqual(updated["x"], 50)
        self.assertEqual(updated["text"], "second")
        self.assertEqual(updated["style"], {"fill": "red"})
        self.assertEqual(updated["width"], element["width"])
        self.assertEqual(updated["created_at"], element["created_at"])
        self.assertGreaterEqual(updated["updated_at"], element["updated_at"])
        # style is replaced whole, not merged
        replaced = self.patch(element["id"], {"version": 2, "style": {"stroke": "blue"}}).json()
        self.assertEqual(replaced["style"], {"stroke": "blue"})
        self.assertEqual(replaced["version"], 3)
        # the owner writes too
        by_owner = self.patch(element["id"], {"version": 3, "kind": "ellipse"},
                              token=self.owner_token)
        self.assertEqual(by_owner.status, 200, by_owner)
        self.assertEqual(by_owner.json()["kind"], "ellipse")

    def test_stale_version_is_409_with_the_current_element(self):
        element = self.service.create_element(self.editor_token, self.board["id"])
        self.assertEqual(self.patch(element["id"], {"version": 1, "x": 10}).status, 200)
        stale = self.patch(element["id"], {"version": 1, "x": 99}, token=self.owner_token)
        error = self.assert_error(stale, 409, "version_conflict")
        current = error["details"]["current"]
        self.assertEqual(set(current), ELEMENT_FIELDS)
        self.assertEqual(current["id"], element["id"])
        self.assertEqual(current["version"], 2)
        self.assertEqual(current["x"], 10)
        # nothing changed
        now = self.service.request("GET", f"{self.path}/{element['id']}",
                                   token=self.editor_token).json()
        self.assertEqual(now, current)
        # a future version is stale too
        self.assert_error(self.patch(element["id"], {"version": 9, "x": 1}), 409,
                          "version_conflict")

    def test_delete(self):
        element = self.service.create_element(self.editor_token, self.board["id"])
        response = self.service.request("DELETE", f"{self.path}/{element['id']}",
                                        token=self.editor_token)
        self.assertEqual(response.status, 204, response)
        for method in ("GET", "DELETE"):
            self.assert_error(self.service.request(method, f"{self.path}/{element['id']}",
                                                   token=self.editor_token), 404, "not_found")
        self.assert_error(self.patch(element["id"], {"version": 1, "x": 1}), 404, "not_found")

    def test_element_of_another_board_is_404(self):
        other = self.service.create_board(self.editor_token, "Editor's own")
        element = self.service.create_element(self.editor_token, other["id"])
        self.assert_error(self.service.request("GET", f"{self.path}/{element['id']}",
                                               token=self.editor_token), 404, "not_found")
        self.assert_error(self.service.request("GET", f"{self.path}/abc",
                                               token=self.editor_token), 404, "not_found")

    # --- rules -------------------------------------------------------------------

    def test_field_rules_on_create(self):
        base = {"kind": "rectangle", "x": 0, "y": 0, "width": 10, "height": 10}
        cases = [
            ({"kind": "hexagon"}, "kind"),
            ({"kind": 3}, "kind"),
            ({"x": 1e9 + 1}, "x"),
            ({"y": -2e9}, "y"),
            ({"x": "10"}, "x"),
            ({"width": -1}, "width"),
            ({"width": 100001}, "width"),
            ({"height": -0.5}, "height"),
            ({"height": None}, "height"),
            ({"rotation": 361}, "rotation"),
            ({"rotation": -360.5}, "rotation"),
            ({"z_index": 2147483648}, "z_index"),
            ({"z_index": -2147483649}, "z_index"),
            ({"z_index": 1.5}, "z_index"),
            ({"z_index": "1"}, "z_index"),
            ({"style": "red"}, "style"),
            ({"style": ["red"]}, "style"),
            ({"style": {"blob": "s" * 17000}}, "style"),
            ({"text": "t" * 10001}, "text"),
            ({"text": 5}, "text"),
            ({"version": 4}, "version"),
            ({"id": 12}, "id"),
            ({"colour": "red"}, "colour"),
        ]
        for change, field in cases:
            with self.subTest(change=str(change)[:60]):
                payload = dict(base, **change)
                self.assert_validation_error(self.post(payload), field)
        for field in ("kind", "x", "y", "width", "height"):
            with self.subTest(missing=field):
                payload = dict(base)
                del payload[field]
                self.assert_validation_error(self.post(payload), field)

    def test_limits_are_inclusive(self):
        element = self.post({"kind": "line", "x": -1e9, "y": 1e9, "width": 100000,
                             "height": 100000, "rotation": -360, "z_index": -2147483648,
                             "text": "é" * 10000})
        self.assertEqual(element.status, 201, element)
        self.assertEqual(element.json()["z_index"], -2147483648)

    def test_every_broken_rule_is_reported(self):
        details = self.assert_validation_error(
            self.post({"kind": "blob", "x": 0, "y": 0, "width": -1, "height": 10,
                       "rotation": 999}), "kind", "width", "rotation")
        self.assertEqual(len(details), 3, details)

    def test_patch_rules(self):
        element = self.service.create_element(self.editor_token, self.board["id"])
        eid = element["id"]
        self.assert_validation_error(self.patch(eid, {"x": 5}), "version")
        self.assert_validation_error(self.patch(eid, {"version": "1", "x": 5}), "version")
        self.assert_validation_error(self.patch(eid, {"version": 1}), "body")
        self.assert_validation_error(self.patch(eid, {"version": 1, "width": -3}), "width")
        self.assert_validation_error(self.patch(eid, {"version": 1, "kind": "blob"}), "kind")
        self.assert_validation_error(self.patch(eid, {"version": 1, "created_by": 1}),
                                     "created_by")
        unchanged = self.service.request("GET", f"{self.path}/{eid}",
                                         token=self.editor_token).json()
        self.assertEqual(unchanged, element)

    # --- who may do what -----------------------------------------------------------

    def test_viewer_reads_but_cannot_write(self):
        element = self.service.create_element(self.editor_token, self.board["id"])
        t = self.viewer_token
        self.assertEqual(self.service.request("GET", self.path, token=t).status, 200)
        self.assertEqual(self.service.request("GET", f"{self.path}/{element['id']}",
                                              token=t).status, 200)
        self.assert_error(self.post({"kind": "text", "x": 0, "y": 0, "width": 1, "height": 1},
                                    token=t), 403, "forbidden")
        self.assert_error(self.patch(element["id"], {"version": 1, "x": 3}, token=t), 403,
                          "forbidden")
        self.assert_error(self.service.request("DELETE", f"{self.path}/{element['id']}",
                                               token=t), 403, "forbidden")
        still = self.service.request("GET", f"{self.path}/{element['id']}", token=t).json()
        self.assertEqual(still, element)

    def test_non_member_gets_404(self):
        element = self.service.create_element(self.editor_token, self.board["id"])
        t = self.stranger_token
        self.assert_error(self.service.request("GET", self.path, token=t), 404, "not_found")
        self.assert_error(self.service.request("GET", f"{self.path}/{element['id']}", token=t),
                          404, "not_found")
        self.assert_error(self.post({"kind": "text", "x": 0, "y": 0, "width": 1, "height": 1},
                                    token=t), 404, "not_found")
        self.assert_error(self.patch(element["id"], {"version": 1, "x": 3}, token=t), 404,
                          "not_found")
        self.assert_error(self.service.request("DELETE", f"{self.path}/{element['id']}",
                                               token=t), 404, "not_found")

    def test_missing_or_bad_token_is_401(self):
        for headers in ({}, {"Authorization": "Bearer nope"}):
            with self.subTest(headers=headers):
                self.assert_error(self.service.request("GET", self.path, headers=headers), 401,
                                  "unauthorized")
                self.assert_error(self.service.request(
                    "POST", self.path, headers=headers,
                    json={"kind": "text", "x": 0, "y": 0, "width": 1, "height": 1}),
                    401, "unauthorized")


if __name__ == "__main__":
    unittest.main()
