"""Traffic anomaly and no-data statistics (spinscope/alerts/traffic.py): known answers by hand."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from spinscope.alerts.config import AlertingConfigError, NoDataRule, TrafficRule, parse_alerting
from spinscope.alerts.rules import no_data_signals, traffic_signals
from spinscope.alerts.traffic import (
    History,
    alpha_of,
    binomial_lower_tail,
    dispersion,
    rate_test,
    silence_verdict,
    traffic_verdict,
    window_ladder,
)

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
DAY_BUCKETS = 288  # 5-minute buckets in the 24 h span before each lag
ALPHA = alpha_of(5.0)


def test_alpha_is_the_one_sided_normal_tail() -> None:
    assert pytest.approx(2.866515718791939e-07) == ALPHA


def test_dispersion_is_pearsons_statistic_across_lags_per_offset() -> None:
    # offset 0: counts 10 and 30 around 20 → (100 + 100) / 20 = 10; offset 1: 20 and 20 → 0; df = 2
    assert dispersion([[10, 20], [30, 20]]) == pytest.approx(5.0)
    assert dispersion([[1, 2], [2, 1]]) == 1.0  # (0.25+0.25)/1.5 per offset: below Poisson, floored at 1
    assert dispersion([[10, 20]]) == 1.0  # one lag: nothing to measure


def test_binomial_lower_tail() -> None:
    assert binomial_lower_tail(1, 4, 0.5) == pytest.approx(5 / 16)  # (C(4,0) + C(4,1)) / 2^4
    assert binomial_lower_tail(0, 30, 1 / 3) == pytest.approx((2 / 3) ** 30)
    assert binomial_lower_tail(2, 4, 0.5) == 1.0  # at the mean: not a lower tail


def test_rate_test_scales_the_counts_by_the_dispersion() -> None:
    # no spin now against 30 over 2 lags: Binomial(30, 1/3) at 0; with φ = 10 the counts are 0 and 3
    assert rate_test(0, 30, 2, 1.0) == pytest.approx((2 / 3) ** 30)
    assert rate_test(0, 30, 2, 10.0) == pytest.approx((2 / 3) ** 3)


def test_window_ladder_doubles_up_to_the_longest() -> None:
    assert window_ladder(15, 720) == [15, 30, 60, 120, 240, 480, 720]
    assert window_ladder(15, 15) == [15]


def steady(per_bucket: int) -> list[int]:
    return [per_bucket] * DAY_BUCKETS


def test_a_steady_stream_that_stops_is_an_anomaly() -> None:
    history = History(5, [0, 0, 0], [steady(100), steady(100)])  # 300 a window as usual, none now
    v = traffic_verdict(history, 15, 15, 0.3, 200, ALPHA)
    assert (v.anomalous, v.window_minutes, v.expected, v.dispersion) == (True, 15, 300.0, 1.0)
    assert v.p == pytest.approx((2 / 3) ** 600)
    half = traffic_verdict(History(5, [50, 50, 50], [steady(100), steady(100)]), 15, 15, 0.3, 200, ALPHA)
    assert not half.anomalous and half.ratio == 0.5  # significant, but not below 30 % of the usual


def test_a_bursty_stream_that_stops_is_not_enough_evidence() -> None:
    # windows of 300 and 900 across the two lags: φ = (300² + 300²) / 600 = 300 at every offset
    v = traffic_verdict(History(5, [0, 0, 0], [steady(100), steady(300)]), 15, 15, 0.3, 200, ALPHA)
    assert v.dispersion == pytest.approx(300.0) and v.expected == 600.0
    assert v.p == pytest.approx((2 / 3) ** 4) and not v.anomalous  # counts 0 and 1200/300 = 4


def test_a_longer_window_answers_when_the_short_one_cannot() -> None:
    # 15 min: windows of 300 and 900 (φ = 300, p = (2/3)^4); 30 min: the lags alternate within
    # the hour so both lags hold 1200 a half hour: φ = 1, and none in the last half hour is news
    lag_a = [100, 100, 100, 300, 300, 300] * (DAY_BUCKETS // 6)
    lag_b = [300, 300, 300, 100, 100, 100] * (DAY_BUCKETS // 6)
    v = traffic_verdict(History(5, [0] * 6, [lag_a, lag_b]), 15, 30, 0.3, 200, ALPHA)
    assert (v.anomalous, v.window_minutes, v.expected, v.dispersion) == (True, 30, 1200.0, 1.0)
    assert v.p == pytest.approx((2 / 3) ** 2400)


def test_a_quiet_or_new_stream_is_not_judged() -> None:
    assert (
        traffic_verdict(History(5, [0] * 3, [steady(10), steady(10)]), 15, 15, 0.3, 200, ALPHA).window_minutes is None
    )
    one_lag = traffic_verdict(History(5, [0] * 3, [steady(100), [0] * DAY_BUCKETS]), 15, 15, 0.3, 200, ALPHA)
    assert one_lag.lags == 1 and not one_lag.anomalous  # φ needs two lags with traffic


def test_no_data_when_a_silence_is_improbable_for_the_stream() -> None:
    steady_before = [0, 0] + [50] * 10  # latest first: 10 silent minutes after 50 minutes at 10 a minute
    v = silence_verdict(History(5, steady_before, []), 10, 60, 100, 1e-6)
    assert v.silent and v.expected == 100 and v.p == pytest.approx(math.exp(-100))
    bursty = [
        0,
        0,
        0,
        0,
        0,
        0,
        250,
        250,
        0,
        0,
        0,
        0,
    ]  # latest first: 10 silent minutes after 10-minute chunks 0, 0, 500, 0, 0
    b = silence_verdict(History(5, bursty, []), 10, 60, 100, 1e-6)
    phi = (4 * 100**2 + 400**2) / 4 / 100  # sample variance over mean of the chunks
    assert b.dispersion == pytest.approx(phi) and b.p == pytest.approx(math.exp(-100 / 500))
    assert not b.silent
    assert not silence_verdict(History(5, [1, 0] + [50] * 10, []), 10, 60, 100, 1e-6).silent  # a spin came
    # the baseline says these minutes usually hold 2 spins: silence is no news, whatever the last hour did
    quiet_usually = silence_verdict(History(5, steady_before, [steady(1), steady(1)]), 10, 60, 100, 1e-6)
    assert quiet_usually.expected == 2.0 and not quiet_usually.silent


def test_signals_carry_scope_labels() -> None:
    histories = {(("game_id", "g1"),): History(5, [0, 0] + [50] * 142, []), (): History(5, [3] + [100] * 143, [])}
    out = no_data_signals(histories, NoDataRule(silent_for_s=600, lookback_s=3600, min_spins=100), T0)
    assert [s.all_labels for s in out] == [{"alertname": "NoData", "severity": "page", "game_id": "g1"}]
    rule = TrafficRule(window_s=900, max_window_s=900)
    drop = {(("region", "r1"),): History(5, [0] * 144, [steady(100), steady(100)])}
    (signal,) = traffic_signals(drop, rule, T0)
    assert signal.all_labels == {"alertname": "TrafficAnomaly", "severity": "page", "region": "r1"}
    assert signal.value == 0.0 and signal.window_start == datetime(2026, 11, 24, 11, 45, tzinfo=UTC)


def test_traffic_settings_are_checked() -> None:
    with pytest.raises(AlertingConfigError, match=r"rules\.traffic\.window: 420s is not a whole number"):
        parse_alerting({"rules": {"traffic": {"window": "7m"}}}, "a.yaml")
    with pytest.raises(AlertingConfigError, match=r"rules\.traffic: fewer than 2 baseline lags"):
        parse_alerting({"rules": {"traffic": {"days": 0, "weeks": 1}}}, "a.yaml")
    with pytest.raises(AlertingConfigError, match=r"rules\.traffic\.max_window: not between window and 12h"):
        parse_alerting({"rules": {"traffic": {"max_window": "1d"}}}, "a.yaml")
    rule = parse_alerting({"rules": {"traffic": {"days": 2, "weeks": 1}}}, "a.yaml").traffic
    assert rule.lags_s == (86400, 172800, 604800)
