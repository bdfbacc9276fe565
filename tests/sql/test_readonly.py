"""The production stack's SQL on the real engine: the app's models under `readonly = 1`, and the
cluster DDL's Distributed layer as docker/ deploys it.

The app connects to a ClickHouse server as `spinscope_app`, whose profile is readonly = 1
(docker/clickhouse/users.d/spinscope.xml): every SQL model under queries/ must run there, so
each runs here with {"readonly": 1} on a migrated store holding whole spin traces, and must
return the same rows as without the restriction.

test_schema.py already checks that every cluster-mode statement parses (EXPLAIN AST) and how
spins_local and spins_mv are rendered; here the cluster name comes from the deployed
remote_servers, and the checks are the ones that keep a 2 x 2 cluster correct: every view
reads and writes *_local tables only, every Distributed table points at its own *_local table
on the deployed cluster with a sharding key the engine accepts, and a spin's rows land on the
shard its spans land on, where spins_mv's duplicate gate looks for it.
"""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from clickhouse_connect.driver.exceptions import DatabaseError

from spinscope.queries.loader import sql
from spinscope.schema.migrate import RenderOptions, render_all
from tests.sql.traces import NOW_NS, kv, spin_trace, store_traces

REPO = Path(__file__).resolve().parents[2]
CLUSTER_XML = REPO / "docker" / "clickhouse" / "cluster" / "cluster.xml"
PLACEHOLDER = re.compile(r"\{(\w+):([^{}]+(?:\([^()]*\))?)\}")
NOW = datetime.now(UTC).replace(tzinfo=None, microsecond=0)

# Values with a meaning, by parameter name; anything else gets a value of its type below.
BY_NAME: dict[str, Any] = {
    "start": NOW - timedelta(hours=3),
    "end": NOW + timedelta(hours=1),
    "sel_start": NOW - timedelta(hours=3),
    "sel_end": NOW + timedelta(hours=1),
    "base_start": NOW - timedelta(hours=6),
    "base_end": NOW + timedelta(hours=1),
    "signal": "errors",
    "baseline_mode": "good",
    "grain": "day",
    "order": "errors",
    "good_kind": "latency",
    "game_id": "fortune-tiger",
    "span_name": "wallet.debit",
    "threshold_ns": 150_000_000,
    "threshold_ms": 200,
    "step_s": 300,
    "sample_mod": 1,
    "max_values": 100,
    "limit": 50,
    "batch_s": 0,
    "by_game": 1,
    "by_version": 1,
    "by_channel": 1,
    "group_by": ["service_name"],
    "filter_keys": [],
    "filter_values": [],
    "where_keys": [],
    "where_values": [],
    "exclude_keys": ["slot.spin.id", "slot.player.id"],
    "candidate_keys": ["slot.game.id", "slot.currency"],
    "candidate_values": ["fortune-tiger", "EUR"],
    "lease_name": "alert-evaluator",
    "minute_hours": [NOW.replace(minute=0, second=0, microsecond=0)],  # slo_buckets_*: one hour read by the minute
}
BY_TYPE: dict[str, Any] = {
    "String": "",
    "UInt8": 1,
    "UInt16": 1,
    "UInt32": 1,
    "UInt64": 1,
    "Int32": 1,
    "Int64": 1,
    "Float64": 1.0,
    "Date": NOW.date(),
    "DateTime": NOW,
    "DateTime64(9)": NOW,
    "DateTime64(3)": NOW,
    "Array(String)": [],
    "Array(Array(String))": [],
    "Array(UInt64)": [],
}


def models() -> list[str]:
    root = resources.files("spinscope.queries")
    found = []
    for folder in root.iterdir():
        if folder.is_dir():
            found += [f"{folder.name}/{f.name[:-4]}" for f in folder.iterdir() if f.name.endswith(".sql")]
    return sorted(found)


def representative_parameters(text: str) -> dict[str, Any]:
    params = {}
    for name, type_ in PLACEHOLDER.findall(text):
        if name in BY_NAME:
            params[name] = BY_NAME[name]
        elif type_ in BY_TYPE:
            params[name] = BY_TYPE[type_]
        else:
            raise AssertionError(f"no representative value for {{{name}:{type_}}}: add one to BY_NAME or BY_TYPE")
    return params


