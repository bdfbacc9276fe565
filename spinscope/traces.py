"""Spin traces on the store: the list (errored or slowest first) and one trace as a span tree with its logs.

Thin I/O over the queries/traces models; on-call reaches here from a ranked finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from clickhouse_connect.driver.client import Client

from spinscope.errors import UserError
from spinscope.queries.loader import run
from spinscope.schema.fragments import RESOURCE_TYPED_ATTRIBUTES, SPIN_TYPED_ATTRIBUTES
from spinscope.times import utc_naive

ORDERS = ("errors", "slowest")
LIST_COLUMNS = (
    "trace_id",
    "started_at",
    "duration_ms",
    "status",
    "error_type",
    "spin_id",
    "game_id",
    "game_version",
    "region",
    "instance_id",
    "bet_amount",
    "win_amount",
    "currency",
    "span_count",
)
"""The trace list's columns, in order (the app's table and the API's rows)."""


class TraceRequestError(UserError):
    """A trace request the user can fix (an unknown order, a malformed trace id)."""


def where_arrays(where: dict[str, str] | None) -> tuple[list[str], list[str]]:
    """The where pairs as the parallel key and value arrays the models bind."""
    pairs = sorted((where or {}).items())
    return [k for k, _ in pairs], [v for _, v in pairs]


