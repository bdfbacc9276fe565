"""What every receiver does with one export request, transport aside.

decode (pure) -> submit to the bounded batcher -> wait until stored. The HTTP and
gRPC receivers only translate the outcome into their status codes, so both speak
the same semantics: `Accepted` (maybe with a partial-success count), `BadRequest`
(never retry), `Overloaded` (retry later: the queue is full), `Unavailable` (retry
later: the store failed or we are shutting down).
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from .admission import BodyBudget
from .batcher import Batcher, QueueFull, ShuttingDown
from .decode import Decoded, DecodeError, decode_logs, decode_metrics, decode_traces, parse_request

SIGNALS = ("traces", "metrics", "logs")
_DECODERS = {"traces": decode_traces, "metrics": decode_metrics, "logs": decode_logs}
RETRY_AFTER_S = 1


@dataclass(frozen=True)
class Accepted:
    rejected: int
    message: str


@dataclass(frozen=True)
class BadRequest:
    message: str


@dataclass(frozen=True)
class Overloaded:
    message: str
    retry_after_s: int = RETRY_AFTER_S


@dataclass(frozen=True)
class Unavailable:
    message: str
    retry_after_s: int = RETRY_AFTER_S


Outcome = Accepted | BadRequest | Overloaded | Unavailable


class Counters:
    """Thread-safe counters behind GET /metrics."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.received: Counter[str] = Counter()  # records by signal
        self.rejected: Counter[tuple[str, str]] = Counter()  # records by (signal, reason)
        self.requests: Counter[tuple[str, str]] = Counter()  # requests by (signal, outcome)
        self.money_flagged = 0

    def add(self, counter: Counter[Any], key: object, n: int = 1) -> None:
        with self._lock:
            counter[key] += n

    def flag_money(self, n: int) -> None:
        with self._lock:
            self.money_flagged += n


