"""Accounts: register, login, logout, /users/me, the username and password rules, and
that passwords and tokens never reach the logs."""

import unittest

from harness import PASSWORD, RFC3339_MILLIS_UTC, ServiceTestCase


class RegisterTest(ServiceTestCase):
    def register(self, payload):
        return self.service.request("POST", "/api/auth/register", json=payload)

    def test_register_returns_the_user(self):
        name = self.service.unique_username("ada")
        response = self.register({"username": name, "password": PASSWORD})
        self.assertEqual(response.status, 201, response)
        user = response.json()
        self.assertEqual(set(user), {"id", "username", "created_at"})
        self.assertIsInstance(user["id"], int)
        self.assertEqual(user["username"], name)
        self.assertRegex(user["created_at"], RFC3339_MILLIS_UTC)

    def test_taken_username_is_409_ignoring_case(self):
        name = self.service.unique_username("grace")
        self.service.register(name)
        self.assert_error(self.register({"username": name, "password": PASSWORD}), 409,
                          "username_taken")
        self.assert_error(self.register({"username": name.upper(), "password": PASSWORD}), 409,
                          "username_taken")

    def test_username_rules(self):
        for username in ["ab", "x" * 33, "has space", "semi;colon", "ünïcode", ""]:
            with self.subTest(username=username):
                self.assert_validation_error(
                    self.register({"username": username, "password": PASSWORD}), "username")
        for username in ["abc", "x" * 32, "A.b-c_9"]:
            with self.subTest(username=username):
                response = self.register({"username": username, "password": PASSWORD})
                self.assertIn(response.status, (201, 409), response)

    def test_password_rules(self):
        for password in ["short", "1234567", "p" * 129]:
            with self.subTest(length=len(password)):
                name = self.service.unique_username()
                self.assert_validation_error(
                    self.register({"username": name, "password": password}), "password")
        for password in ["12345678", "p" * 128]:
            with self.subTest(length=len(password)):
                name = self.service.unique_username()
                response = self.register({"username": name, "password": password})
                self.assertEqual(response.status, 201, response)

    def test_every_broken_rule_is_reported_at_once(self):
        details = self.assert_validation_error(
            self.register({"username": "a", "password": "b"}), "username", "password")
        self.assertGreaterEqual(len(details), 2)

    def test_missing_fields_wrong_types_and_unknown_fields(self):
        self.assert_validation_error(self.register({"password": PASSWORD}), "username")
        self.assert_validation_error(self.register({"username": "someone"}), "password")
        self.assert_validation_error(self.register({"username": 12345, "password": PASSWORD}),
                                     "username")
        self.assert_validation_error(
            self.register({"username": "someone", "password": ["x"]}), "password")
        details = self.assert_validation_error(
            self.register({"username": self.service.unique_username(), "password": PASSWORD,
                           "admin": True}), "admin")
        self.assertEqual([d["field"] for d in details], ["admin"])