def store_spin_traces(store) -> None:  # type: ignore[no-untyped-def]
    """Forty spins over forty minutes (a few failed, with logs), through the real decoders and writer."""
    rng = random.Random(8)
    traces = []
    for i in range(40):
        spans, logs = spin_trace(
            i,
            NOW_NS - 40 * 60_000_000_000 + i * 60_000_000_000,
            failed=i % 7 == 0,
            duration_ms=rng.choice([60, 120, 250, 900]),
            win=rng.choice(["0", "0", "2.50"]),
            provider=rng.choice(["acme-pay", "globalwallet"]),
            rng=rng,
        )
        spans[0].attributes.append(kv("slot.game.rtp", "0.9650"))
        traces.append((spans, logs))
    store_traces(store, traces)
    store_alert_rows(store)


def store_alert_rows(store) -> None:  # type: ignore[no-untyped-def]
    """An alert that fired ten minutes ago, its delivery, a silence and an evaluator's lease, for the alerts/ models."""
    from spinscope.alerts import store as alert_store
    from spinscope.alerts.lifecycle import step
    from spinscope.alerts.rules import Signal

    now = NOW.replace(tzinfo=UTC)
    signal = Signal("rtp", "RtpDrift", "page", (("game_id", "g"),), 4.0, "s", "d", now - timedelta(hours=1), now)
    _, events = step({}, [signal], {"rtp"}, now - timedelta(minutes=10))
    client = store.client()
    alert_store.record_transitions(client, events)
    alert_store.record_delivery(client, events[0], "hook", now + timedelta(minutes=1))
    alert_store.create_silence(client, {"game_id": "g"}, now, now + timedelta(hours=1), "a", "c")
    from spinscope.alerts.lease import Lease

    assert Lease(client, "evaluator-1").hold(now)


@pytest.mark.parametrize("model", models())
def test_sql_model_runs_read_only_with_the_same_rows(model: str, store, store_client) -> None:  # type: ignore[no-untyped-def]
    store_spin_traces(store)
    if model.startswith("audit/"):
        from spinscope.audit import record

        assert record(store, "ops", "export", "weekly 2026-W47 xlsx", "127.0.0.1", at=NOW - timedelta(minutes=5))
    params = representative_parameters(sql(model))
    if "trace_id" in params:
        params["trace_id"] = store_client.query(
            "SELECT TraceId FROM otel_traces WHERE StatusCode = 'Error' ORDER BY Timestamp LIMIT 1"
        ).result_rows[0][0]
    if model == "traces/trace_where_typed":  # the traces a pair reaches only through another span: a wallet's
        params.update(where_keys=["wallet.provider"], where_values=["acme-pay"], cap=1000, settled_cap=1000)
    if "trace_ids" in params:  # traces/trace_list: the ranked traces' ids
        params["trace_ids"] = [r[0] for r in store_client.query("SELECT trace_id FROM spins").result_rows]
    if model == "traces/trace_where_other_spans":  # the traces' other spans carry the region pair, nothing else
        params.update(where_keys=["cloud.region"], where_values=["eu-west-1"], carried=[0] * len(params["trace_ids"]))
        params.update(spin_ids=params["trace_ids"], child_ids=params["trace_ids"])
    read_only = store_client.query(sql(model), parameters=params, settings={"readonly": 1}).result_rows
    unrestricted = store_client.query(sql(model), parameters=params).result_rows
    assert read_only, f"{model} returned no rows: give it data in store_spin_traces or a better parameter"
    assert unordered_arrays(read_only) == unordered_arrays(unrestricted)


