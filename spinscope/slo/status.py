"""SLO counts from the store: the providers spinscope.slo.evaluate is given, backed by SQL models.

Status (alert state, budget): each SLO's series is read once per evaluation (`SloBuckets`, model
slo/slo_buckets_spins or slo/slo_buckets_spans): whole hours, plus every minute of the hours in
which one of `evaluate`'s windows starts or ends (`counted_windows`), so the period and every
burn-rate pair are exact sums of one read instead of one query per window. Charts (SLI over time,
burndown) read slo/slo_series_spins or slo/slo_series_spans per bucket (`StoreCounts.series`), the
same rollups with the same good/total definitions, so the alert and the dashboard cannot disagree.

`slo_statuses` keeps its answer for a minute, keyed by the store, the specs, the minute evaluated
and the rollups' data version (the highest insert block of spin_minutely and span_minutely, from
system.parts), so the API, the app and the alert evaluator asking about the same minute share one
computation, and any insert since (late data included) computes afresh.

Maintenance windows that exclude their minutes from budgets (spinscope.slo.exclusions) are read
with every evaluation and are part of the key: `load_buckets` reads their hours minute by minute
and drops the minutes they cover before the sums are built; `StoreCounts` (charts) drops them
from its per-minute series.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from clickhouse_connect.driver.client import Client

from spinscope.queries.loader import run
from spinscope.schema.fragments import reads_game_rollups
from spinscope.slo import SloSpec
from spinscope.slo import exclusions as excl
from spinscope.slo.evaluate import SloStatus, counted_windows, evaluate, truncate_to_step
from spinscope.times import utc_naive

GroupKey = tuple[str, ...]
MEMO_SECONDS = 60.0
"""How long a computed status list is reused for the same minute and data version."""


def _params(spec: SloSpec, start: datetime, end: datetime) -> dict[str, Any]:
    kind, value = spec.good_when
    keys, values = [], []
    for key, wanted in spec.filters:
        keys.append(key)
        values.append(list(wanted) if isinstance(wanted, tuple) else [wanted])
    params: dict[str, Any] = {
        "start": utc_naive(start),
        "end": utc_naive(end),
        "good_kind": "latency" if kind == "latency_lte_ms" else "status_ok",
        "threshold_ms": int(value) if kind == "latency_lte_ms" else 0,
        "filter_keys": keys,
        "filter_values": values,
        "group_by": list(spec.group_by),
    }
    if spec.source == "spans":
        params["span_name"] = spec.span_name or ""
    else:  # the game rollups answer when every key is one of their dimensions (same figures, fewer rows)
        params["game_rollup"] = int(reads_game_rollups([*keys, *spec.group_by]))
    return params


def _model(spec: SloSpec, kind: str = "series") -> str:
    return f"slo/slo_{kind}_spans" if spec.source == "spans" else f"slo/slo_{kind}_spins"


def _hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class SloBuckets:
    """One SLO's (good, total) per group over [start, end): whole-hour buckets, and minute buckets in `minute_hours`.

    Buckets never overlap (an hour in `minute_hours` has only minute buckets), so a window sums
    the buckets starting inside it: exact when each of its edges is a whole hour or falls in an
    hour of `minute_hours`, which `counts` checks. Times are naive UTC.
    """

    start: datetime
    end: datetime
    minute_hours: frozenset[datetime]
    starts: Mapping[GroupKey, list[datetime]]
    good: Mapping[GroupKey, list[int]]  # prefix sums: good[k][i] = sum of the first i buckets
    total: Mapping[GroupKey, list[int]]

    @classmethod
    def from_rows(
        cls, start: datetime, end: datetime, minute_hours: frozenset[datetime], rows: list[dict[str, Any]]
    ) -> SloBuckets:
        buckets: dict[GroupKey, list[tuple[datetime, int, int]]] = defaultdict(list)
        for row in rows:
            buckets[tuple(row["group_key"])].append(
                (row["bucket_start"], int(row["good_events"]), int(row["total_events"]))
            )
        starts, good, total = {}, {}, {}
        for key, points in buckets.items():
            points.sort()
            starts[key] = [p[0] for p in points]
            good[key], total[key] = [0], [0]
            for _, g, t in points:
                good[key].append(good[key][-1] + g)
                total[key].append(total[key][-1] + t)
        return cls(start, end, minute_hours, starts, good, total)

    def counts(self, start: datetime, end: datetime) -> dict[GroupKey, tuple[int, int]]:
        start, end = utc_naive(start), utc_naive(end)
        if start < self.start or end > self.end:
            raise ValueError(f"window {start}..{end} is outside the buckets read ({self.start}..{self.end})")
        for edge in (start, end):
            if edge != _hour(edge) and _hour(edge) not in self.minute_hours:
                raise ValueError(f"window edge {edge} falls inside an hour bucket: list its hour in minute_hours")
        out = {}
        for key, starts in self.starts.items():
            i, j = bisect_left(starts, start), bisect_left(starts, end)
            if j > i:
                out[key] = (self.good[key][j] - self.good[key][i], self.total[key][j] - self.total[key][i])
        return out


def load_buckets(
    client: Client,
    spec: SloSpec,
    windows: Sequence[tuple[datetime, datetime]],
    exclusions: Sequence[excl.Exclusion] = (),
) -> SloBuckets:
    """One read covering every window, each window's partial hours at minute grain.

    Maintenance windows that exclude their minutes (`exclusions`) have their hours read minute by
    minute too, and the minutes they cover are dropped per group before the sums are built.
    """
    naive = [(utc_naive(s), utc_naive(e)) for s, e in windows]
    start, end = min(s for s, _ in naive), max(e for _, e in naive)
    found = excl.applicable(exclusions, spec.name, spec.service, start.replace(tzinfo=UTC), end.replace(tzinfo=UTC))
    hours = {_hour(t) for window in naive for t in window if t != _hour(t)}
    for e in found:
        hour = max(_hour(utc_naive(e.start)), start)
        while hour < min(utc_naive(e.end), end):
            hours.add(hour)
            hour += timedelta(hours=1)
    minute_hours = frozenset(hours)
    params = {**_params(spec, start, end), "minute_hours": sorted(minute_hours)}
    rows = run(client, _model(spec, "buckets"), **params)
    if found:
        rows = [row for row in rows if not _excluded(spec, found, minute_hours, row)]
    return SloBuckets.from_rows(start, end, minute_hours, rows)


def _excluded(spec: SloSpec, found: Sequence[excl.Exclusion], minute_hours: frozenset[datetime], row: dict) -> bool:
    """Whether a minute bucket lies in a maintenance window matching its group (hour buckets never do)."""
    if _hour(row["bucket_start"]) not in minute_hours:
        return False
    labels = excl.slo_labels(spec.name, spec.service, spec.group_by, tuple(row["group_key"]))
    minute = row["bucket_start"].replace(tzinfo=UTC)
    return any(e.covers_minute(minute) and any(e.matches(lab) for lab in labels) for e in found)


class StoreCounts:
    """`counts` and `series` providers over one client, one query per call (charts, and the reference path)."""

    def __init__(self, client: Client, exclusions: Sequence[excl.Exclusion] | None = None) -> None:
        self.client = client
        self.exclusions = read_exclusions(client) if exclusions is None else exclusions

    def counts(self, spec: SloSpec, start: datetime, end: datetime) -> Mapping[GroupKey, tuple[int, int]]:
        if excl.applicable(self.exclusions, spec.name, spec.service, start, end):  # minute by minute, without them
            return excl.totals(self.series(spec, start, end, 60))
        step = max(60, int((end - start).total_seconds()))  # one bucket covering the window
        totals: dict[GroupKey, list[int]] = defaultdict(lambda: [0, 0])
        for row in run(self.client, _model(spec), **_params(spec, start, end), step_s=step):
            key = tuple(row["group_key"])
            totals[key][0] += int(row["good_events"])
            totals[key][1] += int(row["total_events"])
        return {k: (g, t) for k, (g, t) in totals.items()}

    def series(
        self, spec: SloSpec, start: datetime, end: datetime, step_s: int
    ) -> Mapping[GroupKey, Sequence[tuple[datetime, int, int]]]:
        found = excl.applicable(self.exclusions, spec.name, spec.service, start, end)
        if found and step_s > 60:
            return excl.rebucket(self.series(spec, start, end, 60), step_s)
        out: dict[GroupKey, list[tuple[datetime, int, int]]] = defaultdict(list)
        for row in run(self.client, _model(spec), **_params(spec, start, end), step_s=step_s):
            bucket_end = row["bucket_start"].replace(tzinfo=start.tzinfo) + timedelta(seconds=step_s)
            out[tuple(row["group_key"])].append((bucket_end, int(row["good_events"]), int(row["total_events"])))
        return excl.drop_excluded(out, found, spec.name, spec.service, spec.group_by) if found else out


def read_exclusions(client: Client) -> list[excl.Exclusion]:
    """Maintenance windows that exclude their minutes from SLO budgets (spinscope.slo.exclusions)."""
    rows = run(client, "alerts/alert_silences", since=datetime(1970, 1, 2))
    aware = [
        {**r, "starts_at": r["starts_at"].replace(tzinfo=UTC), "ends_at": r["ends_at"].replace(tzinfo=UTC)}
        for r in rows
    ]
    return excl.from_silences(aware)


def evaluate_once(
    client: Client, spec: SloSpec, at: datetime, exclusions: Sequence[excl.Exclusion] = ()
) -> list[SloStatus]:
    """`evaluate` with every window it needs read in one query (budget-excluding maintenance windows left out)."""
    buckets = load_buckets(client, spec, counted_windows(spec, at), exclusions)
    return evaluate(spec, lambda _spec, start, end: buckets.counts(start, end), at)


# ---------------------------------------------------------------- once per minute


_memo: dict[tuple[Any, ...], tuple[float, list[SloStatus]]] = {}
_memo_lock = threading.Lock()

_DATA_VERSION = (
    "SELECT table, max(max_block_number) FROM system.parts "
    "WHERE database = currentDatabase() AND active "
    "AND table IN ('spin_minutely', 'span_minutely', 'spin_minutely_local', 'span_minutely_local') "
    "GROUP BY table ORDER BY table"
)


def _data_version(client: Client) -> tuple[Any, ...] | None:
    """The rollups' highest insert block per table: it grows with every insert, merges keep it. None if unreadable."""
    try:
        return tuple(tuple(row) for row in client.query(_DATA_VERSION).result_rows)
    except Exception:
        return None


def forget_series() -> None:
    """Drop every kept status list (benchmarks' cold runs, tests)."""
    with _memo_lock:
        _memo.clear()


def slo_statuses(client: Client, specs: Sequence[SloSpec], at: datetime | None = None) -> list[SloStatus]:
    """Every SLO (and group) evaluated at `at` (default now), from the rollups; kept a minute (module docstring)."""
    when = truncate_to_step(at or datetime.now(UTC))
    version = _data_version(client)
    exclusions = tuple(read_exclusions(client))
    store = getattr(client, "path", None) or getattr(client, "url", None)
    key = (store, client.database, tuple(specs), when, version, exclusions)
    now = time.monotonic()
    if version is not None:
        with _memo_lock:
            kept = _memo.get(key)
        if kept is not None and now - kept[0] < MEMO_SECONDS:
            return list(kept[1])
    statuses = [status for spec in specs for status in evaluate_once(client, spec, when, exclusions)]
    if version is not None:
        with _memo_lock:
            for stale in [k for k, (made, _) in _memo.items() if now - made >= MEMO_SECONDS]:
                del _memo[stale]
            _memo[key] = (now, statuses)
    return list(statuses)
