"""Builds `spin` span rows for otel_traces, so model tests go through the same views as production."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

RECENT_NOON = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=2)
"""A start for tests that insert raw spans: noon two days before the run. The raw tables keep 30 days
(ttl_only_drop_parts), so a fixed date makes such a test fail from a calendar day on, when the engine drops
its spans' parts soon after the insert (the RCA tests pinned 2026-11-02 and failed on 2026-12-02)."""

SPAN_COLUMNS = [
    "Timestamp",
    "TraceId",
    "SpanId",
    "SpanName",
    "SpanKind",
    "ServiceName",
    "ResourceAttributes",
    "SpanAttributes",
    "Duration",
    "StatusCode",
]


@dataclass
class Spin:
    spin_id: str
    at: datetime
    bet: str = "1.00"
    win: str = "0"
    game_id: str = "fortune-tiger"
    game_version: str = "1.4.2"
    currency: str = "EUR"
    mode: str = "paid"
    feature: str = "none"
    player_id: str = "p1"
    session_id: str = "s1"
    channel: str = "web"
    region: str = "eu-west-1"
    instance_id: str = "i-1"
    duration_ms: float = 100
    error_type: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def row(self) -> list:
        attrs = {
            "slot.spin.id": self.spin_id,
            "slot.game.id": self.game_id,
            "slot.game.version": self.game_version,
            "slot.bet.amount": self.bet,
            "slot.win.amount": self.win,
            "slot.currency": self.currency,
            "slot.spin.mode": self.mode,
            "slot.feature": self.feature,
            "slot.player.id": self.player_id,
            "slot.session.id": self.session_id,
            "slot.channel": self.channel,
            **self.extra,
        }
        if self.error_type:
            attrs["error.type"] = self.error_type
        resource = {
            "service.name": "slot-server",
            "cloud.region": self.region,
            "service.instance.id": self.instance_id,
            "deployment.environment.name": "prod",
        }
        trace_id = f"{abs(hash(self.spin_id)):032x}"[-32:]
        return [
            self.at,
            trace_id,
            trace_id[:16],
            "spin",
            "Server",
            "slot-server",
            resource,
            attrs,
            int(self.duration_ms * 1_000_000),
            "Error" if self.error_type else "Unset",
        ]


def insert_spins(client, spins: list[Spin]) -> None:  # type: ignore[no-untyped-def]
    client.insert("otel_traces", [s.row() for s in spins], column_names=SPAN_COLUMNS)
