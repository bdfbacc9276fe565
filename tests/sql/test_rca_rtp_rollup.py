"""rca_rtp_rounds read from the rca_rtp_minutely rollup (0110-0112): the same cells as counting every spin.

The known answers are computed here, in Python, from the spins the test inserts (the model's rules:
settled spins only, a paid spin in its own stake, a free spin in the stake of its session's last staked
paid spin, looked up to an hour before the window), for windows whose edges fall inside minutes, so
both the rollup (whole minutes) and the raw edges are read.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

from spinscope.queries.loader import run
from spinscope.schema.migrate import RenderOptions, migrate
from tests.conftest import roll_back
from tests.sql.spans import RECENT_NOON, Spin, insert_spins

T0 = RECENT_NOON  # raw spans: within the raw tables' TTL whatever the date
DIMS = ("game_id", "game_version", "region", "instance_id", "channel", "currency")
KEYS = {
    "slot.game.id": "game_id",
    "slot.game.version": "game_version",
    "cloud.region": "region",
    "service.instance.id": "instance_id",
    "slot.channel": "channel",
    "slot.currency": "currency",
    "slot.feature": "feature",
    "slot.spin.mode": "mode",
}


def history(seed: int = 7, n: int = 900, first: float = -80.0, last: float = 75.0) -> list[Spin]:
    """Spins over [T0 + first min, T0 + last min): two games (one with free spins), game sessions (the
    contract's slot.session.id), unstaked and unsettled spins; amounts whose quotients end within 18
    digits, so Python's Decimal gives the exact sum."""
    rng = random.Random(seed)
    spins = []
    for i in range(n):
        game = rng.choice(["fortune-tiger", "dragon-hoard"])
        player = f"p{rng.randrange(6)}"
        free = game == "dragon-hoard" and rng.random() < 0.3
        spins.append(
            Spin(
                f"s{seed}-{i:04d}",
                T0 + timedelta(minutes=rng.uniform(first, last)),
                bet="0" if free else rng.choice(["0.20", "0.50", "1.00", "2.00", "2.00", "0"]),
                win=rng.choice(["0", "0", "0.10", "0.60", "3.00", "12.50"]),
                game_id=game,
                game_version="1.0.0" if game == "dragon-hoard" else rng.choice(["1.4.2", "1.5.0"]),
                mode="free" if free else "paid",
                feature=rng.choice(["none", "none", "free_spins"]),
                player_id=player,
                session_id=rng.choice([f"{game}-{player}-a", f"{game}-{player}-b", ""]),  # a game session
                region=rng.choice(["eu-west-1", "ap-south-1"]),
                instance_id=rng.choice(["i-1", "i-2"]),
                channel=rng.choice(["web", "mobile"]),
                currency=rng.choice(["EUR", "USD"]),
                error_type="wallet_timeout" if rng.random() < 0.05 else "",
            )
        )
    spins[3].bet = "not-money"  # unsettled: its amounts are NULL in spins
    return spins


def expected(spins: list[Spin], start: datetime, end: datetime, where: dict[str, str]) -> dict[tuple, tuple]:
    """(spins, paid, unstaked, Σ win/stake) per cell, by the model's rules, computed from the spins themselves."""
    settled = sorted((s for s in spins if not s.error_type and s.bet != "not-money"), key=lambda s: (s.at, s.spin_id))
    cells: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, Decimal(0)])
    last_stake: dict[tuple[str, str], Decimal] = {}
    for s in settled:
        session = (s.player_id, s.session_id)
        bet, win = Decimal(s.bet), Decimal(s.win)
        in_window = start <= s.at < end
        wanted = all(getattr(s, KEYS[k]) == v for k, v in where.items())
        cell = cells[tuple(getattr(s, d) for d in DIMS)] if in_window and wanted else [0, 0, 0, Decimal(0)]
        if s.mode == "paid":
            cell[0] += 1
            if bet > 0:
                cell[1] += 1
                cell[3] += win / bet
                if s.at >= start - timedelta(hours=1):
                    last_stake[session] = bet
            else:
                cell[2] += 1
        else:
            cell[0] += 1
            stake = last_stake.get(session) if s.session_id else None
            if stake is None:
                cell[2] += 1
            else:
                cell[3] += win / stake
    return {k: tuple(v) for k, v in cells.items() if v[0]}


