"""Every page on demo data through AppTest: what the page shows equals what the models and analytics return."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

import pandas as pd
import pytest

from spinscope.app import data, labels, sidebar, tables, view
from spinscope.configuration import load_config
from spinscope.db import Store
from spinscope.kpi import kpis
from spinscope.queries.loader import run
from spinscope.rca.rank import rank
from spinscope.rtp.status import rtp_status
from spinscope.slo.status import slo_statuses
from spinscope.traces import traces
from tests.ui.grid import shown as grid


def filters(at) -> sidebar.Filters:  # type: ignore[no-untyped-def]
    return at.session_state["_filters"]


def params(at) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """The app's URL query parameters, each as a list of values."""
    return {k: v if isinstance(v, list) else [v] for k, v in ((k, at.query_params[k]) for k in at.query_params)}


def no_failure(at) -> None:  # type: ignore[no-untyped-def]
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def test_overview_headline_equals_the_fleet_totals_model(demo_store: Store, app_on) -> None:  # type: ignore[no-untyped-def]
    at = app_on(demo_store)
    no_failure(at)
    f = filters(at)
    totals = run(
        demo_store.client(),
        "app/app_fleet_totals",
        start=f.start.replace(tzinfo=None),
        end=f.end.replace(tzinfo=None),
        environment="",
        game_id="",
    )[0]
    assert totals["spins"] > 0
    shown = {m.label: m.value for m in at.metric}
    p99 = float(shown.pop("p99 latency").removesuffix(" ms"))
    assert shown == {
        "Spins": f"{totals['spins']:,}",
        "Spins/s": view.number(totals["spins"] / (f.end - f.start).total_seconds(), 2),
        "Error rate": view.percent(totals["error_rate_ratio"]),
    }
    assert p99 == pytest.approx(float(totals["latency_p99_ms"]), rel=0.01)  # t-digest merges vary a little
    assert [t.value for t in at.subheader] == ["SLOs", "RTP drift alerts", "What changed recently"]


def test_overview_slo_table_equals_slo_status(demo_store: Store, app_on) -> None:  # type: ignore[no-untyped-def]
    at = app_on(demo_store)
    f = filters(at)
    expected = tables.slo_table(
        [s.to_json() for s in slo_statuses(demo_store.client(), load_config().slos, f.end - timedelta(minutes=1))]
    )
    shown = grid(at.dataframe[0]).reset_index(drop=True)
    live = ["SLI", "Budget left", "Good events", "Events"]  # the current minute may have moved on
    pd.testing.assert_frame_equal(shown.drop(columns=live), expected.drop(columns=live))
    events = [sum(int(v.replace(",", "")) for v in frame["Events"]) for frame in (shown, expected)]
    assert events[0] == pytest.approx(events[1], rel=0.01)  # live minute may differ
    assert not labels.raw_names(shown.columns)


def test_overview_lists_every_version_seen(demo_store: Store, app_on) -> None:  # type: ignore[no-untyped-def]
    at = app_on(demo_store)
    f = filters(at)
    rows = run(
        demo_store.client(),
        "app/app_versions_seen",
        start=f.start.replace(tzinfo=None),
        end=f.end.replace(tzinfo=None),
        environment="",
        game_id="",
    )
    shown = grid(at.dataframe[-1])
    assert sorted(zip(shown["Game"], shown["Version"], strict=True)) == sorted(
        (r["game_id"], r["game_version"]) for r in rows
    )
    assert {r["game_id"] for r in rows} == {"dragon-hoard", "fortune-tiger", "lucky-sevens", "mega-vault"}


