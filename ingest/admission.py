"""How many bytes of request bodies the OTLP/HTTP receiver may hold at once.

The write queue bounds decoded rows, but a request costs memory before it is
decoded: its body is read, maybe decompressed, then parsed. Under overload
hundreds of connections can be at that stage together, so the receiver charges
each body against this budget from its first byte until it is decoded (its rows
then count against the queue instead) and answers 429 with Retry-After, before
reading more, when the budget is spent. Like the queue, an empty budget admits
any one request up to the body limit, so a big-but-legal request is never
refused forever.

Used from the event loop only (one thread), so it needs no lock.
"""

from __future__ import annotations


class BudgetSpent(Exception):
    """The receiver holds as many body bytes as it may; retry later."""


class BodyBudget:
    def __init__(self, limit_bytes: int) -> None:
        self.limit_bytes = limit_bytes
        self.held_bytes = 0
        self.holders = 0  # requests holding part of the budget now
        self.refused = 0  # requests refused because it was spent

    def charge(self) -> Charge:
        return Charge(self)


class Charge:
    """One request's share of the budget; `release` returns all of it (idempotent)."""

    def __init__(self, budget: BodyBudget) -> None:
        self._budget = budget
        self.bytes = 0
        budget.holders += 1
        self._open = True

    def add(self, n: int) -> None:
        budget = self._budget
        if budget.held_bytes > self.bytes and budget.held_bytes + n > budget.limit_bytes:
            budget.refused += 1
            raise BudgetSpent(
                f"the receiver holds {budget.held_bytes} bytes of unread or undecoded bodies "
                f"(limit {budget.limit_bytes})"
            )
        budget.held_bytes += n
        self.bytes += n

    def drop(self, n: int) -> None:
        """Give back n bytes this request no longer holds (a compressed body once inflated)."""
        n = min(n, self.bytes)
        self._budget.held_bytes -= n
        self.bytes -= n

    def release(self) -> None:
        if self._open:
            self._open = False
            self._budget.held_bytes -= self.bytes
            self._budget.holders -= 1
            self.bytes = 0
