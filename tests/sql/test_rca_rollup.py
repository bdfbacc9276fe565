"""rca_minutely, the RCA's rollup, counts what the raw spans hold, and the RCA ranks the same from it.

Known answers are computed here from the inserted spins (Python), never by the view under test;
the ranking from the rollup is compared with the exact path (raw spans only) on windows with
partial minutes, a where filter, a baseline window and the latency signal.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

from spinscope.rca.rank import ALWAYS_EXCLUDED, rank
from spinscope.schema.fragments import LATENCY_LADDER_MS
from spinscope.schema.migrate import RenderOptions, load_migrations, render
from tests.sql.spans import RECENT_NOON, SPAN_COLUMNS, Spin

T0 = RECENT_NOON  # raw spans: within the raw tables' TTL whatever the date
PROVIDERS = ("walletly", "paynet")


def child_rows(spin: Spin, provider: str) -> list[list]:  # type: ignore[type-arg]
    """A wallet.debit child span of the spin (the spin's resource, its own attributes), as the SDK sends it."""
    spin_row = spin.row()
    return [
        [
            spin.at + timedelta(milliseconds=1),
            spin_row[1],
            "c" + spin_row[2][1:],
            "wallet.debit",
            "Client",
            "slot-server",
            spin_row[6],
            {"wallet.provider": provider, "server.address": f"api.{provider}.example"},
            1_000_000,
            "Error" if spin.error_type else "Unset",
        ]
    ]


def seeded(n: int = 3_000, seed: int = 3) -> tuple[list[Spin], dict[str, str]]:
    """n spins over 20 minutes; walletly in eu-west-1 fails a third of its spins and is slow, the rest rarely."""
    rng = random.Random(seed)
    spins, providers = [], {}
    for i in range(n):
        region = rng.choice(("eu-west-1", "us-east-1"))
        provider = rng.choice(PROVIDERS)
        faulty = region == "eu-west-1" and provider == "walletly"
        failed = rng.random() < (0.33 if faulty else 0.02)
        spin = Spin(
            f"r{i}",
            T0 + timedelta(milliseconds=400 * i + rng.randrange(400)),
            game_id=rng.choice(("fortune-tiger", "dragon-hoard", "lucky-sevens")),
            currency=rng.choice(("EUR", "USD")),
            channel=rng.choice(("web", "ios", "android")),
            region=region,
            instance_id=f"{region}-{rng.randrange(2) + 1}",
            duration_ms=rng.choice((80, 180, 240, 400, 900)) * (3 if faulty else 1),
            error_type="wallet_timeout" if failed else "",
            bet=rng.choice(("0.20", "1.00", "5.00")),
            player_id=f"p{rng.randrange(500)}",
            session_id=f"s{rng.randrange(900)}",
        )
        spins.append(spin)
        providers[spin.spin_id] = provider
    return spins, providers


def insert(client, spins: list[Spin], providers: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """Each spin with its child span in one insert, as an export batch carries a trace."""
    rows = []
    for spin in spins:
        rows.append(spin.row())
        rows.extend(child_rows(spin, providers[spin.spin_id]))
    client.insert("otel_traces", rows, column_names=SPAN_COLUMNS)


def expected_rollup(spins: list[Spin], providers: dict[str, str]) -> Counter:  # type: ignore[type-arg]
    """(minute, attribute set) -> [spins, errors, ok spins, ok spins <= each ladder threshold], from the spins."""
    out: Counter = Counter()  # type: ignore[type-arg]
    for spin in spins:
        span, child = spin.row(), child_rows(spin, providers[spin.spin_id])[0]
        pairs = {*span[6].items(), *span[7].items(), *child[6].items(), *child[7].items()}
        key = (
            spin.at.replace(second=0, microsecond=0, tzinfo=None),
            tuple(sorted(p for p in pairs if p[0] not in ALWAYS_EXCLUDED)),
        )
        ok = not spin.error_type
        figures = (1, int(not ok), int(ok), *(int(ok and spin.duration_ms <= t) for t in LATENCY_LADDER_MS))
        for i, value in enumerate(figures):
            out[key, i] += value
    return +out


def stored_rollup(client) -> Counter:  # type: ignore[no-untyped-def,type-arg]
    ladder = ", ".join(f"sum(latency_le_{t}ms)" for t in LATENCY_LADDER_MS)
    rows = client.query(
        f"SELECT minute, pairs, sum(spins), sum(error_spins), sum(ok_spins), {ladder} FROM rca_minutely "
        "GROUP BY minute, pairs"
    ).result_rows
    out: Counter = Counter()  # type: ignore[type-arg]
    for minute, pairs, *figures in rows:
        for i, value in enumerate(figures):
            out[(minute.replace(tzinfo=None), tuple(tuple(p) for p in pairs)), i] += int(value)
    return +out


def test_the_rollup_counts_every_minute_and_attribute_set_of_the_raw_spans(store_client) -> None:  # type: ignore[no-untyped-def]
    spins, providers = seeded(1_200)
    insert(store_client, spins, providers)
    expected = expected_rollup(spins, providers)
    assert stored_rollup(store_client) == expected
    # ids and amounts never reach it: a few sets a minute, not a row per spin
    assert len({key for key, _ in expected}) < len(spins)


def test_the_backfill_rolls_up_a_store_written_before_the_view_as_the_view_does(store_client) -> None:  # type: ignore[no-untyped-def]
    spins, providers = seeded(600, seed=5)
    insert(store_client, spins, providers)
    by_view = stored_rollup(store_client)
    store_client.command("TRUNCATE TABLE rca_minutely")
    backfill = next(m for m in load_migrations() if m.name == "rca_minutely_backfill")
    for statement in render(backfill, RenderOptions(database=store_client.database)):
        store_client.command(statement)
    assert stored_rollup(store_client) == by_view == expected_rollup(spins, providers)
    for statement in render(backfill, RenderOptions(database=store_client.database)):
        store_client.command(statement)  # run again: reads nothing the rollup already holds
    assert stored_rollup(store_client) == by_view


def rows_of(ranked: dict) -> list[tuple]:  # type: ignore[type-arg]
    return [
        (r["kind"], r["attribute"], r["value"], r.get("selection_count"), r.get("baseline_count"), r["within"])
        for r in ranked["rows"]
    ]


def test_the_ranking_from_the_rollup_is_the_exact_ranking(store_client) -> None:  # type: ignore[no-untyped-def]
    spins, providers = seeded()
    insert(store_client, spins, providers)
    whole = (T0 + timedelta(minutes=1), T0 + timedelta(minutes=15))
    partial = (T0 + timedelta(minutes=1, seconds=17), T0 + timedelta(minutes=15, seconds=41))
    cases = [
        ("errors", whole, {}),
        ("errors", partial, {}),
        ("latency", partial, {"threshold_ms": 500}),
        ("errors", partial, {"where": {"cloud.region": "eu-west-1"}}),
        (
            "errors",
            (T0 + timedelta(minutes=12, seconds=30), T0 + timedelta(minutes=19, seconds=59)),
            {"baseline_start": T0 + timedelta(seconds=20), "baseline_end": T0 + timedelta(minutes=12, seconds=30)},
        ),
    ]
    for signal, (start, end), extra in cases:
        exact = rank(store_client, signal, start, end, exact=True, **extra)
        rolled = rank(store_client, signal, start, end, **extra)
        assert (exact["source"], rolled["source"], rolled["sample_rate"]) == ("raw spans", "rollup", 1.0)
        assert (rolled["selection_total"], rolled["baseline_total"]) == (
            exact["selection_total"],
            exact["baseline_total"],
        )
        assert rows_of(rolled) == rows_of(exact), (signal, start, end, extra)
    # the injected cause is found: walletly where it meets eu-west-1
    top = rank(store_client, "errors", *partial)["rows"][0]
    assert top["where"] == {"wallet.provider": "walletly", "cloud.region": "eu-west-1"}, top


def test_a_latency_threshold_off_the_ladder_reads_raw_spans(store_client) -> None:  # type: ignore[no-untyped-def]
    spins, providers = seeded(300)
    insert(store_client, spins, providers)
    ranked = rank(store_client, "latency", T0, T0 + timedelta(minutes=2), threshold_ms=333)
    assert ranked["source"] == "raw spans"
