"""The bounded write queue between receivers and the store, written once for every signal.

Receivers `submit` decoded rows and get a future that completes only after those
rows are inserted, so they can answer 200 only for data that is durably stored.
The queue is bounded in rows: past the bound `submit` raises QueueFull at once and
the receiver answers with a retryable status (backpressure) — nothing is dropped
silently and memory stays bounded. One worker thread merges queued requests into
per-table inserts (flush on size or interval) and inserts them one at a time, which
also keeps the spins view's duplicate gate exact. `close` drains what was accepted.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field

Columns = dict[str, list]
WriteFn = Callable[[str, Columns], None]


class QueueFull(Exception):
    """The write queue is at its bound; retry later."""


class ShuttingDown(Exception):
    """The batcher no longer accepts rows."""


@dataclass
class _Item:
    tables: dict[str, Columns]
    rows: int
    future: Future[None]


@dataclass
class BatcherStats:
    submitted_rows: int = 0
    inserted_rows: dict[str, int] = field(default_factory=dict)
    insert_failures: int = 0
    refused_full: int = 0
    inserts: int = 0
    insert_seconds_total: float = 0.0
    last_insert_seconds: float = 0.0


def merge_tables(items: list[dict[str, Columns]]) -> dict[str, Columns]:
    """Concatenate column-oriented rows of several requests, table by table."""
    merged: dict[str, Columns] = {}
    for tables in items:
        for table, columns in tables.items():
            if not count_rows({table: columns}):
                continue
            target = merged.get(table)
            if target is None:
                merged[table] = {name: list(values) for name, values in columns.items()}
                continue
            for name, values in columns.items():
                target[name].extend(values)
    return merged


def count_rows(tables: dict[str, Columns]) -> int:
    total = 0
    for columns in tables.values():
        for values in columns.values():
            total += len(values)
            break
    return total


class Batcher:
    def __init__(
        self, write: WriteFn, max_queue_rows: int = 400_000, max_batch_rows: int = 50_000, interval_s: float = 0.2
    ) -> None:
        self._write = write
        self.max_queue_rows = max_queue_rows
        self.max_batch_rows = max_batch_rows
        self.interval_s = interval_s
        self._queue: deque[_Item] = deque()
        self._queued_rows = 0
        self._cond = threading.Condition()
        self._closing = False
        self._last_insert_started = 0.0
        self.stats = BatcherStats()
        self._thread = threading.Thread(target=self._run, name="spinscope-writer", daemon=True)
        self._thread.start()

    @property
    def queued_rows(self) -> int:
        return self._queued_rows

    def submit(self, tables: dict[str, Columns]) -> Future[None]:
        """Queue rows for insertion; the future completes when they are in the store."""
        future: Future[None] = Future()
        rows = count_rows(tables)
        if rows == 0:
            future.set_result(None)
            return future
        with self._cond:
            if self._closing:
                raise ShuttingDown("spinscope is shutting down")
            # One request larger than the whole queue is still admitted into an empty queue,
            # so a big-but-legal request is never refused forever.
            if self._queued_rows and self._queued_rows + rows > self.max_queue_rows:
                self.stats.refused_full += 1
                raise QueueFull(f"write queue full ({self._queued_rows} rows waiting)")
            self._queue.append(_Item(tables, rows, future))
            self._queued_rows += rows
            self.stats.submitted_rows += rows
            self._cond.notify()
        return future

    def _take_batch(self) -> list[_Item]:
        """Wait for rows, then for a full batch or the interval since the previous insert began.

        Timing from the previous insert (not from the first queued row) is group commit:
        under load an insert takes longer than the interval, so the next one starts at
        once with everything that queued meanwhile, and batches grow with the load;
        under light load inserts are at most one per interval.
        """
        with self._cond:
            while not self._queue and not self._closing:
                self._cond.wait()
            if not self._queue:
                return []
            deadline = self._last_insert_started + self.interval_s
            while self._queued_rows < self.max_batch_rows and not self._closing:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            batch: list[_Item] = []
            rows = 0
            while self._queue and (not batch or rows + self._queue[0].rows <= self.max_batch_rows):
                item = self._queue.popleft()
                batch.append(item)
                rows += item.rows
            self._last_insert_started = time.monotonic()
            return batch

    def _run(self) -> None:
        while True:
            batch = self._take_batch()
            if not batch:
                return
            rows = sum(item.rows for item in batch)
            started = time.perf_counter()
            try:
                merged = merge_tables([item.tables for item in batch])
                for table, columns in merged.items():
                    if not count_rows({table: columns}):
                        continue
                    self._write(table, columns)
                    inserted = self.stats.inserted_rows
                    inserted[table] = inserted.get(table, 0) + count_rows({table: columns})
            except BaseException as exc:  # report to every waiting receiver, keep the worker alive
                self.stats.insert_failures += 1
                for item in batch:
                    item.future.set_exception(exc)
            else:
                for item in batch:
                    item.future.set_result(None)
            finally:
                elapsed = time.perf_counter() - started
                self.stats.inserts += 1
                self.stats.insert_seconds_total += elapsed
                self.stats.last_insert_seconds = elapsed
                with self._cond:
                    self._queued_rows -= rows
                    self._cond.notify_all()

    def close(self, timeout: float | None = None) -> None:
        """Stop accepting rows, insert everything already accepted, stop the worker."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._thread.join(timeout)
