"""The stack's YAML files parse, both compose files pass `docker-compose config`, and
the compose files keep the rules a developer relies on: pinned images, healthchecks
that work in shell-less images, named volumes, only the needed ports."""

import shutil
import subprocess
import unittest

import stack_files as sf

STACK_SERVICES = {"loki", "tempo", "alloy", "grafana"}
# What a developer needs on the host (the list, plus Alloy's UI/metrics port,
# which the smoke script reads for its diagnosis).
ALLOWED_PORTS = {"loki": {3100}, "tempo": {3200}, "alloy": {4317, 4318, 12345},
                 "grafana": {3000}}
SHELL_LESS = {"loki", "tempo", "alloy"}   # no wget/curl in these images


class YamlParses(unittest.TestCase):
    def test_every_yaml_file_parses(self):
        files = sf.yaml_files()
        self.assertGreaterEqual(len(files), 6, files)
        for path in files:
            with self.subTest(file=str(path.relative_to(sf.ROOT))):
                doc = sf.load_yaml(path)
                self.assertIsInstance(doc, dict, "top level must be a mapping")


class ComposeConfig(unittest.TestCase):
    def run_config(self, path):
        exe = shutil.which("docker-compose")
        if exe is None:
            self.skipTest("docker-compose binary not installed (Debian package docker-compose); "
                          "schema check not run")
        proc = subprocess.run([exe, "-f", str(path), "config", "-q"], cwd=sf.ROOT,
                              capture_output=True, text=True, timeout=120)
        self.assertEqual(proc.returncode, 0,
                         f"docker-compose -f {path.name} config -q failed:\n{proc.stderr}")

    def test_logging_compose_is_valid(self):
        self.run_config(sf.STACK_COMPOSE)

    def test_app_compose_is_valid(self):
        self.run_config(sf.APP_COMPOSE)


