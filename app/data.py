"""The app's cached data layer: one function per thing a page shows, over the SQL models and analytics.

Pages call these and only render. The store comes from `spinscope.ui.hosted()` (the serving
process's Store, a DSN, or a test's Store); `@st.cache_resource` keeps an opened DSN store,
`@st.cache_data(ttl=...)` keeps results. Every cached function takes `source` (the store's
identity) so two stores in one process never share a cached answer. No SQL here: models live
in queries/ and run through queries.loader.run. Failures become `DataError`, whose message is
fit for the page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import streamlit as st
from clickhouse_connect.driver.client import Client

from spinscope.configuration import Config
from spinscope.db import Store, StoreError, StoreLocked, first_line, limit_error, open_store
from spinscope.endpoints import call
from spinscope.jsonout import plain
from spinscope.kpi import kpis
from spinscope.queries.loader import run
from spinscope.slo import SloSpec
from spinscope.slo.evaluate import evaluate_burndown
from spinscope.slo.status import StoreCounts, slo_statuses
from spinscope.times import utc_naive
from spinscope.ui import hosted

TTL_S = 30  # results: fresh enough for live traffic, cheap enough for reruns


class DataError(Exception):
    """Something the page should say in one message instead of a traceback."""


def explain(exc: BaseException, what: str) -> DataError:
    """A page-ready message naming what failed, why, and what to do."""
    if isinstance(exc, DataError):
        return exc
    if isinstance(exc, StoreLocked):
        return DataError(f"{what}: {exc} — open the app that `spinscope serve` hosts (--ui-port, default 8501).")
    if isinstance(exc, StoreError):
        return DataError(f"{what}: {exc}")
    limited = limit_error(exc)
    if limited is not None:
        return DataError(f"{what}: {limited}")
    text = first_line(exc)
    if "UNKNOWN_TABLE" in text or "Unknown table" in text or "does not exist" in text:
        return DataError(f"{what}: the store has no spinscope schema ({text}); run `spinscope db migrate`.")
    return DataError(f"{what} failed: {text}")


# ---------------------------------------------------------------- the store


@st.cache_resource(show_spinner=False)
def _open_dsn(dsn: str, database: str) -> Store:
    return open_store(dsn, database=database, create_database=False)


def store() -> Store:
    source = hosted()
    if source.store is not None:
        return source.store
    if source.dsn:
        return _open_dsn(source.dsn, source.database)
    raise DataError(
        "No store is attached to this app: start it with `spinscope serve` "
        "(embedded store) or `spinscope app --store DSN` (ClickHouse server)."
    )


def source_key() -> str:
    """The store's identity, part of every cache key."""
    source = hosted()
    if source.store is not None:
        return f"{source.store.dsn}#{source.store.database}"
    return f"{source.dsn}#{source.database}"


def client() -> Client:
    try:
        return store().reader()
    except Exception as exc:
        raise explain(exc, "Opening the store") from exc


def current_config() -> Config:
    """The configuration the hosting process loaded (reloaded when its files change)."""
    live = hosted().config
    if live is None:
        raise DataError("No configuration is attached to this app: start it with `spinscope serve` or `spinscope app`.")
    return live.get()


def config_dir() -> Path:
    return current_config().directory


def config_key() -> str:
    """The configuration's identity, part of the cache key of everything computed from it."""
    config = current_config()
    return f"{config.directory}#{id(config)}"


def _models(what: str, name: str, **params: Any) -> list[dict[str, Any]]:
    try:
        return run(client(), name, **params)
    except Exception as exc:
        raise explain(exc, what) from exc


# ---------------------------------------------------------------- sidebar and overview


@st.cache_data(ttl=300, show_spinner=False)
def filter_values(source: str, start: datetime, end: datetime) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"environment": [], "game_id": []}
    for row in _models(
        "Listing environments and games", "app/app_filter_values", start=utc_naive(start), end=utc_naive(end)
    ):
        out[row["dimension"]].append(row["value"])
    return out


@st.cache_data(ttl=TTL_S, show_spinner=False)
def fleet_totals(source: str, start: datetime, end: datetime, environment: str, game_id: str) -> dict[str, Any]:
    rows = _models(
        "Fleet totals",
        "app/app_fleet_totals",
        start=utc_naive(start),
        end=utc_naive(end),
        environment=environment,
        game_id=game_id,
    )
    return (
        rows[0]
        if rows
        else {"spins": 0, "error_spins": 0, "error_rate_ratio": None, "latency_p50_ms": None, "latency_p99_ms": None}
    )


@st.cache_data(ttl=TTL_S, show_spinner=False)
def signal_series(
    source: str, start: datetime, end: datetime, step_s: int, environment: str, game_id: str, threshold_ms: int = 500
) -> list[dict[str, Any]]:
    return _models(
        "The signal series",
        "app/app_signal_series",
        start=utc_naive(start),
        end=utc_naive(end),
        step_s=step_s,
        environment=environment,
        game_id=game_id,
        threshold_ms=threshold_ms,
    )


