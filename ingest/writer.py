"""Inserts column-oriented rows into a store table.

Rows travel as one JSONCompactColumns body serialised by orjson in C: measured on
the embedded engine it costs a fraction of building ClickHouse's Native format in
Python, and ClickHouse parses it in C++ with the GIL released, so the receivers
keep decoding on the other core while an insert runs.

Each insert into otel_traces feeds about a dozen materialized views (spins, child spans and
their rollups). `parallel_view_processing` runs the views of one table side by side instead of
one after another: none reads what a sibling writes (spins_mv's duplicate gate reads only its own
table, `spins`), so the rows are the same, and the insert's wall time shrinks where a core is
idle meanwhile (issue 17: in one run of bench/ingest.py --baseline c0f7b23 on the shared 2-core
machine the new rollups cost 18 % of end-to-end ingest with the views one by one, 6 % side by side).
tests/sql/test_writer_views.py checks the setting reaches the views and the rollups stay the same.
"""

from __future__ import annotations

import orjson

from spinscope.db import Store, quote_identifier

from .batcher import Columns

INSERT_SETTINGS = {"parallel_view_processing": 1}


class StoreWriter:
    def __init__(self, store: Store) -> None:
        self._store = store

    def __call__(self, table: str, columns: Columns) -> None:
        body = orjson.dumps(list(columns.values()))
        self._store.client().raw_insert(
            quote_identifier(table),
            column_names=list(columns),
            insert_block=body,
            fmt="JSONCompactColumns",
            settings=INSERT_SETTINGS,
        )
