"""queries/rca/rca_rtp_rounds on the real engine: wins counted in stakes, free spins in the stake that won them."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from spinscope.configuration import load_config
from spinscope.queries.loader import run
from spinscope.rca.rank import rank
from tests.sql.spans import RECENT_NOON, Spin, insert_spins

T0 = RECENT_NOON  # raw spans: within the raw tables' TTL whatever the date
START, END = T0, T0 + timedelta(hours=1)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


CELL = {
    "slot.game.id": "game_id",
    "slot.game.version": "game_version",
    "cloud.region": "region",
    "service.instance.id": "instance_id",
    "slot.channel": "channel",
    "slot.currency": "currency",
}


def rows(client, where: dict[str, str] | None = None) -> dict[tuple[str, str, str], dict]:  # type: ignore[no-untyped-def]
    """The model's cells summed per (attribute, value, game), ('*', '*', game) for the total."""
    keys, values = list((where or {}).keys()), list((where or {}).values())
    cells = run(
        client,
        "rca/rca_rtp_rounds",
        start=START.replace(tzinfo=None),
        end=END.replace(tzinfo=None),
        where_keys=keys,
        where_values=values,
    )
    out: dict[tuple[str, str, str], dict] = {}
    for cell in cells:
        for attribute, value in [("*", "*"), *((a, cell[c]) for a, c in CELL.items())]:
            acc = out.setdefault(
                (attribute, value, cell["game_id"]),
                {"spins_count": 0, "paid": 0, "unstaked": 0, "stakes_won": Decimal(0)},
            )
            for k in ("spins_count", "paid", "unstaked"):
                acc[k] += int(cell[k])
            acc["stakes_won"] += Decimal(cell["stakes_won"])
    return out


def test_free_spins_count_in_the_stake_of_the_paid_spin_before_them(store_client) -> None:  # type: ignore[no-untyped-def]
    insert_spins(
        store_client,
        [
            # session s1: a 10.00 paid spin 30 min before the window triggers free spins that run into it
            Spin("a", at(-30), bet="10.00", win="0", session_id="s1", feature="free_spins"),
            Spin("b", at(1), bet="0", win="25.00", mode="free", session_id="s1"),
            Spin("c", at(2), bet="2.00", win="3.00", session_id="s1"),
            Spin("d", at(3), bet="0", win="1.00", mode="free", session_id="s1"),  # in 2.00 stakes: 0.5
            # another player with the same session id is another session: a 0.20 stake
            Spin("e", at(4), bet="0.20", win="0", player_id="p2", session_id="s1", currency="USD", region="ap"),
            Spin(
                "f",
                at(5),
                bet="0",
                win="0.60",
                mode="free",
                player_id="p2",
                session_id="s1",
                currency="USD",
                region="ap",
            ),
            # a free spin without a session cannot be weighed; one whose paid spin is over an hour old neither
            Spin("g", at(6), bet="0", win="9.00", mode="free", session_id=""),
            Spin("h", at(-90), bet="5.00", win="0", session_id="s9"),
            Spin("i", at(7), bet="0", win="9.00", mode="free", session_id="s9"),
            # errored spins are not settled; spins after the window are out
            Spin("j", at(8), bet="1.00", win="0", error_type="wallet_timeout"),
            Spin("k", at(61), bet="1.00", win="100.00"),
        ],
    )
    got = rows(store_client)
    total = got[("*", "*", "fortune-tiger")]
    # b: 25/10 = 2.5, c: 3/2 = 1.5, d: 1/2 = 0.5, e: 0, f: 0.60/0.20 = 3 -> 7.5 stakes over 2 paid rounds (c, e)
    assert (total["spins_count"], total["paid"], total["unstaked"]) == (7, 2, 2)
    assert Decimal(total["stakes_won"]) == Decimal("7.5")
    usd = got[("slot.currency", "USD", "fortune-tiger")]
    assert (usd["paid"], Decimal(usd["stakes_won"])) == (1, Decimal("3"))
    only_eu = rows(store_client, {"cloud.region": "eu-west-1"})
    assert Decimal(only_eu[("*", "*", "fortune-tiger")]["stakes_won"]) == Decimal("4.5")


def test_rank_weighs_every_round_alike_whatever_its_stake(store_client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # fortune-tiger (catalog RTP 0.966481, sigma 7.4894): one high roller loses 1,000 rounds of 100.00 while
    # 1,000 players of 0.20 win 3 stakes a round. In money the high roller's loss hides them; in rounds the
    # game paid 1,000·3 + 0 = 3,000 stakes over 2,000 rounds against 1,932.962 expected.
    spins = [
        Spin(f"w{i}", at(i * 0.003), bet="100.00", win="0", player_id="whale", session_id="w", region="us-east-1")
        for i in range(1_000)
    ]
    spins += [
        Spin(f"m{i}", at(i * 0.003), bet="0.20", win="0.60", player_id=f"p{i}", session_id=f"s{i}")
        for i in range(1_000)
    ]
    insert_spins(store_client, spins)
    ranked = rank(store_client, "rtp", START, END, catalog=load_config().catalog)
    mu, sigma = Decimal("0.966481"), 7.4894
    expected_excess = float(Decimal(3000) - mu * 2000)
    assert ranked["total_excess_bets"] == pytest.approx(expected_excess)
    assert ranked["total_z"] == pytest.approx(expected_excess / (sigma * 2000**0.5))
    eu = next(r for r in ranked["rows"] if (r["attribute"], r["value"]) == ("cloud.region", "eu-west-1"))
    assert eu["z"] == pytest.approx(float(Decimal(3000) - mu * 1000) / (sigma * 1000**0.5))


def test_a_cell_of_unstaked_free_spins_only_is_ranked_not_refused(store_client) -> None:  # type: ignore[no-untyped-def]
    # a free spin with no session cannot be weighed: its cell sums 0 stakes (it once summed NULL and rank failed)
    insert_spins(
        store_client,
        [Spin("a", at(1), bet="1.00", win="0"), Spin("b", at(2), bet="0", win="5.00", mode="free", session_id="")],
    )
    ranked = rank(store_client, "rtp", START, END, where={"slot.spin.mode": "free"}, catalog=load_config().catalog)
    assert (ranked["selection_total"], ranked["unstaked_free_spins"], ranked["total_excess_bets"]) == (1, 1, 0.0)
