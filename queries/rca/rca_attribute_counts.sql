-- rca_attribute_counts: for an errors or latency signal, how many selection spins and baseline
-- spins carry each attribute value, over every resource and span attribute of every span of the
-- spin's trace (so a child span's wallet.provider counts for its spin). Selection: the bad spins
-- (error, or slower than threshold) in [sel_start, sel_end). Baseline: the good spins of the same
-- window (baseline_mode 'good'), or all spins in [base_start, base_end) (baseline_mode 'window').
-- Attributes with more than max_values distinct values (ids) are left out, and so are keys in
-- exclude_keys. Whole minutes (roll_* ranges) are counted from the rca_minutely rollup, the rest
-- from raw spans, sampled by trace id when sample_mod > 1 (1 in sample_mod; counts are then of the
-- sample). Empty roll_* ranges read raw spans only (the exact path).
-- Parameters: signal ('errors' | 'latency'), threshold_ns, sel_start, sel_end, base_start,
-- base_end, baseline_mode, where_keys / where_values (attribute = value on any span of the trace),
-- max_values, exclude_keys, sample_mod, threshold_ms, roll_sel_start / roll_sel_end /
-- roll_base_start / roll_base_end (DateTime, whole minutes).
-- Per attribute it also counts the spins that carry the attribute at all (any value):
-- selection_with_attribute / baseline_with_attribute. A value missing from the bad spins because
-- its whole attribute is (the span carrying it was never reached) is a consequence, not a cause.
-- One pass: the spins (the shared CTEs of fragments.RCA_SPINS, also used by rca_attribute_pairs) are read once;
-- each spin contributes its values (kind 0), one presence row per attribute (kind 1) and one total
-- row (kind 2), and the per-attribute figures are window functions over the grouped counts.
WITH
$rca_spins,

pair_counts AS (
    SELECT
        pair.1 AS attribute,
        pair.2 AS value,
        pair.3 AS kind,
        sum(n_sel) AS selection_count,
        sum(n_base) AS baseline_count
    FROM weighted
    ARRAY JOIN arrayConcat(
        arrayMap(p -> (p.1, p.2, 0), pairs),
        arrayMap(k -> (k, '', 1), arrayDistinct(arrayMap(p -> p.1, pairs))),
        [('', '', 2)]
    ) AS pair
    WHERE pair.3 = 2 OR NOT has({exclude_keys:Array(String)}, pair.1)
    GROUP BY attribute, value, kind
),

with_stats AS (
    SELECT
        attribute,
        value,
        kind,
        selection_count,
        baseline_count,
        countIf(kind = 0) OVER (PARTITION BY attribute) AS distinct_values,
        maxIf(selection_count, kind = 1) OVER (PARTITION BY attribute) AS selection_with_attribute,
        maxIf(baseline_count, kind = 1) OVER (PARTITION BY attribute) AS baseline_with_attribute,
        maxIf(selection_count, kind = 2) OVER () AS selection_total,
        maxIf(baseline_count, kind = 2) OVER () AS baseline_total
    FROM pair_counts
)

SELECT
    attribute,
    value,
    selection_count,
    baseline_count,
    distinct_values,
    selection_with_attribute,
    baseline_with_attribute,
    selection_total,
    baseline_total
FROM with_stats
WHERE kind = 0 AND distinct_values <= {max_values:UInt32}
ORDER BY attribute, value
