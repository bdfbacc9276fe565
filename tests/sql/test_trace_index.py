"""trace_index (0120-0122): the trace list's raw amounts and span counts, and a trace's bounds, read by
trace id from trace_index instead of otel_traces. The known answer is the list's previous model, which
read otel_traces itself (kept here verbatim as OLD_TRACE_LIST): same amounts as sent, same counts (every
row of otel_traces, repeats included, at the window's edges too), on a store filled through the view and
on one upgraded from before 0120 (the backfill).
"""

from __future__ import annotations

import random
from datetime import timedelta

from opentelemetry.proto.trace.v1.trace_pb2 import Span

from spinscope.db import Store
from spinscope.queries.loader import run
from spinscope.schema.migrate import RenderOptions, migrate
from spinscope.traces import trace, trace_list
from tests.conftest import roll_back
from tests.sql.traces import NOW_NS, spin_trace, store_traces

OLD_TRACE_LIST = """
WITH
spin_spans AS (
    SELECT
        TraceId AS trace_id,
        SpanAttributes['slot.spin.id'] AS spin_id,
        SpanAttributes['slot.bet.amount'] AS bet_amount,
        SpanAttributes['slot.win.amount'] AS win_amount
    FROM otel_traces
    WHERE SpanName = 'spin' AND Timestamp >= {start:DateTime64(9)} AND Timestamp < {end:DateTime64(9)}
      AND TraceId IN {trace_ids:Array(String)}
    LIMIT 1 BY trace_id, spin_id
),

span_counts AS (
    SELECT TraceId AS trace_id, count() AS span_count
    FROM otel_traces
    WHERE Timestamp >= {start:DateTime64(9)} - INTERVAL 1 MINUTE AND Timestamp < {end:DateTime64(9)} + INTERVAL 1 MINUTE
      AND TraceId IN {trace_ids:Array(String)}
    GROUP BY TraceId
)

SELECT trace_id, spin_id, bet_amount, win_amount, span_count
FROM spin_spans
INNER JOIN span_counts USING (trace_id)
ORDER BY trace_id, spin_id
"""

MINUTE_NS = 60_000_000_000
START_NS = NOW_NS - 40 * MINUTE_NS
END_NS = NOW_NS - 10 * MINUTE_NS


def child(spin: Span, offset_ns: int, name: str = "state.save", seed: int = 0) -> Span:
    start = spin.start_time_unix_nano + offset_ns
    return Span(
        trace_id=spin.trace_id,
        span_id=random.Random(seed).randbytes(8),
        parent_span_id=spin.span_id,
        name=name,
        kind=Span.SPAN_KIND_CLIENT,
        start_time_unix_nano=start,
        end_time_unix_nano=start + 1_000_000,
    )


def fill(store: Store) -> None:
    """Spins inside [START, END) with amounts in several notations, children inside and outside the
    window's one-minute margins, a late child in a batch of its own, a replayed batch, and spins outside."""
    bets = ["1.50", "1.5E+1", "+2", ".5", "0E-8", "not-money", "3"]
    traces = []
    for i, bet in enumerate(bets):
        spans, logs = spin_trace(
            i, START_NS + i * 3 * MINUTE_NS, bet=bet, win="0.10", failed=i == 2, duration_ms=100 + i
        )
        traces.append((spans, logs))
    first = traces[0][0][0]  # the spin at START: a child 61 s before it is outside the margin, 59 s inside
    traces[0] = (
        traces[0][0] + [child(first, -61 * 1_000_000_000, seed=1), child(first, -59 * 1_000_000_000, seed=2)],
        [],
    )
    last = traces[-1][0][0]  # 18 min after START: children at END + 59 s (counted) and END + 60 s (not)
    to_end = END_NS - last.start_time_unix_nano
    traces[-1] = (
        traces[-1][0]
        + [child(last, to_end + 59 * 1_000_000_000, seed=3), child(last, to_end + 60 * 1_000_000_000, seed=4)],
        [],
    )
    outside = [spin_trace(100 + i, END_NS + i * MINUTE_NS) for i in range(2)]
    store_traces(store, traces + outside)
    store_traces(store, [([child(traces[3][0][0], 5 * MINUTE_NS, seed=5)], [])])  # a late child, another insert
    store_traces(store, traces[1:3])  # a replayed batch: its spans twice in otel_traces


def window() -> dict:
    from datetime import UTC, datetime

    def at(ns: int) -> datetime:
        return datetime.fromtimestamp(ns // 1_000_000_000, UTC).replace(tzinfo=None) + timedelta(
            microseconds=ns % 1_000_000_000 // 1000
        )

    return {"start": at(START_NS), "end": at(END_NS)}


