"""The trace list answers exactly as its first formulation (every attribute pair of every span of each
trace, then hasAll, all on otel_traces), which needed memory per attribute and ran out on a 7-day demo
window. The list now ranks on `spins` (traces/trace_ranked) and reads the fields of the ranked traces
only (traces/trace_list); the first SQL is kept here as the independent reference.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from opentelemetry.proto.trace.v1.trace_pb2 import Span

import spinscope.traces
from spinscope.traces import ORDERS, TYPED_CANDIDATES_CAP, trace_list
from tests.sql.test_readonly import NOW, store_spin_traces
from tests.sql.traces import NOW_NS, kv, spin_trace, store_traces

REFERENCE = """
WITH
spin_spans AS (
    SELECT TraceId AS trace_id, SpanId AS span_id, Timestamp AS started_at, Duration AS duration_ns,
           StatusCode AS status_code, SpanAttributes AS attributes, ResourceAttributes AS resource
    FROM otel_traces
    WHERE SpanName = 'spin' AND Timestamp >= {start:DateTime64(9)} AND Timestamp < {end:DateTime64(9)}
    LIMIT 1 BY SpanAttributes['slot.spin.id']
),

trace_attributes AS (
    SELECT
        TraceId AS trace_id,
        arrayDistinct(groupArrayArray(arrayConcat(
            arrayMap((k, v) -> (k, v), mapKeys(ResourceAttributes), mapValues(ResourceAttributes)),
            arrayMap((k, v) -> (k, v), mapKeys(SpanAttributes), mapValues(SpanAttributes))
        ))) AS pairs,
        count() AS span_count
    FROM otel_traces
    WHERE Timestamp >= {start:DateTime64(9)} - INTERVAL 1 MINUTE AND Timestamp < {end:DateTime64(9)} + INTERVAL 1 MINUTE
      AND TraceId IN (SELECT trace_id FROM spin_spans)
    GROUP BY TraceId
)

SELECT
    trace_id,
    started_at,
    round(duration_ns / 1e6, 3) AS duration_ms,
    if(status_code = 'Error', 'error', 'ok') AS status,
    attributes['error.type'] AS error_type,
    attributes['slot.spin.id'] AS spin_id,
    attributes['slot.game.id'] AS game_id,
    attributes['slot.game.version'] AS game_version,
    resource['cloud.region'] AS region,
    resource['service.instance.id'] AS instance_id,
    attributes['slot.bet.amount'] AS bet_amount,
    attributes['slot.win.amount'] AS win_amount,
    attributes['slot.currency'] AS currency,
    span_count
FROM spin_spans
INNER JOIN trace_attributes USING (trace_id)
WHERE hasAll(pairs, arrayZip({where_keys:Array(String)}, {where_values:Array(String)}))
ORDER BY if({order:String} = 'errors', status_code = 'Error', 0) DESC, duration_ns DESC, trace_id
LIMIT {limit:UInt32}
"""
PAIRS = [
    ("wallet.provider", "acme-pay"),
    ("wallet.provider", "globalwallet"),
    ("slot.game.id", "fortune-tiger"),
    ("slot.game.version", "1.4.2"),  # with slot.game.id: both settled by the spin span's typed copy
    ("error.type", "wallet_timeout"),  # typed, and carried by a child span too
    ("error.type", ""),
    ("nope", "x"),
    ("service.name", "slot-server"),
    ("wallet.provider", "' OR 1=1 --"),
    ("slot.game.id", "child-only"),  # typed, but only a child span of one trace carries it (below)
    ("service.instance.id", "i-1"),  # a resource attribute spins and child_spans copy: most spans carry it
    ("cloud.region", "us-east-1"),  # one spin span's resource, another's span attribute (below)
    ("cloud.region", "ap-south-1"),  # only child spans carry it: one's resource, another's span attribute
]


def list_params(where: list[tuple[str, str]], order: str, limit: int) -> dict:
    """trace_list's (and REFERENCE's) parameters over the stored traces' hours."""
    return {
        "start": NOW - timedelta(hours=3),
        "end": NOW + timedelta(hours=1),
        "where_keys": [k for k, _ in where],
        "where_values": [v for _, v in where],
        "order": order,
        "limit": limit,
    }


