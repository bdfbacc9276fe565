-- rca_attribute_pairs: for an errors or latency signal, how many selection and baseline spins carry
-- both values of each pair among a few candidate attribute values (the RCA's strongest single values).
-- From these counts the ranking learns nesting (a pair holding exactly one value's spins: a version
-- within its game, an instance within its region) and scores conjunctions (a game failing in one
-- region). Candidates are few (at most 8, so 28 pairs); the selection, baseline, where filter and
-- trace sample are those of rca_attribute_counts (the CTEs up to `classified` are the same text,
-- so both models count the same spins).
-- Parameters: those of rca_attribute_counts but max_values and exclude_keys, plus
-- candidate_keys / candidate_values (parallel arrays: the candidate attribute values).
-- Returns: first, second (1-based indexes into the candidates), selection_count, baseline_count.
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

candidate_hits AS (
    SELECT
        in_selection,
        in_baseline,
        arrayFilter(
            i -> has(pairs, ({candidate_keys:Array(String)}[i], {candidate_values:Array(String)}[i])),
            arrayEnumerate({candidate_keys:Array(String)})
        ) AS hit
    FROM classified
)

SELECT
    ij.1 AS first,
    ij.2 AS second,
    countIf(in_selection) AS selection_count,
    countIf(in_baseline) AS baseline_count
FROM candidate_hits
ARRAY JOIN arrayFlatten(arrayMap(i -> arrayMap(j -> (i, j), arrayFilter(j -> j > i, hit)), hit)) AS ij
GROUP BY first, second
ORDER BY first, second
