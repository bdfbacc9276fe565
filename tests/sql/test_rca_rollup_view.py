"""rca_minutely_mv (0090's query) rolls up each insert as 0071's did, on the shapes an export batch can take.

Known answers are computed here from the rows inserted (Python sets of pairs), never by a view:
spin spans with their children in the same insert, spins without children, a child sent by another
service (its own resource), attributes no contract names on every kind of span, a spin span repeated
within one insert, children whose spin is not in the insert, errors and slow spins at minute edges.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from spinscope.rca.rank import ALWAYS_EXCLUDED
from spinscope.schema.fragments import LATENCY_LADDER_MS
from spinscope.schema.migrate import RenderOptions, load_migrations, render
from tests.sql.spans import RECENT_NOON, SPAN_COLUMNS, Spin
from tests.sql.test_rca_rollup import stored_rollup

T0 = RECENT_NOON  # raw spans: within the raw tables' TTL whatever the date
WALLET_RESOURCE = {"service.name": "wallet-svc", "cloud.region": "eu-west-1", "k8s.pod.name": "wallet-7"}


def child(spin: Spin, name: str, attributes: dict[str, str], resource: dict[str, str] | None = None) -> list:  # type: ignore[type-arg]
    spin_row = spin.row()
    return [
        spin.at + timedelta(milliseconds=2),
        spin_row[1],
        name[:4] + spin_row[2][4:],
        name,
        "Client",
        "slot-server",
        resource if resource is not None else spin_row[6],
        attributes,
        1_000_000,
        "Unset",
    ]


Counted = tuple[datetime, frozenset, frozenset, bool, float]  # type: ignore[type-arg]


def kept(pairs: set[tuple[str, str]]) -> frozenset[tuple[str, str]]:
    return frozenset(p for p in pairs if p[0] not in ALWAYS_EXCLUDED)


def batch() -> tuple[list[list], list[Counted]]:  # type: ignore[type-arg]
    """One insert's rows, and per spin: (minute, its trace's pairs, its own span's pairs, is error, duration ms)."""
    rows: list[list] = []  # type: ignore[type-arg]
    counted = []
    for i in range(40):
        at = T0 + timedelta(seconds=7 * i)  # crosses four minutes
        spin = Spin(
            f"v{i}",
            at,
            game_id=("fortune-tiger", "dragon-hoard")[i % 2],
            channel=("web", "ios", "android")[i % 3],
            region=("eu-west-1", "us-east-1")[i % 2],
            duration_ms=(40, 260, 600, 1500, 6000)[i % 5],
            error_type="wallet_timeout" if i % 7 == 0 else "",
            bet=f"{i}.00",
            player_id=f"p{i}",
            session_id=f"s{i}",
            extra={"acme.tenant": ("north", "south")[i % 2]} if i % 4 == 0 else {},  # no contract names it
        )
        spin_row = spin.row()
        kids = []
        if i % 3 != 2:  # a third of the spins arrive without children
            provider = ("walletly", "paynet")[i % 2]
            kids.append(child(spin, "wallet.debit", {"wallet.provider": provider, "server.address": f"{provider}.io"}))
            kids.append(child(spin, "wallet.credit", {"wallet.provider": provider, "server.address": f"{provider}.io"}))
            kids.append(child(spin, "state.save", {"db.system.name": "redis", "acme.shard": str(i % 3)}))
        if i % 5 == 1:  # the wallet's own service reports its span under its resource
            kids.append(child(spin, "wallet.reserve", {"wallet.provider": "walletly"}, WALLET_RESOURCE))
        if i % 6 == 0:  # an error on a child only
            kids.append(child(spin, "rng.draw", {"error.type": "rng_unavailable"}))
        rows.append(spin_row)
        rows.extend(kids)
        if i % 9 == 4:  # the same spin span twice in one insert (an exporter retry queued with the first)
            rows.append(list(spin_row))
        own = {*spin_row[6].items(), *spin_row[7].items()}
        pairs = own.union(*({*kid[6].items(), *kid[7].items()} for kid in kids))
        minute = at.replace(second=0, microsecond=0, tzinfo=None)
        counted.append((minute, kept(pairs), kept(own), bool(spin.error_type), spin.duration_ms))
    orphan = Spin("orphan", T0 + timedelta(seconds=30))  # its spin span went in another batch
    rows.append(child(orphan, "wallet.debit", {"wallet.provider": "ghostpay"}))
    return rows, counted