def new_rows(client) -> list[tuple]:  # type: ignore[no-untyped-def]
    """The list's raw fields as the list now shows them, keyed as the old model keyed them."""
    rows = trace_list(client, **window(), where_keys=[], where_values=[], order="errors", limit=1000)
    return sorted((r["trace_id"], r["spin_id"], r["bet_amount"], r["win_amount"], r["span_count"]) for r in rows)


def old_rows(client) -> list[tuple]:  # type: ignore[no-untyped-def]
    no_where = {"where_keys": [], "where_values": [], "typed": 0, "matched_ids": []}
    no_where |= {"floor_first": 0, "floor_duration_ns": 0}
    ranked = run(client, "traces/trace_ranked", **window(), **no_where, order="errors", limit=1000)
    ids = sorted({r["trace_id"] for r in ranked})
    return [tuple(r) for r in client.query(OLD_TRACE_LIST, parameters={**window(), "trace_ids": ids}).result_rows]


def test_the_list_shows_the_amounts_as_sent_and_counts_every_stored_span_as_before(store, store_client) -> None:  # type: ignore[no-untyped-def]
    fill(store)
    got = new_rows(store_client)
    assert got == old_rows(store_client)
    assert len(got) == 7  # every spin in the window, none outside
    by_bet = {bet: count for _, _, bet, _, count in got}
    # as sent, never re-rendered; the edge children: 59 s before START counted, 61 s not; END + 59 s
    # counted, END + 60 s not; the replayed traces count their repeats, the late child counts
    assert by_bet == {"1.50": 3, "1.5E+1": 4, "+2": 4, ".5": 3, "0E-8": 2, "not-money": 2, "3": 3}


def test_a_store_upgraded_from_before_0120_gets_trace_index_filled_once(session_store, empty_store) -> None:  # type: ignore[no-untyped-def]
    database = empty_store.database
    store = empty_store
    opts = RenderOptions(database=database)
    client = store.client()
    migrate(client, opts, log=lambda *_: None)
    # 0120-0122 made trace_index, 0155-0157 added its resource_hash
    roll_back(client, [*range(120, 123), *range(155, 158)], views=("trace_index_mv",), tables=("trace_index",))
    fill(store)  # spans from before the upgrade
    migrate(client, opts, log=lambda *_: None)
    migrate(client, opts, log=lambda *_: None)  # idempotent: nothing applied twice
    assert client.command("SELECT sum(length(span_offsets_ns)) FROM trace_index") == client.command(
        "SELECT count() FROM otel_traces"
    )
    store_traces(store, [spin_trace(200, START_NS + 29 * MINUTE_NS, bet="7.00")])  # the view takes over
    got = new_rows(client)
    assert got == old_rows(client) and len(got) == 8
    one = got[0][0]
    spans = trace(client, one)["spans"]
    assert spans and {s["span_id"] for s in spans} == {
        r[0]
        for r in client.query(
            "SELECT SpanId FROM otel_traces WHERE TraceId = {t:String}", parameters={"t": one}
        ).result_rows
    }


def test_each_row_holds_the_hash_of_the_one_resource_its_spans_came_under_or_0(store, store_client) -> None:  # type: ignore[no-untyped-def]
    """resource_hash (0155, 0157): the trace list skips the child spans of a trace whose rows all hold one
    hash, not 0 (traces/trace_spread). A request whose spans of one trace come under two resources gives 0."""
    from tests.sql.test_trace_list import store_two_resources

    fill(store)
    spans, _ = spin_trace(300, START_NS + 4 * MINUTE_NS)
    store_two_resources(store, [(spans[0], "us-east-1", "i-2"), (spans[1], "ap-south-1", "i-9")])
    rows = store_client.query("SELECT trace_id, resource_hash FROM trace_index").result_rows
    # each insert here sends a trace's spans under one resource but the last, so a row's resources are its trace's
    expected = dict(
        store_client.query(
            "SELECT TraceId, if(uniqExact(ResourceAttributes) = 1, cityHash64(any(ResourceAttributes)), 0)"
            " FROM otel_traces GROUP BY TraceId"
        ).result_rows
    )
    assert len(rows) > 10 and all(h == expected[t] for t, h in rows)
    mixed = spans[0].trace_id.hex()
    assert [h for t, h in rows if t == mixed] == [0]
    assert all(h != 0 for t, h in rows if t != mixed)
