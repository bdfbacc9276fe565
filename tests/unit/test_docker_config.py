"""The production stack's configuration, checked without Docker: docker/ against the code it deploys.

Compose files, the Collector config and the ClickHouse XML must parse, agree with each
other (services, volumes, cluster topology, users) and with spinscope itself (table names
from spinscope/schema, settings, CLI commands, the embedded engine's version), and hold no
secret: every password, secret and token comes from docker/.env.
"""

from __future__ import annotations

import re
import shlex
import xml.etree.ElementTree as ET
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml

from spinscope.cli import build_parser
from spinscope.schema.migrate import RenderOptions, load_migrations, render_all
from spinscope.settings import SETTINGS

REPO = Path(__file__).resolve().parents[2]
DOCKER = REPO / "docker"
COMPOSE_FILES = ["compose.yaml", "compose.cluster.yaml"]
COLLECTOR = DOCKER / "otel-collector" / "config.yaml"
USERS_XML = DOCKER / "clickhouse" / "users.d" / "spinscope.xml"
CLUSTER_XML = DOCKER / "clickhouse" / "cluster" / "cluster.xml"
KEEPER_XML = DOCKER / "clickhouse" / "keeper" / "keeper_config.xml"
REQUIRED_VAR = re.compile(r"\$\{(\w+):\?[^}]+\}")
ANY_VAR = re.compile(r"\$\{(?:env:)?(\w+)")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN", re.IGNORECASE)
# `spinscope app` is named by the production-stack issue; the command is being written elsewhere.
PENDING_COMMANDS = {("app",)}


