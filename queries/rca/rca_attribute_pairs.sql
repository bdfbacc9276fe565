-- rca_attribute_pairs: for an errors or latency signal, how many selection and baseline spins carry
-- both values of each pair among a few candidate attribute values (the RCA's strongest single values).
-- From these counts the ranking learns nesting (a pair holding exactly one value's spins: a version
-- within its game, an instance within its region) and scores conjunctions (a game failing in one
-- region). Candidates are few (at most 8, so 28 pairs); the selection, baseline, where filter and
-- trace sample are those of rca_attribute_counts (both start from the shared CTEs
-- spinscope.schema.fragments.RCA_SPINS, so both models count the same spins).
-- Parameters: those of rca_attribute_counts but max_values and exclude_keys, plus
-- candidate_keys / candidate_values (parallel arrays: the candidate attribute values).
-- Returns: first, second (1-based indexes into the candidates), selection_count, baseline_count.
WITH
$rca_spins,

candidate_hits AS (
    SELECT
        n_sel,
        n_base,
        arrayFilter(
            i -> has(pairs, ({candidate_keys:Array(String)}[i], {candidate_values:Array(String)}[i])),
            arrayEnumerate({candidate_keys:Array(String)})
        ) AS hit
    FROM weighted
)

SELECT
    ij.1 AS first,
    ij.2 AS second,
    sum(n_sel) AS selection_count,
    sum(n_base) AS baseline_count
FROM candidate_hits
ARRAY JOIN arrayFlatten(arrayMap(i -> arrayMap(j -> (i, j), arrayFilter(j -> j > i, hit)), hit)) AS ij
GROUP BY first, second
ORDER BY first, second
