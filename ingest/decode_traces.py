"""Spans of an ExportTraceServiceRequest -> otel_traces columns, as the Collector's exporter writes them.

This is the ingest hot path (the target is 100,000 spans/s end to end on two cores), and
with the generated classes every KeyValue costs a Python wrapper object (about 0.4 µs per
attribute, more than the whole budget). So the request is read through a private view
of the same wire format (`_LeanRequest`): identical field numbers, but span attributes
and status as raw bytes. String attributes, which is nearly all of them, are turned into
(key, value) pairs by a bounded cache keyed by their encoded bytes (slot telemetry repeats
the same game, currency and mode on every spin), and misses are read by a short byte-level
parser, or by the generated KeyValue class for anything that is not a plain string.
Pure: no I/O; the only parsing is of bytes the generated classes have already validated.
"""

from __future__ import annotations

from itertools import compress, repeat
from operator import attrgetter, contains, floordiv, itemgetter, mod, sub
from typing import Any, cast

from opentelemetry.proto.common.v1.common_pb2 import KeyValue
from opentelemetry.proto.trace.v1 import trace_pb2

from spinscope.ingest.lean_request import lean_request_class
from spinscope.ingest.values import (
    DATETIME64_MAX_NS,
    ZERO_SPAN_ID,
    ZERO_TRACE_ID,
    Decoded,
    Rejections,
    any_as_string,
    attributes_map,
    datetime64_text,
    float_as_string,
    id_problem,
)

TABLE = "otel_traces"

COLUMNS = (
    "Timestamp",
    "TraceId",
    "SpanId",
    "ParentSpanId",
    "TraceState",
    "SpanName",
    "SpanKind",
    "ServiceName",
    "ResourceAttributes",
    "ScopeName",
    "ScopeVersion",
    "SpanAttributes",
    "Duration",
    "StatusCode",
    "StatusMessage",
    "Events.Timestamp",
    "Events.Name",
    "Events.Attributes",
    "Links.TraceId",
    "Links.SpanId",
    "Links.TraceState",
    "Links.Attributes",
)

SPAN_KINDS = {0: "Unspecified", 1: "Internal", 2: "Server", 3: "Client", 4: "Producer", 5: "Consumer"}
STATUS_CODES = {0: "Unset", 1: "Ok", 2: "Error"}

SPIN_SPAN = "spin"
MONEY_KEYS = ("slot.bet.amount", "slot.win.amount")
MONEY_ERROR_KEY = "spinscope.money_error"


def money_problem(key: str, value: float) -> str:
    """The spinscope.money_error text for a money attribute sent as a double."""
    return f"{key} was sent as a double ({float_as_string(value)}); money must be a decimal string"


def _links(links: Any, path: str, rejections: Rejections) -> Any:
    """Link columns of one span, or None (and a rejection) when a link id is malformed."""
    trace_ids, span_ids, states, attrs = [], [], [], []
    for i, link in enumerate(links):
        t = link.trace_id
        s = link.span_id
        if len(t) not in (0, 16) or len(s) not in (0, 8):
            which = ("trace_id", t, 16) if len(t) not in (0, 16) else ("span_id", s, 8)
            rejections.add(f"{path}: links[{i}].{id_problem(*which)}")
            return None
        trace_ids.append("" if not t or t == ZERO_TRACE_ID else t.hex())
        span_ids.append("" if not s or s == ZERO_SPAN_ID else s.hex())
        states.append(link.trace_state)
        attrs.append(attributes_map(link.attributes))
    return trace_ids, span_ids, states, attrs


_LeanRequest = lean_request_class()

# Encoded KeyValue -> (key, value) for plain string attributes; cleared when it grows past
# _CACHE_LIMIT entries so unique values (spin ids) cannot make it grow without bound.
_pairs: dict[bytes, tuple[str, str]] = {}
_CACHE_LIMIT = 200_000
_statuses: dict[bytes, tuple[str, str]] = {}


def clear_caches() -> None:
    """Forget cached attributes and statuses (benchmarks use it to measure cold decoding)."""
    _pairs.clear()
    _statuses.clear()


