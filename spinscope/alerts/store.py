"""The alerts' store side: transitions and deliveries in `alert_events`, silences in `alert_silences`.

Only this module reads or writes those tables. Times go in as naive UTC (the store's DateTime64
convention) and come out aware UTC.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from clickhouse_connect.driver.client import Client

from spinscope.alerts.lifecycle import Alert
from spinscope.alerts.traffic import History
from spinscope.queries.loader import run
from spinscope.times import utc_naive

EVENT_COLUMNS = [
    "at",
    "fingerprint",
    "rule",
    "alertname",
    "severity",
    "state",
    "receiver",
    "labels",
    "active_since",
    "fired_at",
    "resolved_at",
    "value",
    "summary",
    "description",
    "window_start",
    "window_end",
    "investigate_signal",
]


def _naive(at: datetime | None) -> datetime | None:
    return None if at is None else utc_naive(at)


def _aware(at: datetime | None) -> datetime | None:
    return None if at is None else (at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC))


def _row(alert: Alert, state: str, receiver: str, at: datetime) -> list[Any]:
    return [
        _naive(at),
        alert.fingerprint,
        alert.rule,
        alert.alertname,
        alert.severity,
        state,
        receiver,
        alert.label_map,
        _naive(alert.active_since),
        _naive(alert.fired_at),
        _naive(alert.resolved_at),
        alert.value,
        alert.summary,
        alert.description,
        _naive(alert.window_start),
        _naive(alert.window_end),
        alert.investigate_signal,
    ]


def record_transitions(client: Client, events: Iterable[Alert]) -> None:
    rows = [_row(e, e.state, "", e.at) for e in events]
    if rows:
        client.insert("alert_events", rows, column_names=EVENT_COLUMNS)


def record_delivery(client: Client, alert: Alert, receiver: str, at: datetime) -> None:
    """A receiver acknowledged `alert` in its current state (firing, or resolved with resolved_at set)."""
    client.insert("alert_events", [_row(alert, "delivered", receiver, at)], column_names=EVENT_COLUMNS)


def _alert(row: Mapping[str, Any]) -> Alert:
    labels = dict(row["labels"])
    return Alert(
        fingerprint=row["fingerprint"],
        rule=row["rule"],
        labels=tuple(sorted(labels.items())),
        state=row["state"],
        at=_aware(row["at"]),  # type: ignore[arg-type]
        active_since=_aware(row["active_since"]),  # type: ignore[arg-type]
        fired_at=_aware(row["fired_at"]),
        resolved_at=_aware(row["resolved_at"]),
        value=row["value"],
        summary=row["summary"],
        description=row.get("description", ""),
        window_start=_aware(row["window_start"]),  # type: ignore[arg-type]
        window_end=_aware(row["window_end"]),  # type: ignore[arg-type]
        investigate_signal=row["investigate_signal"] or "errors",
    )


def latest_alerts(client: Client, since: datetime) -> list[Alert]:
    """Each alert's last transition: every open one, and those that changed at or after `since`."""
    return [_alert(r) for r in run(client, "alerts/alert_latest", since=_naive(since))]


def alert_history(client: Client, start: datetime, end: datetime, state: str = "", limit: int = 500) -> list[Alert]:
    rows = run(client, "alerts/alert_history", start=_naive(start), end=_naive(end), state=state, limit=limit)
    return [_alert({**r, "description": ""}) for r in rows]


def deliveries(client: Client, since: datetime) -> dict[tuple[str, str], tuple[datetime, datetime | None]]:
    """(fingerprint, receiver) → (last delivery time, the resolved_at it carried)."""
    return {
        (r["fingerprint"], r["receiver"]): (_aware(r["delivered_at"]), _aware(r["resolved_at"]))  # type: ignore[misc]
        for r in run(client, "alerts/alert_delivered", since=_naive(since))
    }


def scope_buckets(
    client: Client, start: datetime, end: datetime, dims: tuple[str, ...], step: timedelta
) -> dict[tuple, list[int]]:
    """Spins per scope in buckets of `step` counted back from `end`: [latest, the one before, ...]."""
    n = int((end - start) / step)
    rows = run(
        client,
        "alerts/alert_scope_spins",
        start=_naive(end - n * step),
        end=_naive(end),
        dims=list(dims),
        step_s=int(step.total_seconds()),
    )
    out: dict[tuple, list[int]] = {}
    for r in rows:
        scope = tuple(zip(dims, r["scope_values"], strict=True))
        out.setdefault(scope, [0] * n)[int(r["bucket"])] = int(r["spins"])
    return out