def test_slos_page_shows_each_slo_and_its_burn_rate_pairs(demo_store: Store, app_on) -> None:  # type: ignore[no-untyped-def]
    at = app_on(demo_store, "slos", params={"slo": "spin-latency"})
    no_failure(at)
    specs = load_config().slos
    assert list(grid(at.dataframe[0])["SLO"].unique()) == [s.display_name or s.name for s in specs]
    assert at.selectbox(key="slo_name").value == "spin-latency"
    status = slo_statuses(
        demo_store.client(), [s for s in specs if s.name == "spin-latency"], filters(at).end - timedelta(minutes=1)
    )[0].to_json()
    burn = grid(at.dataframe[1])
    assert list(burn["Pair"]) == [p["name"] for p in status["alert"]["pairs"]]
    assert list(burn["Long window"]) == [p["long"] for p in status["alert"]["pairs"]]
    assert [t.value for t in at.subheader][:3] == [
        "SLI over the last 24 hours",
        "Error budget burndown",
        "Multi-window burn rates",
    ]
    assert len(at.get("vega_lite_chart")) == 2  # SLI and burndown


def test_slos_breakdown_regroups_by_the_chosen_dimension(demo_store: Store, app_on) -> None:  # type: ignore[no-untyped-def]
    at = app_on(demo_store, "slos", params={"slo": "spin-availability"})
    at.selectbox(key="slo_breakdown").select("game_id").run()
    no_failure(at)
    groups = grid(at.dataframe[-1])["Group"]
    assert sorted(groups) == [f"game_id={g}" for g in ("dragon-hoard", "fortune-tiger", "lucky-sevens", "mega-vault")]


def test_rtp_page_table_equals_rtp_status(demo_store: Store, app_on) -> None:  # type: ignore[no-untyped-def]
    at = app_on(demo_store, "rtp")
    no_failure(at)
    f = filters(at)
    expected = tables.rtp_table(rtp_status(demo_store.client(), f.start, f.end, load_config().catalog))
    pd.testing.assert_frame_equal(grid(at.dataframe[0]).reset_index(drop=True), expected)
    assert at.selectbox(key="rtp_cell").value == (expected["Game"][0], expected["Version"][0])
    assert len(at.get("vega_lite_chart")) == 2  # funnel and detector


def test_kpi_tables_equal_the_kpi_model_to_the_last_digit(demo_store: Store, app_on) -> None:  # type: ignore[no-untyped-def]
    at = app_on(demo_store, "kpis")
    no_failure(at)
    daily = grid(at.dataframe[0])
    daily_values = at.dataframe[0].value  # what the grid sorts by
    assert len(at.get("download_button")) == 7  # the shown table x 3 formats, the weekly report x 4
    at.session_state["kpi_view"] = "Weekly"  # one grain at a time: the weekly query runs only when asked
    at.run()
    no_failure(at)
    weekly = grid(at.dataframe[0])
    last = filters(at).end.date()
    rows = kpis(demo_store.client(), last - timedelta(days=6), last, "day", "game,version")
    pd.testing.assert_frame_equal(daily.reset_index(drop=True), tables.kpi_table(rows, "day"))
    assert not labels.raw_names(daily.columns) and not labels.raw_names(weekly.columns)
    # Money, percentages and counts sort as numbers (the cells hold values, the text is their display).
    assert daily_values["GGR"].tolist() == [float(r["ggr_amount"]) for r in rows]
    assert daily_values["Hold %"].tolist() == pytest.approx([float(r["hold_ratio"]) for r in rows], nan_ok=True)
    assert daily_values["Spins"].tolist() == [float(r["spins"]) for r in rows]
    # Each currency in its own minor units with its symbol, rounded half-even from the exact model figure.
    places = {"EUR": 2, "USD": 2, "KRW": 0, "BTC": 8}
    symbols = {"EUR": "€", "USD": "$", "KRW": "₩", "BTC": ""}
    codes = {"EUR": "", "USD": "", "KRW": "", "BTC": " BTC"}  # by its code: common fonts lack ₿
    assert set(daily["Currency"]) == set(places)
    for row, shown in zip(rows, daily.to_dict("records"), strict=True):
        code = row["currency"]
        exact = row["ggr_amount"].quantize(Decimal(1).scaleb(-places[code]), rounding=ROUND_HALF_EVEN)
        sign = "-" if exact < 0 else ""
        written = f"{sign}{symbols[code]}{abs(exact):,.{places[code]}f}{codes[code]}"
        assert shown["GGR"] == written, (code, row["ggr_amount"])
        decimals = rf"\.\d{{{places[code]}}}" if places[code] else ""
        assert re.fullmatch(rf"{re.escape(symbols[code])}[0-9,]+{decimals}{codes[code]}", shown["Handle"])
        assert re.fullmatch(r"-?[0-9]{1,3}(,[0-9]{3})*\.[0-9]{2} %", shown["Hold %"]) and re.fullmatch(
            r"[0-9]{1,3}(,[0-9]{3})*\.[0-9]{2} %", shown["RTP %"]
        )
        assert re.fullmatch(r"[0-9]{1,3}(,[0-9]{3})*", shown["Spins"])
    assert len(weekly) >= 4 and weekly.columns[0] == "Week of"


