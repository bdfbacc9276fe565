"""Refused requests' audit rows are rate-limited per address and reason; the rest become one summary row."""

from __future__ import annotations

from datetime import UTC, datetime

from spinscope import audit


class Clock:
    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


T0 = datetime(2026, 11, 30, 14, 5, tzinfo=UTC).timestamp()


def limiter(rows: list[tuple], per_window: int = 3) -> tuple[audit.RefusalLimiter, Clock]:
    clock = Clock(T0)

    def write(who: str, action: str, what: str, where: str, at: datetime) -> bool:
        rows.append((who, action, what, where, at))
        return True

    return audit.RefusalLimiter(write, per_window=per_window, window_s=60, clock=clock, timer=False), clock


def test_a_flood_from_one_address_costs_the_limit_then_one_summary_row() -> None:
    rows: list[tuple] = []
    limits, clock = limiter(rows)
    before = audit.REFUSALS["suppressed"]
    admitted = []
    for i in range(1000):
        clock.at = T0 + i * 0.05  # 1,000 guesses in 50 s
        admitted.append(limits.offer("unknown", "login_failed", f"GET /api/v1/kpi #{i}", "10.0.0.9"))
    assert admitted == [True] * 3 + [False] * 997
    assert [r[2] for r in rows] == ["GET /api/v1/kpi #0", "GET /api/v1/kpi #1", "GET /api/v1/kpi #2"]
    assert audit.REFUSALS["suppressed"] - before == 997
    clock.at = T0 + 60  # the minute closes: the next refusal (from anyone) writes the summary first
    limits.offer("viewer-x", "denied", "GET /api/v1/audit", "10.0.0.7")
    summary = rows[3]
    assert summary[:2] == ("unknown", "login_failed_suppressed") and summary[3] == "10.0.0.9"
    assert summary[4] == datetime.fromtimestamp(T0 + 60, UTC)
    assert summary[2] == (
        "997 more login_failed refusals from 10.0.0.9 between 2026-11-30 14:05:00 and 2026-11-30 14:05:49 UTC, "
        "not recorded one by one (at most 3 rows a minute per address and reason); the last: GET /api/v1/kpi #999"
    )
    assert rows[4][1:4] == ("denied", "GET /api/v1/audit", "10.0.0.7")
    assert len(rows) == 5


def test_each_address_and_reason_has_its_own_allowance() -> None:
    rows: list[tuple] = []
    limits, _ = limiter(rows, per_window=2)
    for where in ("10.0.0.1", "10.0.0.2"):
        for action in ("login_failed", "denied"):
            assert [limits.offer("w", action, "x", where) for _ in range(3)] == [True, True, False]
    assert len(rows) == 8
    assert limits.flush(everything=True) == 4  # one summary per (address, reason)
    assert sorted(r[1] for r in rows[8:]) == ["denied_suppressed"] * 2 + ["login_failed_suppressed"] * 2


def test_a_quiet_minute_writes_no_summary_and_a_new_minute_has_a_fresh_allowance() -> None:
    rows: list[tuple] = []
    limits, clock = limiter(rows, per_window=2)
    assert [limits.offer("w", "denied", "x", "a") for _ in range(2)] == [True, True]
    clock.at = T0 + 61
    assert limits.flush() == 0 and len(rows) == 2
    assert limits.offer("w", "denied", "x", "a") is True


def test_the_timer_writes_the_summary_when_no_refusal_follows() -> None:
    rows: list[tuple] = []
    done = __import__("threading").Event()

    def write(who: str, action: str, what: str, where: str, at: datetime) -> bool:
        rows.append(action)
        if action.endswith("_suppressed"):
            done.set()
        return True

    limits = audit.RefusalLimiter(write, per_window=1, window_s=0.3)
    assert [limits.offer("w", "denied", "x", "a") for _ in range(3)] == [True, False, False]
    assert done.wait(5), "no summary row after the window closed"
    assert rows == ["denied", "denied_suppressed"]


def test_metrics_lines_count_refusals_by_outcome() -> None:
    text = audit.prometheus()
    assert "# TYPE spinscope_audit_refusals_total counter" in text
    for outcome in ("recorded", "suppressed", "unstored"):
        assert f'spinscope_audit_refusals_total{{outcome="{outcome}"}} {audit.REFUSALS[outcome]}' in text


def test_token_use_is_sampled_once_per_token_and_hour_with_its_count() -> None:
    clock = Clock(T0)
    sampler = audit.TokenUseSampler(every_s=3600, clock=clock)
    assert sampler.due("grafana") == 1  # the first use is recorded
    assert [sampler.due("grafana") for _ in range(99)] == [None] * 99  # the rest of the hour is counted
    assert sampler.due("collector") == 1  # each token has its own hour
    clock.at = T0 + 3599
    assert sampler.due("grafana") is None
    clock.at = T0 + 3600
    assert sampler.due("grafana") == 101  # 99 + the one at 3599 + this one


def test_token_use_rows_name_the_token_role_request_and_count(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows: list[tuple] = []

    class Identity:
        who, role = "grafana", "viewer"

    class Anonymous:
        who, role = "anonymous", "viewer"

    on_admitted = audit.token_use_recorder(store=None, sampler=audit.TokenUseSampler())  # type: ignore[arg-type]
    monkeypatch.setattr(audit, "record", lambda store, *row: rows.append(row) or True)  # the store write: e2e
    write = on_admitted(Identity(), "10.0.0.8", "GET /api/v1/slo")
    assert write is not None and write() is True
    assert on_admitted(Identity(), "10.0.0.8", "GET /api/v1/slo") is None  # counted, not written
    assert on_admitted(Anonymous(), "10.0.0.8", "GET /api/v1/slo") is None  # auth off: nothing to record
    assert rows == [
        ("grafana", "token_used", "GET /api/v1/slo as viewer; 1 request since this token's previous row", "10.0.0.8")
    ]
