"""Week-over-week headline and top movers: exact Decimal arithmetic, per currency, never summed."""

from __future__ import annotations

from decimal import Decimal

from spinscope.export.derive import change, exact, headline, top_movers


def test_change_is_exact_and_relative_to_the_previous_magnitude() -> None:
    assert change(Decimal("7.25"), Decimal("2")) == (Decimal("5.25"), Decimal("2.625"))
    assert change(Decimal("-3"), Decimal("-1")) == (Decimal("-2"), Decimal("-2"))
    assert change(Decimal("1"), Decimal("0")) == (Decimal("1"), None)
    assert change(None, Decimal("1")) == (None, None)
    big = Decimal("99999999999999999999.000000000000000001")  # 38 digits: a 28-digit context would round
    assert change(big, Decimal("0.000000000000000001"))[0] == Decimal("99999999999999999999")
    assert change(Decimal(2), Decimal(3))[1] == Decimal("-0.333333333333333333")


def test_exact_keeps_floats_at_their_shortest_repr() -> None:
    assert exact(0.1) == Decimal("0.1") and exact(3) == Decimal(3) and exact(None) is None
    assert exact(0.0019323069251386898) == Decimal("0.001932306925138690")  # 19 places: fits decimal(38, 18)
    assert exact(1e-20) == 0


def test_headline_compares_each_currency_with_itself() -> None:
    now = [
        {"currency": "EUR", "spins": 5, "handle_amount": Decimal("7.25"), "rtp_ratio": Decimal("0.5")},
        {"currency": "KRW", "spins": 1, "handle_amount": Decimal("1000"), "rtp_ratio": None},
    ]
    then = [
        {"currency": "EUR", "spins": 1, "handle_amount": Decimal("2"), "rtp_ratio": Decimal("0.25")},
        {"currency": "USD", "spins": 2, "handle_amount": Decimal("5"), "rtp_ratio": Decimal("1")},
    ]
    rows = {(r["currency"], r["metric"]): r for r in headline(now, then)}
    assert {c for c, _ in rows} == {"EUR", "KRW", "USD"}  # no all-currency total
    eur = rows[("EUR", "handle_amount")]
    assert (eur["this_week"], eur["previous_week"], eur["change"], eur["change_ratio"], eur["unit"]) == (
        Decimal("7.25"),
        Decimal(2),
        Decimal("5.25"),
        Decimal("2.625"),
        "money",
    )
    assert rows[("EUR", "rtp_ratio")]["change"] == Decimal("0.25")
    # a currency missing one week: additive figures are 0, ratios unknown
    assert (rows[("KRW", "spins")]["previous_week"], rows[("KRW", "spins")]["change_ratio"]) == (0, None)
    assert (rows[("USD", "rtp_ratio")]["this_week"], rows[("USD", "rtp_ratio")]["change"]) == (None, None)
    assert rows[("USD", "handle_amount")]["change_ratio"] == Decimal(-1)


def test_top_movers_rank_new_keys_first_then_by_relative_change() -> None:
    def row(game: str, currency: str, ggr: str) -> dict:
        return {
            "game_id": game,
            "game_version": "1",
            "currency": currency,
            "ggr_amount": Decimal(ggr),
            "handle_amount": Decimal(0),
            "spins": 0,
            "active_players": 0,
        }

    now = [row("a", "EUR", "110"), row("b", "EUR", "50"), row("c", "KRW", "9000"), row("d", "EUR", "7")]
    then = [row("a", "EUR", "100"), row("b", "EUR", "100"), row("c", "KRW", "9000")]
    ggr = [r for r in top_movers(now, then) if r["metric"] == "ggr_amount"]
    assert [(r["rank"], r["game_id"], r["change"], r["change_ratio"], r["direction"]) for r in ggr] == [
        (1, "d", Decimal(7), None, "up"),
        (2, "b", Decimal(-50), Decimal("-0.5"), "down"),
        (3, "a", Decimal(10), Decimal("0.1"), "up"),
    ]  # c did not move: left out
    assert top_movers(now, then, per_metric=1)[0]["game_id"] == "d"
