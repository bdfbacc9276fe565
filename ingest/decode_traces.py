"""Spans of an ExportTraceServiceRequest -> otel_traces columns, as the Collector's exporter writes them.

This is the ingest hot path (the target is 100,000 spans/s end to end on two cores), so
the span loop is written out by hand: locals instead of attribute lookups, a fast path
for string attributes, column lists appended directly. Pure: no I/O, no parsing.
"""

from __future__ import annotations

from ingest.values import (
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


def money_problem(attributes) -> str:
    """Why a spin span's money attributes are unusable as sent, or "" when they are not doubles."""
    last = {}
    for kv in attributes:
        if kv.key in MONEY_KEYS:
            last[kv.key] = kv.value
    problems = [
        f"{key} was sent as a double ({float_as_string(last[key].double_value)}); "
        "money must be a decimal string"
        for key in MONEY_KEYS
        if key in last and last[key].WhichOneof("value") == "double_value"
    ]
    return "; ".join(problems)


def _links(links, path: str, rejections: Rejections):
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


def decode_traces(req) -> Decoded:
    """Rows for otel_traces from an ExportTraceServiceRequest (one row per span).

    A span with a malformed id (trace 16 bytes, span 8, in the span or its links) is
    rejected alone. A `spin` span whose money attributes are doubles is stored with its raw
    attributes plus spinscope.money_error, and counted in money_flagged.
    """
    c_ts, c_tid, c_sid, c_psid, c_tstate, c_name, c_kind, c_svc = [], [], [], [], [], [], [], []
    c_rattr, c_sname, c_sver, c_sattr, c_dur, c_scode, c_smsg = [], [], [], [], [], [], []
    c_ev_ts, c_ev_name, c_ev_attr, c_l_tid, c_l_sid, c_l_state, c_l_attr = [], [], [], [], [], [], []
    rejections = Rejections()
    flagged = 0
    kinds = SPAN_KINDS
    codes = STATUS_CODES
    zero16 = ZERO_TRACE_ID
    zero8 = ZERO_SPAN_ID
    as_string = any_as_string

    for ri, rs in enumerate(req.resource_spans):
        res_attrs = attributes_map(rs.resource.attributes)
        service = res_attrs.get("service.name", "")
        for si, ss in enumerate(rs.scope_spans):
            scope = ss.scope
            scope_name = scope.name
            scope_version = scope.version
            for pi, span in enumerate(ss.spans):
                tid = span.trace_id
                sid = span.span_id
                psid = span.parent_span_id
                if len(tid) == 16:
                    tid_hex = tid.hex() if tid != zero16 else ""
                elif tid:
                    rejections.add(f"resource_spans[{ri}].scope_spans[{si}].spans[{pi}]: "
                                   + id_problem("trace_id", tid, 16))
                    continue
                else:
                    tid_hex = ""
                if len(sid) == 8:
                    sid_hex = sid.hex() if sid != zero8 else ""
                elif sid:
                    rejections.add(f"resource_spans[{ri}].scope_spans[{si}].spans[{pi}]: "
                                   + id_problem("span_id", sid, 8))
                    continue
                else:
                    sid_hex = ""
                if len(psid) == 8:
                    psid_hex = psid.hex() if psid != zero8 else ""
                elif psid:
                    rejections.add(f"resource_spans[{ri}].scope_spans[{si}].spans[{pi}]: "
                                   + id_problem("parent_span_id", psid, 8))
                    continue
                else:
                    psid_hex = ""

                links = span.links
                if links:
                    link_cols = _links(links, f"resource_spans[{ri}].scope_spans[{si}].spans[{pi}]",
                                       rejections)
                    if link_cols is None:
                        continue
                else:
                    link_cols = None

                attrs = {}
                other_types = False
                for kv in span.attributes:
                    v = kv.value
                    s = v.string_value
                    if s:
                        attrs[kv.key] = s
                    else:
                        attrs[kv.key] = as_string(v)
                        other_types = True
                name = span.name
                if other_types and name == SPIN_SPAN:
                    problem = money_problem(span.attributes)
                    if problem:
                        attrs[MONEY_ERROR_KEY] = problem
                        flagged += 1

                start = span.start_time_unix_nano
                end = span.end_time_unix_nano
                c_ts.append(f"{start // 1_000_000_000}.{start % 1_000_000_000:09d}")
                c_dur.append(end - start if end > start else 0)
                c_tid.append(tid_hex)
                c_sid.append(sid_hex)
                c_psid.append(psid_hex)
                c_tstate.append(span.trace_state)
                c_name.append(name)
                c_kind.append(kinds.get(span.kind, ""))
                c_svc.append(service)
                c_rattr.append(res_attrs)
                c_sname.append(scope_name)
                c_sver.append(scope_version)
                c_sattr.append(attrs)
                status = span.status
                c_scode.append(codes.get(status.code, ""))
                c_smsg.append(status.message)

                events = span.events
                if events:
                    c_ev_ts.append([datetime64_text(e.time_unix_nano) for e in events])
                    c_ev_name.append([e.name for e in events])
                    c_ev_attr.append([attributes_map(e.attributes) for e in events])
                else:
                    c_ev_ts.append([])
                    c_ev_name.append([])
                    c_ev_attr.append([])
                if link_cols is None:
                    c_l_tid.append([])
                    c_l_sid.append([])
                    c_l_state.append([])
                    c_l_attr.append([])
                else:
                    c_l_tid.append(link_cols[0])
                    c_l_sid.append(link_cols[1])
                    c_l_state.append(link_cols[2])
                    c_l_attr.append(link_cols[3])

    columns = dict(
        zip(
            COLUMNS,
            (c_ts, c_tid, c_sid, c_psid, c_tstate, c_name, c_kind, c_svc, c_rattr, c_sname, c_sver,
             c_sattr, c_dur, c_scode, c_smsg, c_ev_ts, c_ev_name, c_ev_attr, c_l_tid, c_l_sid,
             c_l_state, c_l_attr),
            strict=True,
        )
    )
    return Decoded(
        tables={TABLE: columns},
        accepted=len(c_ts),
        rejected=rejections.count,
        message=rejections.message("spans"),
        money_flagged=flagged,
    )
