"""The schema on the real engine: Collector-compatible tables, the spins view, money, cluster DDL."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from spinscope.schema.migrate import (
    IngestNotPaused,
    Migration,
    RenderOptions,
    load_migrations,
    migrate,
    render,
    render_all,
)

SPAN_COLUMNS = [
    "Timestamp",
    "TraceId",
    "SpanId",
    "SpanName",
    "SpanKind",
    "ServiceName",
    "ResourceAttributes",
    "SpanAttributes",
    "Duration",
    "StatusCode",
]


def span(spin_id: str, bet: str | None = "1.25", win: str | None = "0", name: str = "spin", **extra: str) -> list:
    attrs = {
        "slot.spin.id": spin_id,
        "slot.game.id": "g1",
        "slot.game.version": "1",
        "slot.currency": "EUR",
        "slot.spin.mode": "paid",
        **extra,
    }
    if bet is not None:
        attrs["slot.bet.amount"] = bet
    if win is not None:
        attrs["slot.win.amount"] = win
    return [None, "ab" * 16, "cd" * 8, name, "Server", "slot", {}, attrs, 1000, "Ok"]


def insert(client, rows: list[list]) -> None:  # type: ignore[no-untyped-def]
    recent = datetime.now(UTC).replace(tzinfo=None, microsecond=0) - timedelta(hours=1)  # inside the raw TTL
    for row in rows:
        row[0] = recent
    client.insert("otel_traces", rows, column_names=SPAN_COLUMNS)


def test_tables_match_the_collector_exporter_names(store_client) -> None:  # type: ignore[no-untyped-def]
    tables = {r[0] for r in store_client.query("SHOW TABLES").result_rows}
    assert {
        "otel_traces",
        "otel_traces_trace_id_ts",
        "otel_traces_trace_id_ts_mv",
        "otel_logs",
        "otel_metrics_gauge",
        "otel_metrics_sum",
        "otel_metrics_histogram",
        "otel_metrics_exponential_histogram",
        "otel_metrics_summary",
        "spins",
        "spins_mv",
    } <= tables


def test_otel_traces_columns_and_types_are_the_exporters(store_client) -> None:  # type: ignore[no-untyped-def]
    described = {r[0]: r[1] for r in store_client.query("DESCRIBE TABLE otel_traces").result_rows}
    assert described["Timestamp"] == "DateTime64(9)"
    assert described["SpanAttributes"] == "Map(LowCardinality(String), String)"
    assert described["Duration"] == "UInt64"
    assert described["Events.Timestamp"] == "Array(DateTime64(9))"
    assert described["Links.Attributes"] == "Array(Map(LowCardinality(String), String))"
    assert len(described) == 22


def test_duplicate_spins_across_inserts_count_once_even_before_merges(store_client) -> None:  # type: ignore[no-untyped-def]
    for table in ("spins", "spin_minutely"):  # a merge would hide duplicates in spins by itself
        store_client.command(f"SYSTEM STOP MERGES {table}")
    insert(store_client, [span("a"), span("b")])
    insert(store_client, [span("a"), span("c")])
    insert(store_client, [span("a")])
    assert store_client.query("SELECT count() FROM spins").result_rows == [(3,)]
    assert store_client.query("SELECT sum(spins) FROM spin_minutely").result_rows == [(3,)]
    assert store_client.query("SELECT count() FROM otel_traces").result_rows == [(5,)]


def test_cluster_ddl_is_accepted_by_the_engines_parser(store_client) -> None:  # type: ignore[no-untyped-def]
    statements = render_all(RenderOptions(database="spinscope", cluster="spin_cluster"))
    sharded = sum("-- spinscope: distributed" in m.template for m in load_migrations())
    # alert_events, alert_silences, alert_lease (0050, 0051, 0055), audit_log (0060), rca_minutely (0070),
    # spin_hourly, spin_daily and spin_game_rtp_minutely (0080, 0083, 0086), spin_game_hourly and
    # spin_game_daily (0100, 0103), rca_rtp_minutely (0110), trace_index (0120) are sharded too
    assert sharded == 24
    assert len(statements) == 1 + len(load_migrations()) + sharded  # tracking table, objects, Distributed tables
    for statement in statements:
        # a backfill (INSERT ... SELECT through the Distributed tables) runs once, from the migrating node
        assert "ON CLUSTER `spin_cluster`" in statement or statement.startswith("INSERT INTO")
        store_client.command("EXPLAIN AST " + statement)
    local_spins = next(s for s in statements if "`spins_local`" in s and "ReplicatedReplacingMergeTree" in s)
    assert "ReplicatedReplacingMergeTree('/clickhouse/tables/{uuid}/{shard}', '{replica}')" in local_spins
    distributed = [s for s in statements if "ENGINE = Distributed" in s]
    assert any("`otel_traces` ON CLUSTER" in s and "cityHash64(TraceId)" in s for s in distributed)
    view = next(s for s in statements if "spins_mv" in s)
    assert "FROM `spinscope`.otel_traces_local" in view and "TO `spinscope`.spins_local" in view


def test_single_node_ddl_has_no_cluster_clause() -> None:
    for statement in render_all(RenderOptions()):
        assert "ON CLUSTER" not in statement and "Replicated" not in statement


# --- replacing a view while data arrives ------------------------------------------------------


def migrated_to(client, version: int) -> RenderOptions:  # type: ignore[no-untyped-def]
    """The store's database as it was after migration `version`: later objects dropped, history trimmed."""
    opts = RenderOptions(database=client.database)
    later = [m for m in load_migrations() if m.version > version]
    for migration in later:  # views first: none may outlive the table it fills
        if "CREATE MATERIALIZED VIEW" in migration.template:
            client.command(f"DROP VIEW IF EXISTS {migration.name}")
    # a later table whose columns a later migration drops (0134: its backfill needs them) or adds (0155: its
    # backfill, 0121, writes the columns it had then)
    for migration in later:
        if migration.is_table and any(
            re.search(rf"ALTER TABLE \$db\.{migration.name}\$local\b.*\b(DROP|ADD) COLUMN\b", m.template, re.DOTALL)
            for m in later
        ):
            client.command(f"DROP TABLE IF EXISTS {migration.name}")
    for migration in load_migrations():
        if migration.version <= version:
            for statement in render(migration, opts):
                client.command(statement)
    client.command(
        f"ALTER TABLE spinscope_schema_migrations DELETE WHERE version > {version}", settings={"mutations_sync": 2}
    )
    return opts


