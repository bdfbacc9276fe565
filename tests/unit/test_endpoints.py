"""One declaration per read endpoint: the same parsing, defaults and bounds for the API, the CLI and the app."""

from __future__ import annotations

import argparse
import time
from datetime import UTC, date, datetime, timedelta

import pytest

from spinscope.cli import build_parser
from spinscope.endpoints import ENDPOINTS
from spinscope.params import MAX_LIMIT, ParamError


@pytest.fixture
def far_east(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14: the local date is tomorrow's from 10:00 UTC
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_kpi_window_ends_today_in_utc_whatever_the_host_zone(far_east: None) -> None:
    args = ENDPOINTS["kpi"].parse({})
    assert args["to"] == datetime.now(UTC).date()
    assert args["from"] == args["to"] - timedelta(days=6)


def test_text_and_typed_values_parse_alike() -> None:
    rca = ENDPOINTS["rca"]
    from_text = rca.parse({"start": "2026-11-24T10:00:00Z", "end": "2026-11-24T11:00", "where": ["a=b=c"]})
    typed = rca.parse(
        {"start": datetime(2026, 11, 24, 10, tzinfo=UTC), "end": datetime(2026, 11, 24, 11), "where": [("a", "b=c")]}
    )
    assert from_text == typed
    assert from_text["where"] == [("a", "b=c")] and from_text["threshold_ms"] == 500


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("traces", {"limit": str(MAX_LIMIT + 1)}, "limit 1001 is out of bounds"),
        ("traces", {"limit": "many"}, "limit 'many' is not a whole number"),
        ("rca", {"signal": "vibes"}, "signal 'vibes': use one of errors, latency, rtp"),
        ("rtp", {"start": "2026-11-24T10:00Z", "end": "2026-11-24T09:00Z"}, "ends .* before it starts"),
        ("kpi", {"from": "2024-01-01", "to": "2026-01-01"}, "spans 731 days; the most is 400"),
        ("kpi", {"to": "yesterday"}, "to 'yesterday' is not a date"),
        ("rtp_plan", {"game": "g"}, "shift is required"),
        ("traces", {"where": ["novalue"]}, "write KEY=VALUE"),
    ],
)
def test_bad_parameters_are_user_errors_that_name_the_fix(name: str, raw: dict, message: str) -> None:
    with pytest.raises(ParamError, match=message):
        ENDPOINTS[name].parse(raw)


def test_every_endpoint_has_a_cli_command_taking_its_parameters() -> None:
    parser = build_parser()
    commands = {
        "kpi": ["kpi"],
        "slo": ["slo", "status"],
        "rtp": ["rtp", "status"],
        "rtp_plan": ["rtp", "plan"],
        "rca": ["rca"],
        "traces": ["traces"],
        "trace": ["trace"],
    }
    assert set(commands) <= set(ENDPOINTS)
    for name, command in commands.items():
        endpoint = ENDPOINTS[name]
        argv = [*command]
        for p in endpoint.params:
            if p.in_path:
                argv.append("ab" * 16)
            elif p.required:
                argv += [f"--{p.name.replace('_', '-')}", "1"]
        args: argparse.Namespace = parser.parse_args(argv)
        assert {p.name for p in endpoint.params} <= set(vars(args)), name


def test_a_day_window_may_be_one_day() -> None:
    args = ENDPOINTS["kpi"].parse({"from": "2026-11-24", "to": "2026-11-24"})
    assert args["from"] == args["to"] == date(2026, 11, 24)


def test_the_api_answers_a_user_error_400_and_a_bug_500_without_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    from spinscope.api import answer

    def mistake() -> None:
        raise ParamError("limit 0 is out of bounds: use 1 to 1000")

    def bug() -> None:
        raise KeyError("games")

    told = answer(mistake)
    assert told.status_code == 400 and b"limit 0 is out of bounds" in told.body
    broken = answer(bug)
    assert broken.status_code == 500 and b"Traceback" not in broken.body and b"KeyError" in broken.body
    assert any(r.exc_info for r in caplog.records), "the bug's traceback goes to the log"
