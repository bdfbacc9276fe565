"""SLO counts from the store: the providers spinscope.slo.evaluate is given, backed by SQL models.

Both providers run the same model (slo/slo_series_spins or slo/slo_series_spans), so the
status (alert state, budget) and the charts (SLI over time, burndown) read one series.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from clickhouse_connect.driver.client import Client

from spinscope.queries.loader import run
from spinscope.slo import SloSpec
from spinscope.slo import exclusions as excl
from spinscope.slo.evaluate import SloStatus, evaluate
from spinscope.times import utc_naive

GroupKey = tuple[str, ...]


def _params(spec: SloSpec, start: datetime, end: datetime, step_s: int) -> dict[str, Any]:
    kind, value = spec.good_when
    keys, values = [], []
    for key, wanted in spec.filters:
        keys.append(key)
        values.append(list(wanted) if isinstance(wanted, tuple) else [wanted])
    params: dict[str, Any] = {
        "start": utc_naive(start),
        "end": utc_naive(end),
        "step_s": step_s,
        "good_kind": "latency" if kind == "latency_lte_ms" else "status_ok",
        "threshold_ms": int(value) if kind == "latency_lte_ms" else 0,
        "filter_keys": keys,
        "filter_values": values,
        "group_by": list(spec.group_by),
    }
    if spec.source == "spans":
        params["span_name"] = spec.span_name or ""
    return params


def _model(spec: SloSpec) -> str:
    return "slo/slo_series_spans" if spec.source == "spans" else "slo/slo_series_spins"


class StoreCounts:
    """`counts` and `series` providers over one client."""

    def __init__(self, client: Client, exclusions: Sequence[excl.Exclusion] | None = None) -> None:
        self.client = client
        self.exclusions = read_exclusions(client) if exclusions is None else exclusions

    def counts(self, spec: SloSpec, start: datetime, end: datetime) -> Mapping[GroupKey, tuple[int, int]]:
        if excl.applicable(self.exclusions, spec.name, spec.service, start, end):  # minute by minute, without them
            return excl.totals(self.series(spec, start, end, 60))
        step = max(60, int((end - start).total_seconds()))  # one bucket covering the window
        totals: dict[GroupKey, list[int]] = defaultdict(lambda: [0, 0])
        for row in run(self.client, _model(spec), **_params(spec, start, end, step)):
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
        for row in run(self.client, _model(spec), **_params(spec, start, end, step_s)):
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


def slo_statuses(client: Client, specs: Sequence[SloSpec], at: datetime | None = None) -> list[SloStatus]:
    """Every SLO (and group) evaluated at `at` (default now), from the rollups."""
    provider = StoreCounts(client)
    when = at or datetime.now(UTC)
    return [status for spec in specs for status in evaluate(spec, provider.counts, when)]