def unordered_arrays(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows with each array sorted: a groupArray after a GROUP BY gathers in no set order."""
    return [tuple(sorted(v, key=repr) if isinstance(v, list) else v for v in row) for row in rows]


def test_read_only_setting_refuses_writes_and_ddl(store_client) -> None:  # type: ignore[no-untyped-def]
    for statement in (
        "INSERT INTO spinscope_schema_migrations (version, name, checksum) VALUES (999, 'x', 'x')",
        "CREATE TABLE sneaky (a UInt8) ENGINE = Memory",
        "DROP TABLE spins",
    ):
        with pytest.raises(DatabaseError, match="READONLY"):
            store_client.command(statement, settings={"readonly": 1})
    assert store_client.query("SELECT count() FROM spinscope_schema_migrations WHERE version = 999").result_rows == [
        (0,)
    ]


# --- cluster mode, as docker/ deploys it -----------------------------------------------------


def deployed_cluster() -> str:
    clusters = ET.parse(CLUSTER_XML).getroot().find("remote_servers")
    assert clusters is not None and len(clusters) == 1
    return clusters[0].tag


def cluster_statements() -> list[str]:
    return render_all(RenderOptions(cluster=deployed_cluster()))


def distributed_tables() -> dict[str, tuple[str, str, str, str]]:
    """name -> (cluster, database, local table, sharding key) of every Distributed table, as the last
    statement creating or replacing it leaves it; one a later statement drops (spin_daily, 0131) is gone."""
    pattern = re.compile(
        r"CREATE (?:TABLE IF NOT EXISTS|OR REPLACE TABLE) `spinscope`\.`(\w+)` ON CLUSTER `(\w+)` "
        r"AS `spinscope`\.`(\w+)`\s+ENGINE = Distributed\(`(\w+)`, `(\w+)`, `(\w+)`, (.+)\)$"
    )
    found = {}
    for statement in cluster_statements():
        if "ENGINE = Distributed" in statement:
            match = pattern.match(statement)
            assert match, statement
            name, on_cluster, source, cluster, database, local, key = match.groups()
            assert on_cluster == cluster and source == local
            found[name] = (cluster, database, local, key)
        dropped = re.match(r"DROP TABLE IF EXISTS `spinscope`\.(\w+) ON CLUSTER", statement)
        if dropped:
            found.pop(dropped.group(1), None)
    return found


def test_every_distributed_table_targets_its_local_table_on_the_deployed_cluster() -> None:
    tables = distributed_tables()
    assert tables and set(tables) == {local.removesuffix("_local") for _, _, local, _ in tables.values()}
    for name, (cluster, database, local, _) in tables.items():
        assert (cluster, database, local) == (deployed_cluster(), "spinscope", f"{name}_local")


def test_cluster_views_read_and_write_local_tables_only() -> None:
    """A view over a Distributed table would fire on the initiator and insert through it a second time."""
    statements = cluster_statements()
    views = [s for s in statements if s.startswith("CREATE MATERIALIZED VIEW")]
    # spin_minutely_mv (dropped again by 0018) and its successor spin_minutely_mv2; rca_minutely_mv;
    # spin_hourly_mv, spin_daily_mv (dropped again by 0130) and spin_game_rtp_minutely_mv; spin_game_hourly_mv
    # and spin_game_daily_mv; rca_rtp_minutely_mv; trace_index_mv
    assert len(views) == 14
    replaced = [s for s in statements if "MODIFY QUERY" in s]
    # spins_mv (0031, 0140), span_minutely_mv (0034), rca_minutely_mv (0090), spin_hourly_mv (0133),
    # child_spans_mv (0152), trace_index_mv (0157)
    assert len(replaced) == 7
    distributed = set(distributed_tables())
    everywhere = {"currency_scales"}  # replicated whole on every node, no Distributed table: read locally
    for view in views + replaced:
        referenced = re.findall(r"`spinscope`\.`?(\w+)`?", view)[1:]  # [0] is the view itself
        assert referenced and all(t.endswith("_local") or t in everywhere for t in referenced), view
        assert not set(referenced) & distributed


def test_replica_paths_use_only_macros_the_deployed_nodes_define() -> None:
    # database, table and uuid are filled in by the server itself (uuid: the table's, the same on every node).
    defined = {m.tag for m in ET.parse(CLUSTER_XML).getroot().find("macros")} | {"database", "table", "uuid"}
    used = {m for s in cluster_statements() for m in re.findall(r"\{(\w+)\}", s)}
    assert used and used <= defined


def test_engine_accepts_each_distributed_table_up_to_the_cluster_lookup(store_client) -> None:  # type: ignore[no-untyped-def]
    """The real CREATE, on the single-node twin of each local table: columns, sharding key type
    and engine arguments are checked before the cluster is looked up, which only a server has."""
    for name, (cluster, _, _, key) in distributed_tables().items():
        statement = (
            f"CREATE TABLE `{name}_distributed` AS `{name}` "
            f"ENGINE = Distributed(`{cluster}`, `spinscope`, `{name}_local`, {key})"
        )
        with pytest.raises(DatabaseError, match=f"Requested cluster '{cluster}' not found"):
            store_client.command(statement)


def test_a_spin_lands_on_the_shard_of_its_spans(store, store_client) -> None:  # type: ignore[no-untyped-def]
    """spins_mv's gate reads spins_local where the span lands: a spin's rows must shard with its spans."""
    store_spin_traces(store)
    keys = distributed_tables()
    traces_key, spins_key = keys["otel_traces"][3], keys["spins"][3]
    shards = len(ET.parse(CLUSTER_XML).getroot().findall(f"remote_servers/{deployed_cluster()}/shard"))
    rows = store_client.query(
        f"SELECT s.spin_id, ({spins_key}) % {shards} AS spin_shard, t.span_shard "
        f"FROM spins AS s INNER JOIN (SELECT SpanId, ({traces_key}) % {shards} AS span_shard FROM otel_traces) AS t "
        "ON s.span_id = t.SpanId"
    ).result_rows
    assert len(rows) == 40
    assert [(spin, a) for spin, a, b in rows if a != b] == []
