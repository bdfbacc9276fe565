-- trace_index gains resource_hash: cityHash64 of the resource attributes every span of the row was sent
-- under, 0 when its spans came under more than one resource (and in the rows written before 0157 fills
-- it). The trace list's typed mode reads a trace's child spans only to see whether one carries a
-- resource pair its spin does not (traces/trace_where_other_spans): a trace whose rows all hold the same
-- non-zero hash was sent under one resource, its spin's, so its child spans carry nothing more and the
-- lookup is skipped (traces/trace_spread). The contract's child spans are the spin's steps, timed by the
-- same server: one resource. 50 M store, 24 h, cloud.region: that lookup (91 traces, 154 granules of
-- child_spans) took 65-80 ms of the list.
ALTER TABLE $db.trace_index$local $on_cluster
    ADD COLUMN IF NOT EXISTS resource_hash UInt64 CODEC(ZSTD(1))
