"""`spinscope serve` as operators run it: a real process, its lock, SIGTERM and restart."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from tests.conftest import ServeProcess, run_cli
from tests.e2e.test_http_receiver import PB, request, spin_span


def query(data_dir: Path, sql: str) -> list[dict]:
    done = run_cli("db", "query", "--data-dir", str(data_dir), sql)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_second_process_on_the_same_store_gets_one_clear_line(tmp_path: Path) -> None:
    serve = ServeProcess(tmp_path / "data")
    try:
        done = run_cli("db", "migrate", "--data-dir", str(tmp_path / "data"))
        assert done.returncode == 2
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        assert f"process {serve.proc.pid}" in lines[0]
        assert "--data-dir" in lines[0]
        assert "Traceback" not in done.stderr
    finally:
        serve.stop()


def test_sigterm_keeps_acknowledged_data_and_restart_keeps_it(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    serve = ServeProcess(data_dir)
    try:
        for batch in range(5):
            spans = [spin_span(batch * 100 + i, bet="0.10", win="0.05") for i in range(100)]
            reply = httpx.post(
                f"{serve.http_url}/v1/traces",
                content=request(spans).SerializeToString(),
                headers={"Content-Type": PB},
                timeout=30,
            )
            assert reply.status_code == 200
    finally:
        out = serve.stop()
    assert serve.proc.returncode == 0, out
    assert "stopped cleanly" in out
    assert query(data_dir, "SELECT count() AS n, toString(sum(bet_amount)) AS bet FROM spins") == [
        {"n": 500, "bet": "50"}
    ]

    again = ServeProcess(data_dir)
    try:
        reply = httpx.post(
            f"{again.http_url}/v1/traces",
            content=request([spin_span(1)]).SerializeToString(),
            headers={"Content-Type": PB},
            timeout=30,
        )
        assert reply.status_code == 200
    finally:
        again.stop()
    assert query(data_dir, "SELECT count() AS n FROM spins") == [{"n": 500}]  # spin 1 was a duplicate


def test_migrate_twice_applies_nothing_the_second_time(tmp_path: Path) -> None:
    first = run_cli("db", "migrate", "--data-dir", str(tmp_path))
    assert first.returncode == 0, first.stderr
    assert "applied 0001_otel_traces" in first.stdout
    second = run_cli("db", "migrate", "--data-dir", str(tmp_path))
    assert second.returncode == 0
    assert "(0 migration(s) applied)" in second.stdout


def test_unreachable_server_store_is_one_line(tmp_path: Path) -> None:
    done = run_cli("db", "migrate", "--store", "http://default:pw@127.0.0.1:9/spinscope")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "pw" not in done.stderr


def test_kpi_cli_asks_the_running_server_when_it_holds_the_store(tmp_path: Path) -> None:
    serve = ServeProcess(tmp_path / "data")
    try:
        spans = [spin_span(i, bet="2.00", win="1.00") for i in range(10)]
        reply = httpx.post(
            f"{serve.http_url}/v1/traces",
            content=request(spans).SerializeToString(),
            headers={"Content-Type": PB},
            timeout=30,
        )
        assert reply.status_code == 200
        api = httpx.get(f"{serve.http_url}/api/v1/kpi", params={"by": "game"}, timeout=30).json()
        done = run_cli("kpi", "--json", "--by", "game", "--data-dir", str(tmp_path / "data"))
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == api
        row = api["rows"][0]
        assert (row["game_id"], row["game_version"], row["spins"], row["handle_amount"], row["rtp_ratio"]) == (
            "g",
            "*",
            10,
            "20",
            "0.5",
        )
        bad = httpx.get(f"{serve.http_url}/api/v1/kpi", params={"from": "yesterday"}, timeout=30)
        assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["error"]
    finally:
        serve.stop()


def test_slo_status_and_check_through_the_running_server(tmp_path: Path) -> None:
    serve = ServeProcess(tmp_path / "data")
    try:
        spans = [spin_span(i) for i in range(20)]
        for span in spans[:10]:
            span.status.code = 2  # ERROR: a burst of failures pages the availability SLO
        reply = httpx.post(
            f"{serve.http_url}/v1/traces",
            content=request(spans).SerializeToString(),
            headers={"Content-Type": PB},
            timeout=30,
        )
        assert reply.status_code == 200
        status = run_cli("slo", "status", "--json", "--data-dir", str(tmp_path / "data"))
        assert status.returncode == 0, status.stderr
        slos = {s["slo"]: s for s in json.loads(status.stdout)["slos"]}
        assert slos["spin-availability"]["events"] == {"good": 10, "bad": 10, "total": 20}
        assert slos["spin-availability"]["sli"] == "0.5"
        check = run_cli("slo", "check", "--data-dir", str(tmp_path / "data"))
        assert check.returncode == 1
        assert "spin-availability" in check.stderr
    finally:
        serve.stop()


def test_invalid_slo_spec_is_one_line_naming_file_and_field(tmp_path: Path) -> None:
    (tmp_path / "slos").mkdir()
    (tmp_path / "slos" / "bad.yaml").write_text(
        "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: bad}\nspec:\n  service: s\n"
        "  budgetingMethod: Occurrences\n  objectives: [{target: 1.5}]\n"
    )
    done = run_cli("slo", "status", "--config", str(tmp_path), "--data-dir", str(tmp_path / "data"))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "bad.yaml" in done.stderr


def test_rtp_rca_traces_and_trace_through_the_running_server(tmp_path: Path) -> None:
    serve = ServeProcess(tmp_path / "data")
    try:
        spans = [spin_span(i, bet="1.00", win="0.50") for i in range(40)]
        for i, span in enumerate(spans):
            span.trace_id = (1000 + i).to_bytes(16, "big")  # one trace a spin
        for span in spans[:10]:
            span.status.code = 2
            span.attributes.add(key="slot.channel").value.string_value = "ios"
        for span in spans[10:]:
            span.attributes.add(key="slot.channel").value.string_value = "web"
        reply = httpx.post(
            f"{serve.http_url}/v1/traces",
            content=request(spans).SerializeToString(),
            headers={"Content-Type": PB},
            timeout=30,
        )
        assert reply.status_code == 200
        data = str(tmp_path / "data")
        rtp = run_cli("rtp", "status", "--json", "--data-dir", data)
        assert rtp.returncode == 0, rtp.stderr
        games = json.loads(rtp.stdout)["games"]
        assert [(g["game_id"], g["state"]) for g in games] == [("g", "no_reference")]
        start = (datetime.now(UTC) - timedelta(hours=3)).isoformat()
        end = datetime.now(UTC).isoformat()
        rca = run_cli("rca", "--signal", "errors", "--start", start, "--end", end, "--json", "--data-dir", data)
        assert rca.returncode == 0, rca.stderr
        top = json.loads(rca.stdout)["rows"][0]
        assert (top["attribute"], top["value"]) == ("slot.channel", "ios")
        listed = run_cli(
            "traces", "--start", start, "--end", end, "--where", "slot.channel=ios", "--json", "--data-dir", data
        )
        traces = json.loads(listed.stdout)["traces"]
        assert len(traces) == 10 and all(t["status"] == "error" for t in traces)
        one = run_cli("trace", traces[0]["trace_id"], "--data-dir", data)
        assert one.returncode == 0 and one.stdout.startswith("spin"), one.stdout
    finally:
        serve.stop()