def test_an_upgrade_that_drops_a_view_refuses_to_run_unless_ingest_is_paused(store_client) -> None:  # type: ignore[no-untyped-def]
    opts = migrated_to(store_client, 17)
    with pytest.raises(IngestNotPaused, match=r"0018_spin_minutely_mv_drop.*--ingest-paused"):
        migrate(store_client, opts, log=lambda *_: None, ingest_paused=False)
    assert store_client.query("SELECT max(version) FROM spinscope_schema_migrations").result_rows == [(17,)]
    applied = migrate(store_client, opts, log=lambda *_: None, ingest_paused=True)
    assert [m.version for m in applied] == [m.version for m in load_migrations() if m.version > 17]


def test_a_view_is_replaced_in_one_statement_with_modify_query(store_client) -> None:  # type: ignore[no-untyped-def]
    """What 0018 + 0019 did in two statements (a window where spins reach no rollup), one ALTER does:
    the view keeps its name and target and from the next insert on fills the new column instead."""
    opts = migrated_to(store_client, 17)
    select = next(m for m in load_migrations() if m.version == 19).template.split("\nAS SELECT", 1)[1]
    template = f"ALTER TABLE $db.spin_minutely_mv $on_cluster MODIFY QUERY SELECT{select}"
    replacement = Migration(9999, "spin_minutely_mv_modify", template)
    cluster = render(replacement, RenderOptions(cluster="spin_cluster"))
    assert len(cluster) == 1 and "ON CLUSTER `spin_cluster`" in cluster[0] and "spins_local" in cluster[0]
    store_client.command("EXPLAIN AST " + cluster[0])
    assert not replacement.drops_view
    for statement in render(replacement, opts):
        store_client.command(statement)
    insert(store_client, [span("a"), span("b")])
    rows = store_client.query(
        "SELECT sum(spins), quantilesBFloat16Merge(0.5)(latency_ns_bf16)[1], "
        "isNaN(quantilesTDigestMerge(0.5)(latency_ns_quantiles)[1]) FROM spin_minutely"
    )
    assert rows.result_rows == [(2, 1000.0, 1)]  # the new query's column, each spin once; the old one's empty
    assert "spin_minutely_mv" in {r[0] for r in store_client.query("SHOW TABLES").result_rows}


def test_the_store_fixture_copy_is_the_migrated_schema(store, empty_store) -> None:  # type: ignore[no-untyped-def]
    """`store` copies a database migrated once per session (tests/conftest.py): each object's statement and
    the seeded rows must be what running every migration on an empty database gives."""
    migrate(empty_store.client(), RenderOptions(database=empty_store.database), log=lambda *_: None)

    def schema(database: str) -> list[tuple[str, str]]:
        return [
            (name, statement.replace(f"{database}.", "DB."))
            for name, statement in store.client()
            .query(
                "SELECT name, create_table_query FROM system.tables WHERE database = {database:String} ORDER BY name",
                parameters={"database": database},
            )
            .result_rows
        ]

    def seeded(database: str) -> list[tuple]:
        client = store.client()
        return [
            (table, sorted(client.query(f"SELECT * EXCEPT applied_at FROM {database}.{table}").result_rows))
            if table == "spinscope_schema_migrations"
            else (table, sorted(client.query(f"SELECT * FROM {database}.{table}").result_rows))
            for table in ("spinscope_schema_migrations", "currency_scales")
        ]

    assert schema(store.database) == schema(empty_store.database)
    assert len(schema(store.database)) > 30
    assert seeded(store.database) == seeded(empty_store.database)
