"""Lint of logging/alloy-config.alloy (no Alloy binary here): the syntax parses, every
component reference points to a defined component and one of its exports, required
arguments are present, the pipelines are wired end to end, and the config agrees with
Tempo, Loki, the compose files and the backend's log format."""

import unittest

import stack_files as sf

# What each component kind exports, and what it must be given (attributes, or inner
# blocks written "block:name", or an attribute inside a block "block.attr").
COMPONENTS = {
    "otelcol.receiver.otlp": {"exports": set(), "required": ["block:output"]},
    "otelcol.processor.batch": {"exports": {"input"}, "required": ["block:output"]},
    "otelcol.exporter.otlp": {"exports": {"input"}, "required": ["client.endpoint"]},
    "discovery.docker": {"exports": {"targets"}, "required": ["host"]},
    "discovery.relabel": {"exports": {"output", "rules"}, "required": ["targets"]},
    "local.file_match": {"exports": {"targets"}, "required": ["path_targets"]},
    "loki.source.docker": {"exports": set(), "required": ["host", "targets", "forward_to"]},
    "loki.source.file": {"exports": set(), "required": ["targets", "forward_to"]},
    "loki.process": {"exports": {"receiver"}, "required": ["forward_to"]},
    "loki.write": {"exports": {"receiver"}, "required": ["endpoint.url"]},
}
LOKI_STAGES = {"stage.json", "stage.timestamp", "stage.labels", "stage.static_labels",
               "stage.structured_metadata", "stage.label_drop", "stage.drop", "stage.match",
               "stage.regex", "stage.template", "stage.output", "stage.label_keep"}
# Standard-library namespaces an expression may call or reference.
STDLIB = {"sys", "env", "encoding", "string", "array", "convert", "json_path", "coalesce",
          "constants", "file"}