def expected(counted: list[Counted], own_only: bool = False) -> Counter:  # type: ignore[type-arg]
    out: Counter = Counter()  # type: ignore[type-arg]
    for minute, trace_pairs, own_pairs, is_error, duration_ms in counted:
        pairs = own_pairs if own_only else trace_pairs
        ok = not is_error
        figures = (1, int(is_error), int(ok), *(int(ok and duration_ms <= t) for t in LATENCY_LADDER_MS))
        for i, value in enumerate(figures):
            out[(minute, tuple(sorted(pairs))), i] += value
    return +out


def test_one_insert_is_rolled_up_per_minute_and_set_of_its_traces_values(store_client) -> None:  # type: ignore[no-untyped-def]
    rows, counted = batch()
    store_client.insert("otel_traces", rows, column_names=SPAN_COLUMNS)
    stored = stored_rollup(store_client)
    assert stored == expected(counted)
    keys = {key for key, _ in stored}
    every_pair = set().union(*(pairs for _, pairs in keys))
    # what no contract names is kept, from the spin span, a child span and a child's own resource
    assert {("acme.tenant", "north"), ("acme.shard", "1"), ("k8s.pod.name", "wallet-7")} <= every_pair
    assert ("service.name", "wallet-svc") in every_pair
    assert not any(key in ALWAYS_EXCLUDED for key, _ in every_pair)
    assert ("wallet.provider", "ghostpay") not in every_pair  # a child without its spin counts no spin


def test_children_inserted_apart_from_their_spin_are_not_its_values(store_client) -> None:  # type: ignore[no-untyped-def]
    rows, counted = batch()
    store_client.insert("otel_traces", [r for r in rows if r[3] == "spin"], column_names=SPAN_COLUMNS)
    store_client.insert("otel_traces", [r for r in rows if r[3] != "spin"], column_names=SPAN_COLUMNS)
    assert stored_rollup(store_client) == expected(counted, own_only=True)


def test_the_view_query_rolls_up_what_0071s_query_did(store_client) -> None:  # type: ignore[no-untyped-def]
    """0071's query, run over the same single insert as a plain SELECT, gives the rows the view stored."""
    rows, _ = batch()
    store_client.insert("otel_traces", rows, column_names=SPAN_COLUMNS)
    (create,) = render(
        next(m for m in load_migrations() if m.name == "rca_minutely_mv"),
        RenderOptions(database=store_client.database),
    )
    old_query = create.split("\nAS ", 1)[1]
    ladder = ", ".join(f"sum(latency_le_{t}ms)" for t in LATENCY_LADDER_MS)
    by_old = store_client.query(
        f"SELECT minute, pairs, sum(spins), sum(error_spins), sum(ok_spins), {ladder} FROM ({old_query}) "
        "GROUP BY minute, pairs ORDER BY minute, pairs"
    ).result_rows
    by_view = store_client.query(
        f"SELECT minute, pairs, sum(spins), sum(error_spins), sum(ok_spins), {ladder} FROM rca_minutely "
        "GROUP BY minute, pairs ORDER BY minute, pairs"
    ).result_rows
    assert by_view == by_old


def test_each_spin_of_a_trace_holding_several_is_counted_with_the_traces_children(store_client) -> None:  # type: ignore[no-untyped-def]
    """As the exact path counts them (each spin id once, every child of the trace its own): 0071 counted one."""
    first, second = (
        Spin("auto-1", T0, game_id="fortune-tiger"),
        Spin("auto-2", T0, game_id="dragon-hoard", error_type="x"),
    )
    rows = [first.row(), second.row(), child(first, "wallet.debit", {"wallet.provider": "walletly"})]
    rows[1][1:3] = [rows[0][1], "5" * 16]  # the second spin in the first one's trace, its own span id
    store_client.insert("otel_traces", rows, column_names=SPAN_COLUMNS)
    minute = T0.replace(tzinfo=None)
    children = {("wallet.provider", "walletly"), *rows[2][6].items()}
    counted = [
        (minute, kept({*rows[i][6].items(), *rows[i][7].items()} | children), frozenset(), bool(i), 100.0)
        for i in (0, 1)
    ]
    assert stored_rollup(store_client) == expected(counted)
