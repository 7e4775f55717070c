"""Grafana provisioning: data sources with fixed uids at the compose services' ports,
links (Loki derived field -> Tempo, Tempo trace-to-logs -> Loki) that name uids which
exist, "$" escaped in the YAML files, and a dashboard whose queries use the labels
Alloy sets and the fields the backend writes."""

import json
import re
import unittest

import stack_files as sf

PORTS = {"loki": lambda: sf.load_yaml(sf.LOKI_CONFIG)["server"]["http_listen_port"],
         "tempo": lambda: sf.load_yaml(sf.TEMPO_CONFIG)["server"]["http_listen_port"]}


def provisioning_yaml():
    return sorted(p for p in sf.PROVISIONING.rglob("*") if p.suffix in (".yml", ".yaml"))


def datasources():
    out = []
    for path in provisioning_yaml():
        doc = sf.load_yaml(path)
        out += doc.get("datasources", []) if isinstance(doc, dict) else []
    return out


def dashboards():
    return sorted(sf.PROVISIONING.rglob("*.json"))


def walk(node):
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)


class Datasources(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ds = datasources()
        cls.by_uid = {d["uid"]: d for d in cls.ds}
        cls.stack = sf.load_yaml(sf.STACK_COMPOSE)

    def test_loki_and_tempo_with_fixed_unique_uids(self):
        uids = [d.get("uid") for d in self.ds]
        self.assertEqual(len(uids), len(set(uids)), "duplicate uid")
        self.assertEqual(self.by_uid["loki"]["type"], "loki")
        self.assertEqual(self.by_uid["tempo"]["type"], "tempo")
        for path in provisioning_yaml():
            doc = sf.load_yaml(path)
            self.assertEqual(doc.get("apiVersion"), 1, path.name)

    def test_urls_name_compose_services_and_their_ports(self):
        for d in self.ds:
            with self.subTest(datasource=d["uid"]):
                host, port = sf.split_host_port(d["url"])
                self.assertIn(host, self.stack["services"])
                self.assertEqual(port, PORTS[host]())

    def test_loki_derived_field_links_to_tempo(self):
        fields = self.by_uid["loki"]["jsonData"]["derivedFields"]
        self.assertTrue(fields)
        for f in fields:
            with self.subTest(field=f["name"]):
                self.assertIn(f["datasourceUid"], self.by_uid)
                self.assertEqual(self.by_uid[f["datasourceUid"]]["type"], "tempo")
                self.assertEqual(f["url"], "${__value.raw}".replace("$", "$$"))

    def test_derived_field_regex_finds_the_trace_id_in_a_real_line_shape(self):
        f = self.by_uid["loki"]["jsonData"]["derivedFields"][0]
        self.assertEqual(f.get("matcherType", "regex"), "regex")
        line = sf.documented_access_line()
        m = re.search(f["matcherRegex"], line)
        self.assertIsNotNone(m, "derived-field regex does not match the backend's line")
        self.assertEqual(m.group(1), json.loads(line)["trace_id"])
        # and nothing else: a span_id is 16 hex, a request id is not a trace id
        self.assertIsNone(re.search(f["matcherRegex"], line.replace('"trace_id"', '"x"')))

    def test_tempo_trace_to_logs_links_to_loki_by_trace_id(self):
        t2l = self.by_uid["tempo"]["jsonData"]["tracesToLogsV2"]
        self.assertIn(t2l["datasourceUid"], self.by_uid)
        self.assertEqual(self.by_uid[t2l["datasourceUid"]]["type"], "loki")
        tags = {t["key"]: t.get("value", t["key"]) for t in t2l["tags"]}
        self.assertEqual(tags.get("service.name"), "service_name")
        if t2l.get("customQuery"):
            self.assertIn('trace_id="$${__trace.traceId}"', t2l["query"])
        else:
            self.assertTrue(t2l.get("filterByTraceID"))
        # symmetric window around the span, so lines just before/after are found
        self.assertEqual(t2l["spanStartTimeShift"].lstrip("-"), t2l["spanEndTimeShift"])

    def test_trace_to_logs_labels_are_the_ones_alloy_sets(self):
        text = sf.ALLOY_CONFIG.read_text()
        t2l = self.by_uid["tempo"]["jsonData"]["tracesToLogsV2"]
        for tag in t2l["tags"]:
            self.assertIn(f'{tag["value"]} = "realtime-board-api"', text)


class DollarEscaping(unittest.TestCase):
    def test_every_dollar_in_provisioning_yaml_is_escaped(self):
        # Grafana expands $VAR and ${VAR} in provisioning files; "$$" is a literal "$".
        for path in provisioning_yaml():
            text = "\n".join(l for l in path.read_text().splitlines()
                             if not l.lstrip().startswith("#"))
            with self.subTest(file=path.name):
                lone = re.findall(r"(?<!\$)\$(?!\$)", text.replace("$$", ""))
                self.assertEqual(lone, [], "a single $ would be replaced by an env variable")

    def test_escaping_check_catches_a_lone_dollar(self):
        text = "url: '${__value.raw}'"
        self.assertTrue(re.findall(r"(?<!\$)\$(?!\$)", text.replace("$$", "")))


class Dashboard(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        files = dashboards()
        assert files, "no dashboard JSON under logging/grafana/provisioning"
        cls.dash = json.loads(files[0].read_text())
        cls.uids = {d["uid"] for d in datasources()}
        cls.panels = cls.dash["panels"]
        cls.exprs = [t["expr"] for p in cls.panels for t in p.get("targets", []) if "expr" in t]

    def test_provider_points_at_the_dashboard_folder(self):
        provider = sf.load_yaml(sf.PROVISIONING / "dashboards" / "dashboards.yaml")["providers"][0]
        container_path = provider["options"]["path"]
        prefix = "/etc/grafana/provisioning/"
        self.assertTrue(container_path.startswith(prefix))
        local = sf.PROVISIONING / container_path[len(prefix):]
        self.assertTrue(list(local.glob("*.json")), f"no dashboard in {local}")

    def test_every_datasource_reference_exists(self):
        refs = [n["datasource"]["uid"] for n in walk(self.dash)
                if isinstance(n.get("datasource"), dict) and "uid" in n["datasource"]]
        self.assertTrue(refs)
        for uid in refs:
            self.assertIn(uid, self.uids)

    def test_has_the_four_views(self):
        titles = " | ".join(p["title"].lower() for p in self.panels)
        for word in ("request rate", "error", "latency", "slowest"):
            self.assertIn(word, titles)
        joined = "\n".join(self.exprs)
        self.assertIn("status >= 500", joined)
        for q in ("0.50", "0.95", "0.99"):
            self.assertIn(f"quantile_over_time({q},", joined)
        tempo_targets = [t for p in self.panels for t in p.get("targets", [])
                         if t.get("datasource", {}).get("uid") == "tempo"]
        self.assertTrue(any('resource.service.name = "realtime-board-api"' in t["query"]
                            for t in tempo_targets))

    def test_queries_use_alloys_labels_and_the_backends_fields(self):
        line = json.loads(sf.documented_access_line())
        text = sf.ALLOY_CONFIG.read_text()
        for expr in self.exprs:
            with self.subTest(expr=expr[:60]):
                selector = re.match(r"^.*?\{([^}]*)\}", expr).group(1)
                for label, value in re.findall(r'(\w+)\s*=~?\s*"([^"]*)"', selector):
                    self.assertIn(label, {"service_name", "level"}, "not a label Alloy sets")
                    if label == "service_name":
                        self.assertIn(f'service_name = "{value}"', text)
                for params in re.findall(r"\|\s*json\s+([^|]+)", expr):
                    for _, field in re.findall(r'(\w+)\s*=\s*"([^"]+)"', params):
                        self.assertIn(field, line, f"the access line has no field {field!r}")
                for field in re.findall(r"unwrap\s+(\w+)", expr):
                    self.assertIsInstance(line[field], (int, float))

    def test_access_line_filter_does_not_depend_on_the_message(self):
        # The message may become "access"; the panels select on target and fields.
        for expr in self.exprs:
            self.assertNotIn("request completed", expr)


if __name__ == "__main__":
    unittest.main()
