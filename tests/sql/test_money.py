"""Money through the Collector's path: rows written straight into otel_traces, checked by the spins view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from spinscope.currencies import stored_scales, sync_scales
from spinscope.queries.loader import run
from tests.money_cases import CASES, attributes, expected, stored
from tests.sql.spans import Spin, insert_spins

COLUMNS = ["Timestamp", "TraceId", "SpanId", "SpanName", "ServiceName", "SpanAttributes", "Duration", "StatusCode"]


def rows_for(cases: dict) -> list[list]:  # type: ignore[type-arg]
    at = datetime.now(UTC).replace(tzinfo=None, microsecond=0) - timedelta(hours=1)
    return [
        [at, f"{i + 1:032x}", f"{i + 1:016x}", "spin", "slot-server", attributes(name, case), 1_000_000, "Ok"]
        for i, (name, case) in enumerate(cases.items())
    ]


def test_every_notation_is_exact_and_every_refusal_says_why(store_client) -> None:  # type: ignore[no-untyped-def]
    store_client.insert("otel_traces", rows_for(CASES), column_names=COLUMNS)
    assert stored(store_client) == expected()


def test_the_shipped_currency_table_is_in_the_store(store_client) -> None:  # type: ignore[no-untyped-def]
    scales = stored_scales(store_client, store_client.database)
    assert (scales["EUR"], scales["JPY"], scales["KWD"], scales["BTC"], scales["ETH"]) == (2, 0, 3, 8, 18)
    assert len(scales) > 160


def test_a_changed_currency_table_applies_from_the_next_insert(store_client) -> None:  # type: ignore[no-untyped-def]
    assert not sync_scales(store_client, store_client.database, stored_scales(store_client, store_client.database))
    assert sync_scales(store_client, store_client.database, {"EUR": 4})
    case = CASES["eur-win-too-fine"]  # 0.001 EUR: refused at scale 2, exact at scale 4
    store_client.insert("otel_traces", rows_for({"a": case}), column_names=COLUMNS)
    assert stored(store_client) == {"a": (Decimal("1"), Decimal("0.001"), "")}
    assert sync_scales(store_client, store_client.database, {})  # now every currency has 18
    store_client.insert("otel_traces", rows_for({"b": CASES["krw-fraction"]}), column_names=COLUMNS)
    assert stored(store_client)["b"] == (Decimal("1000.5"), Decimal("0"), "")


def test_kpis_over_a_mixed_batch_equal_the_hand_computed_decimal_answer(store_client) -> None:  # type: ignore[no-untyped-def]
    """Exponent and plain notations mixed in one batch, a double written as text among them (refused)."""
    day = datetime.now(UTC).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1)
    t = day + timedelta(hours=12)
    insert_spins(
        store_client,
        [
            Spin("b1", t, bet="1E-3", win="0E-8", currency="BTC", player_id="p1"),
            Spin("b2", t, bet="0.001", win="2.5E-3", currency="BTC", player_id="p1"),
            Spin("b3", t, bet="1.0E-3", win="0.00000000", currency="BTC", player_id="p2"),
            Spin("b4", t, bet="1e-3", win="1.2345678E-1", currency="BTC", player_id="p2"),
            Spin("b5", t, bet="0.0010", win="0.30000000000000004", currency="BTC", player_id="p3"),
            Spin("e1", t, bet="2.5E+1", win="1.25e2", currency="EUR", player_id="p4"),
            Spin("e2", t, bet="25", win="0.30000000000000004", currency="EUR", player_id="p4"),
            Spin("e3", t, bet="+.5", win="5.", currency="EUR", player_id="p4"),
        ],
    )
    rows = {
        r["currency"]: r
        for r in run(
            store_client,
            "reports/rpt_kpi",
            start=day,
            end=day + timedelta(days=1),
            grain="day",
            by_game=0,
            by_version=0,
        )
    }
    btc_handle = Decimal("0.001") * 4  # b5's win is a double's text: the spin is counted, its money is not
    btc_wins = Decimal("0") + Decimal("0.0025") + Decimal("0") + Decimal("0.12345678")
    eur_handle = Decimal("25") + Decimal("0.5")
    eur_wins = Decimal("125") + Decimal("5")
    btc, eur = rows["BTC"], rows["EUR"]
    assert (btc["spins"], btc["money_error_spins"], btc["handle_amount"], btc["win_amount"]) == (
        5,
        1,
        btc_handle,
        btc_wins,
    )
    assert btc["ggr_amount"] == btc_handle - btc_wins
    assert btc["rtp_ratio"] == Decimal("31.489195")  # 0.12595678 / 0.004, by hand
    assert btc["rtp_ratio"] == btc_wins / btc_handle
    assert (eur["spins"], eur["money_error_spins"], eur["handle_amount"], eur["win_amount"]) == (
        3,
        1,
        eur_handle,
        eur_wins,
    )
    assert eur["rtp_ratio"] == (eur_wins / eur_handle).quantize(Decimal("1e-18"), rounding="ROUND_DOWN")


def test_db_migrate_stores_the_config_folders_currency_table(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json
    import shutil

    from spinscope.configuration import shipped_dir
    from tests.conftest import run_cli

    folder = tmp_path / "config"
    shutil.copytree(shipped_dir() / "slos", folder / "slos")
    (folder / "currencies.yaml").write_text("currencies:\n  EUR: 4\n  GEMS: 0\n")
    data = ["--data-dir", str(tmp_path / "data")]
    migrated = run_cli("db", "migrate", *data, "--config", str(folder))
    assert migrated.returncode == 0, migrated.stderr
    read = run_cli("db", "query", *data, "SELECT currency, scale FROM currency_scales ORDER BY currency")
    assert [json.loads(line) for line in read.stdout.splitlines()] == [
        {"currency": "EUR", "scale": 4},
        {"currency": "GEMS", "scale": 0},
    ]
