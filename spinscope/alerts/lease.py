"""One alert evaluator per database: a lease held as rows of `alert_lease`, renewed every round.

ClickHouse has no compare-and-set, so the lease is decided by a rule every reader applies alike:
among the claims that have not expired, the one with the earliest `since` (then the smallest
holder id) holds it. An evaluator renews its claim each round (keeping its `since`) and an
evaluator that finds another holder stands by without claiming, so a running holder is never
displaced. When the holder stops it releases (a claim that expires now); when it dies its claim
expires after `ttl` and the next one to look claims it. Two evaluators that find the lease free
in the same instant both claim; the earlier `since` wins on their next read, so at worst they
overlap for one round (and the lifecycle writes the same transitions).

`decide` is pure; `Lease` reads and writes the table.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from clickhouse_connect.driver.client import Client

from spinscope.queries.loader import run
from spinscope.times import utc_naive

NAME = "alert-evaluator"
COLUMNS = ["name", "holder", "since", "renewed_at", "expires_at"]


@dataclass(frozen=True)
class Claim:
    holder: str
    since: datetime
    expires_at: datetime


def decide(claims: Iterable[Claim], now: datetime) -> Claim | None:
    """The claim holding the lease at `now`: the earliest `since` among the unexpired, or None."""
    live = [c for c in claims if c.expires_at > now]
    return min(live, key=lambda c: (c.since, c.holder)) if live else None


def holder_id() -> str:
    """This process: host, pid and a random suffix (a restarted process is a new holder)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _aware(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


class Lease:
    """This process's claim on the database's alert evaluation."""

    def __init__(self, client: Client, holder: str | None = None, ttl: timedelta = timedelta(minutes=3)) -> None:
        self.client = client
        self.holder = holder or holder_id()
        self.ttl = ttl
        self.since: datetime | None = None  # set while this process holds the lease
        self.other: Claim | None = None  # who holds it while this process stands by

    def claims(self) -> list[Claim]:
        rows: list[dict[str, Any]] = run(self.client, "alerts/alert_lease", lease_name=NAME)
        return [Claim(r["holder"], _aware(r["since"]), _aware(r["expires_at"])) for r in rows]

    def _write(self, since: datetime, now: datetime, expires: datetime) -> None:
        row = [NAME, self.holder, utc_naive(since), utc_naive(now), utc_naive(expires)]
        self.client.insert("alert_lease", [row], column_names=COLUMNS)

    def hold(self, now: datetime | None = None) -> bool:
        """Renew or take the lease if it is free or ours; False (standing by) when another holds it."""
        now = now or datetime.now(UTC)
        current = decide(self.claims(), now)
        if current is not None and current.holder != self.holder:
            self.since, self.other = None, current
            return False
        since = current.since if current is not None else now
        self._write(since, now, now + self.ttl)
        current = decide(self.claims(), now)
        mine = current is not None and current.holder == self.holder
        self.since, self.other = (since, None) if mine else (None, current)
        return mine

    def release(self, now: datetime | None = None) -> None:
        """Give the lease up now (a claim that has already expired), so a standby takes over at once."""
        if self.since is not None:
            now = now or datetime.now(UTC)
            self._write(self.since, now, now)
            self.since = None
