-- rca_minutely_mv rolls up the same rows as 0071 for a fraction of the ingest work (issue 17: 0071 alone
-- cost ~22 % of end-to-end ingest). 0071 gathered every span of the insert by TraceId and zipped,
-- filtered, de-duplicated and sorted every attribute map of every span, trace by trace. Here the spin
-- spans are not grouped by trace: each meets the other spans of its trace in the same insert through a
-- join (those grouped by TraceId into their distinct maps), then the spins are counted per minute and
-- per distinct combination of maps (the resource, the spin span's attributes less ids and amounts, the
-- children's maps), a few hundred per insert, and only those combinations are turned into sorted
-- (attribute, value) pairs and summed by pairs. Same table, same counts: a spin with every resource and
-- span attribute of its trace's spans in this insert, ids and amounts left out. Each spin span counts
-- once per insert (an exporter retry queued with the first copy repeats its trace and span id): 0071
-- counted each trace once, the exact path each spin id once; they differ only for a trace holding
-- several spins. Every reference to otel_traces in a view's query reads the inserted block (the
-- join's side too). Replaced in one statement (as 0034): each insert is rolled up by one query.
ALTER TABLE $db.rca_minutely_mv $on_cluster MODIFY QUERY
SELECT
    minute,
    pairs,
    sum(spins) AS spins,
    sum(error_spins) AS error_spins,
    sum(ok_spins) AS ok_spins,
    $latency_sums
FROM (
    SELECT
        minute,
        arraySort(arrayDistinct(arrayFilter(
            p -> NOT has(['slot.spin.id', 'slot.player.id', 'slot.session.id', 'slot.bet.amount', 'slot.win.amount'], p.1),
            arrayConcat(
                arrayZip(mapKeys(resource), mapValues(resource)),
                arrayZip(mapKeys(spin_attributes), mapValues(spin_attributes)),
                arrayFlatten(arrayMap(m -> arrayZip(mapKeys(m), mapValues(m)), child_maps))
            )
        ))) AS pairs,
        count() AS spins,
        countIf(is_error) AS error_spins,
        countIf(NOT is_error) AS ok_spins,
        $rca_ok_latency_counts
    FROM (
        SELECT
            toStartOfMinute(Timestamp) AS minute,
            ResourceAttributes AS resource,
            mapFilter(
                (k, v) -> NOT has(['slot.spin.id', 'slot.player.id', 'slot.session.id', 'slot.bet.amount', 'slot.win.amount'], k),
                SpanAttributes
            ) AS spin_attributes,
            StatusCode = 'Error' AS is_error,
            Duration AS duration_ns,
            children.child_maps AS child_maps
        FROM $db.otel_traces$local AS spin
        LEFT JOIN (
            SELECT
                TraceId,
                arrayConcat(groupUniqArray(ResourceAttributes), groupUniqArray(SpanAttributes)) AS child_maps
            FROM $db.otel_traces$local
            WHERE SpanName != 'spin'
            GROUP BY TraceId
        ) AS children ON spin.TraceId = children.TraceId
        WHERE spin.SpanName = 'spin'
        LIMIT 1 BY spin.TraceId, spin.SpanId
    )
    GROUP BY minute, resource, spin_attributes, child_maps
)
GROUP BY minute, pairs
