"""Times at the store boundary: the store's DateTime parameters are naive UTC wall times."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_naive(at: datetime) -> datetime:
    """`at` as naive UTC (aware times are converted first; naive ones are taken to be UTC already)."""
    return at if at.tzinfo is None else at.astimezone(UTC).replace(tzinfo=None)
