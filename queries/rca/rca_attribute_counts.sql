-- rca_attribute_counts: for an errors or latency signal, how many selection spins and baseline
-- spins carry each attribute value, over every resource and span attribute of every span of the
-- spin's trace (so a child span's wallet.provider counts for its spin). Selection: the bad spins
-- (error, or slower than threshold) in [sel_start, sel_end). Baseline: the good spins of the same
-- window (baseline_mode 'good'), or all spins in [base_start, base_end) (baseline_mode 'window').
-- Attributes with more than max_values distinct values (ids) are left out, and so are keys in
-- exclude_keys. Spins are sampled by trace id when sample_mod > 1 (1 in sample_mod), so large
-- windows stay interactive; counts are then of the sample.
-- Parameters: signal ('errors' | 'latency'), threshold_ns, sel_start, sel_end, base_start,
-- base_end, baseline_mode, where_keys / where_values (attribute = value on any span of the trace),
-- max_values, exclude_keys, sample_mod.
-- Per attribute it also counts the spins that carry the attribute at all (any value):
-- selection_with_attribute / baseline_with_attribute. A value missing from the bad spins because
-- its whole attribute is (the span carrying it was never reached) is a consequence, not a cause.
WITH
spin_spans AS (
    SELECT
        TraceId AS trace_id,
        Timestamp >= {sel_start:DateTime64(9)} AND Timestamp < {sel_end:DateTime64(9)} AS in_window,
        if({signal:String} = 'latency', Duration > {threshold_ns:UInt64}, StatusCode = 'Error') AS is_bad,
        Timestamp >= {base_start:DateTime64(9)} AND Timestamp < {base_end:DateTime64(9)} AS in_base_window
    FROM otel_traces
    WHERE SpanName = 'spin'
      AND ((Timestamp >= {sel_start:DateTime64(9)} AND Timestamp < {sel_end:DateTime64(9)})
           OR (Timestamp >= {base_start:DateTime64(9)} AND Timestamp < {base_end:DateTime64(9)}))
      AND cityHash64(TraceId) % {sample_mod:UInt32} = 0
      AND ({signal:String} != 'latency' OR StatusCode != 'Error')
    LIMIT 1 BY SpanAttributes['slot.spin.id']
),

trace_attributes AS (
    SELECT
        TraceId AS trace_id,
        arrayDistinct(groupArrayArray(arrayConcat(
            arrayMap((k, v) -> (k, v), mapKeys(ResourceAttributes), mapValues(ResourceAttributes)),
            arrayMap((k, v) -> (k, v), mapKeys(SpanAttributes), mapValues(SpanAttributes))
        ))) AS pairs
    FROM otel_traces
    WHERE Timestamp >= least({sel_start:DateTime64(9)}, {base_start:DateTime64(9)}) - INTERVAL 1 MINUTE
      AND Timestamp < greatest({sel_end:DateTime64(9)}, {base_end:DateTime64(9)}) + INTERVAL 1 MINUTE
      AND TraceId IN (SELECT trace_id FROM spin_spans)
    GROUP BY TraceId
),

classified AS (
    SELECT
        trace_id,
        pairs,
        in_window AND is_bad AS in_selection,
        if({baseline_mode:String} = 'good', in_window AND NOT is_bad, in_base_window) AS in_baseline
    FROM spin_spans
    INNER JOIN trace_attributes USING (trace_id)
    WHERE (in_selection OR in_baseline)
      AND hasAll(pairs, arrayZip({where_keys:Array(String)}, {where_values:Array(String)}))
),

pair_counts AS (
    -- every (attribute, value) of a spin, plus one (attribute, '', 1) row per attribute it carries at all
    SELECT
        pair.1 AS attribute,
        pair.2 AS value,
        pair.3 AS is_presence,
        countIf(in_selection) AS selection_count,
        countIf(in_baseline) AS baseline_count
    FROM classified
    ARRAY JOIN arrayConcat(
        arrayMap(p -> (p.1, p.2, 0), pairs),
        arrayMap(k -> (k, '', 1), arrayDistinct(arrayMap(p -> p.1, pairs)))
    ) AS pair
    WHERE NOT has({exclude_keys:Array(String)}, pair.1)
    GROUP BY attribute, value, is_presence
),

attribute_stats AS (
    SELECT
        attribute,
        countIf(is_presence = 0) AS distinct_values,
        maxIf(selection_count, is_presence = 1) AS selection_with_attribute,
        maxIf(baseline_count, is_presence = 1) AS baseline_with_attribute
    FROM pair_counts
    GROUP BY attribute
)

SELECT
    attribute,
    value,
    selection_count,
    baseline_count,
    distinct_values,
    selection_with_attribute,
    baseline_with_attribute,
    (SELECT countIf(in_selection) FROM classified) AS selection_total,
    (SELECT countIf(in_baseline) FROM classified) AS baseline_total
FROM pair_counts
INNER JOIN attribute_stats USING (attribute)
WHERE is_presence = 0 AND distinct_values <= {max_values:UInt32}
ORDER BY attribute, value
