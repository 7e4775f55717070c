"""docs/openapi.yaml against the real server: every operation is driven through its
success and error answers, each real response (status, headers, JSON body) is
recorded, and tests/openapi-check/check.mjs validates them all against the document
with an OpenAPI 3.1 parser and Ajv (JSON Schema 2020-12). A status the document does
not list for that operation, a missing header or a body off its schema fails."""

import concurrent.futures
import json
import os
import subprocess
import tempfile
import unittest

from harness import PASSWORD, Service, ServiceTestCase, parse_raw_response
from otlp_receiver import node_binary

SOURCE_DIR = os.environ.get("RB_SOURCE_DIR",
                            os.path.join(os.path.dirname(__file__), "..", ".."))
SPEC = os.path.join(SOURCE_DIR, "docs", "openapi.yaml")
CHECK_DIR = os.path.join(SOURCE_DIR, "tests", "openapi-check")
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = "00f067aa0ba902b7"

# Statuses every operation lists because any request can meet them (protocol limits,
# a bug, a full database queue). They are driven on some operations, not on each;
# every other documented (operation, status) pair must be driven here.
SHARED_STATUSES = {"400", "413", "431", "500", "503"}


def run_check(records=None):
    """Runs the checker; returns (exit code, report dict, stderr)."""
    if not os.path.isdir(os.path.join(CHECK_DIR, "node_modules")):
        raise RuntimeError(f"{CHECK_DIR}/node_modules is missing: run `npm ci` there")
    args = [node_binary(), "check.mjs", SPEC]
    with tempfile.TemporaryDirectory() as scratch:
        if records is not None:
            path = os.path.join(scratch, "records.json")
            with open(path, "w", encoding="utf-8") as out:
                json.dump(records, out)
            args.append(path)
        result = subprocess.run(args, cwd=CHECK_DIR, capture_output=True, text=True,
                                timeout=120)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        report = {"errors": [result.stdout[-2000:]]}
    return result.returncode, report, result.stderr


def to_record(method, path, response, request_body=None, component=None, target=None):
    record = {"method": method, "status": response.status, "headers": response.headers,
              "body_text": response.body.decode("utf-8", "replace")}
    if component:
        record.update(component=component, target=target)
    else:
        record["path"] = path
    if response.body:
        try:
            record["body"] = json.loads(response.body)
        except ValueError:
            pass  # the checker reports a body that is not JSON
    if request_body is not None:
        record["request_body"] = request_body
    return record


class Recorder:
    """Sends requests to a service and keeps each answer as a checker record."""

    def __init__(self, service):
        self.service = service
        self.records = []

    def call(self, method, template, path=None, expect=None, json_body=None, **kwargs):
        response = self.service.request(method, path or template, json=json_body, **kwargs)
        if expect is not None and response.status != expect:
            raise AssertionError(f"{method} {path or template}: expected {expect}: {response!r}")
        self.records.append(to_record(method, template, response, request_body=json_body))
        return response

    def outside(self, method, target, component, expect, **kwargs):
        """A request no operation takes (unknown path, wrong method)."""
        response = self.service.request(method, target, **kwargs)
        if response.status != expect:
            raise AssertionError(f"{method} {target}: expected {expect}: {response!r}")
        self.records.append(to_record(method, None, response, component=component,
                                      target=target))

    def raw(self, method, template, data, expect):
        exchange = self.service.raw(data)
        response = exchange.response or parse_raw_response(exchange.data)
        if response is None or response.status != expect:
            raise AssertionError(f"raw {method} {template}: expected {expect}: {exchange.data!r}")
        self.records.append(to_record(method, template, response))


