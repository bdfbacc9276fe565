"""The Alerts page through AppTest: firing alerts, the timeline and silences equal what the endpoint answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from spinscope.alerts import store as alert_store
from spinscope.alerts.lifecycle import step
from spinscope.alerts.rules import Signal
from spinscope.app import labels
from spinscope.configuration import load_config
from spinscope.endpoints import call
from tests.ui.conftest import fresh_database
from tests.ui.grid import shown as grid


def _signal(game: str, severity: str) -> Signal:
    now = datetime.now(UTC)
    name = "RtpDrift" if severity == "page" else "RtpWatch"
    return Signal("rtp", name, severity, (("game_id", game), ("game_version", "1.0")), 4.5, f"{game} {name}", "d",
                  now - timedelta(hours=3), now, "rtp")  # fmt: skip


def test_alerts_page_shows_firing_alerts_history_and_silences(session_store, app_on) -> None:  # type: ignore[no-untyped-def]
    store = fresh_database(session_store)
    try:
        client = store.client()
        t0 = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=2)
        state, first = step({}, [_signal("fortune-tiger", "page"), _signal("mega-vault", "ticket")], {"rtp"}, t0)
        _, second = step(state, [_signal("fortune-tiger", "page")], {"rtp"}, t0 + timedelta(hours=1))
        alert_store.record_transitions(client, first + second)
        alert_store.create_silence(
            client, {"game_id": "fortune-tiger"}, t0, t0 + timedelta(hours=5), "ana@example", "known issue"
        )
        expected = call("alerts", client, load_config(), {"state": "all"})
        assert [(a["alertname"], a["state"], a["silenced"] is not None) for a in expected["alerts"]] == [
            ("RtpDrift", "firing", True),
            ("RtpWatch", "resolved", False),
        ]

        at = app_on(store, page="alerts")
        assert not at.exception, at.exception
        assert [m.value for m in at.metric] == ["0", "1", "0"]  # the one page is silenced
        firing, resolved, silences = (grid(df) for df in at.dataframe)
        assert list(firing["Alert"]) == ["RtpDrift"] and list(firing["Silenced"]) == ["yes"]
        assert firing["investigate_url"][0] == expected["alerts"][0]["investigate_url"]
        assert "investigate?signal=rtp" in firing["investigate_url"][0]
        assert firing["dashboard_url"][0].endswith("/rtp?game_id=fortune-tiger&version=1.0")
        assert list(resolved["Alert"]) == ["RtpWatch"]
        assert list(resolved["Resolved"]) == [labels.utc(expected["alerts"][1]["resolved_at"])]
        assert list(silences["Created by"]) == ["ana@example"] and list(silences["Comment"]) == ["known issue"]
        links = {"investigate_url", "dashboard_url", "runbook_url"}
        for table in (firing, resolved, silences):  # people read labels; only the link columns keep URLs' names
            assert not labels.raw_names(c for c in table.columns if c not in links)
    finally:
        store.close()


def test_slos_page_lists_the_maintenance_windows_excluded_from_the_budget(session_store, app_on) -> None:  # type: ignore[no-untyped-def]
    store = fresh_database(session_store)
    try:
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        start, end = now - timedelta(hours=3), now - timedelta(hours=2)
        client = store.client()
        alert_store.create_silence(client, {"slo": "spin-latency"}, start, end, "ops", "db upgrade", True, True)
        alert_store.create_silence(client, {"slo": "spin-latency"}, start, end, "ops", "only silenced", True, False)
        at = app_on(store, page="slos", params={"slo": "spin-latency"})
        assert not at.exception, at.exception
        assert any("Excluded from the budget" in m.value for m in at.markdown)
        (spans,) = [df.value for df in at.dataframe if "matches" in df.value.columns]
        assert list(spans["matches"]) == ["slo=spin-latency"]  # the window without the flag is not listed
        assert [str(spans[k][0])[:16] for k in ("from", "until")] == [f"{t:%Y-%m-%d %H:%M}" for t in (start, end)]
        other = app_on(store, page="slos", params={"slo": "spin-availability"})
        assert not any("Excluded from the budget" in m.value for m in other.markdown)
    finally:
        store.close()
