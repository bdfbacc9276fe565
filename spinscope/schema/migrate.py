"""Versioned, idempotent schema migrations rendered from spinscope/schema/*.sql.

Each file is one statement with `$name` placeholders (string.Template, so ClickHouse's
own `{shard}` macros pass through untouched). Single-node mode renders MergeTree
engines; cluster mode renders `ON CLUSTER`, Replicated engines on `*_local` tables
and a Distributed table under the plain name, so readers and writers (spinscope or
the Collector) use the same names in both modes; a file marked `-- spinscope: cluster
only` renders nothing on a single node. Applied versions are recorded in
`spinscope_schema_migrations`; re-running applies nothing twice.

Migrations run while data may be arriving. A view is replaced in one statement
(`ALTER TABLE view MODIFY QUERY ...`), never dropped and re-created: spins inserted
between the two statements would pass no view. The applied pair that still does so
(0018 + 0019) runs on an existing database only when the caller says ingest is paused. A view retired
for good with its table (0130: no successor waits for the rows) may be dropped while data arrives.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from string import Template

from clickhouse_connect.driver.client import Client

from spinscope.currencies import shipped_currencies, sync_scales
from spinscope.db import StoreError, quote_identifier
from spinscope.schema.fragments import fragments

MIGRATIONS_TABLE = "spinscope_schema_migrations"
_FILE = re.compile(r"^(\d{4})_(\w+)\.sql$")
_DISTRIBUTED = re.compile(r"^-- spinscope: distributed (.+)$", re.MULTILINE)
_CLUSTER_ONLY = re.compile(r"^-- spinscope: cluster only$", re.MULTILINE)
_DROP_VIEW = re.compile(r"^\s*DROP\s+VIEW\b", re.IGNORECASE | re.MULTILINE)
# A view dropped for good, with the table it fills (dropped by a later migration): no successor waits for
# the rows inserted meanwhile, so the drop may run while data arrives (tests/unit/test_docker_config.py
# checks that no later migration fills that table again).
_RETIRES = re.compile(r"^-- spinscope: retires (\w+), writing to (\w+)$", re.MULTILINE)
_BACKFILL = re.compile(r"^\s*INSERT\s+INTO\b", re.IGNORECASE | re.MULTILINE)
# {uuid} (the same on every node: ON CLUSTER sends the initiator's) makes each table's Keeper path
# its own, so a table dropped and re-created inside the Atomic database's delayed-drop window
# (database_atomic_delay_before_drop_table_sec) does not meet its predecessor's path.
_REPLICA_PATH = "'/clickhouse/tables/{uuid}/{shard}', '{replica}'"
# A small table every node of every shard holds whole (a view on each shard reads it locally).
_EVERYWHERE_PATH = "'/clickhouse/tables/{uuid}/all_shards', '{shard}-{replica}'"


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    template: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.template.encode()).hexdigest()[:16]

    @property
    def is_table(self) -> bool:
        return "CREATE TABLE" in self.template

    @property
    def drops_view(self) -> bool:
        """Dropping a view while data arrives loses rows until its successor exists (see the module docstring).

        A view retired for good (`-- spinscope: retires VIEW, writing to TABLE`) has no successor: not counted."""
        return bool(_DROP_VIEW.search(_strip_comments(self.template))) and self.retires is None

    @property
    def retires(self) -> tuple[str, str] | None:
        """(view, the table it fills) when this migration drops a view that nothing replaces."""
        match = _RETIRES.search(self.template)
        return (match.group(1), match.group(2)) if match else None

    @property
    def backfills(self) -> bool:
        """Copying existing rows into a new rollup before its view exists: rows arriving meanwhile would be missed."""
        return bool(_BACKFILL.search(_strip_comments(self.template)))


@dataclass(frozen=True)
class RenderOptions:
    database: str = "spinscope"
    cluster: str | None = None
    raw_ttl_days: int = 30
    spins_ttl_days: int = 400


def load_migrations() -> list[Migration]:
    found = []
    for entry in resources.files("spinscope.schema").iterdir():
        match = _FILE.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), entry.read_text()))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"duplicate migration versions in spinscope/schema: {versions}")
    return found


def _ttl(column: str, days: int) -> str:
    return f"TTL toDateTime({column}) + toIntervalDay({days})" if days > 0 else ""


def render(migration: Migration, opts: RenderOptions) -> list[str]:
    """The statements one migration runs: the object itself, plus its Distributed table in cluster mode."""
    clustered = bool(opts.cluster)
    if not clustered and _CLUSTER_ONLY.search(migration.template):
        return []
    local = "_local" if clustered else ""
    cluster = opts.cluster or ""
    table = migration.name + (local if migration.is_table else "")
    values = {
        "db": quote_identifier(opts.database),
        "table": quote_identifier(table),
        "on_cluster": f"ON CLUSTER {quote_identifier(cluster)}" if clustered else "",
        "cluster": quote_identifier(cluster) if clustered else "",
        "local": local,
        "engine": f"ReplicatedMergeTree({_REPLICA_PATH})" if clustered else "MergeTree()",
        "replacing_engine": f"ReplicatedReplacingMergeTree({_REPLICA_PATH})" if clustered else "ReplacingMergeTree()",
        "aggregating_engine": (
            f"ReplicatedAggregatingMergeTree({_REPLICA_PATH})" if clustered else "AggregatingMergeTree()"
        ),
        "everywhere_engine": f"ReplicatedMergeTree({_EVERYWHERE_PATH})" if clustered else "MergeTree()",
        "raw_ttl_Timestamp": _ttl("Timestamp", opts.raw_ttl_days),
        "raw_ttl_Start": _ttl("Start", opts.raw_ttl_days),
        "raw_ttl_TimeUnix": _ttl("TimeUnix", opts.raw_ttl_days),
        "raw_ttl_started_at": _ttl("started_at", opts.raw_ttl_days),
        "spins_ttl_started_at": _ttl("started_at", opts.spins_ttl_days),
        "spins_ttl_minute": _ttl("minute", opts.spins_ttl_days),
        "spins_ttl_hour": _ttl("hour", opts.spins_ttl_days),
        "spins_ttl_day": _ttl("day", opts.spins_ttl_days),
        **fragments(),
    }
    body = Template(migration.template).substitute(values)
    statements = [_strip_comments(body)]
    key = _DISTRIBUTED.search(migration.template)
    if clustered and key:
        statements.append(
            f"CREATE TABLE IF NOT EXISTS {values['db']}.{quote_identifier(migration.name)} {values['on_cluster']} "
            f"AS {values['db']}.{values['table']} "
            f"ENGINE = Distributed({quote_identifier(opts.cluster or '')}, {values['db']}, "
            f"{values['table']}, {key.group(1).strip()})"
        )
    return statements


def _strip_comments(sql: str) -> str:
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    return "\n".join(lines).strip()


def _tracking_ddl(opts: RenderOptions) -> str:
    on_cluster = f"ON CLUSTER {quote_identifier(opts.cluster)}" if opts.cluster else ""
    # One history for the whole cluster: every node of every shard replicates the same table
    # (no {shard} in the path; the replica name holds it).
    engine = f"ReplicatedMergeTree({_EVERYWHERE_PATH})" if opts.cluster else "MergeTree()"
    return (
        f"CREATE TABLE IF NOT EXISTS {quote_identifier(opts.database)}.{MIGRATIONS_TABLE} {on_cluster} "
        "(version UInt32, name String, checksum String, applied_at DateTime DEFAULT now()) "
        f"ENGINE = {engine} ORDER BY version"
    )


def render_all(opts: RenderOptions) -> list[str]:
    statements = [_tracking_ddl(opts)]
    for migration in load_migrations():
        statements.extend(render(migration, opts))
    return statements


def applied_versions(client: Client, opts: RenderOptions) -> dict[int, str]:
    rows = client.query(
        f"SELECT version, any(checksum) FROM {quote_identifier(opts.database)}.{MIGRATIONS_TABLE} GROUP BY version"
    ).result_rows
    return {int(v): c for v, c in rows}


class IngestNotPaused(StoreError):
    """A pending migration drops a view on a database that may be taking data."""


def migrate(
    client: Client,
    opts: RenderOptions,
    log: Callable[[str], object] = print,
    ingest_paused: bool = True,
    currencies: Mapping[str, int] | None = None,
) -> list[Migration]:
    """Apply every migration not yet recorded, then store the currency table; returns the migrations applied now.

    `currencies` ({code: scale}, from the Config) is what the spins view checks money against;
    None stores the shipped table. It is written only when it differs from the stored one.

    `ingest_paused` is the caller's word that nothing inserts meanwhile: true for callers that start
    their receivers only after migrating (`serve`, `demo`), given by the operator to `db migrate`.
    Without it, an upgrade that would drop a view refuses to start instead of losing rows.
    """
    if opts.cluster:
        client.command(
            f"CREATE DATABASE IF NOT EXISTS {quote_identifier(opts.database)} "
            f"ON CLUSTER {quote_identifier(opts.cluster)}"
        )
    client.command(_tracking_ddl(opts))
    done = applied_versions(client, opts)
    dropping = [m for m in load_migrations() if m.version not in done and m.drops_view]
    backfilling = [m for m in load_migrations() if m.version not in done and m.backfills]
    if done and dropping:  # an upgrade of a database that may be taking data; a new one is not yet
        names = ", ".join(f"{m.version:04d}_{m.name}" for m in dropping)
        if not ingest_paused:
            raise IngestNotPaused(
                f"{names} drops a view that a later migration re-creates, and rows inserted in between would "
                "reach no view: stop the Collector and `spinscope ingest`, run `spinscope db migrate "
                "--ingest-paused`, then start them again (docs/deploy.md, Upgrading the schema)"
            )
        log(f"note: {names} drops and re-creates a view; ingest is paused, as it must be")
    if done and backfilling and not ingest_paused:
        names = ", ".join(f"{m.version:04d}_{m.name}" for m in backfilling)
        raise IngestNotPaused(
            f"{names} copies existing rows into a new rollup before its view exists, and rows inserted in between "
            "would reach neither: stop the Collector and `spinscope ingest`, run `spinscope db migrate "
            "--ingest-paused`, then start them again (docs/deploy.md, Upgrading the schema)"
        )
    applied = []
    for migration in load_migrations():
        if migration.version in done:
            if done[migration.version] != migration.checksum:
                log(
                    f"note: migration {migration.version:04d}_{migration.name} changed since it was applied; "
                    "write a new migration instead of editing an applied one"
                )
            continue
        for statement in render(migration, opts):
            client.command(statement)
        client.insert(
            f"{quote_identifier(opts.database)}.{MIGRATIONS_TABLE}",
            [[migration.version, migration.name, migration.checksum]],
            column_names=["version", "name", "checksum"],
        )
        applied.append(migration)
        log(f"applied {migration.version:04d}_{migration.name}")
    if currencies is None:
        currencies = shipped_currencies()
    if sync_scales(client, opts.database, currencies):
        log(f"stored the currency table ({len(currencies)} currencies)")
    return applied
