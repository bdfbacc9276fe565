"""The currency table: ISO 4217 minor units and crypto decimals, validated at load with messages that say the fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from spinscope.configuration import load_config, shipped_dir
from spinscope.currencies import DEFAULT_SCALE, CurrencyError, load_currencies, scale_of, shipped_currencies


def test_the_shipped_table_holds_iso_minor_units_and_crypto_decimals() -> None:
    table = shipped_currencies()
    # ISO 4217 List One: cents, none, fils/dinars in thousandths, and the two 4-digit units
    assert {c: table[c] for c in ("EUR", "USD", "GBP", "JPY", "KRW", "ISK", "CLP", "KWD", "BHD", "CLF", "UYW")} == {
        "EUR": 2, "USD": 2, "GBP": 2, "JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "KWD": 3, "BHD": 3, "CLF": 4, "UYW": 4,
    }  # fmt: skip
    assert {c: table[c] for c in ("BTC", "LTC", "DOGE", "ETH", "USDT")} == {
        "BTC": 8, "LTC": 8, "DOGE": 8, "ETH": 18, "USDT": 6,
    }  # fmt: skip
    assert scale_of(table, "XYZ") == DEFAULT_SCALE == 18
    assert all(0 <= s <= 18 for s in table.values()) and len(table) > 170


def test_the_config_carries_the_table_and_a_folder_without_one_uses_the_shipped(tmp_path: Path) -> None:
    assert load_config().currencies == shipped_currencies()
    folder = tmp_path / "config"
    shutil.copytree(shipped_dir() / "slos", folder / "slos")
    assert load_config(folder).currencies == shipped_currencies()
    (folder / "currencies.yaml").write_text("currencies:\n  EUR: 4\n  'NO': 2\n")
    assert load_config(folder).currencies == {"EUR": 4, "NO": 2}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("EUR: 2\n", r"x.yaml: currencies: missing or not a mapping; write `currencies:`"),
        ("currencies:\n  EUR: 19\n", r"x.yaml: currencies.EUR: scale 19 is not a whole number .* from 0 to 18; fix"),
        ("currencies:\n  EUR: 2.5\n", r"currencies.EUR: scale 2.5 is not a whole number"),
        ("currencies:\n  EUR: true\n", r"currencies.EUR: scale True is not a whole number"),
        ("currencies:\n  NO: 2\n", r"currencies: False is not a currency code; .* quoted if YAML"),
        ("currencies:\n  'E UR': 2\n", r"currencies: 'E UR' is not a currency code"),
        ("currencies: [\n", r"x.yaml: not valid YAML"),
    ],
)
def test_an_invalid_table_names_the_file_the_field_and_the_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(text)
    with pytest.raises(CurrencyError, match=message):
        load_currencies(path)


def test_an_invalid_table_fails_the_config_load(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    shutil.copytree(shipped_dir() / "slos", folder / "slos")
    (folder / "currencies.yaml").write_text("currencies:\n  EUR: -1\n")
    with pytest.raises(CurrencyError, match=r"currencies.yaml: currencies.EUR: scale -1"):
        load_config(folder)
