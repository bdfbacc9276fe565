"""The one sentence Investigate says about its top finding."""

from __future__ import annotations

from spinscope.app import findings

RANKED = {
    "baseline": "good spins",
    "selection_total": 1_000,  # errored spins
    "baseline_total": 99_000,  # good spins
    "rows": [
        {
            "attribute": "wallet.provider",
            "value": "paybridge",
            "selection_count": 840,
            "baseline_count": 9_000,
            "selection_ratio": 0.84,
            "baseline_ratio": 9_000 / 99_000,
            "share": 0.824,
        }
    ],
}


def test_relative_risk_is_the_error_rate_with_the_value_over_the_rate_without() -> None:
    # with paybridge: 840 errors in 9,840 spins; without: 160 errors in 90,160 spins
    expected = (840 / 9_840) / (160 / 90_160)
    assert findings.relative_risk(RANKED["rows"][0], RANKED) == expected
    assert round(expected, 1) == 48.1


def test_the_sentence_names_the_value_the_risk_and_the_share_explained() -> None:
    assert findings.headline("errors", RANKED) == (
        "Errors are 48.1× more likely when **wallet.provider = paybridge**; it explains 82 % of the errored spins."
    )


def test_against_another_window_it_compares_shares_instead() -> None:
    other = {**RANKED, "baseline": "window"}
    assert findings.headline("latency", other) == (
        "**wallet.provider = paybridge** marks 84 % of the slow spins against 9 % of the baseline; "
        "it explains 82 % of the slow spins."
    )


def test_the_rankings_own_explanation_wins() -> None:
    assert findings.headline("errors", {**RANKED, "explanation": "Walletly times out."}) == "Walletly times out."
    assert findings.headline("errors", {"rows": []}) is None
