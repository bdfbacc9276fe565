"""Compliance settings (config/compliance.yaml) and one window's verdict, with hand-computed answers."""

from __future__ import annotations

import math
import shutil
from decimal import Decimal
from pathlib import Path
from statistics import NormalDist

import pytest

from spinscope.configuration import LiveConfig, load_config, shipped_dir
from spinscope.rtp.compliance import (
    ComplianceSettings,
    ComplianceSettingsError,
    judge,
    parse_compliance_settings,
)
from spinscope.rtp.stats import RtpSums


def test_the_shipped_settings_load_with_bands_per_currency() -> None:
    settings = load_config().compliance
    assert (settings.window_days, settings.confidence, settings.precision) == (30, Decimal("0.99"), Decimal("0.02"))
    assert settings.band_labels("EUR") == ("< 1", "1 to < 10", ">= 10", "unattributed")
    assert [settings.band_of("EUR", Decimal(s)) for s in ("0.2", "1", "9.99", "10", "100")] == [
        "< 1",
        "1 to < 10",
        "1 to < 10",
        ">= 10",
        ">= 10",
    ]
    assert settings.band_of("EUR", None) == "unattributed"
    assert settings.band_of("XYZ", Decimal("5")) == "all stakes"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"stake_bands": {"EUR": ["10", "1"]}}, r"stake_bands\.EUR\[1\]: 1 must be greater than 10"),
        ({"stake_bands": {"EUR": [0.5]}}, r"stake_bands\.EUR\[0\]: expected a decimal string .* \(quote it"),
        ({"stake_bands": {"EUR": ["0"]}}, r"stake_bands\.EUR\[0\]: 0 must be greater than 0"),
        ({"confidence": "1.2"}, r"confidence: 1.2 must be in \[0.5, 1\)"),
        ({"precision": "0"}, r"precision: 0 must be in \(0, 1\]"),
        ({"window_days": 0}, r"window_days: 0: give whole days from 1 to 366"),
        ({"windowdays": 30}, r"unknown field\(s\) windowdays; known fields"),
    ],
)
def test_invalid_settings_name_the_file_field_and_fix(document: dict, message: str) -> None:
    with pytest.raises(ComplianceSettingsError, match=r"^compliance.yaml: " + message):
        parse_compliance_settings(document)


def test_a_broken_compliance_file_keeps_a_running_service_on_its_last_good_settings(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    shutil.copytree(shipped_dir(), folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    live = LiveConfig.load(folder)
    (folder / "compliance.yaml").write_text('window_days: 7\nstake_bands:\n  EUR: ["2"]\n')
    assert live.reload()
    assert live.get().compliance.window_days == 7
    (folder / "compliance.yaml").write_text('stake_bands:\n  EUR: ["2", "1"]\n')
    assert not live.reload()
    assert "compliance.yaml: stake_bands.EUR[1]" in (live.last_error or "")
    assert live.get().compliance.stake_bands == {"EUR": (Decimal("2"),)}


def test_a_folder_without_compliance_yaml_gets_the_defaults(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    shutil.copytree(shipped_dir() / "slos", folder / "slos")
    assert load_config(folder).compliance == ComplianceSettings()


SETTINGS = ComplianceSettings(30, Decimal("0.99"), Decimal("0.02"))
MU, SIGMA = Decimal("0.96"), Decimal("2")


def needed(sigma: float = 2.0) -> int:
    return math.ceil((NormalDist().inv_cdf(0.995) * sigma / 0.02) ** 2)


def test_below_the_volume_the_decision_says_how_many_spins_are_still_needed() -> None:
    # 1,000 paid spins of 1 and 1,000 free spins: n_eff 1,000, two recorded spins per effective spin
    sums = RtpSums(2000, Decimal(1000), Decimal(900), Decimal(1000), Decimal(5000), Decimal(450))
    row = judge(sums, 1000, MU, SIGMA, SETTINGS)
    assert (row["decision"], row["control"]) == ("insufficient volume", "volume")
    assert row["spins_still_needed"] == math.ceil(needed() * 2) - 2000
    assert row["variance_points"] == Decimal("-6")  # (0.9 - 0.96) x 100
    assert row["variance_amount"] == Decimal("-60")  # 900 - 0.96 x 1000


def test_past_the_volume_the_band_decides_within_or_outside() -> None:
    n = needed()
    half = NormalDist().inv_cdf(0.995) * 2 / math.sqrt(n)
    inside = Decimal(str(round(0.96 * n + 0.9 * half * n, 2)))  # wins just inside the upper edge
    outside = Decimal(str(round(0.96 * n + 1.1 * half * n, 2)))
    for wins, decision in ((inside, "within"), (outside, "outside")):
        sums = RtpSums(n, Decimal(n), wins, Decimal(n), Decimal(4 * n), wins)
        row = judge(sums, n, MU, SIGMA, SETTINGS)
        assert (row["decision"], row["control"], row["spins_still_needed"]) == (decision, "band", None)
        assert row["range_high"] == Decimal(repr(0.96 + half)).quantize(Decimal("1e-6"))


def test_no_play_is_no_activity_and_no_catalog_figure_is_no_reference() -> None:
    assert judge(RtpSums.zero(), 0, MU, SIGMA, SETTINGS)["decision"] == "No Activity"
    row = judge(RtpSums(1, Decimal(1), Decimal(2), Decimal(1), Decimal(4), Decimal(2)), 1, None, None, SETTINGS)
    assert (row["decision"], row["control"], row["actual_rtp"], row["z"]) == ("no reference", "reference", 2, None)
