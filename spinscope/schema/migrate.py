"""Versioned, idempotent schema migrations rendered from ingest/schema/*.sql.

Each file is one statement with `$name` placeholders (string.Template, so ClickHouse's
own `{shard}` macros pass through untouched). Single-node mode renders MergeTree
engines; cluster mode renders `ON CLUSTER`, Replicated engines on `*_local` tables
and a Distributed table under the plain name, so readers and writers (spinscope or
the Collector) use the same names in both modes. Applied versions are recorded in
`spinscope_schema_migrations`; re-running applies nothing twice.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from string import Template

from clickhouse_connect.driver.client import Client

from spinscope.db import quote_identifier

MIGRATIONS_TABLE = "spinscope_schema_migrations"
_FILE = re.compile(r"^(\d{4})_(\w+)\.sql$")
_DISTRIBUTED = re.compile(r"^-- spinscope: distributed (.+)$", re.MULTILINE)
_REPLICA_PATH = "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'"


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
        raise RuntimeError(f"duplicate migration versions in ingest/schema: {versions}")
    return found


def _ttl(column: str, days: int) -> str:
    return f"TTL toDateTime({column}) + toIntervalDay({days})" if days > 0 else ""


def render(migration: Migration, opts: RenderOptions) -> list[str]:
    """The statements one migration runs: the object itself, plus its Distributed table in cluster mode."""
    clustered = bool(opts.cluster)
    local = "_local" if clustered else ""
    table = migration.name + (local if migration.is_table else "")
    values = {
        "db": quote_identifier(opts.database),
        "table": quote_identifier(table),
        "on_cluster": f"ON CLUSTER {quote_identifier(opts.cluster)}" if clustered else "",
        "local": local,
        "engine": f"ReplicatedMergeTree({_REPLICA_PATH})" if clustered else "MergeTree()",
        "replacing_engine": f"ReplicatedReplacingMergeTree({_REPLICA_PATH})" if clustered else "ReplacingMergeTree()",
        "aggregating_engine": (
            f"ReplicatedAggregatingMergeTree({_REPLICA_PATH})" if clustered else "AggregatingMergeTree()"
        ),
        "raw_ttl_Timestamp": _ttl("Timestamp", opts.raw_ttl_days),
        "raw_ttl_Start": _ttl("Start", opts.raw_ttl_days),
        "raw_ttl_TimeUnix": _ttl("TimeUnix", opts.raw_ttl_days),
        "spins_ttl_started_at": _ttl("started_at", opts.spins_ttl_days),
        "spins_ttl_minute": _ttl("minute", opts.spins_ttl_days),
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
    # One history for the whole cluster: every node of every shard replicates the same table.
    engine = (f"ReplicatedMergeTree('/clickhouse/tables/{{database}}/{MIGRATIONS_TABLE}', '{{shard}}-{{replica}}')"
              if opts.cluster else "MergeTree()")
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


def migrate(client: Client, opts: RenderOptions, log=print) -> list[Migration]:  # type: ignore[no-untyped-def]
    """Apply every migration not yet recorded; returns those applied now."""
    if opts.cluster:
        client.command(f"CREATE DATABASE IF NOT EXISTS {quote_identifier(opts.database)} "
                       f"ON CLUSTER {quote_identifier(opts.cluster)}")
    client.command(_tracking_ddl(opts))
    done = applied_versions(client, opts)
    applied = []
    for migration in load_migrations():
        if migration.version in done:
            if done[migration.version] != migration.checksum:
                log(f"note: migration {migration.version:04d}_{migration.name} changed since it was applied; "
                    "write a new migration instead of editing an applied one")
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
    return applied