@st.cache_data(ttl=TTL_S, show_spinner=False)
def versions_seen(source: str, start: datetime, end: datetime, environment: str, game_id: str) -> list[dict[str, Any]]:
    return _models(
        "Versions seen",
        "app/app_versions_seen",
        start=utc_naive(start),
        end=utc_naive(end),
        environment=environment,
        game_id=game_id,
    )


# ---------------------------------------------------------------- SLOs


def slo_specs() -> list[SloSpec]:
    try:
        return list(current_config().slos)
    except DataError:
        raise
    except Exception as exc:
        raise explain(exc, "Loading the SLO specs") from exc


def scoped(spec: SloSpec, environment: str, game_id: str, group_by: tuple[str, ...] | None = None) -> SloSpec:
    """The spec narrowed to the sidebar's environment and game (and regrouped, for breakdowns)."""
    extra = tuple((k, v) for k, v in (("environment", environment), ("game_id", game_id)) if v)
    changes: dict[str, Any] = {"filters": spec.filters + extra}
    if group_by is not None:
        changes["group_by"] = group_by
    return dataclasses.replace(spec, **changes)


def _spec(source: str, name: str) -> SloSpec:
    for spec in slo_specs():
        if spec.name == name:
            return spec
    raise DataError(f"no SLO named {name!r} in {config_dir() / 'slos'}")


@st.cache_data(ttl=TTL_S, show_spinner=False)
def slo_status_rows(
    source: str,
    at: datetime,
    environment: str,
    game_id: str,
    name: str | None = None,
    group_by: tuple[str, ...] | None = None,
) -> list[dict[str, Any]]:
    """SloStatus.to_json() of every SLO (or of `name`, optionally regrouped) at `at`."""
    specs = [_spec(source, name)] if name else slo_specs()
    try:
        return [
            s.to_json()
            for s in slo_statuses(client(), [scoped(sp, environment, game_id, group_by) for sp in specs], at)
        ]
    except DataError:
        raise
    except Exception as exc:
        raise explain(exc, "Evaluating the SLOs") from exc


@st.cache_data(ttl=TTL_S, show_spinner=False)
def slo_sli_series(
    source: str, name: str, start: datetime, end: datetime, step_s: int, environment: str, game_id: str
) -> list[dict[str, Any]]:
    """The SLO's good/total per bucket and group over [start, end), from the series the alerts read."""
    spec = scoped(_spec(source, name), environment, game_id)
    try:
        series = StoreCounts(client()).series(spec, start, end, step_s)
    except Exception as exc:
        raise explain(exc, f"The SLI series of {name}") from exc
    return [
        {
            "group": " / ".join(key) or "all",
            "bucket_end": at,
            "good": good,
            "total": total,
            "sli": good / total if total else None,
        }
        for key, points in series.items()
        for at, good, total in points
    ]