class Pipeline:
    def __init__(self, batcher: Batcher, body_budget: BodyBudget, ack_timeout_s: float = 60.0) -> None:
        self.batcher = batcher
        self.body_budget = body_budget  # the HTTP receiver's; here so /metrics reports it
        self.counters = Counters()
        self.ack_timeout_s = ack_timeout_s

    def decode(self, signal: str, body: bytes, content_type: str) -> Decoded | BadRequest:
        try:
            request = parse_request(signal, body, content_type)
            if signal == "traces" and not content_type.startswith("application/json"):
                decoded = decode_traces(request, body=body)  # skips re-encoding the request
            else:
                decoded = _DECODERS[signal](request)
        except DecodeError as exc:
            self.counters.add(self.counters.requests, (signal, "bad_request"))
            return BadRequest(str(exc))
        return decoded

    def submit(self, signal: str, decoded: Decoded) -> Future[None] | Outcome:
        counters = self.counters
        try:
            future = self.batcher.submit(decoded.tables)
        except QueueFull as exc:
            counters.add(counters.requests, (signal, "overloaded"))
            return Overloaded(f"{exc}; retry after {RETRY_AFTER_S}s")
        except ShuttingDown as exc:
            counters.add(counters.requests, (signal, "unavailable"))
            return Unavailable(str(exc))
        return future

    def finish(self, signal: str, decoded: Decoded, error: BaseException | None) -> Outcome:
        counters = self.counters
        if error is not None:
            counters.add(counters.requests, (signal, "store_error"))
            return Unavailable(f"the store did not accept the data: {str(error).splitlines()[0][:300]}")
        counters.add(counters.requests, (signal, "ok" if not decoded.rejected else "partial"))
        counters.add(counters.received, signal, decoded.accepted)
        if decoded.rejected:
            counters.add(counters.rejected, (signal, "invalid_record"), decoded.rejected)
        if decoded.money_flagged:
            counters.flag_money(decoded.money_flagged)
        return Accepted(decoded.rejected, decoded.message)

    def handle(self, signal: str, body: bytes, content_type: str) -> Outcome:
        """The whole request, blocking until stored (the gRPC receiver's path)."""
        decoded = self.decode(signal, body, content_type)
        if isinstance(decoded, BadRequest):
            return decoded
        submitted = self.submit(signal, decoded)
        if not isinstance(submitted, Future):
            return submitted
        try:
            submitted.result(timeout=self.ack_timeout_s)
        except TimeoutError:
            return Unavailable("the store is slow to acknowledge; retry later")
        except BaseException as exc:  # the insert failed
            return self.finish(signal, decoded, exc)
        return self.finish(signal, decoded, None)

    def prometheus(self) -> str:
        """Counters in the Prometheus text exposition format."""
        c, stats = self.counters, self.batcher.stats
        lines = [
            "# HELP spinscope_received_records_total Records (spans, data points, log records) accepted.",
            "# TYPE spinscope_received_records_total counter",
        ]
        lines += [f'spinscope_received_records_total{{signal="{s}"}} {c.received[s]}' for s in SIGNALS]
        lines += [
            "# HELP spinscope_rejected_records_total Records rejected, by reason.",
            "# TYPE spinscope_rejected_records_total counter",
        ]
        lines += [
            f'spinscope_rejected_records_total{{signal="{s}",reason="{r}"}} {n}'
            for (s, r), n in sorted(c.rejected.items())
        ]
        lines += [
            "# HELP spinscope_requests_total Export requests, by outcome.",
            "# TYPE spinscope_requests_total counter",
        ]
        lines += [
            f'spinscope_requests_total{{signal="{s}",outcome="{o}"}} {n}' for (s, o), n in sorted(c.requests.items())
        ]
        lines += [
            "# HELP spinscope_money_flagged_total Spin spans whose money arrived as a double.",
            "# TYPE spinscope_money_flagged_total counter",
            f"spinscope_money_flagged_total {c.money_flagged}",
            "# HELP spinscope_inserted_rows_total Rows inserted into the store, by table.",
            "# TYPE spinscope_inserted_rows_total counter",
        ]
        lines += [f'spinscope_inserted_rows_total{{table="{t}"}} {n}' for t, n in sorted(stats.inserted_rows.items())]
        lines += [
            "# HELP spinscope_queue_rows Rows waiting in the write queue.",
            "# TYPE spinscope_queue_rows gauge",
            f"spinscope_queue_rows {self.batcher.queued_rows}",
            "# HELP spinscope_queue_capacity_rows Bound of the write queue.",
            "# TYPE spinscope_queue_capacity_rows gauge",
            f"spinscope_queue_capacity_rows {self.batcher.max_queue_rows}",
            "# HELP spinscope_body_bytes_held Bytes of OTLP/HTTP bodies read and not yet decoded.",
            "# TYPE spinscope_body_bytes_held gauge",
            f"spinscope_body_bytes_held {self.body_budget.held_bytes}",
            "# HELP spinscope_body_budget_bytes Bound of spinscope_body_bytes_held (429 past it).",
            "# TYPE spinscope_body_budget_bytes gauge",
            f"spinscope_body_budget_bytes {self.body_budget.limit_bytes}",
            "# HELP spinscope_http_requests_in_flight OTLP/HTTP requests being read or decoded.",
            "# TYPE spinscope_http_requests_in_flight gauge",
            f"spinscope_http_requests_in_flight {self.body_budget.holders}",
            "# HELP spinscope_insert_seconds Time spent in store inserts.",
            "# TYPE spinscope_insert_seconds summary",
            f"spinscope_insert_seconds_sum {stats.insert_seconds_total:.6f}",
            f"spinscope_insert_seconds_count {stats.inserts}",
            "# HELP spinscope_insert_failures_total Inserts the store refused.",
            "# TYPE spinscope_insert_failures_total counter",
            f"spinscope_insert_failures_total {stats.insert_failures}",
        ]
        return "\n".join(lines) + "\n"