@pytest.mark.parametrize("cap", [TYPED_CANDIDATES_CAP, 0], ids=["by-id", "one-query"])
def test_trace_list_matches_the_reference_for_every_where_combination(store, store_client, monkeypatch, cap) -> None:  # type: ignore[no-untyped-def]
    # one-query: every unsettled trace is "too many to pass by id" (traces/trace_where_typed_many), and the
    # settled spins too many to rank in Python (traces/trace_ranked ranks every typed list)
    monkeypatch.setattr(spinscope.traces, "TYPED_CANDIDATES_CAP", cap)
    monkeypatch.setattr(spinscope.traces, "SETTLED_CAP", cap)
    store_spin_traces(store)
    store_spin_traces(store)  # a replayed batch: every span stored twice in otel_traces, each spin once in spins
    # A typed pair that no spin row settles: the trace comes only through the matched set, which the
    # list otherwise skips when it finds that set empty (traces.trace_list, typed mode).
    spans, logs = spin_trace(99, NOW_NS - 30 * 60_000_000_000, duration_ms=700)
    spans[1].attributes.append(kv("slot.game.id", "child-only"))
    store_traces(store, [(spans, logs)])
    # Resource-attribute pairs on spans a spin row does not hold (traces/trace_ranked's typed columns for
    # resources): a spin served in us-east-1 whose wallet call ran in ap-south-1 (another resource, sent
    # apart), a spin span carrying cloud.region as a span attribute, a child span carrying it so. Slow, so
    # that they rank first and a list of 3 is decided among them.
    spans, _ = spin_trace(97, NOW_NS - 25 * 60_000_000_000, duration_ms=2000)
    store_traces(store, [([spans[0]], [])], region="us-east-1", instance="i-2")
    store_traces(store, [([spans[1]], [])], region="ap-south-1", instance="i-9")
    # The same across an hour: the spin starts half a millisecond before it, its wallet call (in
    # ap-south-1) after it, so the call's child_spans row is in the next hour of that table's key.
    hour_ns = NOW_NS // 3_600_000_000_000 * 3_600_000_000_000
    # One request (two resources), as a Collector batches them: trace_index then holds one row for both.
    spans, _ = spin_trace(95, hour_ns - 500_000, duration_ms=2500)
    store_two_resources(store, [(spans[0], "us-east-1", "i-2"), (spans[1], "ap-south-1", "i-9")])
    spans, _ = spin_trace(96, NOW_NS - 24 * 60_000_000_000, duration_ms=1500)
    spans[0].attributes.append(kv("cloud.region", "us-east-1"))
    spans[1].attributes.append(kv("cloud.region", "ap-south-1"))
    store_traces(store, [(spans, [])])
    # Two spins in one trace, each under its own resource: one carries the game, the other the region (the
    # contract's traces hold one spin; a trace that holds two is listed by what all its spans carry).
    spans, _ = spin_trace(94, NOW_NS - 23 * 60_000_000_000, duration_ms=1800)
    other = Span()
    other.CopyFrom(spans[0])
    other.span_id = b"\x94" * 8
    other.start_time_unix_nano += 3_000_000
    other.end_time_unix_nano -= 100_000_000
    for attribute in other.attributes:
        if attribute.key == "slot.spin.id":
            attribute.value.string_value = "spin-94-second"
        if attribute.key == "slot.game.id":
            attribute.value.string_value = "dragon-gold"
    store_two_resources(store, [(spans[0], "eu-west-1", "i-1"), (other, "us-east-1", "i-2")])
    cases = [[], *([p] for p in PAIRS), *(list(c) for c in itertools.combinations(PAIRS, 2)), [PAIRS[0], PAIRS[0]]]
    every = list(itertools.product(("errors", "slowest"), (1000, 3)))  # 3: the ranking decides
    non_empty = 0
    for n, where in enumerate(cases):
        # A pair of pairs gets both orders, with both list sizes between them (alternating), to keep the
        # run short: ~90 filters.
        for order, limit in every if len(where) < 2 else [every[n % 2], every[3 - n % 2]]:
            params = list_params(where, order, limit)
            expected = store_client.query(REFERENCE, parameters=params).result_rows
            rows = trace_list(store_client, **params)
            assert [tuple(r.values()) for r in rows] == expected, where
            non_empty += bool(where and expected)
    assert non_empty >= 20, "the cases must include filters that match"


