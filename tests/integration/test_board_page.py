"""The page at GET / in a real browser (Debian's chromium, headless, through
playwright-core): two pages on one board, a note added in one appears in the other;
screenshots are kept in the scratch directory."""

import json
import os
import shutil
import subprocess

from harness import ServiceTestCase, scratch_dir

BROWSER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser")


class BoardPage(ServiceTestCase):
    def test_the_page_is_served_from_the_binary(self):
        response = self.service.request("GET", "/")
        self.assertEqual(response.status, 200)
        self.assertTrue(response.headers["content-type"].startswith("text/html"))
        self.assertIn(b"/ws/boards/", response.body)
        self.assertNotIn(b"http://", response.body)  # nothing fetched from elsewhere
        self.assertNotIn(b"https://", response.body)

    def test_a_note_added_in_one_browser_page_appears_in_the_other(self):
        if not os.path.isdir(os.path.join(BROWSER_DIR, "node_modules")):
            raise RuntimeError(f"{BROWSER_DIR}/node_modules is missing: run `npm ci` there")
        out = os.path.join(scratch_dir(), "browser")
        completed = subprocess.run(
            [shutil.which("node"), "board_page.mjs", "--url",
             f"http://127.0.0.1:{self.service.port}", "--out", out],
            cwd=BROWSER_DIR, capture_output=True, timeout=120)
        self.assertEqual(completed.returncode, 0,
                         completed.stderr.decode("utf-8", "replace")[-2000:])
        result = json.loads(completed.stdout.decode().strip().splitlines()[-1])
        self.assertEqual(result["first_notes"], 1)
        self.assertEqual(result["second_notes"], 1)
        self.assertEqual(result["second_text"], "New note")
        self.assertEqual(result["stored"], 1)
        for path in result["screenshots"]:
            self.assertGreater(os.path.getsize(path), 1000)
