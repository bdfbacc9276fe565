"""A spin, and a child span, counts once in every table, however often it is sent.

Counted where duplicates would stay: the minute rollups (a double count there is kept for good) and
the replacing tables with merges stopped (a merge would hide a duplicate by itself). The last tests
take the gates out and show that these same counts then see the duplicates, so they can fail.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from spinscope.schema.migrate import RenderOptions, load_migrations, render

COLUMNS = ["Timestamp", "TraceId", "SpanId", "ParentSpanId", "SpanName", "ServiceName", "SpanAttributes", "Duration"]
COLUMNS += ["StatusCode"]
AT = datetime.now(UTC).replace(tzinfo=None, microsecond=0) - timedelta(hours=1)


def spin(spin_id: str, trace: int, bet: str = "1.25") -> list:
    attrs = {"slot.spin.id": spin_id, "slot.game.id": "g", "slot.game.version": "1", "slot.currency": "EUR"}
    attrs |= {"slot.spin.mode": "paid", "slot.bet.amount": bet, "slot.win.amount": "0"}
    return [AT, f"{trace:032x}", f"{trace:016x}", "", "spin", "slot", attrs, 80_000_000, "Ok"]


def child(trace: int, span: int, name: str = "wallet.debit", error: bool = False, at: datetime = AT) -> list:
    attrs = {"wallet.provider": "acme"} | ({"error.type": "timeout"} if error else {})
    parent = f"{trace:016x}"
    return [at, f"{trace:032x}", f"{span:016x}", parent, name, "slot", attrs, 20_000_000, "Error" if error else "Ok"]


def stop_merges(client) -> None:  # type: ignore[no-untyped-def]
    for table in ("spins", "spin_minutely", "child_spans", "span_minutely"):
        client.command(f"SYSTEM STOP MERGES {table}")


def insert(client, rows: list[list]) -> None:  # type: ignore[no-untyped-def]
    client.insert("otel_traces", rows, column_names=COLUMNS)


def spin_counts(client) -> tuple[int, int, Decimal]:  # type: ignore[no-untyped-def]
    """(rows of spins without FINAL, spins in the minute rollups, handle in the minute rollups)."""
    rows = client.query("SELECT count() FROM spins").result_rows[0][0]
    spins, handle = client.query("SELECT sum(spins), sum(bet_amount) FROM spin_minutely").result_rows[0]
    return rows, spins, handle


def span_counts(client) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """(rows of child_spans without FINAL, wallet.debit spans in the rollups, of which errors)."""
    rows = client.query("SELECT count() FROM child_spans").result_rows[0][0]
    total, errors = client.query(
        "SELECT sum(spans), sumIf(spans, is_error = 1) FROM span_minutely WHERE span_name = 'wallet.debit'"
    ).result_rows[0]
    return rows, total, errors


BATCH_1 = [spin("a", 1), child(1, 11), child(1, 12, error=True), spin("b", 2), child(2, 21)]
BATCH_2 = [spin("a", 1), child(1, 11), child(1, 12, error=True), spin("c", 3), child(3, 31), child(3, 31)]


def test_a_replayed_batch_counts_each_spin_once_in_spins_and_the_rollups(store_client) -> None:  # type: ignore[no-untyped-def]
    stop_merges(store_client)
    insert(store_client, BATCH_1)
    insert(store_client, BATCH_1)  # the whole batch again (an exporter retry)
    insert(store_client, BATCH_2)  # overlaps the first, and repeats a span inside itself
    assert spin_counts(store_client) == (3, 3, Decimal("3.75"))
    assert store_client.query("SELECT count() FROM otel_traces").result_rows[0][0] == 16  # raw: as received


def test_a_replayed_batch_counts_each_child_span_once_in_span_minutely(store_client) -> None:  # type: ignore[no-untyped-def]
    stop_merges(store_client)
    insert(store_client, BATCH_1)
    insert(store_client, BATCH_1)
    insert(store_client, BATCH_2)
    # wallet.debit spans: (1,11), (1,12) failed, (2,21), (3,31): four, one failed, each once
    assert span_counts(store_client) == (4, 4, 1)


def test_child_spans_without_a_span_id_are_each_counted(store_client) -> None:  # type: ignore[no-untyped-def]
    """No key, no way to recognise a repeat: counting each is the only choice that never loses one."""
    keyless = child(5, 0)
    keyless[1] = keyless[2] = ""
    insert(store_client, [keyless, keyless, child(5, 51)])
    assert span_counts(store_client)[1:] == (3, 0)


def test_a_child_span_sent_again_an_hour_later_still_counts_once(store_client) -> None:  # type: ignore[no-untyped-def]
    """The gate looks within an hour of the insert's own spans, and a repeat carries its original timestamp."""
    stop_merges(store_client)
    early = AT - timedelta(hours=5)
    insert(store_client, [child(7, 71, at=early), child(8, 81)])
    insert(store_client, [child(7, 71, at=early)])
    assert span_counts(store_client) == (2, 2, 0)