def traces(
    client: Client,
    start: datetime,
    end: datetime,
    where: dict[str, str] | None = None,
    order: str = "errors",
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Spin traces in the window matching every where pair, errored (or slowest) first.

    Two queries: the ranking reads `spins` (and, with where pairs, the window's spans once), then
    the raw amounts and span counts are read for the ranked trace ids only, bound as a literal array
    so that the bloom filter on otel_traces.TraceId applies (a subquery's set is not used for skip
    indexes). The fields taken from `spins` are the spin span's own (spins_mv copies them as sent).
    """
    if order not in ORDERS:
        raise TraceRequestError(f"order {order!r}: use errors or slowest")
    keys, values = where_arrays(where)
    return trace_list(client, utc_naive(start), utc_naive(end), keys, values, order, limit)


TYPED_MATCHED_CAP = 10_000
"""At most this many traces found by traces/trace_where_typed are passed to the ranking as a list."""

TYPED_CANDIDATES_CAP = 10_000
"""At most this many unsettled traces are passed by id to the lookups of their other spans (query
parameters, ~35 bytes an id); past it, traces/trace_where_typed_many reads them in one query."""

SETTLED_CAP = 10_000
"""At most this many settled spins are ranked from traces/trace_where_typed's answer (the list's `limit` + 20,
at most 1,020, unless keys tie at the cut); past it, traces/trace_ranked ranks them."""

SETTLED_COLUMNS = (*LIST_COLUMNS[1:10], "currency", "started_ns", "duration_ns")
"""traces/trace_where_typed's settled_row, after the trace id: traces/trace_ranked's columns, then duration_ns."""


@dataclass(frozen=True)
class TypedWhere:
    """Typed mode's where sets (traces/trace_where_typed and the lookups after it)."""

    matched_ids: list[str]
    """The traces carrying every pair other than through their spin's own row (with a spin at or above the cut)."""
    floor_key: tuple[int, int]
    """The settled spins' cut: (first_key, duration_ns) of the (limit + 20)-th, (0, 0) with fewer."""
    settled: list[tuple[str, tuple[Any, ...]]]
    """The settled spins at or above the cut: (trace id, SETTLED_COLUMNS' values), unordered."""


def typed_mode(where_keys: list[str], where_values: list[str]) -> bool:
    """Whether every where pair names a distinct attribute that `spins` copies (and child_spans, for a resource
    attribute), with a non-empty value: the typed columns then answer for the pairs (traces/trace_where_typed)."""
    typed_keys = SPIN_TYPED_ATTRIBUTES.keys() | RESOURCE_TYPED_ATTRIBUTES.keys()
    return (
        bool(where_keys)
        and len(set(where_keys)) == len(where_keys)
        and all(k in typed_keys for k in where_keys)
        and "" not in where_values
    )


def trace_list(
    client: Client,
    start: datetime,
    end: datetime,
    where_keys: list[str],
    where_values: list[str],
    order: str,
    limit: int,
) -> list[dict[str, Any]]:
    """The list's models run in turn (naive UTC times, the where pairs as parallel arrays): the ranked
    spins with the fields `spins` holds, then the raw amounts and span counts of those traces.

    When every pair names a distinct attribute that `spins` copies (typed mode; a resource attribute also
    needs child_spans' copy over the window), traces/trace_where_typed first finds the few traces that
    carry the pairs other than through their spin's own row, among the spins the list may rank, and the
    ranking reads no attribute map: over a day of the 50 M benchmark store with cloud.region, 4.3 s -> 0.4 s.
    The other spins and child spans of the few traces it cannot settle alone are read in further steps,
    by id: which of them hold another spin span or were sent under more than one resource
    (traces/trace_spread; usually none), then those spins and the child spans that may carry a missing
    resource pair (traces/trace_where_other_spans); past TYPED_CANDIDATES_CAP such traces, all in one query
    (traces/trace_where_typed_many). When none is found (a trace's spans share its spin's resource and
    game), the list is trace_where_typed's settled spins in the list's order (rank_settled), and the window
    is not ranked a second time; otherwise traces/trace_ranked lists them with the found traces' spins.
    Past TYPED_MATCHED_CAP matched traces (a pair mostly on spans other than spins) the maps are read."""
    window = {"start": start, "end": end}
    where = {"where_keys": where_keys, "where_values": where_values}
    ranking = {"order": order, "limit": limit}
    typed = typed_mode(where_keys, where_values) and (
        not set(where_keys) & RESOURCE_TYPED_ATTRIBUTES.keys()
        or bool(run(client, "traces/resource_columns_filled", **window)[0]["filled"])
    )
    found = typed_matches(client, window, where, ranking) if typed else None
    if found is not None and not found.matched_ids and len(found.settled) <= SETTLED_CAP:
        ranked = rank_settled(found.settled, order, limit)  # the list is the settled spins alone
    else:
        # the settled spins' cut in typed mode (below every key otherwise)
        matched_ids, floor_key = (found.matched_ids, found.floor_key) if found is not None else ([], (0, 0))
        ranked = run(
            client,
            "traces/trace_ranked",
            **window,
            **where,
            **ranking,
            typed=int(found is not None),
            matched_ids=matched_ids,
            floor_first=floor_key[0],
            floor_duration_ns=floor_key[1],
        )
    if not ranked:
        return []
    trace_ids = sorted({r["trace_id"] for r in ranked})
    raw = {(r["trace_id"], r["started_ns"]): r for r in run(client, "traces/trace_list", **window, trace_ids=trace_ids)}
    rows = []
    for spin in ranked:
        sent = raw.get((spin["trace_id"], spin["started_ns"]))  # the spin span: its start is the spins row's
        if sent is None:  # stored in spins but not (or no longer) in otel_traces: nothing to open
            continue
        rows.append(
            {
                **{k: spin[k] for k in LIST_COLUMNS[:10]},
                "bet_amount": sent["bet_amount"],
                "win_amount": sent["win_amount"],
                "currency": spin["currency"],
                "span_count": sent["span_count"],
            }
        )
    return rows


def rank_settled(settled: list[tuple[str, tuple[Any, ...]]], order: str, limit: int) -> list[dict[str, Any]]:
    """traces/trace_ranked's rows from trace_where_typed's settled spins, when no other trace is listed: the
    same order (errored first for 'errors', then slowest, then trace id), `limit` + 20 rows kept, then one
    row per spin (a spin stored twice waits for a merge), then `limit`."""
    rows = [{"trace_id": trace_id, **dict(zip(SETTLED_COLUMNS, row, strict=True))} for trace_id, row in settled]
    rows.sort(key=lambda r: (-(order == "errors" and r["status"] == "error"), -r["duration_ns"], r["trace_id"]))
    kept: list[dict[str, Any]] = []
    seen: set[str] = set()
    for row in rows[: limit + 20]:
        if row["spin_id"] not in seen:
            seen.add(row["spin_id"])
            kept.append(row)
    return kept[:limit]


def typed_matches(
    client: Client, window: dict[str, Any], where: dict[str, Any], ranking: dict[str, Any]
) -> TypedWhere | None:
    """Typed mode's where sets: the traces carrying every pair other than through their spin's own row,
    the settled spins' cut and the settled spins; None past TYPED_MATCHED_CAP matched traces (the maps are
    read then).
    The candidates' other spans are read by id, the queries that would read nothing skipped; past
    TYPED_CANDIDATES_CAP candidates, in one query over the candidates' set (traces/trace_where_typed_many)."""
    cap = max(TYPED_MATCHED_CAP, TYPED_CANDIDATES_CAP) + 1
    (row,) = run(client, "traces/trace_where_typed", **window, **where, **ranking, cap=cap, settled_cap=SETTLED_CAP + 1)
    matched_ids, candidates, (floor_first, floor_duration_ns) = row["matched_ids"], row["candidates"], row["floor_key"]
    if len(matched_ids) > TYPED_MATCHED_CAP:
        return None
    if len(candidates) > TYPED_CANDIDATES_CAP:  # too many to pass by id: one query reads their other spans
        (many,) = run(
            client,
            "traces/trace_where_typed_many",
            **window,
            **where,
            order=ranking["order"],
            floor_first=floor_first,
            floor_duration_ns=floor_duration_ns,
            cap=TYPED_MATCHED_CAP + 1,
        )
        matched_ids = many["matched_ids"]
    elif candidates:
        candidate_ids = [trace_id for trace_id, _ in candidates]
        (spread,) = run(client, "traces/trace_spread", **window, trace_ids=candidate_ids)
        one_resource = set(spread["one_resource"])  # their child spans carry their spin's resource pairs
        child_ids = [trace_id for trace_id in row["child_candidates"] if trace_id not in one_resource]
        if spread["several_spins"] or child_ids:
            (completed,) = run(
                client,
                "traces/trace_where_other_spans",
                **window,
                **where,
                trace_ids=candidate_ids,
                carried=[carried for _, carried in candidates],
                spin_ids=spread["several_spins"],
                child_ids=child_ids,
                cap=TYPED_MATCHED_CAP + 1,
            )
            matched_ids = matched_ids + completed["matched_ids"]
    if len(matched_ids) > TYPED_MATCHED_CAP:
        return None
    return TypedWhere(matched_ids, row["floor_key"], row["settled"])


def trace(client: Client, trace_id: str) -> dict[str, Any]:
    """One trace: its spans (timings relative to the trace start) and the logs written while it ran."""
    trace_id = trace_id.strip().lower()
    if len(trace_id) != 32 or any(c not in "0123456789abcdef" for c in trace_id):
        raise TraceRequestError(f"trace id {trace_id!r}: expected 32 hex digits")
    spans = run(client, "traces/trace_spans", trace_id=trace_id)
    if not spans:
        return {"trace_id": trace_id, "spans": [], "logs": [], "message": "no such trace in the store"}
    first = min(s["started_at"] for s in spans)
    last = max(s["started_at"] + timedelta(milliseconds=float(s["duration_ms"])) for s in spans)
    logs = run(client, "traces/trace_logs", trace_id=trace_id, start=first, end=last)
    return {"trace_id": trace_id, "spans": spans, "logs": logs}
