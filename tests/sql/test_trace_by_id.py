"""One trace by id (spinscope.traces.trace) on the real engine: every span of the trace once, wherever
its spans landed, with the bounds looked up once in the exporter's trace-id table.

The known answer is the trace's spans read from otel_traces by id alone (no bounds, no index), one row
per span id: the bounds may only narrow the read, never change the rows.
"""

from __future__ import annotations

import random

from opentelemetry.proto.trace.v1.trace_pb2 import Span

from spinscope.queries.loader import sql
from spinscope.traces import trace
from tests.sql.traces import NOW_NS, kv, spin_trace, store_traces

REFERENCE = """
SELECT SpanId, ParentSpanId, SpanName, Timestamp, round(Duration / 1e6, 3)
FROM otel_traces
WHERE TraceId = {trace_id:String}
ORDER BY Timestamp, SpanId
LIMIT 1 BY SpanId
"""


def late_child(spans: list[Span], minutes_after: int) -> Span:
    """A span of the same trace written `minutes_after` minutes after the spin, in a batch of its own."""
    spin = spans[0]
    start = spin.start_time_unix_nano + minutes_after * 60_000_000_000
    return Span(
        trace_id=spin.trace_id,
        span_id=random.Random(minutes_after).randbytes(8),
        parent_span_id=spin.span_id,
        name="state.save",
        kind=Span.SPAN_KIND_CLIENT,
        start_time_unix_nano=start,
        end_time_unix_nano=start + 3_000_000,
        attributes=[kv("db.system.name", "postgresql")],
    )


def test_a_trace_is_every_span_once_even_those_written_later_and_replayed(store, store_client) -> None:  # type: ignore[no-untyped-def]
    start = NOW_NS - 50 * 60_000_000_000
    traces = [spin_trace(i, start + i * 1_000_000_000, failed=i == 1, rng=random.Random(i)) for i in range(3)]
    store_traces(store, traces)
    spans, logs = traces[1]
    store_traces(store, [([late_child(spans, 20)], [])])  # another insert: another row in the trace-id table
    store_traces(store, [(spans, logs)])  # an exporter retry: every span of the trace stored twice
    trace_id = spans[0].trace_id.hex()

    got = trace(store_client, trace_id.upper())
    expected = store_client.query(REFERENCE, parameters={"trace_id": trace_id}).result_rows

    assert len(expected) == 3  # spin, wallet.debit and the late state.save
    assert [
        (s["span_id"], s["parent_span_id"], s["span_name"], s["started_at"], s["duration_ms"]) for s in got["spans"]
    ] == [tuple(r) for r in expected]
    assert [float(s["offset_ms"]) for s in got["spans"]] == [0.0, 1.0, 20 * 60_000.0]
    assert [r["body"] for r in got["logs"]] == ["spin 1 failed: wallet timeout"] * 2  # the retry's copy too


def test_an_unknown_trace_has_no_spans(store, store_client) -> None:  # type: ignore[no-untyped-def]
    store_traces(store, [spin_trace(0, NOW_NS)])
    got = trace(store_client, "0" * 32)
    assert got["spans"] == [] and got["message"] == "no such trace in the store"


def test_the_bounds_are_looked_up_once() -> None:
    text = sql("traces/trace_spans")
    assert text.count("FROM trace_index") == 1
    assert "AS bounds" in text and "bounds.1" in text and "bounds.2" in text