def test_spins_and_child_spans_copy_each_typed_resource_attribute_as_sent(store, store_client) -> None:  # type: ignore[no-untyped-def]
    """The list's typed mode tests a resource-attribute pair on these columns for every span: each must hold
    the attribute its entry in RESOURCE_TYPED_ATTRIBUTES names, in both tables."""
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
    from opentelemetry.proto.resource.v1.resource_pb2 import Resource
    from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans

    from spinscope.ingest.decode import decode_traces
    from spinscope.ingest.writer import StoreWriter
    from spinscope.schema.fragments import RESOURCE_TYPED_ATTRIBUTES

    sent = {attribute: f"value-of-{attribute}" for attribute in RESOURCE_TYPED_ATTRIBUTES}
    resource = Resource(attributes=[kv("service.name", "slot-server"), *(kv(k, v) for k, v in sent.items())])
    spans, _ = spin_trace(5, NOW_NS - 10 * 60_000_000_000)
    request = ExportTraceServiceRequest(
        resource_spans=[ResourceSpans(resource=resource, scope_spans=[ScopeSpans(spans=spans)])]
    )
    StoreWriter(store)("otel_traces", decode_traces(request).tables["otel_traces"])
    for table in ("spins", "child_spans"):
        columns = ", ".join(RESOURCE_TYPED_ATTRIBUTES.values())
        (row,) = store_client.query(f"SELECT {columns} FROM {table}").result_rows
        assert dict(zip(RESOURCE_TYPED_ATTRIBUTES, row, strict=True)) == sent, table
    assert store_client.query("SELECT resource_typed FROM child_spans").result_rows == [(1,)]


def store_two_resources(store, spans: list[tuple[Span, str, str]]) -> None:  # type: ignore[no-untyped-def]
    """Spans sent in one request, each under its own resource (region, instance)."""
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
    from opentelemetry.proto.resource.v1.resource_pb2 import Resource
    from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans

    from spinscope.ingest.decode import decode_traces
    from spinscope.ingest.writer import StoreWriter

    request = ExportTraceServiceRequest(
        resource_spans=[
            ResourceSpans(
                resource=Resource(
                    attributes=[kv("service.name", "slot-server"), kv("cloud.region", r), kv("service.instance.id", i)]
                ),
                scope_spans=[ScopeSpans(spans=[span])],
            )
            for span, r, i in spans
        ]
    )
    StoreWriter(store)("otel_traces", decode_traces(request).tables["otel_traces"])


def test_trace_list_over_days_matches_the_reference(store, store_client) -> None:  # type: ignore[no-untyped-def]
    """Past two days the ranking's cut is bounded from the window's last day first (traces/trace_ranked,
    bound): spins two days back, slower, faster and errored, must rank as the reference ranks them."""
    store_spin_traces(store)
    two_days_ns = 2 * 24 * 3_600_000_000_000
    older = [spin_trace(90, NOW_NS - two_days_ns, duration_ms=5000)]  # slower than any of the last day
    older.append(spin_trace(91, NOW_NS - two_days_ns + 60_000_000_000, failed=True, duration_ms=800))
    older.append(spin_trace(92, NOW_NS - two_days_ns + 120_000_000_000, duration_ms=10))  # faster than any
    # the last day's slowest, alone: a bound cut at it instead of the day's (limit + 20)-th spin drops the 3rd row
    older.append(spin_trace(93, NOW_NS - 5 * 60_000_000_000, duration_ms=2500))
    store_traces(store, older)
    for order, limit in itertools.product(("errors", "slowest"), (1000, 3)):
        params = {
            "start": NOW - timedelta(days=3),
            "end": NOW + timedelta(hours=1),
            "where_keys": [],
            "where_values": [],
            "order": order,
            "limit": limit,
        }
        expected = store_client.query(REFERENCE, parameters=params).result_rows
        rows = trace_list(store_client, **params)
        assert [tuple(r.values()) for r in rows] == expected, (order, limit)
        assert len(expected) == min(limit, 44)


