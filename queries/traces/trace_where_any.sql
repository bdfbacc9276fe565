-- trace_where_any: whether any trace of [start, end) carries the where pairs other than through a spin
-- row's typed columns alone (the `matched` set of traces/trace_ranked is not empty). Run before the
-- list when every pair is on a typed column (typed mode): the set is then usually empty, and the list
-- skips testing each spin's trace id against it (traces/trace_ranked's matched_empty).
-- Parameters: start, end (DateTime64(9)), where_keys, where_values.
WITH
$trace_where_sets
SELECT count() > 0 AS any_matched
FROM matched
