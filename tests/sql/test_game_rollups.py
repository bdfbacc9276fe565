"""The game rollups (spin_game_hourly, spin_game_daily): the dashboards read them, and every figure stays exact.

Spins vary over every dimension, the ones the game rollups keep and the ones they drop (region,
instance, channel, feature), so a model that read the game rollup for a key it does not keep would
count nothing for that key. Expected figures are computed here from the Spin list (or, for the
latency quantiles, from the spins table itself, never from a rollup).
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from spinscope.configuration import load_config
from spinscope.kpi import kpis
from spinscope.queries.loader import run
from spinscope.queries.loader import sql as model_sql
from spinscope.schema.fragments import GAME_DIMENSIONS, reads_game_rollups
from spinscope.schema.migrate import RenderOptions, load_migrations, migrate
from spinscope.slo.status import StoreCounts, load_buckets
from tests.sql.spans import Spin, insert_spins

DAY0 = datetime.now(UTC).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0) - timedelta(days=4)
GAMES = (("fortune-tiger", "1.4.2"), ("mega-vault", "1.0.0"), ("dragon-hoard", "3.1.0"))


def varied(n: int = 600, seed: int = 11) -> list[Spin]:
    """Spins over three whole days from DAY0, varied in every dimension a rollup keeps or drops."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        game, version = GAMES[i % 3]
        out.append(
            Spin(
                f"g{i}",
                DAY0 + timedelta(seconds=rng.randrange(0, 72 * 3600)),
                bet=f"{rng.randrange(1, 300)}.{rng.randrange(0, 100):02d}",
                win=rng.choice(["0", "0", f"{rng.randrange(0, 900)}.{rng.randrange(0, 100):02d}"]),
                game_id=game,
                game_version=version,
                currency=rng.choice(["EUR", "USD"]),
                mode=rng.choice(["paid", "paid", "free"]),
                feature=rng.choice(["none", "bonus"]),
                channel=rng.choice(["web", "ios", "android"]),
                region=rng.choice(["eu-west-1", "us-east-1"]),
                instance_id=rng.choice(["i-1", "i-2", "i-3"]),
                player_id=f"p{rng.randrange(50)}",
                session_id=f"s{rng.randrange(120)}",
                duration_ms=rng.choice([40, 120, 480, 520, 900]),
                error_type="wallet_timeout" if rng.random() < 0.06 else "",
            )
        )
    return out


def hour_of(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def test_game_rollups_hold_each_hour_and_day_exactly(store_client) -> None:  # type: ignore[no-untyped-def]
    spins = varied()
    insert_spins(store_client, spins)
    for table, grain, at in (("spin_game_hourly", "hour", hour_of), ("spin_game_daily", "day", lambda t: t.date())):
        expected: dict[tuple, list] = defaultdict(lambda: [0, Decimal(0), Decimal(0), 0, set()])
        for s in spins:
            status = "error" if s.error_type else "ok"
            e = expected[(at(s.at), s.game_id, s.game_version, s.currency, s.mode, status)]
            e[0] += 1
            e[1] += Decimal(s.bet)
            e[2] += Decimal(s.win)
            e[3] += s.duration_ms <= 500
            e[4].add(s.player_id)
        rows = store_client.query(
            f"SELECT {grain}, game_id, game_version, currency, mode, status, sum(spins), sum(bet_amount),"
            f" sum(win_amount), sum(latency_le_500ms), uniqExactMerge(players) FROM {table}"
            f" GROUP BY {grain}, game_id, game_version, currency, mode, status"
        ).result_rows
        got = {tuple(r[:6]): list(r[6:]) for r in rows}
        assert got == {k: [n, b, w, fast, len(p)] for k, (n, b, w, fast, p) in expected.items()}, table


def test_kpis_over_whole_days_equal_the_spins(store_client) -> None:  # type: ignore[no-untyped-def]
    spins = varied()
    insert_spins(store_client, spins)
    first, last = DAY0.date(), (DAY0 + timedelta(days=2)).date()
    rows = kpis(store_client, first, last, "day", "game,version")
    for r in rows:
        key = (r["period_start"], r["game_id"], r["game_version"], r["currency"])
        chosen = [s for s in spins if (s.at.date(), s.game_id, s.game_version, s.currency) == key]
        settled = [s for s in chosen if not s.error_type]
        assert r["spins"] == len(chosen)
        assert r["handle_amount"] == sum((Decimal(s.bet) for s in settled), Decimal(0))
        assert r["win_amount"] == sum((Decimal(s.win) for s in settled), Decimal(0))
        assert r["active_players"] == len({s.player_id for s in chosen})
        raw = store_client.query(
            "SELECT quantilesBFloat16(0.5, 0.95, 0.99)(duration_ns) FROM spins WHERE toDate(started_at) = {d:Date}"
            " AND game_id = {g:String} AND game_version = {v:String} AND currency = {c:String}",
            parameters={"d": r["period_start"], "g": r["game_id"], "v": r["game_version"], "c": r["currency"]},
        ).result_rows[0][0]
        assert [r["latency_p50_ms"], r["latency_p95_ms"], r["latency_p99_ms"]] == [round(q / 1e6, 3) for q in raw]
    assert sum(r["spins"] for r in rows) == len(spins)


def slo_spec(name: str, **changes):  # type: ignore[no-untyped-def]
    import dataclasses

    spec = next(s for s in load_config().slos if s.name == name)
    return dataclasses.replace(spec, **changes)


def test_an_slo_on_a_dimension_the_game_rollups_drop_still_counts_it(store_client) -> None:  # type: ignore[no-untyped-def]
    spins = varied()
    insert_spins(store_client, spins)
    start, end = DAY0 + timedelta(hours=2), DAY0 + timedelta(hours=60)
    cases = [
        (slo_spec("spin-availability", filters=(("region", "us-east-1"),), group_by=("channel",)), "region"),
        (slo_spec("spin-availability", filters=(("mode", "paid"),), group_by=("game_id",)), "game"),
    ]
    for spec, label in cases:
        filter_key, wanted = spec.filters[0]
        group_key = spec.group_by[0]
        expected: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0, 0])
        for s in spins:
            if start <= s.at < end and getattr(s, filter_key) == wanted:
                e = expected[(getattr(s, group_key),)]
                e[0] += not s.error_type
                e[1] += 1
        want = {k: tuple(v) for k, v in expected.items()}
        assert StoreCounts(store_client, exclusions=[]).counts(spec, start, end) == want, label
        buckets = load_buckets(store_client, spec, [(start.replace(tzinfo=UTC), end.replace(tzinfo=UTC))])
        assert buckets.counts(start, end) == want, label
        series = StoreCounts(store_client, exclusions=[]).series(spec, start, end, 3600)
        assert {k: (sum(p[1] for p in v), sum(p[2] for p in v)) for k, v in series.items()} == want, label


