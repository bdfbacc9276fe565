"""Log records of an ExportLogsServiceRequest -> otel_logs columns, as the Collector's exporter writes them.

Not a hot path at spin rates (logs are sparse next to spans), so this reads the generated
classes directly. The table's MATERIALIZED columns are computed by ClickHouse and are not
emitted. Pure: no I/O, no parsing.
"""

from __future__ import annotations

from typing import Any

from spinscope.ingest.values import (
    Decoded,
    Rejections,
    any_as_string,
    attributes_map,
    datetime64_text,
    id_hex,
    id_problem,
)

TABLE = "otel_logs"

COLUMNS = (
    "Timestamp",
    "TraceId",
    "SpanId",
    "TraceFlags",
    "SeverityText",
    "SeverityNumber",
    "ServiceName",
    "Body",
    "ResourceSchemaUrl",
    "ResourceAttributes",
    "ScopeSchemaUrl",
    "ScopeName",
    "ScopeVersion",
    "ScopeAttributes",
    "LogAttributes",
    "EventName",
)


def decode_logs(req: Any) -> Decoded:
    """Rows for otel_logs from an ExportLogsServiceRequest (one row per log record).

    Timestamp is time_unix_nano, or observed_time_unix_nano when that is 0. A record with
    a malformed trace or span id is rejected alone.
    """
    columns: dict[str, list] = {name: [] for name in COLUMNS}
    (
        c_ts,
        c_tid,
        c_sid,
        c_flags,
        c_sevtext,
        c_sevnum,
        c_svc,
        c_body,
        c_rurl,
        c_rattr,
        c_surl,
        c_sname,
        c_sver,
        c_sattr,
        c_lattr,
        c_event,
    ) = columns.values()
    rejections = Rejections()
    for ri, rl in enumerate(req.resource_logs):
        res_attrs = attributes_map(rl.resource.attributes)
        service = res_attrs.get("service.name", "")
        res_url = rl.schema_url
        for si, sl in enumerate(rl.scope_logs):
            scope = sl.scope
            scope_attrs = attributes_map(scope.attributes)
            scope_url = sl.schema_url
            for li, record in enumerate(sl.log_records):
                tid = id_hex(record.trace_id, 16)
                sid = id_hex(record.span_id, 8)
                if tid is None or sid is None:
                    what = ("trace_id", record.trace_id, 16) if tid is None else ("span_id", record.span_id, 8)
                    rejections.add(f"resource_logs[{ri}].scope_logs[{si}].log_records[{li}]: {id_problem(*what)}")
                    continue
                ts = record.time_unix_nano or record.observed_time_unix_nano
                c_ts.append(datetime64_text(ts))
                c_tid.append(tid)
                c_sid.append(sid)
                c_flags.append(record.flags & 0xFF)
                c_sevtext.append(record.severity_text)
                c_sevnum.append(record.severity_number & 0xFF)
                c_svc.append(service)
                c_body.append(any_as_string(record.body))
                c_rurl.append(res_url)
                c_rattr.append(res_attrs)
                c_surl.append(scope_url)
                c_sname.append(scope.name)
                c_sver.append(scope.version)
                c_sattr.append(scope_attrs)
                c_lattr.append(attributes_map(record.attributes))
                c_event.append(record.event_name)
    return Decoded(
        tables={TABLE: columns},
        accepted=len(c_ts),
        rejected=rejections.count,
        message=rejections.message("log records"),
    )
