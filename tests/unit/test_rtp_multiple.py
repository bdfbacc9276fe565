"""Holm and Benjamini–Hochberg: the BH (1995) worked example, adjusted p-values by hand, stream states."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinscope.rtp import RtpSums, StreamTest, benjamini_hochberg, classify, holm, rtp_summary

# Benjamini & Hochberg (1995), section 4: 15 p-values from a clinical trial.
BH_1995 = [
    0.0001,
    0.0004,
    0.0019,
    0.0095,
    0.0201,
    0.0278,
    0.0298,
    0.0344,
    0.0459,
    0.3240,
    0.4262,
    0.5719,
    0.6528,
    0.7590,
    1.0000,
]


def test_bh_rejects_four_of_the_papers_fifteen_and_holm_three() -> None:
    bh, _ = benjamini_hochberg(BH_1995, 0.05)
    assert bh == [True] * 4 + [False] * 11  # 0.0095 <= 4·0.05/15 = 0.0133; 0.0201 > 5·0.05/15
    h, _ = holm(BH_1995, 0.05)
    assert h == [True] * 3 + [False] * 12  # 0.0019 <= 0.05/13; 0.0095 > 0.05/12


def test_adjusted_p_values_by_hand() -> None:
    p = [0.01, 0.04, 0.03, 0.005]
    # Holm: sorted 0.005, 0.01, 0.03, 0.04 → ×4, ×3, ×2, ×1 = 0.02, 0.03, 0.06, 0.04 → running max 0.06
    _, holm_adj = holm(p, 0.05)
    assert holm_adj == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # BH: m·p/rank = 0.02, 0.02, 0.04, 0.04 → running min from the top: same
    _, bh_adj = benjamini_hochberg(p, 0.05)
    assert bh_adj == pytest.approx([0.02, 0.04, 0.04, 0.02])


@given(st.lists(st.floats(0, 1), min_size=1, max_size=60), st.floats(0.001, 0.5))
def test_holm_rejections_are_a_subset_of_bh_at_the_same_level(p: list[float], level: float) -> None:
    h, h_adj = holm(p, level)
    b, b_adj = benjamini_hochberg(p, level)
    assert all(bi for hi, bi in zip(h, b, strict=True) if hi)
    assert all(pi - 1e-12 <= bi <= hi + 1e-12 for pi, bi, hi in zip(p, b_adj, h_adj, strict=True))


def test_classify_pages_on_holm_tickets_on_bh_and_skips_untested_streams() -> None:
    streams = [
        StreamTest(("ft", "1.4.2"), 0.0001, z=4.0),
        StreamTest(("ls", "2.0.1"), 0.0095, z=-2.6),
        StreamTest(("dh", "3.1.0"), 0.5, z=0.7),
        StreamTest(("new", "0.1"), None, untested="no_reference"),
        StreamTest(("mv", "1.0.0"), 0.012, z=2.5),
    ]
    got = [(d.key, d.state, d.control, d.direction) for d in classify(streams, alpha=0.05, q=0.10)]
    # m = 4: Holm 0.0001·4 = 0.0004 rejects, 0.0095·3 = 0.0285 rejects too, 0.012·2 = 0.024 → yes; 0.5 no.
    assert got == [
        (("ft", "1.4.2"), "drift", "holm", "over"),
        (("ls", "2.0.1"), "drift", "holm", "under"),
        (("dh", "3.1.0"), "ok", "bh", "over"),
        (("new", "0.1"), "no_reference", None, None),
        (("mv", "1.0.0"), "drift", "holm", "over"),
    ]
    watch = classify(
        [StreamTest("a", 0.001), StreamTest("b", 0.02), StreamTest("c", 0.03), StreamTest("d", 0.9)], alpha=0.01, q=0.10
    )
    # Holm at 0.01: 0.004 yes, 0.06 no. BH at 0.10: 0.004, 0.04, 0.04 → a, b, c.
    assert [(d.state, d.control) for d in watch] == [("drift", "holm"), ("watch", "bh"), ("watch", "bh"), ("ok", "bh")]
    assert watch[0].tested == 4


def test_stream_from_a_summary_carries_its_p_value_or_why_it_was_not_tested() -> None:
    from decimal import Decimal

    sums = RtpSums(10_000, Decimal(10_000), Decimal(9_000), Decimal(10_000), Decimal(0), Decimal(0))
    tested = StreamTest.from_summary("x", rtp_summary(sums, "0.96", "3"))
    assert tested.p_value == pytest.approx(rtp_summary(sums, "0.96", "3").p_value) and tested.z < 0
    assert StreamTest.from_summary("y", rtp_summary(sums, None, None)).untested == "no_reference"
