"""Data points of an ExportMetricsServiceRequest -> otel_metrics_* columns, as the Collector's exporter writes them.

One row per data point, into the table of its metric's type (gauge, sum, histogram,
exponential histogram, summary), with every column of that table's DDL. Time columns
are DateTime (whole seconds); Float64 values that are NaN or infinite are written as
text ClickHouse reads ("nan", "inf", "-inf"). Pure: no I/O, no parsing.
"""

from __future__ import annotations

from typing import Any

from spinscope.ingest.values import (
    Decoded,
    Rejections,
    attributes_map,
    finite_or_text,
    floats_column,
    id_hex,
    id_problem,
)

_COMMON = (
    "ResourceAttributes",
    "ResourceSchemaUrl",
    "ScopeName",
    "ScopeVersion",
    "ScopeAttributes",
    "ScopeDroppedAttrCount",
    "ScopeSchemaUrl",
    "ServiceName",
    "MetricName",
    "MetricDescription",
    "MetricUnit",
    "Attributes",
    "StartTimeUnix",
    "TimeUnix",
)
_EXEMPLARS = (
    "Exemplars.FilteredAttributes",
    "Exemplars.TimeUnix",
    "Exemplars.Value",
    "Exemplars.SpanId",
    "Exemplars.TraceId",
)

# Table -> its columns in DDL order.
TABLES: dict[str, tuple[str, ...]] = {
    "otel_metrics_gauge": (*_COMMON, "Value", "Flags", *_EXEMPLARS),
    "otel_metrics_sum": (*_COMMON, "Value", "Flags", *_EXEMPLARS, "AggregationTemporality", "IsMonotonic"),
    "otel_metrics_histogram": (
        *_COMMON,
        "Count",
        "Sum",
        "BucketCounts",
        "ExplicitBounds",
        *_EXEMPLARS,
        "Flags",
        "Min",
        "Max",
        "AggregationTemporality",
    ),
    "otel_metrics_exponential_histogram": (
        *_COMMON,
        "Count",
        "Sum",
        "Scale",
        "ZeroCount",
        "PositiveOffset",
        "PositiveBucketCounts",
        "NegativeOffset",
        "NegativeBucketCounts",
        *_EXEMPLARS,
        "Flags",
        "Min",
        "Max",
        "AggregationTemporality",
    ),
    "otel_metrics_summary": (
        *_COMMON,
        "Count",
        "Sum",
        "ValueAtQuantiles.Quantile",
        "ValueAtQuantiles.Value",
        "Flags",
    ),
}

# Metric.data oneof field -> table.
_TABLE_OF = {
    "gauge": "otel_metrics_gauge",
    "sum": "otel_metrics_sum",
    "histogram": "otel_metrics_histogram",
    "exponential_histogram": "otel_metrics_exponential_histogram",
    "summary": "otel_metrics_summary",
}

_SECOND = 1_000_000_000
_DATETIME_MAX = 2**32 - 1  # DateTime is UInt32 seconds (year 2106)


def _seconds(ns: int) -> int:
    s = ns // _SECOND
    return s if s <= _DATETIME_MAX else _DATETIME_MAX


def _number(point: Any) -> float | str:
    kind = point.WhichOneof("value")
    if kind == "as_double":
        return finite_or_text(point.as_double)
    if kind == "as_int":
        return float(point.as_int)
    return 0.0


def _exemplars(exemplars: Any) -> tuple[list[Any], ...] | str:
    """The five Exemplars.* values of one data point, or why an exemplar id is malformed."""
    attrs, times, values, span_ids, trace_ids = [], [], [], [], []
    for i, ex in enumerate(exemplars):
        tid = id_hex(ex.trace_id, 16)
        sid = id_hex(ex.span_id, 8)
        if tid is None:
            return f"exemplars[{i}].{id_problem('trace_id', ex.trace_id, 16)}"
        if sid is None:
            return f"exemplars[{i}].{id_problem('span_id', ex.span_id, 8)}"
        attrs.append(attributes_map(ex.filtered_attributes))
        times.append(_seconds(ex.time_unix_nano))
        values.append(_number(ex))
        span_ids.append(sid)
        trace_ids.append(tid)
    return attrs, times, values, span_ids, trace_ids


