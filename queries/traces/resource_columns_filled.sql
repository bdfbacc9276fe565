-- resource_columns_filled: whether every child span stored in [start, end) (a minute's margin either side,
-- as the trace list reads) has child_spans' resource columns (0150): rows stored before them hold '',
-- so the trace list tests a resource-attribute pair on the typed columns only when this is 1 and reads
-- the resource maps otherwise (until the raw-span TTL has dropped the older rows).
-- Parameters: start, end (DateTime64(9)).
SELECT count() = 0 AS filled
FROM child_spans
WHERE resource_typed = 0  -- idx_resource_typed skips the granules written with the columns
  AND started_at >= {start:DateTime64(9)} - INTERVAL 1 MINUTE
  AND started_at < {end:DateTime64(9)} + INTERVAL 1 MINUTE