def scope_histories(
    client: Client,
    at: datetime,
    dims: tuple[str, ...],
    current: timedelta,
    lags: tuple[timedelta, ...],
    span: timedelta = timedelta(days=1),
    bucket: timedelta = timedelta(minutes=5),
) -> dict[tuple, History]:
    """Per scope: the `current` buckets ending at `at`, and the `span` ending at (at − lag) per lag.

    Ranges that touch are read in one query (the day lags and the current window are one 7-day read).
    """
    wanted = sorted([(timedelta(0), current), *((lag, span) for lag in lags)])  # (end offset, length)
    blocks: list[list[timedelta]] = []  # [end offset, start offset] of each read, nearest first
    for end_off, length in wanted:
        if blocks and end_off <= blocks[-1][1]:
            blocks[-1][1] = max(blocks[-1][1], end_off + length)
        else:
            blocks.append([end_off, end_off + length])
    read: list[tuple[timedelta, dict[tuple, list[int]]]] = []
    for end_off, start_off in blocks:
        read.append((end_off, scope_buckets(client, at - start_off, at - end_off, dims, bucket)))

    def piece(scope: tuple, end_off: timedelta, length: timedelta) -> list[int]:
        for block_end, counts in read:
            if block_end <= end_off:
                first = int((end_off - block_end) / bucket)
                last = first + int(length / bucket)
                got = counts.get(scope)
                if got is not None and last <= len(got):
                    return got[first:last]
        return [0] * int(length / bucket)

    scopes = {scope for _, counts in read for scope in counts}
    n_bucket = int(bucket.total_seconds() // 60)
    return {
        scope: History(n_bucket, piece(scope, timedelta(0), current), [piece(scope, lag, span) for lag in lags])
        for scope in scopes
    }


# ---------------------------------------------------------------- silences

SILENCE_COLUMNS = [
    "silence_id",
    "version",
    "matchers",
    "starts_at",
    "ends_at",
    "created_by",
    "comment",
    "created_at",
    "is_maintenance",
    "excludes_budget",
]


def create_silence(
    client: Client,
    matchers: Mapping[str, str],
    starts_at: datetime,
    ends_at: datetime,
    created_by: str,
    comment: str,
    is_maintenance: bool = False,
    excludes_budget: bool = False,
    now: datetime | None = None,
) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    silence_id = uuid.uuid4().hex[:12]
    row = [
        silence_id,
        int(now.timestamp() * 1000),
        dict(matchers),
        _naive(starts_at),
        _naive(ends_at),
        created_by,
        comment,
        _naive(now),
        int(is_maintenance),
        int(excludes_budget),
    ]
    client.insert("alert_silences", [row], column_names=SILENCE_COLUMNS)
    return {"silence_id": silence_id}


def expire_silence(client: Client, silence_id: str, now: datetime | None = None) -> bool:
    """End a silence now (a new version of it); False when no such silence is current."""
    now = now or datetime.now(UTC)
    current = [s for s in silences(client, now - timedelta(days=3650)) if s["silence_id"] == silence_id]
    if not current:
        return False
    s = current[0]
    row = [
        silence_id,
        int(now.timestamp() * 1000) + 1,
        s["matchers"],
        _naive(s["starts_at"]),
        _naive(min(s["ends_at"], now)),
        s["created_by"],
        s["comment"],
        _naive(s["created_at"]),
        int(s["is_maintenance"]),
        int(s["excludes_budget"]),
    ]
    client.insert("alert_silences", [row], column_names=SILENCE_COLUMNS)
    return True


def silences(client: Client, since: datetime) -> list[dict[str, Any]]:
    """Every silence (latest version) ending at or after `since`."""
    out = []
    for r in run(client, "alerts/alert_silences", since=_naive(since)):
        out.append(
            {
                **r,
                "matchers": dict(r["matchers"]),
                "starts_at": _aware(r["starts_at"]),
                "ends_at": _aware(r["ends_at"]),
                "created_at": _aware(r["created_at"]),
                "is_maintenance": bool(r["is_maintenance"]),
                "excludes_budget": bool(r["excludes_budget"]),
            }
        )
    return out