class OpenApiContractTest(ServiceTestCase):
    # The caps are low so that drive_members and drive_elements reach them.
    service_env = {"BOARD_DEBUG_FAULTS": "1", "BOARD_CLIENT_LOG_RATE": "1000/10s",
                   "BOARD_MAX_MEMBERS_PER_BOARD": "4", "BOARD_MAX_ELEMENTS_PER_BOARD": "3"}

    def test_the_document_is_valid_openapi_3_1(self):
        code, report, stderr = run_check()
        self.assertEqual(report.get("errors"), [], stderr)
        self.assertEqual(code, 0, stderr)

    def test_every_response_matches_the_document(self):
        recorder = Recorder(self.service)
        self.drive_health_and_routing(recorder)
        tokens = self.drive_accounts(recorder)
        board_id = self.drive_boards(recorder, tokens)
        self.drive_members(recorder, tokens, board_id)
        self.drive_elements(recorder, tokens, board_id)
        self.drive_client_telemetry(recorder)
        recorder.records.extend(StressedServiceRecords.collect())

        code, report, stderr = run_check(recorder.records)
        self.assertEqual(report.get("errors"), [], stderr)
        self.assertEqual(code, 0, stderr)
        self.assertEqual(report["checked"], len(recorder.records))
        # Every operation, and each of its statuses but the shared ones, was driven.
        missing = [key for key in report["uncovered"]
                   if key.rsplit(" ", 1)[1] not in SHARED_STATUSES]
        self.assertEqual(missing, [], "documented answers this test never produced")
        statuses = {key.rsplit(" ", 1)[1] for key in report["covered"]}
        self.assertLessEqual(SHARED_STATUSES - {"500"}, statuses)
        self.assertIn("component InternalError", report["covered"])

    def test_an_answer_off_the_document_fails_the_check(self):
        """The checker is not a rubber stamp: real records, each changed in one way."""
        response = self.service.request("GET", "/health")
        good = to_record("GET", "/health", response)
        undocumented_status = dict(good, status=418)
        wrong_body = dict(good, body={"status": "fine"})
        extra_field = dict(good, body={"status": "ok", "uptime": 1})
        missing_header = dict(good, headers={k: v for k, v in good["headers"].items()
                                             if k != "x-request-id"})
        bad_header = dict(good, headers=dict(good["headers"], traceparent="01-xyz"))
        unknown_operation = dict(good, method="DELETE")
        cases = {"undocumented_status": (undocumented_status, "is not documented"),
                 "wrong_body": (wrong_body, "body"),
                 "extra_field": (extra_field, "additional"),
                 "missing_header": (missing_header, "x-request-id is missing"),
                 "bad_header": (bad_header, "header traceparent"),
                 "unknown_operation": (unknown_operation, "not in the document")}
        code, report, stderr = run_check([good])
        self.assertEqual((code, report.get("errors")), (0, []), stderr)
        for name, (record, expected) in cases.items():
            with self.subTest(name):
                code, report, _ = run_check([good, record])
                self.assertEqual(code, 1, report)
                self.assertEqual(len(report["errors"]), 1, report)
                self.assertIn(expected, report["errors"][0])

    # --- the drives ------------------------------------------------------------

    def drive_health_and_routing(self, r):
        r.call("GET", "/health", expect=200)
        r.call("GET", "/ready", expect=200)
        # A propagated tracestate and a caller's request id come back as headers.
        r.call("GET", "/health", expect=200, headers={
            "traceparent": f"00-{TRACE}-{PARENT}-01", "tracestate": "vendor=1",
            "x-request-id": "contract-check-1"})
        r.outside("GET", "/no/such/route", "NotFound", 404)
        r.outside("PUT", "/api/boards", "MethodNotAllowed", 405)
        r.outside("DELETE", "/health", "MethodNotAllowed", 405)
        r.outside("GET", "/debug/fault", "InternalError", 500)
        # Protocol errors, answered before any handler runs.
        r.raw("GET", "/health", b"GET /health HTTP/1.1\r\nHost: x\r\n"
              b"Content-Length: nope\r\n\r\n", expect=400)
        r.raw("GET", "/api/users/me", b"GET /api/users/me HTTP/1.1\r\nHost: x\r\n"
              b"X-Filler: " + b"a" * 9000 + b"\r\n\r\n", expect=431)
        r.raw("POST", "/api/boards", b"POST /api/boards HTTP/1.1\r\nHost: x\r\n"
              b"Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n", expect=413)

    def drive_accounts(self, r):
        s = self.service
        name = s.unique_username("contract")
        credentials = {"username": name, "password": PASSWORD}
        r.call("POST", "/api/auth/register", json_body=credentials, expect=201)
        r.call("POST", "/api/auth/register", expect=409,
               json_body={"username": name.upper(), "password": PASSWORD})
        r.call("POST", "/api/auth/register", expect=422,
               json_body={"username": "a", "password": "short"})
        r.call("POST", "/api/auth/register", body="{}", expect=415)
        r.call("POST", "/api/auth/register", body="{not json", expect=400,
               headers={"Content-Type": "application/json"})

        login = r.call("POST", "/api/auth/login", json_body=credentials, expect=200)
        token = login.json()["token"]
        r.call("POST", "/api/auth/login", expect=401,
               json_body={"username": name, "password": "wrong password"})
        r.call("POST", "/api/auth/login", json_body={"username": name}, expect=422)
        r.call("POST", "/api/auth/login", body="{}", headers={"Content-Type": "text/plain"},
               expect=415)
        r.call("POST", "/api/auth/login", body="", expect=400,
               headers={"Content-Type": "application/json"})

        r.call("GET", "/api/users/me", token=token, expect=200)
        r.call("GET", "/api/users/me", expect=401)
        r.call("GET", "/api/users/me", token="not-a-token", expect=401)

        second = s.login(name)["token"]
        r.call("POST", "/api/auth/logout", token=second, expect=204)
        r.call("POST", "/api/auth/logout", token=second, expect=401)

        tokens = {"owner": token}
        for role in ("editor", "viewer", "stranger", "leaver"):
            user, role_token = s.new_user(role)
            tokens[role] = role_token
            tokens[role + "_user"] = user
        return tokens

    def drive_boards(self, r, tokens):
        owner, editor, stranger = tokens["owner"], tokens["editor"], tokens["stranger"]
        board = r.call("POST", "/api/boards", token=owner, expect=201,
                       json_body={"name": "Contract", "description": None}).json()
        board_id = board["id"]
        item = f"/api/boards/{board_id}"
        for role in ("editor", "viewer"):
            self.service.add_member(owner, board_id, tokens[role + "_user"]["username"], role)
        r.call("POST", "/api/boards", token=owner, json_body={"name": "  "}, expect=422)
        r.call("POST", "/api/boards", token=owner, body='{"name":"x"}', expect=415)
        r.call("POST", "/api/boards", token=owner, body="[", expect=400,
               headers={"Content-Type": "application/json"})
        r.call("POST", "/api/boards", json_body={"name": "x"}, expect=401)

        r.call("GET", "/api/boards", token=owner, expect=200)
        self.service.create_board(owner, "Second")  # so that the list has two pages
        first = r.call("GET", "/api/boards", "/api/boards?limit=1", token=owner, expect=200)
        cursor = first.json()["next_cursor"]
        self.assertIsInstance(cursor, str)
        r.call("GET", "/api/boards", f"/api/boards?limit=1&cursor={cursor}", token=owner,
               expect=200)
        r.call("GET", "/api/boards", "/api/boards?limit=0", token=owner, expect=422)
        r.call("GET", "/api/boards", "/api/boards?cursor=abc", token=owner, expect=422)
        r.call("GET", "/api/boards", "/api/boards?offset=0", token=owner, expect=422)
        r.call("GET", "/api/boards", expect=401)

        t = "/api/boards/{id}"
        r.call("GET", t, item, token=tokens["viewer"], expect=200)
        r.call("GET", t, item, token=stranger, expect=404)
        r.call("GET", t, "/api/boards/abc", token=owner, expect=404)
        r.call("GET", t, item, expect=401)

        r.call("PATCH", t, item, token=owner, json_body={"description": "about"}, expect=200)
        r.call("PATCH", t, item, token=owner, json_body={"name": "Renamed"}, expect=200)
        r.call("PATCH", t, item, token=editor, json_body={"name": "No"}, expect=403)
        r.call("PATCH", t, item, token=stranger, json_body={"name": "No"}, expect=404)
        r.call("PATCH", t, item, token=owner, json_body={}, expect=422)
        r.call("PATCH", t, item, token=owner, body='{"name":"x"}', expect=415)
        r.call("PATCH", t, item, token=owner, body="nul", expect=400,
               headers={"Content-Type": "application/json"})
        r.call("PATCH", t, item, json_body={"name": "x"}, expect=401)

        doomed = self.service.create_board(owner, "Doomed")["id"]
        r.call("DELETE", t, item, token=editor, expect=403)
        r.call("DELETE", t, item, token=stranger, expect=404)
        r.call("DELETE", t, item, expect=401)
        r.call("DELETE", t, f"/api/boards/{doomed}", token=owner, expect=204)
        return board_id

    def drive_members(self, r, tokens, board_id):
        owner, editor = tokens["owner"], tokens["editor"]
        t = "/api/boards/{id}/members"
        path = f"/api/boards/{board_id}/members"
        leaver = tokens["leaver_user"]
        r.call("GET", t, path, token=tokens["viewer"], expect=200)
        cursor = r.call("GET", t, f"{path}?limit=1", token=tokens["viewer"],
                        expect=200).json()["next_cursor"]
        r.call("GET", t, f"{path}?limit=1&cursor={cursor}", token=tokens["viewer"], expect=200)
        r.call("GET", t, f"{path}?limit=101", token=tokens["viewer"], expect=422)
        r.call("GET", t, path, token=tokens["stranger"], expect=404)
        r.call("GET", t, path, expect=401)

        new = {"username": leaver["username"], "role": "viewer"}
        r.call("POST", t, path, token=owner, json_body=new, expect=201)
        r.call("POST", t, path, token=owner, json_body=new, expect=409)  # conflict
        full = r.call("POST", t, path, token=owner, expect=409,  # 4 members: the cap
                      json_body={"username": tokens["stranger_user"]["username"], "role": "viewer"})
        self.assertEqual(full.json()["error"]["code"], "limit_reached")
        r.call("POST", t, path, token=editor, json_body=new, expect=403)
        r.call("POST", t, path, token=tokens["stranger"], json_body=new, expect=404)
        r.call("POST", t, path, token=owner, expect=422,
               json_body={"username": "nobody_" + leaver["username"], "role": "viewer"})
        r.call("POST", t, path, token=owner, expect=422,
               json_body={"username": leaver["username"], "role": "owner"})
        r.call("POST", t, path, token=owner, body="{}", expect=415)
        r.call("POST", t, path, token=owner, body="{", expect=400,
               headers={"Content-Type": "application/json"})
        r.call("POST", t, path, json_body=new, expect=401)

        t = "/api/boards/{id}/members/{user_id}"
        me = self.service.request("GET", "/api/users/me", token=owner).json()["id"]
        viewer_id = tokens["viewer_user"]["id"]
        viewer_path = f"{path}/{tokens['viewer_user']['id']}"
        promoted = r.call("PATCH", t, viewer_path, token=owner, json_body={"role": "editor"},
                          expect=200)
        self.assertEqual(promoted.json()["role"], "editor")
        r.call("PATCH", t, viewer_path, token=owner, json_body={"role": "viewer"}, expect=200)
        r.call("PATCH", t, viewer_path, token=editor, json_body={"role": "editor"}, expect=403)
        r.call("PATCH", t, f"{path}/{tokens['stranger_user']['id']}", token=owner,
               json_body={"role": "editor"}, expect=404)
        r.call("PATCH", t, f"{path}/{me}", token=owner, json_body={"role": "viewer"}, expect=409)
        r.call("PATCH", t, viewer_path, token=owner, json_body={"role": "owner"}, expect=422)
        r.call("PATCH", t, viewer_path, token=owner, body="{}", expect=415)
        r.call("PATCH", t, viewer_path, token=owner, body="{", expect=400,
               headers={"Content-Type": "application/json"})
        r.call("PATCH", t, viewer_path, json_body={"role": "editor"}, expect=401)
        r.call("DELETE", t, f"{path}/{me}", token=owner, expect=409)
        r.call("DELETE", t, f"{path}/{viewer_id}", token=editor, expect=403)
        r.call("DELETE", t, f"{path}/{tokens['stranger_user']['id']}", token=owner, expect=404)
        r.call("DELETE", t, f"{path}/{viewer_id}", expect=401)
        r.call("DELETE", t, f"{path}/{leaver['id']}", token=tokens["leaver"], expect=204)

    def drive_elements(self, r, tokens, board_id):
        owner, editor, viewer = tokens["owner"], tokens["editor"], tokens["viewer"]
        stranger = tokens["stranger"]
        t = "/api/boards/{id}/elements"
        path = f"/api/boards/{board_id}/elements"
        draft = {"kind": "sticky_note", "x": 120.5, "y": -40, "width": 200, "height": 150,
                 "rotation": 15, "z_index": 3, "style": {"fill": "#ffd54f"}, "text": "Ship it"}
        element = r.call("POST", t, path, token=editor, json_body=draft, expect=201).json()
        r.call("POST", t, path, token=editor, expect=201,
               json_body={"kind": "line", "x": 0, "y": 0, "width": 0, "height": 0, "text": None})
        r.call("POST", t, path, token=viewer, json_body=draft, expect=403)
        r.call("POST", t, path, token=stranger, json_body=draft, expect=404)
        r.call("POST", t, path, token=editor, json_body=dict(draft, kind="star"), expect=422)
        r.call("POST", t, path, token=editor, body="{}", expect=415)
        r.call("POST", t, path, token=editor, body="{]", expect=400,
               headers={"Content-Type": "application/json"})
        r.call("POST", t, path, json_body=draft, expect=401)
        self.service.create_element(editor, board_id)  # the third: the board is full
        full = r.call("POST", t, path, token=editor, json_body=draft, expect=409)
        self.assertEqual(full.json()["error"]["code"], "limit_reached")

        r.call("GET", t, path, token=viewer, expect=200)
        cursor = r.call("GET", t, f"{path}?limit=2", token=viewer, expect=200).json()["next_cursor"]
        r.call("GET", t, f"{path}?limit=2&cursor={cursor}", token=viewer, expect=200)
        r.call("GET", t, f"{path}?cursor={cursor}x", token=viewer, expect=422)
        r.call("GET", t, path, token=stranger, expect=404)
        r.call("GET", t, path, expect=401)

        t = "/api/boards/{id}/elements/{element_id}"
        item = f"{path}/{element['id']}"
        other_board = self.service.create_board(owner, "Other")["id"]
        foreign = self.service.create_element(owner, other_board)["id"]
        r.call("GET", t, item, token=viewer, expect=200)
        r.call("GET", t, f"{path}/{foreign}", token=viewer, expect=404)
        r.call("GET", t, item, expect=401)

        r.call("PATCH", t, item, token=editor, json_body={"version": 1, "x": 5}, expect=200)
        r.call("PATCH", t, item, token=editor, json_body={"version": 1, "x": 6}, expect=409)
        r.call("PATCH", t, item, token=viewer, json_body={"version": 2, "x": 6}, expect=403)
        r.call("PATCH", t, item, token=stranger, json_body={"version": 2, "x": 6}, expect=404)
        r.call("PATCH", t, item, token=editor, json_body={"x": 6}, expect=422)
        r.call("PATCH", t, item, token=editor, body="{}", expect=415)
        r.call("PATCH", t, item, token=editor, body="[1,", expect=400,
               headers={"Content-Type": "application/json"})
        r.call("PATCH", t, item, json_body={"version": 2, "x": 6}, expect=401)

        r.call("DELETE", t, item, token=viewer, expect=403)
        r.call("DELETE", t, item, token=stranger, expect=404)
        r.call("DELETE", t, item, expect=401)
        r.call("DELETE", t, item, token=editor, expect=204)

    def drive_client_telemetry(self, r):
        t = "/api/telemetry/client"
        event = {"level": "info", "message": "clicked", "timestamp": "2026-11-24T23:20:15.123Z",
                 "board_id": 7, "trace_id": TRACE, "span_id": PARENT,
                 "fields": {"component": "toolbar"}}
        r.call("POST", t, json_body=[event], expect=202)
        r.call("POST", t, json_body=[], expect=202)
        r.call("POST", t, json_body=[event, {"level": "loud"}, 3], expect=422)
        r.call("POST", t, json_body={"level": "info"}, expect=422)
        r.call("POST", t, json_body=[event] * 101, expect=422)
        r.call("POST", t, body="[]", expect=415)
        r.call("POST", t, body="[", expect=400, headers={"Content-Type": "application/json"})
        big = [dict(event, message="m" * 4000) for _ in range(17)]
        r.call("POST", t, json_body=big, expect=413)