def _point_values(kind: str, data: Any, point: Any) -> tuple[Any, ...]:
    """The type-specific column values of one data point, in DDL order (exemplars apart)."""
    if kind == "gauge" or kind == "sum":
        return (_number(point), point.flags)
    if kind == "histogram":
        return (
            point.count,
            finite_or_text(point.sum),
            list(point.bucket_counts),
            floats_column(point.explicit_bounds),
        )
    if kind == "exponential_histogram":
        return (
            point.count,
            finite_or_text(point.sum),
            point.scale,
            point.zero_count,
            point.positive.offset,
            list(point.positive.bucket_counts),
            point.negative.offset,
            list(point.negative.bucket_counts),
        )
    quantiles = point.quantile_values
    return (
        point.count,
        finite_or_text(point.sum),
        floats_column(q.quantile for q in quantiles),
        floats_column(q.value for q in quantiles),
        point.flags,
    )


def _tail_values(kind: str, data: Any, point: Any) -> tuple[Any, ...]:
    """The columns after Exemplars.*, in DDL order."""
    if kind == "gauge":
        return ()
    if kind == "sum":
        return (data.aggregation_temporality, data.is_monotonic)
    if kind == "summary":
        return ()
    return (point.flags, finite_or_text(point.min), finite_or_text(point.max), data.aggregation_temporality)


def decode_metrics(req: Any) -> Decoded:
    """Rows for the otel_metrics_* tables from an ExportMetricsServiceRequest.

    A data point with a malformed exemplar id is rejected alone. A metric with no data
    (none of the five types set) has no data points and produces nothing.
    """
    tables: dict[str, dict[str, list[Any]]] = {
        table: {name: [] for name in columns} for table, columns in TABLES.items()
    }
    rejections = Rejections()
    accepted = 0
    for ri, rm in enumerate(req.resource_metrics):
        res_attrs = attributes_map(rm.resource.attributes)
        service = res_attrs.get("service.name", "")
        res_url = rm.schema_url
        for si, sm in enumerate(rm.scope_metrics):
            scope = sm.scope
            scope_attrs = attributes_map(scope.attributes)
            scope_head = (
                res_attrs,
                res_url,
                scope.name,
                scope.version,
                scope_attrs,
                scope.dropped_attributes_count,
                sm.schema_url,
                service,
            )
            for mi, metric in enumerate(sm.metrics):
                kind = metric.WhichOneof("data")
                if kind is None:
                    continue
                data = getattr(metric, kind)
                columns = list(tables[_TABLE_OF[kind]].values())
                metric_head = (metric.name, metric.description, metric.unit)
                for pi, point in enumerate(data.data_points):
                    if kind == "summary":
                        exemplars: tuple = ()
                    else:
                        found = _exemplars(point.exemplars)
                        if isinstance(found, str):
                            rejections.add(
                                f"resource_metrics[{ri}].scope_metrics[{si}].metrics[{mi}]"
                                f".{kind}.data_points[{pi}]: {found}"
                            )
                            continue
                        exemplars = found
                    row = (
                        *scope_head,
                        *metric_head,
                        attributes_map(point.attributes),
                        _seconds(point.start_time_unix_nano),
                        _seconds(point.time_unix_nano),
                        *_point_values(kind, data, point),
                        *exemplars,
                        *_tail_values(kind, data, point),
                    )
                    for column, value in zip(columns, row, strict=True):
                        column.append(value)
                    accepted += 1
    return Decoded(
        tables=tables,
        accepted=accepted,
        rejected=rejections.count,
        message=rejections.message("data points"),
    )
