"""The Overview lists what fires first: the Alerts page's data, labelled, each alert linked to Investigate."""

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


def _signal(game: str, name: str, severity: str) -> Signal:
    now = datetime.now(UTC)
    return Signal("rtp", name, severity, (("game_id", game), ("game_version", "1.0")), 4.5, f"{game} {name}", "d",
                  now - timedelta(hours=3), now, "rtp")  # fmt: skip


def test_overview_opens_with_the_firing_alerts(session_store, app_on) -> None:  # type: ignore[no-untyped-def]
    store = fresh_database(session_store)
    try:
        client = store.client()
        t0 = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=2)
        signals = [_signal("fortune-tiger", "RtpDrift", "page"), _signal("mega-vault", "RtpWatch", "ticket")]
        state, first = step({}, signals, {"rtp"}, t0)
        _, second = step(state, signals[:1], {"rtp"}, t0 + timedelta(hours=1))  # the watch resolves
        alert_store.record_transitions(client, first + second)
        expected = [
            a for a in call("alerts", client, load_config(), {"state": "all"})["alerts"] if a["state"] == "firing"
        ]
        assert [a["alertname"] for a in expected] == ["RtpDrift"]

        at = app_on(store)
        assert not at.exception, at.exception
        assert at.subheader[0].value == "Firing now: 1 alert, 1 paging"  # before the SLOs
        table = grid(at.dataframe[0])
        assert list(table["Alert"]) == ["RtpDrift"] and list(table["Severity"]) == ["PAGE"]
        assert list(table["Scope"]) == [expected[0]["scope"]]
        assert list(table["Since"]) == [labels.utc(expected[0]["since"])]
        assert at.dataframe[0].value["investigate_url"][0] == expected[0]["investigate_url"]
        assert not labels.raw_names(
            c for c in table.columns if c not in ("investigate_url", "dashboard_url", "runbook_url")
        )
    finally:
        store.close()


def test_overview_says_when_nothing_fires(demo_store, app_on) -> None:  # type: ignore[no-untyped-def]
    at = app_on(demo_store)
    assert not at.exception
    assert [s.value for s in at.success][:1] == ["Nothing is firing."]