class StressedServiceRecords:
    """Answers that need a squeezed service: a full database queue (503), the client
    telemetry rate limit and the account limits (429)."""

    @staticmethod
    def collect():
        return StressedServiceRecords.queue_and_telemetry() + StressedServiceRecords.accounts()

    @staticmethod
    def queue_and_telemetry():
        service = Service(env={"BOARD_DB_THREADS": "1", "BOARD_DB_QUEUE_LIMIT": "1",
                               "BOARD_CLIENT_LOG_RATE": "1/600s"}).start()
        try:
            r = Recorder(service)
            t = "/api/telemetry/client"
            r.call("POST", t, json_body=[], expect=202)
            r.call("POST", t, json_body=[], expect=429)
            StressedServiceRecords.burst_until_overloaded(r)
            return r.records
        finally:
            service.stop()

    @staticmethod
    def accounts():
        service = Service(env={"BOARD_LOGIN_FAILURES_PER_ACCOUNT": "1/600s",
                               "BOARD_REGISTRATIONS_PER_ADDRESS": "1/600s"}).start()
        try:
            r = Recorder(service)
            name = service.unique_username("limited")
            body = {"username": name, "password": PASSWORD}
            r.call("POST", "/api/auth/register", json_body=body, expect=201)
            r.call("POST", "/api/auth/register",
                   json_body={"username": name + "x", "password": PASSWORD}, expect=429)
            wrong = {"username": name, "password": "wrong password!"}
            r.call("POST", "/api/auth/login", json_body=wrong, expect=401)
            r.call("POST", "/api/auth/login", json_body=wrong, expect=429)
            return r.records
        finally:
            service.stop()

    @staticmethod
    def burst_until_overloaded(r):
        """Concurrent registrations and readiness checks until both a 503
        `overloaded` and a 503 `not_ready` came back (each burst is short)."""
        seen = set()
        names = iter(range(10_000))

        def one(kind):
            if kind == "ready":
                response = r.service.request("GET", "/ready")
                return to_record("GET", "/ready", response), response
            body = {"username": r.service.unique_username(f"burst{next(names)}_"),
                    "password": PASSWORD}
            response = r.service.request("POST", "/api/auth/register", json=body)
            return to_record("POST", "/api/auth/register", response, request_body=body), response

        with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
            for _ in range(20):
                kinds = ["register", "ready"] * 8
                for record, response in pool.map(one, kinds):
                    r.records.append(record)
                    if response.status == 503:
                        seen.add(response.json()["error"]["code"])
                if {"overloaded", "not_ready"} <= seen:
                    return
        raise AssertionError(f"no full database queue after 20 bursts; saw {seen}")


if __name__ == "__main__":
    unittest.main()
