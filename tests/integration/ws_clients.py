"""Real WebSocket clients for the tests: the `ws` npm package in a Node process
(tests/realtime/ws_puppet.mjs) that this module drives one JSON line at a time."""

import json
import os
import shutil
import subprocess
import time

PUPPET_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "realtime")


class WsClients:
    def __init__(self, port):
        node = shutil.which("node")
        if not node:
            raise RuntimeError("node is not installed; the WebSocket tests need Node.js >= 18")
        if not os.path.isdir(os.path.join(PUPPET_DIR, "node_modules")):
            raise RuntimeError(f"{PUPPET_DIR}/node_modules is missing: run `npm ci` there")
        self.port = port
        self.process = subprocess.Popen([node, "ws_puppet.mjs"], cwd=PUPPET_DIR,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, bufsize=1)

    def command(self, **command):
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the WebSocket client process ended")
        return json.loads(line)

    def url(self, board_id, query=""):
        return f"ws://127.0.0.1:{self.port}/ws/boards/{board_id}" + (f"?{query}" if query else "")

    def open(self, name, board_id, token=None, query="", headers=None, protocols=None):
        """Opens a connection; the answer has ok (and status/body when refused)."""
        all_headers = dict(headers or {})
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        return self.command(op="open", name=name, url=self.url(board_id, query),
                            headers=all_headers, protocols=protocols or [])

    def send(self, name, **message):
        return self.command(op="send", name=name, msg=message)

    def send_many(self, sends):
        """Sends [(name, message), ...] in one go, without waiting in between."""
        return self.command(op="send_many", sends=[{"name": n, "msg": m} for n, m in sends])

    def messages(self, name, type_=None):
        messages = self.command(op="messages", name=name)["messages"]
        return [m for m in messages if type_ is None or m.get("type") == type_]

    def wait_for(self, name, predicate, count=1, timeout=5.0):
        """The client's messages that satisfy `predicate`, once there are `count`."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.messages(name) if predicate(m)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                last = [(m.get("type"), m.get("seq")) for m in self.messages(name)[-10:]]
                raise AssertionError(f"{name}: {len(found)} of {count} wanted messages after "
                                     f"{timeout} s; the last ones (type, seq): {last}")
            time.sleep(0.02)

    def wait_type(self, name, type_, count=1, timeout=5.0):
        return self.wait_for(name, lambda m: m.get("type") == type_, count, timeout)

    def state(self, name):
        return self.command(op="state", name=name)

    def wait_closed(self, name, timeout=5.0):
        deadline = time.monotonic() + timeout
        while True:
            state = self.state(name)
            if state["closed"]:
                return state
            if time.monotonic() > deadline:
                raise AssertionError(f"{name} still open after {timeout} s")
            time.sleep(0.02)

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
