-- child_spans gains a bloom filter on trace_id: the trace list in typed mode looks up the child spans
-- of a few hundred traces over the window (traces/trace_where_typed, child_typed). The key (hour, trace
-- id) finds a trace's granules only within an hour, and a day of a busy store holds ~30 granules an
-- hour: without the filter that lookup reads every granule of the window, or needs each trace's hours
-- first (from trace_index, which opens every part of the raw TTL's weeks: ~80 ms for 70 traces at 50 M,
-- ~1 s for 1,700). With it, 24 h at 50 M: 91 traces in ~20 ms. Insert cost not measurable (20,000
-- spans through every view, with and without: 437 and 448 ms).
-- Parts written before are not indexed: they are read whole (still exact) until a merge rewrites
-- them or the raw TTL drops them; `ALTER TABLE child_spans MATERIALIZE INDEX idx_trace_id` indexes
-- them at once (docs/deploy.md).
ALTER TABLE $db.child_spans$local $on_cluster
    ADD INDEX IF NOT EXISTS idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1