class StackCompose(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.doc = sf.load_yaml(sf.STACK_COMPOSE)
        cls.services = cls.doc["services"]

    def test_has_the_four_services(self):
        self.assertEqual(set(self.services), STACK_SERVICES)

    def test_images_are_pinned(self):
        for name, svc in self.services.items():
            with self.subTest(service=name):
                image = svc["image"]
                self.assertRegex(image, r"^[\w./-]+:[\w.-]+(@sha256:[0-9a-f]{64})?$")
                tag = image.split("@")[0].rsplit(":", 1)[1]
                self.assertNotIn(tag, {"latest", "main", "dev"})
                self.assertRegex(tag, r"\d+\.\d+\.\d+", "pin an exact version")

    def test_every_service_has_a_healthcheck_the_image_can_run(self):
        for name, svc in self.services.items():
            with self.subTest(service=name):
                test = svc.get("healthcheck", {}).get("test")
                self.assertTrue(test, "healthcheck.test missing")
                command = " ".join(test) if isinstance(test, list) else test
                if name in SHELL_LESS:
                    self.assertNotRegex(command, r"\b(wget|curl)\b",
                                        f"{name}'s image has neither wget nor curl")
                if name in {"loki", "tempo"}:
                    # distroless: no shell either, so exec form of the binary itself
                    self.assertEqual(test[0], "CMD", "no shell in the image: use exec form")
                    self.assertIn("-health", test)

    def test_dependants_wait_for_health(self):
        for name in ("alloy", "grafana"):
            deps = self.services[name]["depends_on"]
            for dep in ("loki", "tempo"):
                self.assertEqual(deps[dep]["condition"], "service_healthy", f"{name}->{dep}")

    def test_data_lives_on_named_volumes(self):
        declared = set(self.doc.get("volumes", {}))
        data_dirs = {"loki": "/loki", "tempo": "/var/tempo", "alloy": "/var/lib/alloy/data",
                     "grafana": "/var/lib/grafana"}
        for name, target in data_dirs.items():
            with self.subTest(service=name):
                mounts = {v.split(":")[1]: v.split(":")[0] for v in self.services[name]["volumes"]}
                self.assertIn(target, mounts)
                self.assertIn(mounts[target], declared, "must be a declared named volume")

    def test_only_needed_ports_are_published(self):
        for name, svc in self.services.items():
            with self.subTest(service=name):
                self.assertTrue(sf.published_container_ports(svc) <= ALLOWED_PORTS[name])
        self.assertEqual(sf.published_container_ports(self.services["grafana"]), {3000})
        self.assertTrue({4317, 4318} <= sf.published_container_ports(self.services["alloy"]))
        self.assertIn(3200, sf.published_container_ports(self.services["tempo"]))
        self.assertIn(3100, sf.published_container_ports(self.services["loki"]))
        # Alloy owns 4317/4318 on the host; Tempo publishing them too would clash.
        self.assertFalse({4317, 4318} & sf.published_container_ports(self.services["tempo"]))

    def test_alloy_http_server_listens_beyond_loopback(self):
        command = self.services["alloy"]["command"]
        self.assertIn("--server.http.listen-addr=0.0.0.0:12345", command)

    def test_mounted_config_files_exist(self):
        for name, svc in self.services.items():
            for volume in svc.get("volumes", []):
                source = volume.split(":")[0]
                if source.startswith("./") and source != "./logs":
                    with self.subTest(service=name, source=source):
                        self.assertTrue((sf.ROOT / source).exists())


class AppCompose(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.app = sf.load_yaml(sf.APP_COMPOSE)
        cls.stack = sf.load_yaml(sf.STACK_COMPOSE)

    def service(self):
        self.assertIn("realtime-board-api", self.app["services"])
        return self.app["services"]["realtime-board-api"]

    def test_exports_to_alloy_over_grpc(self):
        env = self.service()["environment"]
        self.assertEqual(env["OTEL_EXPORTER_OTLP_ENDPOINT"], "http://alloy:4317")
        host, port = sf.split_host_port(env["OTEL_EXPORTER_OTLP_ENDPOINT"])
        self.assertIn(host, self.stack["services"])
        alloy = sf.parse_alloy(sf.ALLOY_CONFIG.read_text())
        receiver = next(b for b in alloy if b.kind == "otelcol.receiver.otlp")
        self.assertEqual(sf.split_host_port(receiver.inner("grpc")[0].attrs["endpoint"])[1], port)

    def test_listens_on_all_interfaces_and_logs_json(self):
        env = self.service()["environment"]
        self.assertEqual(env["BOARD_LISTEN_ADDRESS"], "0.0.0.0")
        self.assertEqual(env["LOG_FORMAT"], "json")
        self.assertIn(int(env["BOARD_PORT"]), sf.published_container_ports(self.service()))

    def test_joins_the_stack_network(self):
        stack_net = self.stack["networks"]["default"]["name"]
        app_net = self.app["networks"]["default"]
        self.assertEqual(app_net["name"], stack_net)
        self.assertTrue(app_net.get("external"), "the stack creates it; the app joins it")

    def test_builds_from_the_dockerfile(self):
        build = self.service()["build"]
        self.assertTrue((sf.ROOT / build["context"] / build.get("dockerfile", "Dockerfile")).is_file())


class Dockerfile(unittest.TestCase):
    def test_multi_stage_debian_12(self):
        text = (sf.ROOT / "Dockerfile").read_text()
        froms = [line.split()[1] for line in text.splitlines() if line.startswith("FROM ")]
        self.assertGreaterEqual(len(froms), 2, "multi-stage")
        for image in froms:
            self.assertRegex(image, r"^debian:12(-slim)?$")
        self.assertIn("-DRB_BUILD_TESTS=OFF", text)
        self.assertIn("--target realtime-board-api", text)
        self.assertIn("build/release/src/app/realtime-board-api", text)
        self.assertRegex(text, r"(?m)^USER \w+", "run as a non-root user")


if __name__ == "__main__":
    unittest.main()
