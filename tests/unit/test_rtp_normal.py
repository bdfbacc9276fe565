"""Normal distribution without scipy: textbook quantiles and tail probabilities, and round trips."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinscope.rtp import normal_cdf, normal_isf, normal_quantile, normal_sf, two_sided_p, z_two_sided


@pytest.mark.parametrize(
    ("confidence", "z"),
    [(0.90, 1.6448536269514722), (0.95, 1.959963984540054), (0.99, 2.5758293035489004)],
)
def test_two_sided_critical_values_are_the_textbook_ones(confidence: float, z: float) -> None:
    assert z_two_sided(confidence) == pytest.approx(z, abs=1e-13)
    assert round(z_two_sided(confidence), 3) == {0.90: 1.645, 0.95: 1.960, 0.99: 2.576}[confidence]


def test_quantiles_of_common_probabilities() -> None:
    assert normal_quantile(0.5) == 0.0
    assert normal_quantile(0.8) == pytest.approx(0.8416212335729143, abs=1e-13)
    assert normal_quantile(0.975) == pytest.approx(1.959963984540054, abs=1e-13)
    assert normal_quantile(0.025) == pytest.approx(-1.959963984540054, abs=1e-13)
    assert normal_quantile(1e-10) == pytest.approx(-6.361340902404056, rel=1e-12)


def test_bonferroni_thresholds_of_the_research_table() -> None:
    # two-sided family α = 0.05: m = 100 → 3.48, 500 → 3.89, 2000 → 4.21
    assert [round(normal_isf(0.05 / (2 * m)), 2) for m in (1, 100, 500, 2000)] == [1.96, 3.48, 3.89, 4.21]


def test_tail_probabilities() -> None:
    assert normal_cdf(0.0) == 0.5
    assert normal_cdf(1.959963984540054) == pytest.approx(0.975, abs=1e-15)
    assert two_sided_p(1.959963984540054) == pytest.approx(0.05, abs=1e-15)
    assert two_sided_p(-2.5758293035489004) == pytest.approx(0.01, abs=1e-15)
    assert normal_sf(8.0) == pytest.approx(6.22096057427178e-16, rel=1e-12)  # no 1 − cdf cancellation


@given(st.floats(min_value=1e-300, max_value=1 - 1e-12, allow_nan=False))
def test_quantile_inverts_the_cdf(p: float) -> None:
    x = normal_quantile(p)
    assert normal_cdf(x) == pytest.approx(p, rel=1e-12, abs=1e-15)


@given(st.floats(min_value=1e-300, max_value=0.5))
def test_isf_is_the_mirrored_quantile(q: float) -> None:
    assert normal_isf(q) == pytest.approx(-normal_quantile(q), rel=1e-15)
    assert normal_sf(normal_isf(q)) == pytest.approx(q, rel=1e-12)


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.1, math.nan])
def test_probabilities_outside_the_open_interval_are_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        normal_quantile(bad)