def _resolve(pairs: list[Any], raws: Any, cache: dict[bytes, tuple[str, str]]) -> list[tuple[str, Any]]:
    """Fill the cache misses (None) in pairs from the encoded KeyValues, in place.

    Returns (key, AnyValue) of every attribute that is not a string: those are never
    cached, because the money check needs to see their type.
    """
    others: list[tuple[str, Any]] = []
    i = pairs.index(None)
    while True:
        raw = raws[i]
        pair = cache.get(raw)  # an earlier span of this request may have filled it
        if pair is not None:
            pairs[i] = pair
            try:
                i = pairs.index(None, i + 1)
            except ValueError:
                return others
            continue
        # The usual shape, all lengths under 128: 0A kl key 12 vl 0A sl value.
        n = len(raw)
        kl = raw[1] if n > 1 and raw[0] == 0x0A else 0x80
        p = kl + 2
        if (
            kl < 0x80
            and n >= p + 4
            and raw[p] == 0x12
            and raw[p + 2] == 0x0A
            and raw[p + 1] < 0x80
            and raw[p + 1] == raw[p + 3] + 2 == n - p - 2
        ):
            pair = cache[raw] = (raw[2:p].decode(), raw[p + 4 :].decode())
        else:
            kv = KeyValue.FromString(raw)
            value = kv.value
            if value.WhichOneof("value") == "string_value":
                pair = cache[raw] = (kv.key, value.string_value)
            else:
                pair = (kv.key, any_as_string(value))
                others.append((kv.key, value))
        pairs[i] = pair
        try:
            i = pairs.index(None, i + 1)
        except ValueError:
            return others


def _money_error(others: list, attrs: dict[str, str]) -> str:
    """spinscope.money_error for a spin span whose money attributes came as doubles."""
    last = {key: value for key, value in others if key in MONEY_KEYS}
    return "; ".join(
        money_problem(key, value.double_value)
        for key, value in last.items()
        if value.WhichOneof("value") == "double_value" and attrs[key] == any_as_string(value)
    )


def _status(raw: bytes) -> tuple[str, str]:
    """(StatusCode, StatusMessage) of an encoded Status, remembered for the next span."""
    status = trace_pb2.Status.FromString(raw)
    kept = _statuses[raw] = (STATUS_CODES.get(status.code, ""), status.message)
    return kept


_trace_id = attrgetter("trace_id")
_span_id = attrgetter("span_id")
_parent_span_id = attrgetter("parent_span_id")
_trace_state = attrgetter("trace_state")
_name = attrgetter("name")
_kind = attrgetter("kind")
_start = attrgetter("start_time_unix_nano")
_end = attrgetter("end_time_unix_nano")
_attributes = attrgetter("attributes")
_events = attrgetter("events")
_links_of = attrgetter("links")
_status_of = attrgetter("status")
_ZERO_TRACE_HEX = "0" * 32
_ZERO_SPAN_HEX = "0" * 16
_SECOND = 1_000_000_000
# The empty Array value of spans without events or links: one shared immutable tuple (orjson
# writes it as []), not eight new lists per span, each of which the garbage collector would track.
_NONE = ()