def model(client, start: datetime, end: datetime, where: dict[str, str]) -> dict[tuple, tuple]:  # type: ignore[no-untyped-def]
    rows = run(
        client,
        "rca/rca_rtp_rounds",
        start=start.replace(tzinfo=None),
        end=end.replace(tzinfo=None),
        where_keys=list(where),
        where_values=list(where.values()),
    )
    return {
        tuple(r[d] for d in DIMS): (
            int(r["spins_count"]),
            int(r["paid"]),
            int(r["unstaked"]),
            Decimal(r["stakes_won"]).normalize(),
        )
        for r in rows
    }


def normalized(cells: dict[tuple, tuple]) -> dict[tuple, tuple]:
    return {k: (*v[:3], v[3].normalize()) for k, v in cells.items()}


WINDOWS = [
    (T0, T0 + timedelta(hours=1)),  # whole minutes only
    (T0 + timedelta(seconds=20.5), T0 + timedelta(minutes=47, seconds=40.25)),  # partial minutes at both ends
    (T0 + timedelta(minutes=3, seconds=10.3), T0 + timedelta(minutes=3, seconds=50)),  # inside one minute
    (T0 + timedelta(minutes=-1, seconds=30), T0 + timedelta(seconds=30)),  # across a minute, none whole
    (T0 - timedelta(minutes=20), T0 + timedelta(minutes=70, seconds=1)),
]
WHERES = [{}, {"slot.game.id": "dragon-hoard"}, {"slot.spin.mode": "free"}, {"cloud.region": "ap-south-1"}]


def test_rollup_and_raw_edges_give_every_cell_exactly(store_client) -> None:  # type: ignore[no-untyped-def]
    spins = history()
    insert_spins(store_client, spins)
    for start, end in WINDOWS:
        for where in WHERES:
            want = normalized(expected(spins, start, end, where))
            assert want or end - start < timedelta(minutes=2), (start, end, where)
            assert model(store_client, start, end, where) == want, (start, end, where)


def test_whole_minutes_are_read_from_the_rollup_partial_ones_from_spins(store_client) -> None:  # type: ignore[no-untyped-def]
    """A row only in the rollup counts when its minute lies whole in the window, never when the window cuts it."""
    minute = T0.replace(tzinfo=None) + timedelta(minutes=5)
    store_client.insert(
        "rca_rtp_minutely",
        [[minute, "lucky-sevens", "2.1.0", "eu-west-1", "i-9", "web", "EUR", "none", 4, 1, Decimal("7.25"), 0]],
        column_names=[
            "minute",
            "game_id",
            "game_version",
            "region",
            "instance_id",
            "channel",
            "currency",
            "feature",
            "paid",
            "unstaked",
            "stakes_won",
            "free_spins",
        ],
    )
    whole = model(store_client, T0 + timedelta(minutes=4, seconds=59), T0 + timedelta(minutes=6), {})
    assert whole == {("lucky-sevens", "2.1.0", "eu-west-1", "i-9", "web", "EUR"): (5, 4, 1, Decimal("7.25"))}
    assert model(store_client, T0 + timedelta(minutes=5, seconds=1), T0 + timedelta(minutes=6), {}) == {}
    assert model(store_client, T0 + timedelta(minutes=5), T0 + timedelta(minutes=5, seconds=59), {}) == {}


def test_upgrade_backfills_the_rtp_rollup_once(session_store, empty_store) -> None:  # type: ignore[no-untyped-def]
    """A store with spins from before 0110 gets rca_rtp_minutely filled by migrate, once; the view takes over."""
    database = empty_store.database
    opts = RenderOptions(database=database)
    client = session_store.new_client(database=database)
    migrate(client, opts, log=lambda *_: None)
    roll_back(client, range(110, 113), views=("rca_rtp_minutely_mv",), tables=("rca_rtp_minutely",))
    before = history(seed=11, n=400)
    insert_spins(client, before)
    migrate(client, opts, log=lambda *_: None)
    migrate(client, opts, log=lambda *_: None)  # idempotent: nothing applied twice
    after = history(seed=12, n=300)
    insert_spins(client, after)  # the view takes over
    start, end = T0 - timedelta(minutes=30), T0 + timedelta(minutes=60)
    assert model(client, start, end, {}) == normalized(expected(before + after, start, end, {}))
    settled_paid = sum(1 for s in before + after if s.mode == "paid" and not s.error_type and s.bet != "not-money")
    assert client.command("SELECT sum(paid) + sum(unstaked) FROM rca_rtp_minutely") == settled_paid