class AlloyConfig(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.text = sf.ALLOY_CONFIG.read_text(encoding="utf-8")
        cls.blocks = sf.parse_alloy(cls.text)
        cls.by_id = {(b.kind, b.label): b for b in cls.blocks}
        cls.stack = sf.load_yaml(sf.STACK_COMPOSE)
        cls.app = sf.load_yaml(sf.APP_COMPOSE)

    def one(self, kind):
        found = [b for b in self.blocks if b.kind == kind]
        self.assertEqual(len(found), 1, f"expected one {kind}")
        return found[0]

    def resolve(self, ref):
        """A reference `a.b.c.label.export` -> (component, export), or None."""
        for (kind, label), block in self.by_id.items():
            n = len(block.name)
            if ref.parts[:n] == block.name and len(ref.parts) == n + 2 and ref.parts[n] == label:
                return block, ref.parts[n + 1]
        return None

    # --- syntax and structure --------------------------------------------------------

    def test_braces_and_quotes_balance(self):
        opened = closed = 0
        for kind, value, _ in sf.tokenize(self.text):
            if kind == "punct":
                opened += value in "{[("
                closed += value in "}])"
        self.assertEqual(opened, closed)

    def test_components_are_known_labelled_and_unique(self):
        self.assertTrue(self.blocks)
        seen = set()
        for b in self.blocks:
            with self.subTest(component=f"{b.kind} {b.label}"):
                self.assertIn(b.kind, COMPONENTS, "unknown component kind (add it to the lint)")
                self.assertRegex(b.label or "", r"^[A-Za-z_][A-Za-z0-9_]*$")
                self.assertNotIn((b.kind, b.label), seen)
                seen.add((b.kind, b.label))

    def test_required_arguments_present(self):
        for b in self.blocks:
            for req in COMPONENTS[b.kind]["required"]:
                with self.subTest(component=f"{b.kind} {b.label}", argument=req):
                    if req.startswith("block:"):
                        self.assertTrue(b.inner(req[6:]), f"missing block {req[6:]}")
                    elif "." in req:
                        inner, attr = req.split(".")
                        self.assertTrue(b.inner(inner), f"missing block {inner}")
                        self.assertIn(attr, b.inner(inner)[0].attrs)
                    else:
                        self.assertIn(req, b.attrs)

    def test_every_reference_points_to_a_defined_export(self):
        refs = 0
        for b in self.blocks:
            for owner, name, value in sf.iter_attrs(b):
                for v in sf.iter_values(value):
                    if isinstance(v, sf.Call):
                        self.assertIn(v.name[0], STDLIB, f"unknown function {'.'.join(v.name)}")
                        continue
                    if not isinstance(v, sf.Ref):
                        continue
                    refs += 1
                    with self.subTest(reference=str(v), at=f"{b.kind} {b.label}.{name}"):
                        target = self.resolve(v)
                        self.assertIsNotNone(target, "no such component")
                        component, export = target
                        self.assertIn(export, COMPONENTS[component.kind]["exports"])
        self.assertGreaterEqual(refs, 6)

    def test_loki_process_uses_known_stages(self):
        for b in self.blocks:
            if b.kind == "loki.process":
                for stage in b.blocks:
                    self.assertIn(stage.kind, LOKI_STAGES)

    def test_otelcol_outputs_are_wired(self):
        # "By default, telemetry data is dropped": an output block with no traces list
        # would silently lose every span.
        for b in self.blocks:
            if b.kind.startswith("otelcol.") and b.inner("output"):
                self.assertTrue(b.inner("output")[0].attrs.get("traces"), b.kind)

    # --- the trace pipeline --------------------------------------------------------------

    def follow(self, block):
        """The components a component sends traces to."""
        out = block.inner("output")
        return [self.resolve(r)[0] for r in out[0].attrs.get("traces", [])] if out else []

    def test_traces_flow_receiver_batch_exporter(self):
        receiver = self.one("otelcol.receiver.otlp")
        hop1 = self.follow(receiver)
        self.assertEqual([b.kind for b in hop1], ["otelcol.processor.batch"])
        hop2 = self.follow(hop1[0])
        self.assertEqual([b.kind for b in hop2], ["otelcol.exporter.otlp"])

    def test_receiver_listens_on_all_interfaces_on_the_published_ports(self):
        receiver = self.one("otelcol.receiver.otlp")
        grpc = receiver.inner("grpc")[0].attrs["endpoint"]
        http = receiver.inner("http")[0].attrs["endpoint"]
        self.assertEqual(grpc, "0.0.0.0:4317")
        self.assertEqual(http, "0.0.0.0:4318")
        published = sf.published_container_ports(self.stack["services"]["alloy"])
        self.assertTrue({4317, 4318} <= published)

    def test_exporter_targets_tempos_otlp_grpc_receiver(self):
        exporter = self.one("otelcol.exporter.otlp")
        client = exporter.inner("client")[0]
        host, port = sf.split_host_port(client.attrs["endpoint"])
        self.assertNotIn("://", client.attrs["endpoint"], "otelcol.exporter.otlp takes host:port")
        self.assertIn(host, self.stack["services"], "host must be a compose service")
        self.assertEqual(host, "tempo")
        tempo = sf.load_yaml(sf.TEMPO_CONFIG)
        tempo_grpc = tempo["distributor"]["receivers"]["otlp"]["protocols"]["grpc"]["endpoint"]
        listen_host, listen_port = sf.split_host_port(tempo_grpc)
        self.assertEqual(port, listen_port)
        self.assertIn(listen_host, {"0.0.0.0", host})
        # plaintext hop: without insecure = true the exporter tries TLS
        tls = client.inner("tls")
        self.assertTrue(tls and tls[0].attrs.get("insecure") is True)

    # --- the log pipeline ------------------------------------------------------------------

    def test_every_log_source_reaches_loki(self):
        sources = [b for b in self.blocks if b.kind.startswith("loki.source.")]
        self.assertGreaterEqual(len(sources), 1)
        for src in sources:
            with self.subTest(source=src.kind):
                seen, frontier = set(), [self.resolve(r)[0] for r in src.attrs["forward_to"]]
                while frontier:
                    b = frontier.pop()
                    seen.add(b.kind)
                    frontier += [self.resolve(r)[0] for r in b.attrs.get("forward_to", [])]
                self.assertIn("loki.process", seen)
                self.assertIn("loki.write", seen)

    def test_loki_write_targets_loki_push_api(self):
        url = self.one("loki.write").inner("endpoint")[0].attrs["url"]
        host, port = sf.split_host_port(url)
        self.assertIn(host, self.stack["services"])
        self.assertEqual(port, sf.load_yaml(sf.LOKI_CONFIG)["server"]["http_listen_port"])
        self.assertTrue(url.endswith("/loki/api/v1/push"))

    def process_stage(self, name):
        stages = self.one("loki.process").inner(name)
        self.assertEqual(len(stages), 1, name)
        return stages[0].attrs

    def test_extracted_fields_are_the_ones_the_backend_writes(self):
        expressions = self.process_stage("stage.json")["expressions"]
        line_fields = set(sf.LOG_CORE_FIELDS + sf.LOG_CORRELATION_FIELDS)
        for key, expr in expressions.items():
            source = expr or key   # an empty expression means "the field named like the key"
            self.assertIn(source, line_fields, f"the backend writes no field {source!r}")
        self.assertEqual(self.process_stage("stage.timestamp")["source"], "timestamp")
        self.assertEqual(self.process_stage("stage.timestamp")["format"], "RFC3339Nano")

    def test_labels_are_few_and_ids_are_structured_metadata(self):
        expressions = self.process_stage("stage.json")["expressions"]
        labels = set(self.process_stage("stage.labels")["values"])
        static = self.process_stage("stage.static_labels")["values"]
        metadata = set(self.process_stage("stage.structured_metadata")["values"])
        self.assertEqual(labels, {"level"})
        self.assertEqual(static, {"service_name": "realtime-board-api"})
        self.assertEqual(metadata, {"trace_id", "span_id", "request_id"})
        ids = {"trace_id", "span_id", "request_id", "user_id"}
        self.assertFalse((labels | set(static)) & ids, "ids as labels: one stream per request")
        for name in labels | metadata:
            self.assertIn(name, expressions, f"{name} is used but never extracted")

    def test_docker_source_selects_the_compose_service(self):
        discovery = self.one("discovery.docker")
        values = discovery.inner("filter")[0].attrs["values"]
        services = {v.split("=", 1)[1] for v in values
                    if v.startswith("com.docker.compose.service=")}
        self.assertTrue(services)
        self.assertTrue(services <= set(self.app["services"]))
        mounts = self.stack["services"]["alloy"]["volumes"]
        self.assertIn("/var/run/docker.sock:/var/run/docker.sock:ro", mounts)

    def test_file_source_tails_the_mounted_log_directory(self):
        paths = [t["__path__"] for t in self.one("local.file_match").attrs["path_targets"]]
        mounts = {v.split(":")[1]: v.split(":")[0] for v in self.stack["services"]["alloy"]["volumes"]}
        for path in paths:
            directory = path.rsplit("/", 1)[0]
            self.assertEqual(mounts.get(directory), "./logs", path)

    def test_compose_mounts_this_file_as_alloys_config(self):
        alloy = self.stack["services"]["alloy"]
        config_path = alloy["command"][1]
        mounts = {v.split(":")[1]: v.split(":")[0] for v in alloy["volumes"]}
        self.assertEqual(mounts[config_path], "./logging/alloy-config.alloy")


class AlloyLint(unittest.TestCase):
    """The lint itself catches the mistakes it exists for."""

    def test_rejects_unbalanced_braces(self):
        with self.assertRaises(sf.AlloySyntaxError):
            sf.parse_alloy('loki.write "x" {\n  endpoint {\n    url = "u"\n  }\n')

    def test_rejects_unterminated_string(self):
        with self.assertRaises(sf.AlloySyntaxError):
            sf.parse_alloy('loki.write "x" {\n  endpoint {\n    url = "u\n  }\n}\n')

    def test_parses_references_lists_and_objects(self):
        blocks = sf.parse_alloy('a.b "l" {\n  x = [c.d.e.f.input]\n  y = { k = "v", }\n}\n')
        self.assertEqual(blocks[0].attrs["x"], [sf.Ref(("c", "d", "e", "f", "input"))])
        self.assertEqual(blocks[0].attrs["y"], {"k": "v"})


if __name__ == "__main__":
    unittest.main()
