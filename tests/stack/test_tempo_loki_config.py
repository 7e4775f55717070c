"""Tempo 3.0 and Loki configs: no key Tempo 3.0 removed (it loads its config strictly,
so one stops it from starting), receivers reachable from other containers, a single
instance that becomes ready on its own, storage on the mounted volumes, retention."""

import unittest

import stack_files as sf

# Top-level keys of Tempo 3.0's configuration (its manifest), minus the removed ones.
TEMPO_TOP_LEVEL = {
    "target", "http_api_prefix", "auth_enabled", "multitenancy_enabled", "shutdown_delay",
    "stream_over_http_enabled", "enable_go_runtime_metrics", "server", "internal_server",
    "distributor", "querier", "query_frontend", "metrics_generator", "ingest",
    "block_builder", "live_store", "live_store_client", "storage", "overrides",
    "memberlist", "usage_report", "cache", "backend_scheduler", "backend_scheduler_client",
    "backend_worker",
}
# Removed in 3.0 (release notes, upgrade guide): their presence is fatal.
TEMPO_REMOVED_TOP_LEVEL = {"ingester", "ingester_client", "compactor",
                           "metrics_generator_client", "metrics_generator_processors",
                           "partition_ring_live_store"}


def paths(node, prefix=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield prefix + (k,)
            yield from paths(v, prefix + (k,))
    elif isinstance(node, list):
        for v in node:
            yield from paths(v, prefix)


class TempoConfig(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cfg = sf.load_yaml(sf.TEMPO_CONFIG)
        cls.compose = sf.load_yaml(sf.STACK_COMPOSE)

    def test_no_key_removed_in_tempo_3(self):
        self.assertFalse(set(self.cfg) & TEMPO_REMOVED_TOP_LEVEL)
        removed_nested = {("querier", "query_live_store"),
                          ("query_frontend", "search", "query_ingesters_until"),
                          ("metrics_generator", "processor", "local_blocks")}
        found = {p for p in paths(self.cfg)} & removed_nested
        self.assertFalse(found, f"removed in 3.0: {found}")

    def test_only_known_top_level_keys(self):
        unknown = set(self.cfg) - TEMPO_TOP_LEVEL
        self.assertFalse(unknown, f"Tempo would refuse to start: unknown keys {unknown}")

    def test_legacy_flat_overrides_absent(self):
        overrides = self.cfg.get("overrides") or {}
        flat = {k for k in overrides if k not in {"defaults", "per_tenant_override_config",
                                                  "per_tenant_override_period",
                                                  "user_configurable_overrides"}}
        self.assertFalse(flat, f"3.0 refuses the legacy overrides format: {flat}")

    def test_otlp_receivers_listen_on_all_interfaces(self):
        protocols = self.cfg["distributor"]["receivers"]["otlp"]["protocols"]
        self.assertEqual(protocols["grpc"]["endpoint"], "0.0.0.0:4317")
        self.assertEqual(protocols["http"]["endpoint"], "0.0.0.0:4318")

    def test_http_port_is_the_published_one(self):
        port = self.cfg["server"]["http_listen_port"]
        self.assertEqual(port, 3200)
        self.assertIn(port, sf.published_container_ports(self.compose["services"]["tempo"]))

    def test_single_instance_ring_needs_no_peers(self):
        ring = self.cfg["live_store"]["ring"]
        self.assertEqual(ring["kvstore"]["store"], "inmemory")
        self.assertEqual(ring["instance_addr"], "127.0.0.1")
        self.assertEqual(self.cfg["live_store"]["partition_ring"]["kvstore"]["store"], "inmemory")

    def test_local_storage_on_the_mounted_volume(self):
        trace = self.cfg["storage"]["trace"]
        self.assertEqual(trace["backend"], "local")
        mounts = [v.split(":")[1] for v in self.compose["services"]["tempo"]["volumes"]]
        self.assertIn("/var/tempo", mounts)
        for key in ("wal", "local"):
            self.assertTrue(trace[key]["path"].startswith("/var/tempo/"), key)

    def test_retention_is_set(self):
        self.assertRegex(self.cfg["backend_worker"]["compaction"]["block_retention"], r"^\d+h$")

    def test_compose_runs_the_monolithic_target_with_this_file(self):
        tempo = self.compose["services"]["tempo"]
        self.assertIn("-target=all", tempo["command"])
        config_flag = next(a for a in tempo["command"] if a.startswith("-config.file="))
        mounted = {v.split(":")[1]: v.split(":")[0] for v in tempo["volumes"]}
        self.assertEqual(mounted[config_flag.split("=", 1)[1]], "./logging/tempo-config.yml")


class LokiConfig(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cfg = sf.load_yaml(sf.LOKI_CONFIG)
        cls.compose = sf.load_yaml(sf.STACK_COMPOSE)

    def test_structured_metadata_is_possible(self):
        # Structured metadata needs the TSDB store and schema v13 (Loki 3).
        latest = self.cfg["schema_config"]["configs"][-1]
        self.assertEqual(latest["store"], "tsdb")
        self.assertEqual(latest["schema"], "v13")
        self.assertIsNot(self.cfg["limits_config"].get("allow_structured_metadata"), False)

    def test_single_instance_ring(self):
        common = self.cfg["common"]
        self.assertEqual(common["ring"]["kvstore"]["store"], "inmemory")
        self.assertEqual(common["replication_factor"], 1)

    def test_port_and_paths_match_compose(self):
        loki = self.compose["services"]["loki"]
        self.assertIn(self.cfg["server"]["http_listen_port"], sf.published_container_ports(loki))
        mounts = [v.split(":")[1] for v in loki["volumes"]]
        self.assertIn(self.cfg["common"]["path_prefix"], mounts)

    def test_retention_enabled(self):
        self.assertTrue(self.cfg["compactor"]["retention_enabled"])
        self.assertIn("delete_request_store", self.cfg["compactor"])
        self.assertRegex(self.cfg["limits_config"]["retention_period"], r"^\d+h$")


if __name__ == "__main__":
    unittest.main()