def load_yaml(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


def compose(name: str) -> dict[str, Any]:
    return load_yaml(DOCKER / name)


def collector() -> dict[str, Any]:
    return load_yaml(COLLECTOR)


def exporter() -> dict[str, Any]:
    return collector()["exporters"]["clickhouse"]


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def spinscope_services(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in doc["services"].items() if str(s.get("image", "")).startswith("spinscope:")}


def remote_servers() -> tuple[str, list[list[str]]]:
    clusters = ET.parse(CLUSTER_XML).getroot().find("remote_servers")
    assert clusters is not None and len(clusters) == 1
    cluster = clusters[0]
    shards = [[r.findtext("host") or "" for r in shard.findall("replica")] for shard in cluster.findall("shard")]
    return cluster.tag, shards


def schema_tables() -> set[str]:
    return {m.name for m in load_migrations() if m.is_table}


# --- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [*(DOCKER / n for n in COMPOSE_FILES), COLLECTOR], ids=lambda p: p.name)
def test_yaml_files_parse_to_mappings(path: Path) -> None:
    assert isinstance(load_yaml(path), dict)


@pytest.mark.parametrize("path", sorted((DOCKER / "clickhouse").rglob("*.xml")), ids=lambda p: p.name)
def test_clickhouse_xml_parses_with_a_clickhouse_root(path: Path) -> None:
    assert ET.parse(path).getroot().tag == "clickhouse"


# --- the Collector ---------------------------------------------------------------------------


def test_collector_exporter_writes_spinscope_tables_without_creating_them() -> None:
    exp = exporter()
    tables = schema_tables()
    assert exp["create_schema"] is False
    for key in ("endpoint", "database", "username", "password"):
        assert exp[key], key
    assert exp["traces_table_name"] == "otel_traces" and "otel_traces" in tables
    assert exp["logs_table_name"] == "otel_logs" and "otel_logs" in tables
    metric_kinds = {"gauge", "sum", "summary", "histogram", "exponential_histogram"}
    assert set(exp["metrics_tables"]) == metric_kinds
    assert {kind: exp["metrics_tables"][kind]["name"] for kind in metric_kinds} == {
        kind: f"otel_metrics_{kind}" for kind in metric_kinds
    }
    assert {f"otel_metrics_{kind}" for kind in metric_kinds} <= tables


def test_collector_ttl_matches_spinscope_raw_retention() -> None:
    raw_days = next(s.default for s in SETTINGS if s.env == "SPINSCOPE_RAW_TTL_DAYS")
    assert exporter()["ttl"] == f"{raw_days * 24}h"


def test_collector_database_defaults_to_spinscopes() -> None:
    database = next(s.default for s in SETTINGS if s.env == "SPINSCOPE_DATABASE")
    assert exporter()["database"] == f"${{env:SPINSCOPE_DATABASE:-{database}}}"


def test_collector_queue_is_persistent_and_retries_never_drop() -> None:
    config = collector()
    queue, retry = exporter()["sending_queue"], exporter()["retry_on_failure"]
    assert queue["enabled"] is True
    assert queue["storage"].split("/")[0] == "file_storage"
    assert queue["storage"] in config["extensions"] and queue["storage"] in config["service"]["extensions"]
    assert retry["enabled"] is True and retry["max_elapsed_time"] == 0


def test_collector_pipelines_use_only_defined_components() -> None:
    config = collector()
    service = config["service"]
    assert set(service["pipelines"]) == {"traces", "metrics", "logs"}
    for section in ("receivers", "processors", "exporters"):
        for pipeline in service["pipelines"].values():
            assert set(pipeline[section]) <= set(config[section]), section
    used = {
        c
        for p in service["pipelines"].values()
        for section in ("receivers", "processors", "exporters")
        for c in p[section]
    }
    defined = {c for section in ("receivers", "processors", "exporters") for c in config[section]}
    assert used == defined  # nothing configured and left unused
    assert set(service["extensions"]) == set(config["extensions"])


def test_collector_pipelines_only_limit_memory_and_never_batch_before_the_queue() -> None:
    """The batch processor acknowledges before the export and swallows its errors: a crash loses what it holds."""
    config = collector()
    assert "batch" not in config["processors"]
    for pipeline in config["service"]["pipelines"].values():
        assert pipeline["processors"] == ["memory_limiter"]
        assert pipeline["exporters"] == ["clickhouse"]


def test_collector_queue_blocks_when_full_and_batches_behind_it() -> None:
    """Without block_on_overflow a full queue drops data; the exporter's own batch makes ClickHouse's large inserts."""
    queue = exporter()["sending_queue"]
    assert queue["block_on_overflow"] is True
    assert queue.get("wait_for_result", False) is False  # acknowledged once on disk, not once in ClickHouse
    batch = queue["batch"]
    assert batch["sizer"] == "items" and 1000 <= batch["min_size"] <= batch["max_size"]
    assert batch["flush_timeout"]


def mebibytes(size: str) -> int:
    """A compose size (`2g`, `1536m`, bytes) in MiB."""
    number, unit = re.fullmatch(r"(\d+)([kmg]?)b?", str(size).lower()).groups()
    return int(number) * {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}[unit] // 2**20


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_collector_memory_limit_is_fixed_and_below_its_container_limit(name: str) -> None:
    """A percentage is of the host's memory when the container has no limit, and the host is ClickHouse's too."""
    limiter = collector()["processors"]["memory_limiter"]
    assert not {"limit_percentage", "spike_limit_percentage"} & set(limiter)
    assert 0 < limiter["spike_limit_mib"] < limiter["limit_mib"]
    container = mebibytes(compose(name)["services"]["otel-collector"]["mem_limit"])
    assert limiter["limit_mib"] <= container * 0.8


def test_collector_receivers_require_the_ingest_token() -> None:
    config = collector()
    protocols = config["receivers"]["otlp"]["protocols"]
    assert set(protocols) == {"grpc", "http"}
    for protocol in protocols.values():
        authenticator = protocol["auth"]["authenticator"]
        assert authenticator in config["service"]["extensions"]
    assert config["extensions"]["bearertokenauth"]["token"] == "${env:SPINSCOPE_INGEST_TOKEN}"


def test_collector_secrets_come_from_the_environment() -> None:
    exp = exporter()
    assert exp["password"] == "${env:CLICKHOUSE_PASSWORD}"
    assert exp["username"] == "${env:CLICKHOUSE_USERNAME}"
    text = COLLECTOR.read_text()
    assert not re.search(r"(?im)^\s*(password|token|secret)\s*:\s*(?!\$\{env:)\S", text)


def test_every_collector_variable_is_set_by_each_compose_file() -> None:
    needed = set(ANY_VAR.findall(COLLECTOR.read_text()))
    for name in COMPOSE_FILES:
        env = environment(compose(name)["services"]["otel-collector"])
        assert needed <= set(env), (name, needed - set(env))


# --- compose ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_compose_references_only_defined_volumes_networks_and_services(name: str) -> None:
    doc = compose(name)
    volumes, networks, services = set(doc.get("volumes") or {}), set(doc.get("networks") or {}), doc["services"]
    used_volumes = set()
    for service_name, service in services.items():
        for mount in service.get("volumes", []):
            source = mount.get("source", "") if isinstance(mount, dict) else mount.split(":")[0]
            if source.startswith((".", "/")):
                assert (DOCKER / source).resolve().exists(), f"{service_name} mounts missing {source}"
            else:
                assert source in volumes, f"{service_name} uses undeclared volume {source!r}"
                used_volumes.add(source)
        assert set(service.get("networks") or []) <= networks, service_name
        assert set(service.get("depends_on") or {}) <= set(services), service_name
    assert used_volumes == volumes  # no declared volume left unused


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_compose_images_are_pinned(name: str) -> None:
    for service_name, service in compose(name)["services"].items():
        image = service["image"]
        repository, _, tag = image.rpartition(":")
        assert repository and tag and tag != "latest", f"{service_name}: {image}"
        assert re.fullmatch(r"\d+(\.\d+)+", tag.split("@")[0]), f"{service_name}: {image} is not a version tag"


def newest_lts_line(major: int, minor: int) -> tuple[int, int]:
    """ClickHouse's long-term-support lines are each year's .3 and .8 releases."""
    lts = [m for m in (8, 3) if m <= minor]
    return (major, lts[0]) if lts else (major - 1, 8)


def test_newest_lts_line_counts_back_from_a_release() -> None:
    assert [newest_lts_line(26, m) for m in (9, 8, 7, 3, 2)] == [(26, 8), (26, 8), (26, 3), (26, 3), (25, 8)]


def test_clickhouse_images_are_the_lts_line_the_embedded_engine_stands_for() -> None:
    """DDL and queries are tested on chdb (chdb-core 26.9, not an LTS); the server runs the newest LTS line not
    newer than it (26.8), the closest supported release. docs/deploy.md says which DDL also ran on 26.7."""
    major, minor = (int(part) for part in metadata.version("chdb-core").split(".")[:2])
    lts = ".".join(map(str, newest_lts_line(major, minor)))
    images = [
        s["image"]
        for name in COMPOSE_FILES
        for s in compose(name)["services"].values()
        if "clickhouse/clickhouse-" in s["image"]
    ]
    assert len(images) == 1 + 4 + 3 + 1  # the single server, cluster nodes, keepers, db-init
    assert {image.split(":")[1].split("@")[0] for image in images} == {lts}


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_compose_startup_order_migrates_before_anything_writes_or_reads(name: str) -> None:
    services = compose(name)["services"]
    migrate = services["migrate"]
    assert migrate["restart"] == "no"
    assert all(
        dep["condition"] in ("service_healthy", "service_completed_successfully")
        for dep in migrate["depends_on"].values()
    )
    for dependent in ("otel-collector", "app", "ingest"):
        assert services[dependent]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services["ingest"]["profiles"] == ["spinscope-ingest"]


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_long_running_services_have_health_checks(name: str) -> None:
    # The Collector image has no shell or HTTP client: it exposes health_check on :13133 instead.
    for service_name, service in compose(name)["services"].items():
        if service.get("restart") == "no" or service_name == "otel-collector":
            continue
        assert service["healthcheck"]["test"], service_name


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_no_literal_secrets_in_compose(name: str) -> None:
    doc = compose(name)
    for service_name, service in doc["services"].items():
        for key, value in environment(service).items():
            if SECRET_NAME.search(key):
                assert REQUIRED_VAR.fullmatch(value), f"{service_name}.{key} must be ${{VAR:?...}}, not {value!r}"
            userinfo = re.search(r"://([^/@\s]+)@", value)
            if userinfo:
                _, _, password = userinfo.group(1).partition(":")
                assert REQUIRED_VAR.fullmatch(password), f"{service_name}.{key}: password in DSN must be required var"
    assert not re.search(
        r":-[^}]*\}", "\n".join(line for line in (DOCKER / name).read_text().splitlines() if SECRET_NAME.search(line))
    )


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_every_required_variable_is_in_the_env_example(name: str) -> None:
    example = {
        line.split("=", 1)[0]
        for line in (DOCKER / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert set(REQUIRED_VAR.findall((DOCKER / name).read_text())) <= example


def test_env_example_holds_no_secret_values() -> None:
    for line in (DOCKER / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            if SECRET_NAME.search(key):
                assert value == "", f"{key} has a value in .env.example"


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_app_reads_as_the_read_only_user_and_writers_as_the_writer(name: str) -> None:
    services = compose(name)["services"]
    assert environment(services["app"])["SPINSCOPE_STORE"].startswith("http://spinscope_app:")
    for writer in ("migrate", "ingest"):
        assert environment(services[writer])["SPINSCOPE_STORE"].startswith("http://spinscope_writer:")
    assert environment(services["otel-collector"])["CLICKHOUSE_USERNAME"] == "spinscope_writer"


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_spinscope_commands_in_compose_are_real_cli_commands(name: str) -> None:
    parser = build_parser()
    for service_name, service in spinscope_services(compose(name)).items():
        command = service["command"]
        command = shlex.split(command) if isinstance(command, str) else command
        assert command[0] == "spinscope", service_name
        if tuple(command[1:]) in PENDING_COMMANDS:
            continue
        parser.parse_args(command[1:])  # exits (SystemExit) on an unknown command or option


# --- users -----------------------------------------------------------------------------------


def test_app_user_is_read_only_and_writer_can_migrate() -> None:
    root = ET.parse(USERS_XML).getroot()
    users, profiles = root.find("users"), root.find("profiles")
    assert users is not None and profiles is not None
    assert users.find("default").get("remove") == "remove"
    app, writer = users.find("spinscope_app"), users.find("spinscope_writer")
    app_profile = profiles.find(app.findtext("profile"))
    assert app_profile.findtext("readonly") == "1"
    # spinscope's client asks for session_timezone=UTC; a readonly=1 user connects only if it matches.
    assert app_profile.findtext("session_timezone") == "UTC"
    assert [q.text for q in app.find("grants")] == ["GRANT SELECT ON spinscope.*"]
    assert profiles.find(writer.findtext("profile")).findtext("readonly") is None
    assert "GRANT ALL ON spinscope.*" in [q.text for q in writer.find("grants")]


def test_writer_sends_each_shards_inserts_to_one_replica_first() -> None:
    """spins_mv's duplicate gate sees only the replica an insert lands on: a retried spin must land where its
    first copy did. Random replicas, or each node preferring itself, would spread a shard's inserts."""
    root = ET.parse(USERS_XML).getroot()
    writer = root.find(f"profiles/{root.findtext('users/spinscope_writer/profile')}")
    quorum = int(writer.findtext("insert_quorum") or 0)
    ordered = writer.findtext("load_balancing") in ("in_order", "first_or_random")
    assert quorum >= 2 or (ordered and writer.findtext("prefer_localhost_replica") == "0")
    assert writer.findtext("distributed_foreground_insert") == "1"


def test_clickhouse_xml_secrets_come_from_the_environment() -> None:
    for path in (DOCKER / "clickhouse").rglob("*.xml"):
        for element in ET.parse(path).getroot().iter():
            if element.tag in ("password", "secret", "password_sha256_hex"):
                assert element.get("from_env") and not (element.text or "").strip(), f"{path.name}: {element.tag}"


# --- cluster ---------------------------------------------------------------------------------


def test_cluster_is_two_shards_of_two_replicas_with_internal_replication() -> None:
    name, shards = remote_servers()
    assert name == "spinscope_cluster"
    assert [len(replicas) for replicas in shards] == [2, 2]
    cluster = ET.parse(CLUSTER_XML).getroot().find(f"remote_servers/{name}")
    assert [s.findtext("internal_replication") for s in cluster.findall("shard")] == ["true", "true"]
    assert cluster.find("secret").get("from_env") == "CLICKHOUSE_CLUSTER_SECRET"


def test_each_cluster_node_has_its_own_shard_and_replica_macros() -> None:
    root = ET.parse(CLUSTER_XML).getroot()
    assert {m.tag: m.get("from_env") for m in root.find("macros") if m.get("from_env")} == {
        "shard": "CLICKHOUSE_SHARD",
        "replica": "CLICKHOUSE_REPLICA",
    }
    _, shards = remote_servers()
    services = compose("compose.cluster.yaml")["services"]
    for index, replicas in enumerate(shards, start=1):
        for host in replicas:
            env = environment(services[host])
            assert services[host]["hostname"] == host
            assert (int(env["CLICKHOUSE_SHARD"]), env["CLICKHOUSE_REPLICA"]) == (index, host)
            mounts = [m.split(":")[1] for m in services[host]["volumes"]]
            assert "/etc/clickhouse-server/config.d/cluster.xml" in mounts


def test_keeper_ensemble_matches_servers_and_compose() -> None:
    servers = {n.findtext("host") for n in ET.parse(CLUSTER_XML).getroot().find("zookeeper")}
    raft = {
        s.findtext("hostname"): s.findtext("id")
        for s in ET.parse(KEEPER_XML).getroot().find("keeper_server/raft_configuration")
    }
    services = compose("compose.cluster.yaml")["services"]
    assert servers == set(raft) and len(raft) == 3
    for host, server_id in raft.items():
        assert environment(services[host])["KEEPER_SERVER_ID"] == server_id


def test_keeper_keeps_its_state_in_the_directory_its_image_prepares() -> None:
    """The keeper image's entrypoint creates and chowns only $CLICKHOUSE_DATA_DIR (default /var/lib/clickhouse)
    and its coordination/{log,snapshots} before dropping root; any other path is not writable by the keeper."""
    server = ET.parse(KEEPER_XML).getroot().find("keeper_server")
    services = compose("compose.cluster.yaml")["services"]
    keepers = {name: s for name, s in services.items() if "clickhouse/clickhouse-keeper" in s["image"]}
    assert len(keepers) == 3
    for name, service in keepers.items():
        data_dir = environment(service).get("CLICKHOUSE_DATA_DIR", "/var/lib/clickhouse")
        volume_targets = [m.split(":")[1] for m in service["volumes"] if not m.startswith((".", "/"))]
        assert volume_targets == [data_dir], name
        assert server.findtext("log_storage_path") == f"{data_dir}/coordination/log", name
        assert server.findtext("snapshot_storage_path") == f"{data_dir}/coordination/snapshots", name


def test_migration_history_is_described_as_one_table_for_the_cluster() -> None:
    """The history table's replica path has no {shard}: all nodes of all shards replicate one history."""
    tracking = render_all(RenderOptions(cluster="spinscope_cluster"))[0]
    path, replica = re.search(r"Replicated\w*MergeTree\('([^']+)', '([^']+)'\)", tracking).groups()
    assert "{shard}" not in path and {"{shard}", "{replica}"} <= set(re.findall(r"\{\w+\}", replica))
    for text in (DOCKER / "compose.cluster.yaml").read_text(), (REPO / "docs" / "deploy.md").read_text():
        assert not re.search(r"history[^.]*\bper shard\b", text, re.IGNORECASE)


def test_cluster_migrate_and_receivers_use_the_configured_cluster() -> None:
    name, _ = remote_servers()
    services = compose("compose.cluster.yaml")["services"]
    assert services["migrate"]["command"] == ["spinscope", "db", "migrate", "--cluster", name]
    assert environment(services["ingest"])["SPINSCOPE_CLUSTER"] == name
    assert f"ON CLUSTER {name}" in " ".join(services["db-init"]["command"])
    endpoint = environment(services["otel-collector"])["CLICKHOUSE_ENDPOINT"]
    hosts = {h.split(":")[0] for h in endpoint.removeprefix("tcp://").split("?")[0].split(",")}
    assert hosts == {h for replicas in remote_servers()[1] for h in replicas}


# --- cluster DDL, as `spinscope db migrate --cluster` renders it -------------------------------


def cluster_ddl() -> list[str]:
    return render_all(RenderOptions(cluster=remote_servers()[0]))


def test_every_replica_path_is_unique_to_its_table() -> None:
    """Without the table's {uuid}, a table dropped and re-created within the Atomic database's delayed-drop
    window (8 minutes by default) meets its predecessor's Keeper path and fails with REPLICA_ALREADY_EXISTS."""
    paths = [m.group(1) for s in cluster_ddl() for m in re.finditer(r"Replicated\w*MergeTree\('([^']*)'", s)]
    assert len(paths) == 1 + sum(m.is_table for m in load_migrations())  # the history table and every table
    assert all("{uuid}" in path for path in paths), paths


def final_distributed_keys(statements: list[str]) -> dict[str, str]:
    """Plain table name -> sharding key of its Distributed table, after every statement that (re)creates it."""
    pattern = re.compile(
        r"CREATE (?:TABLE IF NOT EXISTS|OR REPLACE TABLE) \S+?\.`?(\w+)`? .*ENGINE = "
        r"Distributed\([^,]+, [^,]+, [^,]+, (.+)\)$",
        re.DOTALL,
    )
    return {m.group(1): m.group(2) for s in statements if (m := pattern.match(s))}


def live_views(statements: list[str]) -> list[tuple[str, str, str, str]]:
    """(view, target table, source table, query) of every view no later statement drops, after every later
    `ALTER TABLE view MODIFY QUERY` (which may change the source); tables by plain name. The source is the
    least indented FROM naming a table that starts a line: the query's own, or the innermost level's when the
    query reads subqueries (0090, 0140), whose scalar and IN subqueries are indented further."""
    views, dropped = {}, set()
    line_from = re.compile(r"^([ \t]*)FROM \S+?\.`?(\w+?)(?:_local)?`?\s", re.MULTILINE)
    any_from = re.compile(r"\bFROM \S+?\.`?(\w+?)(?:_local)?`?\s")

    def source(statement: str) -> str:
        found = [(len(m.group(1)), m.start(), m.group(2)) for m in line_from.finditer(statement)]
        return min(found)[2] if found else any_from.search(statement).group(1)

    for statement in statements:
        created = re.match(r"CREATE MATERIALIZED VIEW IF NOT EXISTS \S+?\.`?(\w+)`?", statement)
        if created:
            target = re.search(r"\bTO \S+?\.`?(\w+?)(?:_local)?`?\s", statement).group(1)
            views[created.group(1)] = (target, source(statement), statement)
        modified = re.match(r"ALTER TABLE \S+?\.`?(\w+)`?\s.*?MODIFY QUERY", statement, re.DOTALL)
        if modified and modified.group(1) in views:
            views[modified.group(1)] = (views[modified.group(1)][0], source(statement), statement)
        dropped |= set(re.findall(r"DROP VIEW IF EXISTS \S+?\.`?(\w+)`?", statement))
    return [(name, *v) for name, v in views.items() if name not in dropped]


def key_through_view(key: str, query: str) -> str | None:
    """The source's sharding key in the view's output columns, or None when the view does not carry them."""
    for column in set(re.findall(r"\b([A-Za-z_]\w*)\b(?!\s*\()", key)):
        renamed = re.search(rf"\b{column} AS (\w+)", query)
        if renamed:
            key = re.sub(rf"\b{column}\b", renamed.group(1), key)
        elif not re.search(rf"^\s*{column},?$", query, re.MULTILINE):
            return None
    return key


def test_distributed_sharding_keys_say_where_views_put_the_rows() -> None:
    """Views fill *_local tables on the shard where the source row landed, never through the Distributed table:
    its key must be the source's key carried through the view, or rand(), which promises nothing. Otherwise
    optimize_skip_unused_shards reads the one shard the key names and returns partial figures."""
    statements = cluster_ddl()
    keys = final_distributed_keys(statements)
    views = live_views(statements)
    assert {(target, source) for _, target, source, _ in views} == {
        ("spins", "otel_traces"),
        ("spin_minutely", "spins"),
        ("child_spans", "otel_traces"),
        ("span_minutely", "child_spans"),
        ("otel_traces_trace_id_ts", "otel_traces"),
        ("spin_hourly", "spin_minutely"),
        ("spin_game_rtp_minutely", "spins"),
        ("rca_minutely", "otel_traces"),
        ("spin_game_hourly", "spin_minutely"),
        ("spin_game_daily", "spin_game_hourly"),
        ("rca_rtp_minutely", "spins"),
        ("trace_index", "otel_traces"),
    }
    for view, target, source, query in views:
        if keys[target] != "rand()":
            assert key_through_view(keys[source], query) == keys[target], (view, target, keys[target])


def test_no_new_migration_drops_a_view() -> None:
    """Between DROP VIEW and the successor's CREATE, inserted rows reach no view: replace a view with
    ALTER TABLE ... MODIFY QUERY (tests/sql/test_schema.py runs one). 0018 (+ 0019) predates this. A view
    retired for good with its table (0130, spin_daily_mv) has no successor: the test below holds it to that."""
    drops = re.compile(r"^\s*DROP\s+VIEW\b", re.IGNORECASE | re.MULTILINE)
    assert [m.version for m in load_migrations() if drops.search(m.template)] == [18, 130]
    assert [m.version for m in load_migrations() if m.drops_view] == [18]
    assert [m.retires for m in load_migrations() if m.retires] == [("spin_daily_mv", "spin_daily")]


def test_a_retired_view_drops_only_itself_and_its_table_is_dropped_and_never_filled_or_read_again() -> None:
    """`-- spinscope: retires VIEW, writing to TABLE` lets the drop run while data arrives (no successor waits
    for the rows): true only if the view is the one dropped, TABLE is dropped later, no later view fills it
    and no SQL model reads it."""
    migrations = load_migrations()
    for index, migration in enumerate(migrations):
        if not migration.retires:
            continue
        view, table = migration.retires
        assert re.findall(r"^DROP VIEW IF EXISTS \$db\.(\w+) ", migration.template, re.MULTILINE) == [view]
        created = next(m for m in migrations[:index] if m.name == view).template
        assert re.search(rf"CREATE MATERIALIZED VIEW .*\bTO \$db\.{table}\$local\b", created, re.DOTALL), view
        later = migrations[index + 1 :]
        assert any(re.search(rf"^DROP TABLE IF EXISTS \$db\.{table}\$local ", m.template, re.M) for m in later), table
        assert not any(re.search(rf"\bTO \$db\.{table}\b", m.template) for m in later), table
        readers = [
            p.name for p in (REPO / "queries").rglob("*.sql") if re.search(rf"^[^-]*\b{table}\b", p.read_text(), re.M)
        ]
        assert readers == [], (table, readers)


def test_db_migrate_says_an_upgrade_that_drops_a_view_needs_ingest_paused() -> None:
    db = next(a for a in build_parser()._actions if a.dest == "command").choices["db"]
    migrate = next(a for a in db._actions if a.dest == "db_command").choices["migrate"]
    assert "--ingest-paused" in migrate.format_help() and "ingest paused" in migrate.description


# --- image -----------------------------------------------------------------------------------


def dockerfile_stages() -> list[list[str]]:
    text = re.sub(r"\\\n", " ", (DOCKER / "Dockerfile").read_text())
    stages: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            stages.append([])
        stages[-1].append(line)
    return stages


def test_image_is_slim_python_and_runs_as_a_non_root_user() -> None:
    stages = dockerfile_stages()
    assert all(stage[0].split()[1] == "python:3.11-slim" for stage in stages)
    users = [line.split()[1] for line in stages[-1] if line.upper().startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("root", "0")


def test_image_installs_the_lock_then_spinscope_without_dependencies() -> None:
    lines = [line for stage in dockerfile_stages() for line in stage if line.upper().startswith("RUN ")]
    lock = next(i for i, line in enumerate(lines) if "-r /tmp/requirements.lock" in line)
    package = next(i for i, line in enumerate(lines) if "--no-deps" in line)
    assert lock < package


def test_image_installs_the_built_wheel_not_an_editable_checkout() -> None:
    stages = dockerfile_stages()
    runs = " ".join(line for stage in stages for line in stage if line.upper().startswith("RUN "))
    assert "pip wheel" in runs and ".whl" in runs and " -e " not in runs
    copies = [line for line in stages[-1] if line.upper().startswith("COPY ")]
    assert copies == ["COPY --from=build /opt/venv /opt/venv"], "the runtime image holds the venv, no source tree"
    cmd = next(line for line in reversed(dockerfile_stages()[-1]) if line.upper().startswith("CMD "))
    assert cmd.split(None, 1)[1] == '["spinscope", "serve", "--host", "0.0.0.0"]'


def test_build_context_excludes_secrets_and_history() -> None:
    ignored = {
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", "docker", "**/.env"} <= ignored


# --- access control and safe reads (issue 16) ------------------------------------------------

LOOPBACK_PUBLISH = re.compile(r"^(127\.0\.0\.1|\$\{SPINSCOPE_PUBLISH_ADDRESS:-127\.0\.0\.1\}):\d+:\d+$")


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_every_published_port_binds_to_loopback_by_default(name: str) -> None:
    for service_name, service in compose(name)["services"].items():
        for port in service.get("ports", []):
            assert LOOPBACK_PUBLISH.match(str(port)), f"{service_name} publishes {port!r} on every interface"


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_the_json_api_runs_as_the_read_only_user_behind_tokens(name: str) -> None:
    services = spinscope_services(compose(name))
    serving_api = {n for n, s in services.items() if s["command"][1] in ("api", "serve")}
    assert serving_api == {"api"}, "only the api service serves /api/v1 (ingest runs without it)"
    env = environment(services["api"])
    assert env["SPINSCOPE_STORE"].startswith("http://spinscope_app:")
    for var in ("SPINSCOPE_VIEWER_TOKEN_SHA256", "SPINSCOPE_OPERATOR_TOKEN_SHA256"):
        assert REQUIRED_VAR.fullmatch(env[var]), var
        assert var in {s.env for s in SETTINGS}


def _profile(name: str) -> dict[str, str]:
    profiles = ET.parse(USERS_XML).getroot().find("profiles")
    assert profiles is not None
    found = profiles.find(name)
    assert found is not None
    return {child.tag: (child.text or "").strip() for child in found}


def test_read_only_profile_fixes_the_read_limits_spinscope_sets_on_the_embedded_store() -> None:
    from spinscope.db import read_settings

    profile = _profile("spinscope_readonly")
    assert set(read_settings()) <= set(profile), "a read limit is missing from the read-only profile"
    assert profile["readonly"] == "1"
    assert profile["result_overflow_mode"] == profile["timeout_overflow_mode"] == "throw"
    assert int(profile["max_result_rows"]) == read_settings()["max_result_rows"]


def test_writer_profile_has_limits_too() -> None:
    profile = _profile("spinscope_writer")
    assert int(profile["max_memory_usage"]) > 0 and int(profile["max_execution_time"]) > 0


# --- the audit user: read-only services still leave their trail ------------------------------


def test_audit_user_may_only_insert_into_the_audit_log() -> None:
    from spinscope.audit import TABLE

    root = ET.parse(USERS_XML).getroot()
    user = root.find("users/spinscope_audit")
    assert user is not None
    assert user.find("password").get("from_env") == "SPINSCOPE_AUDIT_PASSWORD"
    assert [q.text for q in user.find("grants")] == [
        f"GRANT INSERT ON spinscope.{TABLE}",
        f"GRANT INSERT ON spinscope.{TABLE}_local",  # the cluster's shard tables the Distributed one feeds
    ]
    profile = _profile(user.findtext("profile"))
    assert profile.get("readonly", "0") == "0"  # INSERT needs it; the grants are the fence
    assert profile["session_timezone"] == "UTC"
    assert int(profile["max_execution_time"]) <= 60 and int(profile["max_memory_usage"]) <= 1_000_000_000
    constrained = root.find(f"profiles/{user.findtext('profile')}/constraints")
    assert {c.tag for c in constrained} >= {"max_execution_time", "max_memory_usage"}  # it cannot raise them
    quota = root.find(f"quotas/{user.findtext('quota')}/interval")
    assert quota is not None and int(quota.findtext("queries")) > 0


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_read_only_services_write_their_audit_rows_as_the_audit_user(name: str) -> None:
    services = compose(name)["services"]
    for service_name in ("app", "api"):
        env = environment(services[service_name])
        assert env["SPINSCOPE_STORE"].startswith("http://spinscope_app:"), service_name
        audit_dsn = env["SPINSCOPE_AUDIT_STORE"]
        assert audit_dsn.startswith("http://spinscope_audit:${SPINSCOPE_AUDIT_PASSWORD:?"), service_name
        assert audit_dsn.rsplit("@", 1)[1] == env["SPINSCOPE_STORE"].rsplit("@", 1)[1]  # the same server
    assert "SPINSCOPE_AUDIT_STORE" in {s.env for s in SETTINGS}
    servers = [n for n, s in services.items() if any("users.d/spinscope.xml" in str(v) for v in s.get("volumes", []))]
    assert servers
    for service_name in servers:  # each server that reads our users.d sets the audit user's password
        assert "SPINSCOPE_AUDIT_PASSWORD" in environment(services[service_name]), service_name
    writers = [n for n, s in spinscope_services(compose(name)).items() if n not in ("app", "api")]
    for service_name in writers:  # writers write their own rows as the writer
        assert "SPINSCOPE_AUDIT_STORE" not in environment(services[service_name]), service_name
