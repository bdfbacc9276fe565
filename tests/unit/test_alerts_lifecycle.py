"""The alert lifecycle and the pure rules: known answers, computed by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from spinscope.alerts.config import AlertingConfigError, NoDataRule, TrafficRule, parse_alerting
from spinscope.alerts.lifecycle import step
from spinscope.alerts.payloads import alertmanager_alerts, investigate_url, sign, verify, webhook_body
from spinscope.alerts.rules import Signal, fingerprint
from spinscope.alerts.silences import SilenceError, covers, parse_matchers

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def signal(rule: str = "rtp", severity: str = "page", game: str = "g1", value: float = 4.0) -> Signal:
    return Signal(rule, "RtpDrift", severity, (("game_id", game),), value, "s", "d", T0 - timedelta(hours=1), T0, "rtp")


def test_a_condition_fires_at_once_without_pending_for_and_resolves_when_it_clears() -> None:
    state, events = step({}, [signal()], {"rtp"}, T0)
    assert [(e.state, e.at) for e in events] == [("firing", T0)]
    state, events = step(state, [signal(value=5.0)], {"rtp"}, T0 + MIN)
    assert events == [] and state[signal().fingerprint].value == 5.0  # still firing: no new transition
    state, events = step(state, [], {"rtp"}, T0 + 2 * MIN)
    assert [(e.state, e.fired_at, e.resolved_at) for e in events] == [("resolved", T0, T0 + 2 * MIN)]
    assert state == {}


def test_pending_for_holds_the_alert_pending_and_a_short_blip_is_inactive_never_firing() -> None:
    wait = {"page": timedelta(minutes=5)}
    state, events = step({}, [signal()], {"rtp"}, T0, wait)
    assert [e.state for e in events] == ["pending"]
    state, events = step(state, [signal()], {"rtp"}, T0 + 4 * MIN, wait)
    assert events == []
    _, events = step(state, [signal()], {"rtp"}, T0 + 5 * MIN, wait)
    assert [(e.state, e.active_since, e.fired_at) for e in events] == [("firing", T0, T0 + 5 * MIN)]
    _, events = step(state, [], {"rtp"}, T0 + 4 * MIN, wait)
    assert [e.state for e in events] == ["inactive"]


def test_a_rule_that_was_not_evaluated_keeps_its_alerts_as_they_were() -> None:
    state, _ = step({}, [signal()], {"rtp"}, T0)
    after, events = step(state, [], {"slo_burn_rate"}, T0 + MIN)  # the RTP query failed this round
    assert events == [] and after == state


def test_fingerprint_is_the_label_set_whatever_the_order() -> None:
    assert fingerprint({"a": "1", "b": "2"}) == fingerprint({"b": "2", "a": "1"})
    assert fingerprint({"a": "1"}) != fingerprint({"a": "2"})
    assert signal(game="g1").fingerprint != signal(game="g2").fingerprint


def test_alerting_yaml_errors_name_the_file_the_field_and_the_fix() -> None:
    with pytest.raises(AlertingConfigError, match=r"a\.yaml: routes\[0\]\.receivers: no receiver named 'pager'"):
        parse_alerting(
            {
                "receivers": [{"name": "am", "kind": "alertmanager", "url": "http://x"}],
                "routes": [{"receivers": ["pager"]}],
            },
            "a.yaml",
        )
    with pytest.raises(
        AlertingConfigError, match=r"a\.yaml: receivers\[0\]\.kind: .* use one of: alertmanager, webhook"
    ):
        parse_alerting({"receivers": [{"name": "x", "kind": "pagerduty", "url": "http://x"}]}, "a.yaml")
    with pytest.raises(AlertingConfigError, match=r"repeat_interval: .* write e.g. 30s"):
        parse_alerting({"repeat_interval": "soon"}, "a.yaml")
    cfg = parse_alerting(
        {
            "receivers": [
                {"name": "am", "kind": "alertmanager", "url": "http://127.0.0.1:9093/"},
                {"name": "hook", "kind": "webhook", "url": "http://h", "format": "slack"},
            ],
            "routes": [{"match": {"severity": "page"}, "receivers": ["am", "hook"]}, {"receivers": ["am"]}],
            "repeat_interval": "1h",
        },
        "a.yaml",
    )
    assert cfg.repeat_interval_s == 3600 and cfg.receivers[0].url == "http://127.0.0.1:9093"
    assert cfg.receivers_for({"severity": "page"}) == ("am", "hook")
    assert cfg.receivers_for({"severity": "ticket"}) == ("am",)


def test_investigate_link_carries_the_window_and_filters_the_page_reads() -> None:
    from urllib.parse import parse_qs, urlsplit

    from spinscope.app.investigation import parse

    alert = step({}, [signal()], {"rtp"}, T0 + timedelta(seconds=30))[1][0]
    url = investigate_url("http://app:8501/", alert)
    parts = urlsplit(url)
    assert parts.path == "/investigate"
    query = parse_qs(parts.query)
    state = parse({k: v[-1] for k, v in query.items()}, query["where"])
    assert (state.signal, state.start, state.end) == ("rtp", T0 - timedelta(hours=1), T0)
    assert state.where == (("slot.game.id", "g1"),)


def test_alertmanager_alerts_end_in_the_future_while_firing_and_at_the_resolve_after() -> None:
    state, (fired,) = step({}, [signal()], {"rtp"}, T0)
    (body,) = alertmanager_alerts([fired], "http://app", "http://rb/{alertname}", T0, timedelta(minutes=4))
    assert body["labels"] == {"alertname": "RtpDrift", "severity": "page", "game_id": "g1", "source": "spinscope"}
    assert (body["startsAt"], body["endsAt"]) == ("2026-11-24T12:00:00.000Z", "2026-11-24T12:04:00.000Z")
    assert body["annotations"]["runbook_url"] == "http://rb/rtpdrift"
    _, (resolved,) = step(state, [], {"rtp"}, T0 + 3 * MIN)
    (body,) = alertmanager_alerts([resolved], "http://app", "", T0 + 10 * MIN, timedelta(minutes=4))
    assert body["endsAt"] == "2026-11-24T12:03:00.000Z"


def test_webhook_signature_is_hmac_sha256_of_the_exact_body() -> None:
    import hashlib
    import hmac

    _, (fired,) = step({}, [signal()], {"rtp"}, T0)
    body = webhook_body(fired, "hook", "http://app", "rb")
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert sign(body, "s3cret") == expected and verify(body, "s3cret", expected)
    assert not verify(body + b" ", "s3cret", expected) and not verify(body, "other", expected)
    slack = webhook_body(fired, "hook", "http://app", "rb", "slack")
    assert b'"text":":rotating_light: [FIRING:page] s"' in slack


def test_silences_match_every_matcher_within_their_span() -> None:
    s = {"silence_id": "x", "matchers": parse_matchers(["game_id=g1"]), "starts_at": T0, "ends_at": T0 + MIN}
    assert covers(s, {"game_id": "g1", "alertname": "RtpDrift"}, T0)
    assert not covers(s, {"game_id": "g2"}, T0)
    assert not covers(s, {"game_id": "g1"}, T0 + MIN)
    with pytest.raises(SilenceError):
        parse_matchers([])
    with pytest.raises(SilenceError):
        parse_matchers(["game_id"])


def test_the_shipped_alerting_yaml_loads_into_config_and_a_broken_one_names_file_and_field(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from spinscope.configuration import load_config, shipped_dir

    shipped = load_config().alerting
    assert shipped.source.endswith("alerting.yaml") and shipped.receivers == ()
    assert shipped.traffic == TrafficRule() and shipped.no_data == NoDataRule()  # the file states the defaults
    folder = tmp_path / "config"
    shutil.copytree(shipped_dir(), folder)
    (folder / "alerting.yaml").write_text("receivers:\n  - {name: am, kind: alertmanager, url: ftp://x}\n")
    with pytest.raises(AlertingConfigError, match=r"alerting\.yaml: receivers\[0\]\.url: 'ftp://x' is not an http"):
        load_config(folder)
