"""Money literals as producers write them, and what `spins` must hold for each: one table for every ingest path.

Expected amounts and reasons are written out by hand (never computed by the code under test).
Currencies: EUR 2, KRW 0, BTC 8, ETH 18 (config/currencies.yaml); XYZ is not listed (18).
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import NamedTuple


class Case(NamedTuple):
    currency: str
    bet: str | None
    win: str | None
    bet_amount: D | None
    win_amount: D | None
    money_error: str


def _flag(key: str, digits: int, scale: int, of: str, raw: str) -> str:
    return f"{key} has {digits} fractional digits, more than the {scale} of {of} (a double written as text?): {raw}"


BET = "slot.bet.amount"
WIN = "slot.win.amount"

CASES: dict[str, Case] = {
    # accepted, exactly: the JVM's BigDecimal.toString() and every other decimal literal
    "btc-zero-at-scale-8": Case("BTC", "0.0001", "0E-8", D("0.0001"), D("0"), ""),
    "btc-exponent-upper": Case("BTC", "1.5E+3", "1.234567E-2", D("1500"), D("0.01234567"), ""),
    "btc-exponent-lower": Case("BTC", "1.5e+3", "15e-1", D("1500"), D("1.5"), ""),
    "btc-one-satoshi": Case("BTC", "0.00000001", "0.000000010", D("0.00000001"), D("0.00000001"), ""),
    "eur-plain": Case("EUR", "12.50", "0.00", D("12.5"), D("0"), ""),
    "eur-exponent-and-trailing-zeros": Case("EUR", "1250E-2", "1.500", D("12.5"), D("1.5"), ""),
    "eur-forms": Case("EUR", ".5", "5.", D("0.5"), D("5"), ""),
    "eur-plus-sign": Case("EUR", "+7", "0E+3", D("7"), D("0"), ""),
    "krw-exponent": Case("KRW", "1E+3", "25E2", D("1000"), D("2500"), ""),
    "eth-one-wei": Case("ETH", "0.000000000000000001", "1E-18", D("1E-18"), D("1E-18"), ""),
    "unlisted-extremes": Case(
        "XYZ",
        "12345678901234567890.123456789012345678",
        "99999999999999999999",
        D("12345678901234567890.123456789012345678"),
        D("99999999999999999999"),
        "",
    ),
    "unlisted-long-mantissa": Case(
        "XYZ", "1.000000000000000000000E+3", "0.00000000000000000000000000001E+28", D("1000"), D("0.1"), ""
    ),
    "leading-zeros": Case("EUR", "0001.10", "000", D("1.1"), D("0"), ""),
    # refused, each with its reason
    "eur-double-as-text": Case(
        "EUR", "0.30000000000000004", "0", None, None, _flag(BET, 17, 2, "EUR", "0.30000000000000004")
    ),
    "eur-win-too-fine": Case("EUR", "1", "0.1E-2", None, None, _flag(WIN, 3, 2, "EUR", "0.1E-2")),
    "krw-fraction": Case("KRW", "1000.5", "0", None, None, _flag(BET, 1, 0, "KRW", "1000.5")),
    "btc-below-satoshi": Case("BTC", "0.000000001", "0", None, None, _flag(BET, 9, 8, "BTC", "0.000000001")),
    "unlisted-19-digits": Case("XYZ", "1", "1e-19", None, None, _flag(WIN, 19, 18, 'unlisted currency "XYZ"', "1e-19")),
    "out-of-range": Case(
        "XYZ", "1E+20", "0", None, None, f"{BET} is out of range (more than 20 integer digits): 1E+20"
    ),
    "exponent-out-of-range": Case(
        "EUR",
        "1E99999999999999999999",
        "0",
        None,
        None,
        f"{BET} is out of range (more than 20 integer digits): 1E99999999999999999999",
    ),
    "empty": Case("EUR", "", "0", None, None, f"{BET} is empty"),
    "missing-win": Case("EUR", "1", None, None, None, f"{WIN} is missing"),
    "nan": Case("EUR", "NaN", "0", None, None, f"{BET} is not finite: NaN"),
    "infinity": Case("EUR", "1", "Infinity", None, None, f"{WIN} is not finite: Infinity"),
    "minus-inf": Case("EUR", "-inf", "0", None, None, f"{BET} is not finite: -inf"),
    "negative": Case("EUR", "-1", "0", None, None, f"{BET} is negative: -1"),
    "negative-zero-exponent": Case("BTC", "1", "-0E-8", None, None, f"{WIN} is negative: -0E-8"),
    "comma": Case("EUR", "1,5", "0", None, None, f"{BET} is not a decimal amount: 1,5"),
    "space": Case("EUR", " 1", "0", None, None, f"{BET} is not a decimal amount:  1"),
    "exponent-alone": Case("EUR", "e5", "0", None, None, f"{BET} is not a decimal amount: e5"),
    "dot-alone": Case("EUR", ".", "0", None, None, f"{BET} is not a decimal amount: ."),
    "dangling-exponent": Case("EUR", "1e", "0", None, None, f"{BET} is not a decimal amount: 1e"),
    "hex": Case("EUR", "0x10", "0", None, None, f"{BET} is not a decimal amount: 0x10"),
}


def attributes(spin_id: str, case: Case) -> dict[str, str]:
    """The spin span's attributes for one case (money left out where the case has None)."""
    attrs = {
        "slot.spin.id": spin_id,
        "slot.game.id": "g1",
        "slot.game.version": "1",
        "slot.currency": case.currency,
        "slot.spin.mode": "paid",
    }
    if case.bet is not None:
        attrs[BET] = case.bet
    if case.win is not None:
        attrs[WIN] = case.win
    return attrs


def expected() -> dict[str, tuple[D | None, D | None, str]]:
    return {name: (c.bet_amount, c.win_amount, c.money_error) for name, c in CASES.items()}


def stored(client) -> dict[str, tuple[D | None, D | None, str]]:  # type: ignore[no-untyped-def]
    """spins' money columns by spin id, amounts normalised (Decimal('1.50') == Decimal('1.5') anyway)."""
    rows = client.query("SELECT spin_id, bet_amount, win_amount, money_error FROM spins FINAL").result_rows
    return {spin_id: (bet, win, error) for spin_id, bet, win, error in rows}