# --- the same counts, with the gates taken out, see the duplicates ---------------------------


def _template(version: int) -> str:
    return next(m for m in load_migrations() if m.version == version).template


def _without_gate(select: str, gate_start: str, limit: str) -> str:
    head, _, rest = select.partition(gate_start)
    assert rest and limit in rest, "the gate's text changed: update this test with it"
    return head.rstrip() + "\n" + rest.split(limit, 1)[1]


def _modify(client, view: str, select: str) -> None:  # type: ignore[no-untyped-def]
    from spinscope.schema.migrate import Migration

    replacement = Migration(9999, "gateless", f"ALTER TABLE $db.{view} $on_cluster MODIFY QUERY\n{select}")
    for statement in render(replacement, RenderOptions(database=client.database)):
        client.command(statement)


@pytest.mark.parametrize("what", ["spins", "child spans"])
def test_without_the_gate_the_same_counts_see_every_duplicate(store_client, what: str) -> None:  # type: ignore[no-untyped-def]
    if what == "spins":
        select = _template(140).split("MODIFY QUERY\n", 1)[1]  # spins_mv's current query
        gateless = _without_gate(select, "  AND SpanAttributes['slot.spin.id'] NOT IN (", "LIMIT 1 BY spin_id\n")
        _modify(store_client, "spins_mv", gateless)
    else:
        select = "SELECT" + _template(33).split("\nAS SELECT", 1)[1]
        gateless = _without_gate(select, "  AND (\n      SpanId = ''", "rowNumberInAllBlocks(), 0)\n")
        _modify(store_client, "child_spans_mv", gateless)
    stop_merges(store_client)
    insert(store_client, BATCH_1)
    insert(store_client, BATCH_1)
    insert(store_client, BATCH_2)
    if what == "spins":
        assert spin_counts(store_client) == (6, 6, Decimal("7.50"))  # a three times, b twice, c once
    else:
        # as sent: (1,11) 3x, (1,12) 3x (the errors), (2,21) 2x, (3,31) 2x = 10; the replacing table folds
        # the repeat inside one insert as it writes the part (9 rows), the rollups keep all 10
        assert span_counts(store_client) == (9, 10, 3)


# --- the cluster's window: detected afterwards ---------------------------------------------------


def test_the_rollup_check_finds_a_duplicate_that_passed_a_gate(store_client) -> None:  # type: ignore[no-untyped-def]
    """On a cluster, a retry that reaches the other replica before it has the original passes that replica's
    gate. Its effect is reproduced here by writing the second copy straight into spins and child_spans (what
    the other replica's views would have written): FINAL still counts it once, the rollups twice, and the
    check says by how much, per hour."""
    from spinscope.queries.loader import run

    insert(store_client, [spin("a", 1), spin("b", 2), child(1, 11), child(2, 21)])
    clean = run(store_client, "ops/ops_rollup_check", start=AT - timedelta(hours=2), end=AT + timedelta(hours=2))
    assert [(r["rollup"], r["stored"], r["counted"], r["excess"]) for r in clean] == [
        ("span_minutely", 2, 2, 0),
        ("spin_game_hourly", 2, 2, 0),
        ("spin_hourly", 2, 2, 0),
        ("spin_minutely", 2, 2, 0),
    ]
    store_client.command("INSERT INTO spins SELECT * FROM spins WHERE spin_id = 'a'")
    store_client.command("INSERT INTO child_spans SELECT * FROM child_spans WHERE span_id = '000000000000000b'")
    found = run(store_client, "ops/ops_rollup_check", start=AT - timedelta(hours=2), end=AT + timedelta(hours=2))
    hour = AT.replace(minute=0, second=0)
    assert [(r["rollup"], r["hour_start_at"], r["stored"], r["counted"], r["excess"]) for r in found] == [
        ("span_minutely", hour, 2, 3, 1),
        ("spin_game_hourly", hour, 2, 3, 1),
        ("spin_hourly", hour, 2, 3, 1),
        ("spin_minutely", hour, 2, 3, 1),
    ]


def test_db_check_rollups_exits_0_on_an_agreeing_store(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import run_cli

    data = ["--data-dir", str(tmp_path / "data")]
    assert run_cli("db", "migrate", *data).returncode == 0
    done = run_cli("db", "check-rollups", *data, "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-02T00:00:00Z")
    assert (done.returncode, done.stdout) == (
        0,
        "spinscope: 0 hour(s) where a rollup disagrees with its table, 2026-01-01 00:00 to 2026-01-02 00:00 UTC "
        "(no data)\n",
    )
