"""Money through the Collector's path: rows written straight into otel_traces, checked by the spins view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from spinscope.currencies import stored_scales, sync_scales
from tests.money_cases import CASES, attributes, expected, stored

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