@st.cache_data(ttl=TTL_S, show_spinner=False)
def slo_excluded_spans(source: str, name: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Maintenance windows leaving their minutes out of this SLO's budget, clipped to [start, end)."""
    from spinscope.slo import exclusions
    from spinscope.slo.status import read_exclusions

    spec = _spec(source, name)
    try:
        found = exclusions.applicable(read_exclusions(client()), spec.name, spec.service, start, end)
    except Exception as exc:
        raise explain(exc, "Reading the maintenance windows") from exc
    return exclusions.excluded_spans(found, start, end)


@st.cache_data(ttl=TTL_S, show_spinner=False)
def slo_burndown(
    source: str, name: str, at: datetime, step_s: int, environment: str, game_id: str
) -> list[dict[str, Any]]:
    spec = scoped(_spec(source, name), environment, game_id)
    try:
        by_group = evaluate_burndown(spec, StoreCounts(client()).series, at, step_s)
    except Exception as exc:
        raise explain(exc, f"The budget burndown of {name}") from exc
    return [
        {
            "group": " / ".join(key) or "all",
            "at": p.at,
            "good": p.good,
            "total": p.total,
            "remaining_ratio": None if not hasattr(p.remaining_ratio, "numerator") else float(p.remaining_ratio),
            "ideal_ratio": float(p.ideal_ratio),
        }
        for key, points in by_group.items()
        for p in points
    ]


# ---------------------------------------------------------------- KPIs


@st.cache_data(ttl=TTL_S, show_spinner=False)
def kpi_rows(source: str, start: date, end: date, grain: str, by: str) -> list[dict[str, Any]]:
    try:
        return kpis(client(), start, end, grain, by)
    except DataError:
        raise
    except Exception as exc:
        raise explain(exc, "The KPIs") from exc


@st.cache_data(ttl=TTL_S, show_spinner=False)
def weekly_report_file(source: str, monday: date, fmt: str, config: str) -> tuple[str, bytes, str]:
    """The weekly KPI report of `spinscope export weekly`, as one download (name, bytes, MIME)."""
    from spinscope.export import download_bytes, gather_weekly

    try:
        return download_bytes(gather_weekly(client(), monday, current_config()), fmt)
    except DataError:
        raise
    except Exception as exc:
        raise explain(exc, "The weekly report") from exc


def weekly_report_meta(monday: date, fmt: str) -> tuple[str, str]:
    """(file name, MIME) of a weekly report download, known before the report is built (on click)."""
    from spinscope.export import week_name
    from spinscope.export.job import MIME_TYPES

    stem = f"spinscope-kpi-{week_name(monday)}"
    return (f"{stem}.{fmt}" if fmt in ("xlsx", "html") else f"{stem}-{fmt}.zip"), MIME_TYPES[fmt]


@st.cache_data(ttl=300, show_spinner=False)
def archive_trend_rows(weeks: int) -> list[dict[str, Any]] | str:
    """Long KPI trends from the DuckDB archive, or why there are none (no archive configured yet)."""
    from spinscope.export import EXPORT_ERRORS, archive_location, archive_trend

    try:
        return archive_trend(archive_location(None), weeks)
    except EXPORT_ERRORS as exc:
        return str(exc)


# ---------------------------------------------------------------- RTP compliance report (prepared on click)


def compliance_builder(first: date, last: date, fmt: str, environment: str) -> Callable[[], bytes]:
    """A callable that gathers and renders the RTP compliance report when the download is clicked.

    `st.download_button` runs it on its own thread at the click, so the page never gathers the report
    on load; the store client and the configuration are taken now, on the page's thread.
    """
    from spinscope.export.compliance import gather_compliance
    from spinscope.export.compliance_render import download

    source, config = client(), current_config()

    def build() -> bytes:
        return download(gather_compliance(source, first, last, config, environment), fmt)[1]

    return build


# ---------------------------------------------------------------- RTP and RCA (declared endpoints)


def _endpoint(what: str, name: str, **raw: Any) -> Any:
    """Endpoint `name` (spinscope.endpoints) on the app's store: the same answer as its API route."""
    try:
        return call(name, client(), current_config(), raw)
    except DataError:
        raise
    except Exception as exc:
        raise explain(exc, what) from exc


@st.cache_data(ttl=TTL_S, show_spinner=False)
def rtp_status(source: str, start: datetime, end: datetime, config: str) -> list[dict[str, Any]]:
    return _endpoint("RTP status", "rtp", start=start, end=end)["games"]


@st.cache_data(ttl=TTL_S, show_spinner=False)
def rtp_funnel(
    source: str, game_id: str, game_version: str, start: datetime, end: datetime, batch_s: int, config: str
) -> list[dict[str, Any]]:
    from spinscope.rtp.status import rtp_funnel as funnel

    try:
        return funnel(client(), game_id, game_version, start, end, current_config().catalog, batch_s=batch_s)
    except Exception as exc:
        raise explain(exc, "The RTP funnel") from exc


@st.cache_data(ttl=TTL_S, show_spinner=False)
def rca_rank(
    source: str, signal: str, start: datetime, end: datetime, where: tuple[tuple[str, str], ...], config: str
) -> dict[str, Any]:
    return _endpoint("The attribute ranking", "rca", signal=signal, start=start, end=end, where=list(where))


@st.cache_data(ttl=TTL_S, show_spinner=False)
def rca_traces(
    source: str, start: datetime, end: datetime, where: tuple[tuple[str, str], ...], order: str
) -> list[dict[str, Any]]:
    return _endpoint("The matching traces", "traces", start=start, end=end, where=list(where), order=order, limit=50)[
        "traces"
    ]


@st.cache_data(ttl=TTL_S, show_spinner=False)
def rca_trace(source: str, trace_id: str) -> dict[str, Any]:
    return _endpoint(f"Trace {trace_id}", "trace", trace_id=trace_id)


def text(value: Any) -> Any:
    """Exact, display-ready value: Decimals as plain strings, datetimes as ISO 8601."""
    return plain(value)


def now_minute() -> datetime:
    at = datetime.now(UTC)
    return at - timedelta(seconds=at.second, microseconds=at.microsecond)


# ---------------------------------------------------------------- alerts (declared endpoint) and silences


@st.cache_data(ttl=10, show_spinner=False)
def alerts(source: str, since: datetime, config: str) -> dict[str, Any]:
    """Every alert's current state since `since` (open ones always) and the silences: GET /api/v1/alerts."""
    return _endpoint("Alerts", "alerts", state="all", since=since)


def create_silence(
    matchers: dict[str, str], hours: float, author: str, comment: str, maintenance: bool, excludes_budget: bool = False
) -> str:
    """A silence from the Alerts page's form, checked like the API's; returns its id."""
    from spinscope.alerts import store as alert_store
    from spinscope.alerts.api import silence_from_json

    now = datetime.now(UTC)
    body = {
        "matchers": matchers,
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(hours=hours)).isoformat(),
        "created_by": author,
        "comment": comment,
        "is_maintenance": maintenance,
        "excludes_budget": excludes_budget,
    }
    try:
        made = alert_store.create_silence(client(), **silence_from_json(body, now))
    except Exception as exc:
        raise explain(exc, "Creating the silence") from exc
    alerts.clear()
    return str(made["silence_id"])