def test_kpis_follow_the_sidebar_game(demo_store: Store, app_on) -> None:  # type: ignore[no-untyped-def]
    at = app_on(demo_store, "kpis", params={"game": "mega-vault"})
    no_failure(at)
    assert set(grid(at.dataframe[0])["Game"]) == {"mega-vault"}


def whole_day(signal: str = "errors") -> dict[str, str]:
    """Link parameters naming the demo day as the window (the page's default is the last hour)."""
    end = data.now_minute() + timedelta(minutes=1)
    return {"signal": signal, "from": f"{end - timedelta(days=1):%Y-%m-%dT%H:%M}", "to": f"{end:%Y-%m-%dT%H:%M}"}


@pytest.mark.parametrize("signal", ["errors", "rtp"])
def test_investigate_ranks_the_window_the_link_names(demo_store: Store, app_on, signal: str) -> None:  # type: ignore[no-untyped-def]
    link = whole_day(signal)
    at = app_on(demo_store, "investigate", params=link)
    no_failure(at)
    start, end = (datetime.fromisoformat(link[k]).replace(tzinfo=UTC) for k in ("from", "to"))
    expected = rank(demo_store.client(), signal, start, end, catalog=load_config().catalog)
    assert expected["rows"]
    shown = grid(at.dataframe[0])
    assert list(zip(shown["Attribute"], shown["Value"], strict=True)) == [
        (r["attribute"], r["value"]) for r in expected["rows"][:20]
    ]
    # RTP excess is in stakes, and the page says so
    assert any("counted in stakes" in c.value for c in at.caption) == (signal == "rtp")


def test_investigate_drill_down_and_trace_live_in_the_url(demo_store: Store, app_on) -> None:  # type: ignore[no-untyped-def]
    link = whole_day()
    at = app_on(demo_store, "investigate", params=link)
    no_failure(at)
    top = grid(at.dataframe[0]).iloc[0]
    at.button(key="drill").click().run()
    no_failure(at)
    # A conjunction's row names two values ("a & b" = "x & y"): drilling keeps both.
    kept = dict(zip(top["Attribute"].split(" & "), top["Value"].split(" & "), strict=True))
    got = params(at)
    assert sorted(got.pop("where")) == sorted(f"{k}={v}" for k, v in kept.items())
    assert got == {k: [v] for k, v in link.items()}
    start, end = (datetime.fromisoformat(link[k]).replace(tzinfo=UTC) for k in ("from", "to"))
    expected = traces(demo_store.client(), start, end, where=kept)
    assert list(grid(at.dataframe[-1])["Trace"]) == [t["trace_id"] for t in expected]
    at.button(key="open_trace").click().run()
    no_failure(at)
    assert params(at)["trace"] == [expected[0]["trace_id"]]
    assert f"Trace {expected[0]['trace_id']}" in [s.value for s in at.subheader]
    assert len(at.expander) >= 1  # one per span, attributes inside


def test_investigate_link_reopens_its_state(demo_store: Store, app_on) -> None:  # type: ignore[no-untyped-def]
    first = app_on(demo_store, "investigate", params=whole_day())
    first.button(key="drill").click().run()
    link = params(first)
    again = app_on(demo_store, "investigate", params=link)
    no_failure(again)
    assert params(again) == link
    assert [b.label for b in again.button if b.label.startswith("✕")] == [
        "✕ " + w.replace("=", " = ", 1) for w in link["where"]
    ]
