"""The hourly/daily rollups read with minute edges: every figure equals the one computed here from the spins.

Spins are spread over two days across a day boundary; windows start and end mid-hour and mid-day,
so each model reads whole hours (or days) from the coarse rollup and the edges at minute grain.
Expected figures are computed in Python from the Spin list, never by the models under test.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from spinscope.configuration import load_config
from spinscope.queries.loader import run
from spinscope.schema.migrate import RenderOptions, load_migrations, migrate, render
from spinscope.slo.status import load_buckets, slo_statuses
from tests.conftest import roll_back
from tests.sql.spans import Spin, insert_spins

DAY0 = datetime.now(UTC).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0) - timedelta(days=3)
GAMES = (("fortune-tiger", "1.4.2"), ("mega-vault", "1.0.0"), ("dragon-hoard", "3.1.0"))


def spread(n: int = 900, seed: int = 7) -> list[Spin]:
    """Spins over 48 hours from DAY0 (so across a UTC day boundary), with varied games, money, status, latency."""
    rng = random.Random(seed)
    spins = []
    for i in range(n):
        game, version = GAMES[i % 3]
        at = DAY0 + timedelta(seconds=rng.randrange(0, 48 * 3600))
        spins.append(
            Spin(
                f"w{i}",
                at,
                bet=f"{rng.randrange(1, 500)}.{rng.randrange(0, 100):02d}",
                win=rng.choice(["0", "0", f"{rng.randrange(0, 2000)}.{rng.randrange(0, 100):02d}"]),
                game_id=game,
                game_version=version,
                currency=rng.choice(["EUR", "USD"]),
                player_id=f"p{rng.randrange(40)}",
                session_id=f"s{rng.randrange(80)}",
                duration_ms=rng.choice([40, 120, 480, 520, 900]),
                error_type="wallet_timeout" if rng.random() < 0.05 else "",
            )
        )
    return spins


def minute(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


def inside(s: Spin, start: datetime, end: datetime) -> bool:
    return start <= minute(s.at) < end


WINDOWS = (
    (DAY0 + timedelta(hours=3, minutes=17), DAY0 + timedelta(hours=29, minutes=43)),  # mid-hour, across the day
    (DAY0 + timedelta(hours=5), DAY0 + timedelta(hours=30)),  # whole hours
    (DAY0 + timedelta(hours=7, minutes=5), DAY0 + timedelta(hours=7, minutes=50)),  # inside one hour
    (DAY0 + timedelta(hours=23, minutes=59), DAY0 + timedelta(hours=25, minutes=1)),
)


def test_slo_buckets_sum_every_window_exactly(store_client) -> None:  # type: ignore[no-untyped-def]
    spins = spread()
    insert_spins(store_client, spins)
    spec = next(s for s in load_config().slos if s.name == "spin-latency")  # good: ok and <= 500 ms
    buckets = load_buckets(store_client, spec, [(s.replace(tzinfo=UTC), e.replace(tzinfo=UTC)) for s, e in WINDOWS])
    for start, end in WINDOWS:
        chosen = [s for s in spins if inside(s, start, end) and not s.error_type]
        good = sum(1 for s in chosen if s.duration_ms <= 500)
        assert buckets.counts(start, end) == ({(): (good, len(chosen))} if chosen else {}), (start, end)


def test_rtp_sums_over_a_window_with_minute_edges(store_client) -> None:  # type: ignore[no-untyped-def]
    spins = spread()
    insert_spins(store_client, spins)
    for start, end in WINDOWS:
        expected: dict[tuple[str, str, str], list] = defaultdict(lambda: [0, Decimal(0), Decimal(0), Decimal(0)])
        for s in spins:
            if inside(s, start, end) and not s.error_type:
                e = expected[(s.game_id, s.game_version, s.currency)]
                e[0] += 1
                e[1] += Decimal(s.bet)
                e[2] += Decimal(s.win)
                e[3] += Decimal(s.bet) * Decimal(s.win)
        for batch_s in (0, 3600):
            got: dict[tuple[str, str, str], list] = defaultdict(lambda: [0, Decimal(0), Decimal(0), Decimal(0)])
            for r in run(store_client, "rtp/rtp_sums", start=start, end=end, batch_s=batch_s, by_channel=0, game_id=""):
                g = got[(r["game_id"], r["game_version"], r["currency"])]
                g[0] += r["spins_count"]
                g[1] += r["bet_sum"]
                g[2] += r["win_sum"]
                g[3] += r["win_bet"]
            assert dict(got) == dict(expected), (start, end, batch_s)


def test_daily_kpis_with_partial_days_at_both_edges(store_client) -> None:  # type: ignore[no-untyped-def]
    spins = spread()
    insert_spins(store_client, spins)
    start, end = DAY0 + timedelta(hours=6, minutes=13), DAY0 + timedelta(days=1, hours=20, minutes=47)
    rows = run(store_client, "reports/rpt_kpi", start=start, end=end, grain="day", by_game=0, by_version=0)
    got = {(r["period_start"], r["currency"]): r for r in rows}
    for day in (DAY0.date(), (DAY0 + timedelta(days=1)).date()):
        for currency in ("EUR", "USD"):
            chosen = [s for s in spins if inside(s, start, end) and s.at.date() == day and s.currency == currency]
            row = got[(day, currency)]
            assert row["spins"] == len(chosen)
            assert row["handle_amount"] == sum((Decimal(s.bet) for s in chosen if not s.error_type), Decimal(0))
            assert row["win_amount"] == sum((Decimal(s.win) for s in chosen if not s.error_type), Decimal(0))
            assert row["active_players"] == len({s.player_id for s in chosen})


def test_versions_seen_first_and_last_minutes_are_exact(store_client) -> None:  # type: ignore[no-untyped-def]
    spins = spread()
    late = Spin("late", DAY0 + timedelta(hours=40, minutes=37, seconds=5), game_id="lucky-sevens", game_version="2.0.1")
    insert_spins(store_client, [*spins, late])
    start, end = DAY0 + timedelta(hours=30, minutes=10), DAY0 + timedelta(hours=44, minutes=21)
    rows = run(store_client, "app/app_versions_seen", start=start, end=end, environment="", game_id="")
    expected = {}
    for game, version in {(s.game_id, s.game_version) for s in [*spins, late]}:
        mine = [s for s in [*spins, late] if (s.game_id, s.game_version) == (game, version) and minute(s.at) < end]
        first = min(minute(s.at) for s in mine)
        expected[(game, version)] = (
            first,
            max(minute(s.at) for s in mine),
            sum(1 for s in mine if minute(s.at) >= start),
            int(first >= start),
        )
    got = {
        (r["game_id"], r["game_version"]): (r["first_seen_at"], r["last_seen_at"], r["spins_in_range"], r["is_new"])
        for r in rows
    }
    assert got == expected


def test_fleet_totals_and_hourly_signal_buckets(store_client) -> None:  # type: ignore[no-untyped-def]
    spins = spread()
    insert_spins(store_client, spins)
    start, end = WINDOWS[0]
    chosen = [s for s in spins if inside(s, start, end)]
    totals = run(store_client, "app/app_fleet_totals", start=start, end=end, environment="", game_id="")[0]
    assert (totals["spins"], totals["error_spins"]) == (len(chosen), sum(1 for s in chosen if s.error_type))
    series = run(
        store_client,
        "app/app_signal_series",
        start=start,
        end=end,
        step_s=3600,
        environment="",
        game_id="",
        threshold_ms=500,
    )
    per_hour: dict[datetime, list[int]] = defaultdict(lambda: [0, 0])
    for s in chosen:
        per_hour[s.at.replace(minute=0, second=0, microsecond=0)][0] += 1
        per_hour[s.at.replace(minute=0, second=0, microsecond=0)][1] += s.duration_ms > 500
    assert {r["bucket_start"]: [r["spins"], r["slow_spins"]] for r in series} == dict(per_hour)


def test_status_computed_again_after_an_insert_into_a_past_minute(store_client) -> None:  # type: ignore[no-untyped-def]
    at = (DAY0 + timedelta(days=2, hours=12)).replace(tzinfo=UTC)
    spec = next(s for s in load_config().slos if s.name == "spin-availability")
    insert_spins(store_client, [Spin("a", DAY0 + timedelta(days=2))])
    assert slo_statuses(store_client, [spec], at)[0].budget.total == 1
    assert slo_statuses(store_client, [spec], at)[0].budget.total == 1  # kept
    insert_spins(store_client, [Spin("b", DAY0 + timedelta(days=1))])  # late data, long before `at`
    assert slo_statuses(store_client, [spec], at)[0].budget.total == 2


def test_upgrade_backfills_the_new_rollups_once(session_store, empty_store) -> None:  # type: ignore[no-untyped-def]
    """A store with spins from before 0080 gets the hourly, daily and declared-RTP rollups filled by migrate."""

    database = empty_store.database
    opts = RenderOptions(database=database)
    client = session_store.new_client(database=database)
    migrate(client, opts, log=lambda *_: None)  # creates the tracking table; then roll back to before 0080
    roll_back(  # spin_daily_mv and spin_daily: retired since 0130; trace_index: 0121 backfills it as 0120 made it
        client,
        range(80, 10_000),
        views=("spin_daily_mv", "spin_hourly_mv", "spin_game_rtp_mv", "trace_index_mv"),
        tables=("spin_daily", "spin_hourly", "spin_game_rtp_minutely", "trace_index"),
    )
    declared = Spin("declared", DAY0 + timedelta(hours=2), extra={"slot.game.rtp": "0.9650"})
    spins = [*spread(300), declared]
    insert_spins(client, spins)
    migrate(client, opts, log=lambda *_: None)
    migrate(client, opts, log=lambda *_: None)  # idempotent: nothing applied twice
    insert_spins(client, [Spin("after", DAY0 + timedelta(hours=1))])  # the views take over
    total = len(spins) + 1
    assert client.command("SELECT sum(spins) FROM spin_hourly") == total
    assert client.command("EXISTS TABLE spin_daily") == 0  # copied by 0084, then retired by 0130-0132
    assert run(client, "rtp/rtp_span_reference", start=DAY0, end=DAY0 + timedelta(days=2)) == [
        {
            "game_id": "fortune-tiger",
            "game_version": "1.4.2",
            "declared_rtp": Decimal("0.965"),
            "distinct_values": 1,
        }
    ]
    hourly = run(client, "app/app_fleet_totals", start=DAY0, end=DAY0 + timedelta(days=2), environment="", game_id="")
    assert hourly[0]["spins"] == total
    assert [s for m in load_migrations() if m.version >= 80 for s in render(m, opts)]


def test_check_rollups_compares_the_hourly_and_daily_rollups(store_client) -> None:  # type: ignore[no-untyped-def]
    spins = spread(300)
    insert_spins(store_client, spins)
    start, end = DAY0 + timedelta(hours=3, minutes=30), DAY0 + timedelta(days=2)
    rows = run(store_client, "ops/ops_rollup_check", start=start, end=end)
    daily = [(r["hour_start_at"], r["stored"], r["excess"]) for r in rows if r["rollup"] == "spin_game_daily"]
    assert daily == [(DAY0 + timedelta(days=1), sum(1 for s in spins if s.at >= DAY0 + timedelta(days=1)), 0)]
    for hourly_rollup in ("spin_hourly", "spin_game_hourly"):
        hourly = [r for r in rows if r["rollup"] == hourly_rollup]
        assert sum(r["stored"] for r in hourly) == sum(1 for s in spins if s.at >= DAY0 + timedelta(hours=4))
    assert {r["rollup"] for r in rows} == {
        "spin_minutely",
        "spin_hourly",
        "spin_game_hourly",
        "spin_game_daily",
    }  # spin_daily retired (0130-0132); no child spans here, so no span_minutely rows
    assert all(r["excess"] == 0 for r in rows)


def test_upgrade_retires_spin_daily_and_slims_spin_hourly_while_data_arrives(
    session_store, empty_store, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A store at 0129 (main before issue 17's ingest budget) upgrades without pausing ingest: spin_daily and
    its view go, spin_hourly keeps every sum it had (and the rows before and after the upgrade), less the
    distinct-count and latency states nothing reads."""

    import spinscope.schema.migrate as migrate_module

    database = empty_store.database
    opts = RenderOptions(database=database)
    client = session_store.new_client(database=database)
    every = load_migrations()
    monkeypatch.setattr(migrate_module, "load_migrations", lambda: [m for m in every if m.version < 130])
    migrate(client, opts, log=lambda *_: None)
    spins = spread(300)
    insert_spins(client, spins)
    assert client.command("SELECT sum(spins) FROM spin_daily") == len(spins)  # the old schema fills it
    monkeypatch.undo()
    applied = migrate(client, opts, log=lambda *_: None, ingest_paused=False)  # no pause needed
    assert [m.version for m in applied] == [m.version for m in every if m.version >= 130]
    assert migrate(client, opts, log=lambda *_: None, ingest_paused=False) == []
    later = [Spin("after", DAY0 + timedelta(hours=1), bet="2.50", win="7.25", duration_ms=480)]
    insert_spins(client, later)
    assert {r[0] for r in client.query("SHOW TABLES").result_rows}.isdisjoint({"spin_daily", "spin_daily_mv"})
    columns = {r[0] for r in client.query("DESCRIBE TABLE spin_hourly").result_rows}
    assert {"spins", "bet_amount", "win_bet_sum", "latency_le_500ms"} <= columns
    assert columns.isdisjoint({"players", "sessions", "latency_ns_bf16"})
    measures = (
        "sum(spins), sum(money_error_spins), sum(hit_spins), sum(latency_le_500ms), sum(duration_ns_sum),"
        " sum(bet_amount), sum(win_amount), sum(bet_squared_sum), sum(win_squared_sum), sum(win_bet_sum)"
    )
    keys = "game_id, game_version, region, instance_id, channel, currency, mode, feature, status"
    hourly = client.query(f"SELECT hour, {keys}, {measures} FROM spin_hourly GROUP BY hour, {keys}")
    minutely = client.query(
        f"SELECT toStartOfHour(minute) AS hour, {keys}, {measures} FROM spin_minutely GROUP BY hour, {keys}"
    )
    assert sorted(hourly.result_rows) == sorted(minutely.result_rows)
    everything = [*spins, *later]
    assert sum(r[10] for r in hourly.result_rows) == len(everything)
    assert sum(r[15] for r in hourly.result_rows) == sum((Decimal(s.bet) for s in everything), Decimal(0))