def decode_traces(req: Any, *, body: bytes | None = None) -> Decoded:
    """Rows for otel_traces from an ExportTraceServiceRequest (one row per span).

    `body`, when given, must be the protobuf bytes req was parsed from: it saves
    re-serialising req. A span with a malformed id (trace 16 bytes, span 8, in the span
    or its links) is rejected alone. A `spin` span whose money attributes are doubles is
    stored with its raw attributes plus spinscope.money_error, and counted in money_flagged.

    The work is done a column at a time with map() over the spans of each scope, so the
    per-span loop runs in C; only cache misses, events, links and bad ids take Python paths.
    """
    lean = _LeanRequest.FromString(req.SerializeToString() if body is None else body)
    columns: dict[str, list] = {name: [] for name in COLUMNS}
    (
        c_ts,
        c_tid,
        c_sid,
        c_psid,
        c_tstate,
        c_name,
        c_kind,
        c_svc,
        c_rattr,
        c_sname,
        c_sver,
        c_sattr,
        c_dur,
        c_scode,
        c_smsg,
        c_ev_ts,
        c_ev_name,
        c_ev_attr,
        c_l_tid,
        c_l_sid,
        c_l_state,
        c_l_attr,
    ) = columns.values()
    rejections = Rejections()
    flagged = 0
    cache = _pairs
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    if len(_statuses) > 1000:
        _statuses.clear()

    for ri, rs in enumerate(lean.resource_spans):
        res_attrs = attributes_map(rs.resource.attributes)
        service = res_attrs.get("service.name", "")
        for si, ss in enumerate(rs.scope_spans):
            spans = list(ss.spans)
            if not spans:
                continue
            tids = list(map(_trace_id, spans))
            sids = list(map(_span_id, spans))
            psids = list(map(_parent_span_id, spans))
            has_links = any(map(len, map(_links_of, spans)))
            if (
                has_links
                or not set(map(len, tids)) <= {16}
                or not set(map(len, sids)) <= {8}
                or not set(map(len, psids)) <= {0, 8}
            ):
                spans, links = _screen(spans, f"resource_spans[{ri}].scope_spans[{si}]", rejections)
                if not spans:
                    continue
                tids = list(map(_trace_id, spans))
                sids = list(map(_span_id, spans))
                psids = list(map(_parent_span_id, spans))
                for column, values in zip((c_l_tid, c_l_sid, c_l_state, c_l_attr), links, strict=True):
                    column.extend(values)
            else:
                for column in (c_l_tid, c_l_sid, c_l_state, c_l_attr):
                    column.extend(repeat(_NONE, len(spans)))
            n = len(spans)

            tid_hex = list(map(bytes.hex, tids))
            if _ZERO_TRACE_HEX in tid_hex:
                tid_hex = ["" if h == _ZERO_TRACE_HEX else h for h in tid_hex]
            sid_hex = list(map(bytes.hex, sids))
            if _ZERO_SPAN_HEX in sid_hex:
                sid_hex = ["" if h == _ZERO_SPAN_HEX else h for h in sid_hex]
            psid_hex = list(map(bytes.hex, psids))
            if _ZERO_SPAN_HEX in psid_hex:
                psid_hex = ["" if h == _ZERO_SPAN_HEX else h for h in psid_hex]
            c_tid.extend(tid_hex)
            c_sid.extend(sid_hex)
            c_psid.extend(psid_hex)

            starts = list(map(_start, spans))
            ends = list(map(_end, spans))
            if max(starts) > DATETIME64_MAX_NS:
                starts = [t if t <= DATETIME64_MAX_NS else DATETIME64_MAX_NS for t in starts]
            c_ts.extend(
                map("{:010d}.{:09d}".format, map(floordiv, starts, repeat(_SECOND)), map(mod, starts, repeat(_SECOND)))
            )
            durations = list(map(sub, ends, starts))
            if min(durations) < 0:
                durations = [d if d > 0 else 0 for d in durations]
            c_dur.extend(durations)

            names = list(map(_name, spans))
            c_name.extend(names)
            c_tstate.extend(map(_trace_state, spans))
            c_kind.extend(map(SPAN_KINDS.get, map(_kind, spans), repeat("")))
            c_svc.extend(repeat(service, n))
            c_rattr.extend(repeat(res_attrs, n))
            scope = ss.scope
            c_sname.extend(repeat(scope.name, n))
            c_sver.extend(repeat(scope.version, n))

            raws = list(map(_attributes, spans))
            pairs = list(map(list, map(map, repeat(cache.get), raws)))
            misses = list(compress(range(n), map(contains, pairs, repeat(None))))
            others = {i: found for i in misses if (found := _resolve(pairs[i], raws[i], cache))}
            attrs: list[dict[str, str]] = list(map(dict, cast(list[list[tuple[str, str]]], pairs)))
            for i, found in others.items():
                if names[i] == SPIN_SPAN:
                    problem = _money_error(found, attrs[i])
                    if problem:
                        attrs[i][MONEY_ERROR_KEY] = problem
                        flagged += 1
            c_sattr.extend(attrs)

            statuses = list(map(_status_of, spans))
            codes = list(map(_statuses.get, statuses))
            if None in codes:
                codes = [c if c is not None else _status(r) for c, r in zip(codes, statuses, strict=True)]
            filled = cast(list[tuple[str, str]], codes)
            c_scode.extend(map(itemgetter(0), filled))
            c_smsg.extend(map(itemgetter(1), filled))

            if any(map(len, map(_events, spans))):
                for span in spans:
                    events = span.events
                    c_ev_ts.append([datetime64_text(e.time_unix_nano) for e in events])
                    c_ev_name.append([e.name for e in events])
                    c_ev_attr.append([attributes_map(e.attributes) for e in events])
            else:
                c_ev_ts.extend(repeat(_NONE, n))
                c_ev_name.extend(repeat(_NONE, n))
                c_ev_attr.extend(repeat(_NONE, n))

    return Decoded(
        tables={TABLE: columns},
        accepted=len(c_ts),
        rejected=rejections.count,
        message=rejections.message("spans"),
        money_flagged=flagged,
    )


def _screen(spans: list, path: str, rejections: Rejections) -> tuple[list, tuple[list, list, list, list]]:
    """The spans whose ids (and links' ids) are well-formed, and their link columns."""
    kept = []
    links: tuple[list, list, list, list] = ([], [], [], [])
    for i, span in enumerate(spans):
        problem = _span_ids_problem(span.trace_id, span.span_id, span.parent_span_id)
        if problem:
            rejections.add(f"{path}.spans[{i}]: {problem}")
            continue
        link_cols = _links(span.links, f"{path}.spans[{i}]", rejections)
        if link_cols is None:
            continue
        kept.append(span)
        for column, value in zip(links, link_cols, strict=True):
            column.append(value)
    return kept, links


def _span_ids_problem(tid: bytes, sid: bytes, psid: bytes) -> str:
    """Why a span's ids are malformed, or "" when they are merely absent."""
    for what, raw, size in (("trace_id", tid, 16), ("span_id", sid, 8), ("parent_span_id", psid, 8)):
        if raw and len(raw) != size:
            return id_problem(what, raw, size)
    return ""
