"""Data survives a restart: write, stop with SIGTERM (a clean exit), start a new
process on the same database, read everything back."""

import signal
import unittest

from harness import Service


class PersistenceTest(unittest.TestCase):
    def test_data_survives_a_restart(self):
        first = Service().start()
        try:
            owner, token = first.new_user("keeper")
            viewer, viewer_token = first.new_user("reader")
            board = first.create_board(token, "Persistent", "kept across restarts")
            member = first.add_member(token, board["id"], viewer["username"], "viewer")
            element = first.create_element(token, board["id"], kind="sticky_note", x=3.25,
                                           text="remember me", style={"fill": "#abcdef"})
            response = first.request("PATCH",
                                     f"/api/boards/{board['id']}/elements/{element['id']}",
                                     json={"version": 1, "y": 42}, token=token)
            self.assertEqual(response.status, 200, response)
            element = response.json()
            logged_out = first.login(owner["username"])["token"]
            self.assertEqual(first.request("POST", "/api/auth/logout", token=logged_out).status,
                             204)
        finally:
            code = first.stop(signal.SIGTERM)
        self.assertEqual(code, 0, "SIGTERM should end the service cleanly; output:\n" +
                         first.output_tail())

        second = Service(db_dir=first.db_dir).start()
        try:
            # Sessions persist: the old token still works, the logged-out one does not.
            me = second.request("GET", "/api/users/me", token=token)
            self.assertEqual(me.status, 200, me)
            self.assertEqual(me.json(), owner)
            self.assertEqual(second.request("GET", "/api/users/me", token=logged_out).status, 401)
            # Passwords too: logging in again works.
            second.login(owner["username"])

            got = second.request("GET", f"/api/boards/{board['id']}", token=token)
            self.assertEqual(got.status, 200, got)
            self.assertEqual(got.json(), board)
            members = second.request("GET", f"/api/boards/{board['id']}/members",
                                     token=viewer_token).json()["members"]
            self.assertIn(member, members)
            elements = second.request("GET", f"/api/boards/{board['id']}/elements",
                                      token=token).json()["elements"]
            self.assertEqual(elements, [element])
            self.assertEqual(elements[0]["version"], 2)
            # And the restarted service keeps writing: ids continue, versions move on.
            newer = second.create_board(token, "After restart")
            self.assertGreater(newer["id"], board["id"])
            response = second.request("PATCH",
                                      f"/api/boards/{board['id']}/elements/{element['id']}",
                                      json={"version": 2, "x": 0}, token=token)
            self.assertEqual(response.json()["version"], 3)
        finally:
            self.assertEqual(second.stop(signal.SIGTERM), 0)


if __name__ == "__main__":
    unittest.main()
