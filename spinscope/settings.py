"""Every setting spinscope reads, declared once: name, environment variable, default, help.

Precedence is argument > environment > default. The CLI builds its options from this
table and the README's settings section is checked against it by a test, so a setting
cannot exist undocumented.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "data_dir",
        "SPINSCOPE_DATA_DIR",
        "./.spinscope/data",
        "Data directory of the embedded ClickHouse store (used when no --store is given).",
    ),
    Setting(
        "store",
        "SPINSCOPE_STORE",
        None,
        "Store DSN: chdb://PATH (embedded) or http(s)://user:pass@host:8123/db (server or cluster).",
    ),
    Setting("database", "SPINSCOPE_DATABASE", "spinscope", "ClickHouse database holding spinscope's tables."),
    Setting("host", "SPINSCOPE_HOST", "127.0.0.1", "Address the receivers, API and app listen on."),
    Setting("otlp_http_port", "SPINSCOPE_OTLP_HTTP_PORT", 4318, "OTLP/HTTP receiver port."),
    Setting("ui_port", "SPINSCOPE_UI_PORT", 8501, "Port of the Streamlit app (`serve` hosts it unless --no-ui)."),
    Setting("api_port", "SPINSCOPE_API_PORT", 8080, "Port of `spinscope api` (the JSON API alone)."),
    Setting("otlp_grpc_port", "SPINSCOPE_OTLP_GRPC_PORT", 4317, "OTLP/gRPC receiver port."),
    Setting(
        "ingest_token", "SPINSCOPE_INGEST_TOKEN", None, "Bearer token the receivers require when set (401 without it)."
    ),
    Setting(
        "max_body_bytes",
        "SPINSCOPE_MAX_BODY_BYTES",
        64 * 1024 * 1024,
        "Largest request body accepted, before and after decompression (413 past it).",
    ),
    Setting(
        "queue_max_rows",
        "SPINSCOPE_QUEUE_MAX_ROWS",
        400_000,
        "Rows the write queue holds before receivers answer 429/UNAVAILABLE (backpressure).",
    ),
    Setting(
        "body_budget_bytes",
        "SPINSCOPE_BODY_BUDGET_BYTES",
        128 * 1024 * 1024,
        "Bytes of OTLP/HTTP bodies held at once before they are decoded (429 past it; bounds memory).",
    ),
    Setting("batch_max_rows", "SPINSCOPE_BATCH_MAX_ROWS", 50_000, "Rows merged into one insert at most."),
    Setting(
        "batch_interval_s",
        "SPINSCOPE_BATCH_INTERVAL_S",
        0.05,
        "Least time between two inserts' starts, unless a batch is full (group commit).",
    ),
    Setting(
        "raw_ttl_days",
        "SPINSCOPE_RAW_TTL_DAYS",
        30,
        "Days raw spans, logs and metrics are kept (0 keeps them forever).",
    ),
    Setting("spins_ttl_days", "SPINSCOPE_SPINS_TTL_DAYS", 400, "Days typed spin rows are kept (0 keeps them forever)."),
    Setting(
        "config",
        "SPINSCOPE_CONFIG",
        None,
        "Config folder: slos/*.yaml (OpenSLO specs), games.yaml (game catalog), currencies.yaml (currency scales); "
        "default: the shipped one.",
    ),
    Setting(
        "api_token",
        "SPINSCOPE_API_TOKEN",
        None,
        "Bearer token the read commands send when they ask a running `serve`'s JSON API.",
    ),
    Setting(
        "viewer_token_sha256",
        "SPINSCOPE_VIEWER_TOKEN_SHA256",
        None,
        "SHA-256 digests (comma-separated) of viewer tokens: read API, /metrics (`spinscope auth token` prints one).",
    ),
    Setting(
        "operator_token_sha256",
        "SPINSCOPE_OPERATOR_TOKEN_SHA256",
        None,
        "SHA-256 digests (comma-separated) of operator tokens: a viewer who may also export, silence, read the audit.",
    ),
    Setting(
        "ingest_token_sha256",
        "SPINSCOPE_INGEST_TOKEN_SHA256",
        None,
        "SHA-256 digests (comma-separated) of ingest tokens the receivers accept (besides SPINSCOPE_INGEST_TOKEN).",
    ),
    Setting(
        "app_secrets",
        "SPINSCOPE_APP_SECRETS",
        None,
        "Streamlit secrets file whose [auth] section (OIDC provider, client, cookie secret) enables the app's sign-in.",
    ),
    Setting(
        "audit_store",
        "SPINSCOPE_AUDIT_STORE",
        None,
        "DSN of a ClickHouse user that may only INSERT into audit_log (docker: spinscope_audit); audit rows go "
        "through it, so the app and the API can run as the read-only user (default: the store's own user).",
    ),
    Setting(
        "audit_refusals_per_minute",
        "SPINSCOPE_AUDIT_REFUSALS_PER_MINUTE",
        10,
        "Audit rows a minute for refused requests per client address and reason; the rest are counted in one "
        "summary row when the minute closes (and in /metrics).",
    ),
    Setting(
        "query_max_seconds",
        "SPINSCOPE_QUERY_MAX_SECONDS",
        60,
        "Longest a read query (app, API, CLI) may run before it is stopped with 'narrow the window or filters'.",
    ),
    Setting(
        "query_max_memory_bytes",
        "SPINSCOPE_QUERY_MAX_MEMORY_BYTES",
        2 * 1024 * 1024 * 1024,
        "Most memory one read query may use (ClickHouse max_memory_usage).",
    ),
    Setting(
        "query_max_result_rows",
        "SPINSCOPE_QUERY_MAX_RESULT_ROWS",
        1_000_000,
        "Most rows a read query may return (result_overflow_mode=throw: an error, never a silently cut answer).",
    ),
    Setting(
        "archive", "SPINSCOPE_ARCHIVE", None, "DuckDB KPI archive file (default <export folder>/kpi_archive.duckdb)."
    ),
    Setting(
        "cluster",
        "SPINSCOPE_CLUSTER",
        None,
        "ClickHouse cluster name: DDL runs ON CLUSTER with Replicated engines and Distributed tables.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def resolve(name: str, argument: Any = None) -> Any:
    """Value of a setting: the argument if given, else its environment variable, else the default."""
    setting = _BY_NAME[name]
    if argument is not None:
        return argument
    raw = os.environ.get(setting.env)
    if raw is None or raw == "":
        return setting.default
    if isinstance(setting.default, bool):
        return raw.lower() in ("1", "true", "yes", "on")
    if isinstance(setting.default, int):
        try:
            return int(raw)
        except ValueError:
            raise SystemExit(f"spinscope: {setting.env}={raw!r} is not a whole number; unset it or fix it.") from None
    if isinstance(setting.default, float):
        try:
            return float(raw)
        except ValueError:
            raise SystemExit(f"spinscope: {setting.env}={raw!r} is not a number; unset it or fix it.") from None
    return raw


def default_store_dsn(data_dir: str | os.PathLike[str]) -> str:
    return "chdb://" + str(Path(data_dir).resolve())
