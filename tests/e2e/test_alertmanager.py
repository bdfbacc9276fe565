"""Delivery to a real Prometheus Alertmanager (Debian's prometheus-alertmanager, API v2).

The notifier sends what the lifecycle produced; the assertions read Alertmanager's own API:
the alerts arrive with their labels and annotations, alerts of one alertname form one group,
and a resolve ends the alert there. Fast (Alertmanager starts in about a second).
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from spinscope.alerts.config import AlertingConfig, Receiver
from spinscope.alerts.lifecycle import step
from spinscope.alerts.notify import STATS, Notifier
from spinscope.alerts.rules import Signal
from tests.conftest import free_port
from tests.e2e.debian_tools import debian_binary, stop, wait_ready

ALERTMANAGER = "/usr/bin/prometheus-alertmanager"
CONFIG = """
route:
  receiver: blackhole
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: blackhole
"""


@pytest.fixture
def alertmanager(tmp_path: Path) -> Iterator[str]:
    binary = debian_binary(ALERTMANAGER, "prometheus-alertmanager")
    (tmp_path / "am.yml").write_text(CONFIG)
    port = free_port()
    proc = subprocess.Popen(
        [
            binary,
            f"--config.file={tmp_path / 'am.yml'}",
            f"--storage.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
            "--log.level=warn",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url + "/-/ready", proc)
        yield url
    finally:
        stop(proc)


def _signal(game: str, version: str) -> Signal:
    now = datetime.now(UTC)
    return Signal(
        "rtp",
        "RtpDrift",
        "page",
        (("game_id", game), ("game_version", version)),
        4.2,
        f"RTP of {game} {version} is drift",
        "z = 4.2",
        now - timedelta(hours=2),
        now,
        "rtp",
    )


def _until(check, timeout: float = 10.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def test_alerts_arrive_group_and_resolve_in_a_real_alertmanager(alertmanager: str) -> None:
    config = AlertingConfig(
        app_url="http://spinscope.example:8501",
        runbook_url="https://runbooks.example/{alertname}",
        receivers=(Receiver("am", "alertmanager", alertmanager),),
    )
    notifier = Notifier(config)
    delivered_before = STATS.counts[("am", "delivered")]
    try:
        now = datetime.now(UTC)
        state, events = step({}, [_signal("fortune-tiger", "1.4.0"), _signal("mega-vault", "2.0.1")], {"rtp"}, now)
        firing = list(state.values())
        notifier.submit(events, firing, [], lambda a: False, now)
        assert notifier.drain()

        def ours() -> list[dict]:
            return [
                a for a in httpx.get(alertmanager + "/api/v2/alerts").json() if a["labels"].get("source") == "spinscope"
            ]

        alerts = _until(lambda: len(ours()) == 2 and ours())
        assert alerts, "Alertmanager never listed the two alerts"
        tiger = next(a for a in alerts if a["labels"]["game_id"] == "fortune-tiger")
        assert tiger["labels"] == {
            "alertname": "RtpDrift",
            "severity": "page",
            "game_id": "fortune-tiger",
            "game_version": "1.4.0",
            "source": "spinscope",
        }
        assert tiger["status"]["state"] == "active"
        assert tiger["annotations"]["runbook_url"] == "https://runbooks.example/rtpdrift"
        assert tiger["annotations"]["investigate_url"].startswith(
            "http://spinscope.example:8501/investigate?signal=rtp&from="
        )
        assert "where=slot.game.id%3Dfortune-tiger" in tiger["annotations"]["investigate_url"]

        groups = _until(lambda: [g for g in httpx.get(alertmanager + "/api/v2/alerts/groups").json() if g["alerts"]])
        assert [(g["labels"], len(g["alerts"])) for g in groups] == [({"alertname": "RtpDrift"}, 2)]

        # One drift clears: the next round resolves it; Alertmanager ends it, the other stays active.
        later = datetime.now(UTC)  # a resolve ends the alert at its evaluation time, already past
        state, events = step(state, [_signal("mega-vault", "2.0.1")], {"rtp"}, later)
        resolved = [e for e in events if e.state == "resolved"]
        assert [e.label_map["game_id"] for e in resolved] == ["fortune-tiger"]
        notifier.submit(events, list(state.values()), resolved, lambda a: False, later)
        assert notifier.drain()
        remaining = _until(lambda: [a["labels"]["game_id"] for a in ours()] == ["mega-vault"] and ours())
        assert remaining, f"the resolve did not end the alert: {[a['labels'] for a in ours()]}"
        assert STATS.counts[("am", "delivered")] - delivered_before == 2 + 2  # two rounds of two alerts
    finally:
        notifier.stop()
