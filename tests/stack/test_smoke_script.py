"""scripts/smoke-observability: valid bash, and without a Docker engine it says so and
exits with its own status (77), distinct from pass (0) and fail (1)."""

import os
import shutil
import stat
import subprocess
import tempfile
import unittest

import stack_files as sf

NO_DOCKER = 77
BASH = shutil.which("bash") or "/bin/bash"


class SmokeScript(unittest.TestCase):
    def run_script(self, path_dirs, *args):
        env = dict(os.environ, PATH=os.pathsep.join(path_dirs))
        return subprocess.run([BASH, str(sf.SMOKE_SCRIPT), *args], env=env,
                              capture_output=True, text=True, timeout=60)

    def tool_dir(self, tmp, fake_docker=None):
        """A PATH directory with the tools the script needs, and a docker of our choice."""
        bindir = os.path.join(tmp, "bin")
        os.makedirs(bindir)
        for tool in ("dirname", "sed", "cat", "grep", "awk", "mkdir", "date", "tr", "head",
                     "tail", "sleep", "curl", "jq", "mktemp", "rm"):
            found = shutil.which(tool)
            if found:
                os.symlink(found, os.path.join(bindir, tool))
        if fake_docker is not None:
            path = os.path.join(bindir, "docker")
            with open(path, "w") as f:
                f.write("#!/bin/sh\n" + fake_docker + "\n")
            os.chmod(path, os.stat(path).st_mode | stat.S_IEXEC)
        return bindir

    def test_is_executable_and_valid_bash(self):
        self.assertTrue(os.access(sf.SMOKE_SCRIPT, os.X_OK))
        proc = subprocess.run([BASH, "-n", str(sf.SMOKE_SCRIPT)], capture_output=True,
                              text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def test_without_docker_command(self):
        with tempfile.TemporaryDirectory() as tmp:
            proc = self.run_script([self.tool_dir(tmp)])
        self.assertEqual(proc.returncode, NO_DOCKER, proc.stdout + proc.stderr)
        self.assertIn("SKIP", proc.stdout)
        self.assertIn("docker", proc.stdout.lower())

    def test_with_docker_cli_but_no_engine(self):
        # `docker info` fails when no daemon answers (the situation on this machine).
        with tempfile.TemporaryDirectory() as tmp:
            bindir = self.tool_dir(tmp, fake_docker='echo "Cannot connect to the Docker daemon" >&2; exit 1')
            proc = self.run_script([bindir])
        self.assertEqual(proc.returncode, NO_DOCKER, proc.stdout + proc.stderr)
        self.assertIn("no Docker engine", proc.stdout)

    def test_bad_usage_is_its_own_status(self):
        with tempfile.TemporaryDirectory() as tmp:
            proc = self.run_script([self.tool_dir(tmp)], "--no-such-flag")
        self.assertEqual(proc.returncode, 2)

    def test_polls_the_published_ports_and_the_apis_named_in_the_issue(self):
        text = sf.SMOKE_SCRIPT.read_text()
        self.assertIn("http://localhost:3200", text)
        self.assertIn("/api/traces/$trace_id", text)
        self.assertIn("http://localhost:3100", text)
        self.assertIn("/loki/api/v1/query_range", text)
        self.assertIn("x-trace-id", text)
        self.assertIn("InstancesCount <= 0", text)
        stack = sf.load_yaml(sf.STACK_COMPOSE)["services"]
        self.assertIn(3200, sf.published_container_ports(stack["tempo"]))
        self.assertIn(3100, sf.published_container_ports(stack["loki"]))


if __name__ == "__main__":
    unittest.main()