def test_span_counts_reach_a_minute_past_the_window(store, store_client) -> None:  # type: ignore[no-untyped-def]
    """A listed trace's span count covers [start - 1 minute, end + 1 minute), as the reference's: a span 20 s
    before the window counts, one 90 s before does not (traces/trace_list reads them as offsets from the
    trace_index row's first span, which is then the one 90 s before)."""
    start_ns = NOW_NS - 30 * 60 * 1_000_000_000
    start = datetime.fromtimestamp(start_ns / 1e9, UTC).replace(tzinfo=None)
    spans, _ = spin_trace(80, start_ns + 10 * 1_000_000_000, duration_ms=300)
    for k, offset_s in enumerate((-20, -90)):
        extra = Span()
        extra.CopyFrom(spans[1])
        extra.span_id = bytes([k + 1]) * 8
        extra.start_time_unix_nano = start_ns + offset_s * 1_000_000_000
        extra.end_time_unix_nano = extra.start_time_unix_nano + 1_000_000
        spans.append(extra)
    store_traces(store, [(spans, [])])
    params = {
        "start": start,
        "end": start + timedelta(minutes=20),
        "where_keys": [],
        "where_values": [],
        "order": "slowest",
        "limit": 10,
    }
    rows = trace_list(store_client, **params)
    assert [tuple(r.values()) for r in rows] == store_client.query(REFERENCE, parameters=params).result_rows
    assert [r["span_count"] for r in rows if r["spin_id"] == "spin-80"] == [3]  # spin, debit, the span 20 s before


def test_another_spin_of_the_trace_just_before_the_window_lists_the_spin(store, store_client) -> None:  # type: ignore[no-untyped-def]
    """A trace's other spin 30 s before the window carries the pair (the reference reads a minute either side):
    the spin in the window is listed. traces/trace_spread finds the trace in trace_index by the row's
    first span, which is then that other spin, before the window."""
    store_spin_traces(store)
    start_ns = NOW_NS - 30 * 60 * 1_000_000_000
    start = datetime.fromtimestamp(start_ns / 1e9, UTC).replace(tzinfo=None)
    spans, _ = spin_trace(81, start_ns + 10 * 1_000_000_000, duration_ms=3000)
    before = Span()
    before.CopyFrom(spans[0])
    before.span_id = b"\x81" * 8
    before.start_time_unix_nano = start_ns - 30 * 1_000_000_000
    before.end_time_unix_nano = before.start_time_unix_nano + 50_000_000
    for attribute in before.attributes:
        if attribute.key == "slot.spin.id":
            attribute.value.string_value = "spin-81-before"
    for attribute in spans[0].attributes:
        if attribute.key == "slot.game.id":
            attribute.value.string_value = "dragon-gold"
    store_traces(store, [([*spans, before], [])])
    params = {
        "start": start,
        "end": start + timedelta(minutes=20),
        "where_keys": ["slot.game.id"],
        "where_values": ["fortune-tiger"],
        "order": "slowest",
        "limit": 3,
    }
    rows = trace_list(store_client, **params)
    assert [tuple(r.values()) for r in rows] == store_client.query(REFERENCE, parameters=params).result_rows
    assert "spin-81" in [r["spin_id"] for r in rows]


def test_a_spin_stored_twice_in_spins_is_listed_once(store, store_client) -> None:  # type: ignore[no-untyped-def]
    """A replay older than spins_mv's gate (or one that reached another replica first) leaves a spin twice in
    `spins` until a merge: each list, with or without typed pairs (which ranks the settled spins in Python,
    traces.rank_settled), shows it once, as the reference does."""
    store_spin_traces(store)
    store_client.command("INSERT INTO spins SELECT * FROM spins")  # every spin twice, unmerged
    assert store_client.query("SELECT count() - uniqExact(spin_id) FROM spins").result_rows == [(40,)]
    for where, order, limit in itertools.product(([], [("slot.game.id", "fortune-tiger")]), ORDERS, (1000, 3)):
        params = list_params(where, order, limit)
        rows = trace_list(store_client, **params)
        assert [tuple(r.values()) for r in rows] == store_client.query(REFERENCE, parameters=params).result_rows
        assert len(rows) == min(limit, 40), (where, order, limit)
