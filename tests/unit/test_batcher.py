"""The bounded batcher: merging, flush on size and interval, backpressure, drain on close."""

from __future__ import annotations

import threading
import time

import pytest

from spinscope.ingest.batcher import Batcher, QueueFull, ShuttingDown, count_rows, merge_tables


def rows(table: str, *values: int) -> dict[str, dict[str, list]]:
    return {table: {"a": list(values), "b": [str(v) for v in values]}}


def test_merge_concatenates_table_by_table() -> None:
    merged = merge_tables([rows("t", 1, 2), rows("u", 9), rows("t", 3)])
    assert merged == {"t": {"a": [1, 2, 3], "b": ["1", "2", "3"]}, "u": {"a": [9], "b": ["9"]}}
    assert count_rows(merged) == 4


def test_requests_queued_during_an_insert_are_merged_into_the_next_one() -> None:
    inserts: list[tuple[str, dict]] = []
    gate = threading.Event()

    def write(table: str, cols: dict) -> None:
        gate.wait(5)
        inserts.append((table, cols))

    batcher = Batcher(write, max_batch_rows=100, interval_s=0.01)
    first = batcher.submit(rows("t", 0))
    while batcher._queue:  # wait until the worker has taken the first request and is inserting it
        time.sleep(0.001)
    futures = [batcher.submit(rows("t", i)) for i in range(1, 5)]
    gate.set()
    for future in [first, *futures]:
        future.result(timeout=5)
    batcher.close()
    assert inserts == [("t", {"a": [0], "b": ["0"]}), ("t", {"a": [1, 2, 3, 4], "b": ["1", "2", "3", "4"]})]


def test_flush_on_size_does_not_wait_for_the_interval() -> None:
    batcher = Batcher(lambda *_: None, max_batch_rows=3, interval_s=30)
    started = time.monotonic()
    batcher.submit(rows("t", 1, 2, 3)).result(timeout=5)
    assert time.monotonic() - started < 5
    batcher.close()


def test_full_queue_refuses_instead_of_dropping() -> None:
    gate = threading.Event()
    written: list[int] = []
    batcher = Batcher(lambda t, c: (gate.wait(5), written.extend(c["a"])), max_queue_rows=4, interval_s=0.01)
    first = batcher.submit(rows("t", 1, 2, 3))
    with pytest.raises(QueueFull):
        batcher.submit(rows("t", 4, 5))
    assert batcher.stats.refused_full == 1
    gate.set()
    first.result(timeout=5)
    batcher.submit(rows("t", 6, 7)).result(timeout=5)
    batcher.close()
    assert written == [1, 2, 3, 6, 7]


def test_oversized_request_is_admitted_into_an_empty_queue() -> None:
    batcher = Batcher(lambda *_: None, max_queue_rows=2, interval_s=0.01)
    batcher.submit(rows("t", 1, 2, 3, 4)).result(timeout=5)
    batcher.close()


def test_failed_insert_fails_every_waiting_request_and_the_worker_survives() -> None:
    calls = {"n": 0}

    def flaky(table: str, cols: dict) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("store down")

    batcher = Batcher(flaky, interval_s=0.01)
    with pytest.raises(RuntimeError, match="store down"):
        batcher.submit(rows("t", 1)).result(timeout=5)
    batcher.submit(rows("t", 2)).result(timeout=5)
    batcher.close()
    assert batcher.stats.insert_failures == 1


def test_close_drains_everything_accepted_then_refuses() -> None:
    written: list[int] = []
    batcher = Batcher(lambda t, c: (time.sleep(0.05), written.extend(c["a"])), max_batch_rows=2, interval_s=10)
    futures = [batcher.submit(rows("t", i)) for i in range(7)]
    batcher.close()
    assert all(f.done() and f.exception() is None for f in futures)
    assert sorted(written) == list(range(7))
    with pytest.raises(ShuttingDown):
        batcher.submit(rows("t", 99))