def test_rtp_sums_split_by_channel_read_the_full_rollup(store_client) -> None:  # type: ignore[no-untyped-def]
    spins = varied()
    insert_spins(store_client, spins)
    start, end = DAY0 + timedelta(hours=1), DAY0 + timedelta(hours=49)
    expected: dict[tuple[str, ...], list] = defaultdict(lambda: [0, Decimal(0)])
    for s in spins:
        if start <= s.at < end and not s.error_type:
            e = expected[(s.game_id, s.game_version, s.currency, s.channel)]
            e[0] += 1
            e[1] += Decimal(s.win)
    rows = run(store_client, "rtp/rtp_sums", start=start, end=end, batch_s=3600, by_channel=1, game_id="")
    got: dict[tuple[str, ...], list] = defaultdict(lambda: [0, Decimal(0)])
    for r in rows:
        g = got[(r["game_id"], r["game_version"], r["currency"], r["channel_name"])]
        g[0] += r["spins_count"]
        g[1] += r["win_sum"]
    assert dict(got) == dict(expected)


def test_dashboard_models_read_the_game_rollups() -> None:
    """The week-long dashboards read whole hours and days from the game rollups, not spin_hourly / spin_daily."""
    for name in ("reports/rpt_kpi",):
        assert "FROM spin_game_daily" in model_sql(name) and "FROM spin_daily" not in model_sql(name), name
    for name in ("app/app_fleet_totals", "app/app_signal_series", "app/app_versions_seen", "app/app_filter_values"):
        assert "FROM spin_game_hourly" in model_sql(name) and "FROM spin_hourly" not in model_sql(name), name
    for name in ("rtp/rtp_sums", "slo/slo_series_spins", "slo/slo_buckets_spins"):  # spin_hourly for other keys
        assert "FROM spin_game_hourly" in model_sql(name), name
    assert reads_game_rollups(["game_id", "mode", "status"]) and not reads_game_rollups(["game_id", "region"])
    assert {"region", "instance_id", "channel", "feature"}.isdisjoint(GAME_DIMENSIONS)


def test_upgrade_backfills_the_game_rollups_once(session_store, empty_store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A store with spins from before 0100 gets the game rollups filled by migrate, once; the views take over."""
    import spinscope.schema.migrate as migrate_module

    database = empty_store.database
    opts = RenderOptions(database=database)
    client = session_store.new_client(database=database)
    every = load_migrations()  # the store as 0099 left it (0101 and 0104 copy spin_hourly and spin_daily,
    monkeypatch.setattr(migrate_module, "load_migrations", lambda: [m for m in every if m.version < 100])
    migrate(client, opts, log=lambda *_: None)  # whose state columns and table 0130-0135 drop later)
    monkeypatch.undo()
    spins = varied(200)
    insert_spins(client, spins)
    migrate(client, opts, log=lambda *_: None)
    migrate(client, opts, log=lambda *_: None)  # idempotent: nothing applied twice
    insert_spins(client, [Spin("after", DAY0 + timedelta(hours=1))])
    for table in ("spin_game_hourly", "spin_game_daily"):
        assert client.command(f"SELECT sum(spins) FROM {table}") == len(spins) + 1, table
    players = client.command("SELECT uniqExactMerge(players) FROM spin_game_daily")
    assert players == len({s.player_id for s in spins} | {"p1"})
    week = kpis(client, DAY0.date(), (DAY0 + timedelta(days=3)).date(), "week")
    assert sum(r["spins"] for r in week) == len(spins) + 1
