"""Writes that were acknowledged survive a SIGTERM in the middle of load: several
clients create elements as fast as they can, the service is told to stop while they
are at it, and a new process on the same database must have every element whose
creation was answered 201 (and nothing half-written)."""

import signal
import threading
import time
import unittest

from harness import Service


class SigtermUnderLoad(unittest.TestCase):
    WRITERS = 4

    def test_acknowledged_writes_survive(self):
        first = Service(env={"BOARD_SHUTDOWN_TIMEOUT_MS": "5000"}).start()
        acknowledged = []  # (element id, text)
        errors = []
        lock = threading.Lock()
        stop = threading.Event()
        try:
            user, token = first.new_user("loader")
            board = first.create_board(token, "Under load")

            def writer(index):
                count = 0
                while not stop.is_set() and count < 2000:
                    text = f"writer {index} element {count}"
                    try:
                        response = first.request(
                            "POST", f"/api/boards/{board['id']}/elements",
                            json={"kind": "text", "x": index, "y": count, "width": 1,
                                  "height": 1, "text": text}, token=token, timeout=5)
                    except OSError:
                        return  # the listener is closed: the service is stopping
                    if response.status == 201:
                        with lock:
                            acknowledged.append((response.json()["id"], text))
                    elif response.status not in (503,):
                        with lock:
                            errors.append(response)
                    count += 1

            threads = [threading.Thread(target=writer, args=(i,)) for i in range(self.WRITERS)]
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + 10
            while len(acknowledged) < 200 and time.monotonic() < deadline:
                time.sleep(0.05)
            first.process.send_signal(signal.SIGTERM)
            code = first.process.wait(timeout=15)
            stop.set()
            for thread in threads:
                thread.join(timeout=10)
        finally:
            stop.set()
            first._kill()
        self.assertEqual(code, 0, first.output_tail())
        self.assertEqual(errors, [])
        self.assertGreaterEqual(len(acknowledged), 200, "the load never got going")

        second = Service(db_dir=first.db_dir).start()
        try:
            token = second.login(user["username"])["token"]
            # Every page of the list: more elements were written than one page holds.
            listed = second.list_all(token, f"/api/boards/{board['id']}/elements", "elements")
            stored = {e["id"]: e["text"] for e in listed}
            missing = [(i, t) for i, t in acknowledged if stored.get(i) != t]
            self.assertEqual(missing, [], f"{len(missing)} of {len(acknowledged)} acknowledged writes lost")
            self.assertGreaterEqual(len(stored), len(acknowledged))
        finally:
            second.stop()


if __name__ == "__main__":
    unittest.main()