class LoginTest(ServiceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = cls.service.register(cls.service.unique_username("login"))

    def login(self, username, password):
        return self.service.request("POST", "/api/auth/login",
                                    json={"username": username, "password": password})

    def test_login_returns_token_expiry_and_user(self):
        response = self.login(self.user["username"], PASSWORD)
        self.assertEqual(response.status, 200, response)
        session = response.json()
        self.assertIsInstance(session["token"], str)
        self.assertGreaterEqual(len(session["token"]), 32)
        self.assertRegex(session["expires_at"], RFC3339_MILLIS_UTC)
        self.assertEqual(session["user"], self.user)

    def test_login_ignores_username_case(self):
        response = self.login(self.user["username"].upper(), PASSWORD)
        self.assertEqual(response.status, 200, response)

    def test_bad_credentials_are_401_with_one_message(self):
        wrong_password = self.login(self.user["username"], "not the password")
        unknown_user = self.login("nobody_" + self.user["username"], PASSWORD)
        first = self.assert_error(wrong_password, 401, "unauthorized")
        second = self.assert_error(unknown_user, 401, "unauthorized")
        self.assertEqual(first["message"], second["message"])
        self.assertTrue(wrong_password.headers.get("www-authenticate", "").startswith("Bearer"))

    def test_login_validation(self):
        response = self.service.request("POST", "/api/auth/login", json={"username": "x"})
        self.assert_validation_error(response, "password")

    def test_each_login_gets_a_new_token(self):
        first = self.service.login(self.user["username"])["token"]
        second = self.service.login(self.user["username"])["token"]
        self.assertNotEqual(first, second)


class TokenTest(ServiceTestCase):
    def test_me_returns_the_caller(self):
        user, token = self.service.new_user()
        response = self.service.request("GET", "/api/users/me", token=token)
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.json(), user)

    def test_missing_or_bad_token_is_401_with_www_authenticate(self):
        cases = {
            "no header": {},
            "unknown token": {"Authorization": "Bearer not-a-real-token"},
            "other scheme": {"Authorization": "Basic dXNlcjpwYXNz"},
            "empty bearer": {"Authorization": "Bearer "},
            "scheme only": {"Authorization": "Bearer"},
        }
        for name, headers in cases.items():
            with self.subTest(name):
                response = self.service.request("GET", "/api/users/me", headers=headers)
                self.assert_error(response, 401, "unauthorized")
                self.assertTrue(response.headers.get("www-authenticate", "").startswith("Bearer"),
                                response.headers)

    def test_bearer_scheme_is_case_insensitive(self):
        _, token = self.service.new_user()
        response = self.service.request("GET", "/api/users/me",
                                        headers={"Authorization": f"bearer {token}"})
        self.assertEqual(response.status, 200, response)

    def test_logout_ends_only_that_session(self):
        user, token = self.service.new_user()
        other_token = self.service.login(user["username"])["token"]
        response = self.service.request("POST", "/api/auth/logout", token=token)
        self.assertEqual(response.status, 204, response)
        self.assertEqual(response.body, b"")
        self.assert_error(self.service.request("GET", "/api/users/me", token=token), 401,
                          "unauthorized")
        self.assertEqual(
            self.service.request("GET", "/api/users/me", token=other_token).status, 200)
        self.assert_error(self.service.request("POST", "/api/auth/logout", token=token), 401,
                          "unauthorized")

    def test_logout_without_token_is_401(self):
        self.assert_error(self.service.request("POST", "/api/auth/logout"), 401, "unauthorized")


class SecretsStayOutOfLogsTest(ServiceTestCase):
    def test_passwords_and_tokens_never_logged(self):
        password = "Sup3r-Secret-Passw0rd-for-logs"
        name = self.service.unique_username("secret")
        self.service.register(name, password=password)
        login = self.service.request("POST", "/api/auth/login",
                                     json={"username": name, "password": password})
        self.assertEqual(login.status, 200, login)
        token = login.json()["token"]
        last = self.service.request("GET", "/api/users/me", token=token)
        self.assertEqual(last.status, 200)
        # Failed attempts too: a wrong password and a bad token.
        self.service.request("POST", "/api/auth/login",
                             json={"username": name, "password": password + "-wrong"})
        self.service.request("GET", "/api/users/me",
                             headers={"Authorization": "Bearer " + token[::-1]})
        self.service.request("POST", "/api/auth/logout", token=token)
        # The last request's access line is written once it is served; wait for it so
        # that everything before it is in too.
        final = self.service.request("GET", "/health")
        self.service.wait_for_log(
            lambda l: l.get("request_id") == final.headers["x-request-id"], timeout=5)
        output = self.service.all_output()
        self.assertNotIn(password, output)
        self.assertNotIn(token, output)
        self.assertNotIn(token[::-1], output)
        self.assertTrue(self.service.logs_for(login.headers["x-request-id"]),
                        "the login request should have log lines at all")


if __name__ == "__main__":
    unittest.main()
