"""`serve` evaluates alerts in the background: its /metrics carries spinscope's SLO view, which a real
Prometheus (Debian's) scrapes and answers in PromQL; silences are made and listed through the CLI
while `serve` holds the embedded store (the CLI asks its API)."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ServeProcess, free_port, run_cli
from tests.e2e.debian_tools import debian_binary, stop, wait_ready

PROMETHEUS = "/usr/bin/prometheus"
pytestmark = pytest.mark.slow  # ~45 s (serve, Prometheus, four CLI processes): run with -m slow


def _wait_for(check, timeout: float = 60.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def test_serve_exports_slo_state_to_a_real_prometheus_and_takes_silences(tmp_path: Path) -> None:
    serve = ServeProcess(tmp_path / "data")
    prometheus = None
    try:
        metrics = _wait_for(
            lambda: "spinscope_slo_alert_state{" in (t := httpx.get(serve.http_url + "/metrics").text) and t
        )
        assert metrics, "the evaluator never reported a round on /metrics"
        assert 'spinscope_slo_alert_state{slo="spin-availability",group="",state="no_data"} 1' in metrics
        assert "spinscope_alert_rule_failures 0" in metrics

        binary = debian_binary(PROMETHEUS, "prometheus")
        config = tmp_path / "prometheus.yml"
        config.write_text(
            "global: {scrape_interval: 1s}\n"
            "scrape_configs:\n"
            f"  - {{job_name: spinscope, static_configs: [{{targets: ['127.0.0.1:{serve.http_port}']}}]}}\n"
        )
        port = free_port()
        prometheus = subprocess.Popen(
            [
                binary,
                f"--config.file={config}",
                f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        api = f"http://127.0.0.1:{port}"
        wait_ready(api + "/-/ready", prometheus)
        query = 'spinscope_slo_alert_state{slo="spin-availability",state="no_data"}'

        def answer() -> list:
            reply = httpx.get(api + "/api/v1/query", params={"query": query}).json()
            return reply["data"]["result"] if reply.get("status") == "success" else []

        result = _wait_for(answer, timeout=30)
        assert result, "Prometheus never scraped the SLO state"
        assert result[0]["metric"]["job"] == "spinscope" and result[0]["value"][1] == "1"

        data_dir = str(tmp_path / "data")
        made = run_cli(
            "alerts", "silence", "add", "--match", "alertname=RtpDrift", "--duration", "1h",
            "--author", "oncall@example", "--comment", "planned rollout", "--data-dir", data_dir,
        )  # fmt: skip
        assert made.returncode == 0, made.stderr
        listed = run_cli("alerts", "list", "--json", "--data-dir", data_dir)
        assert listed.returncode == 0, listed.stderr
        (silence,) = json.loads(listed.stdout)["silences"]
        assert (silence["matchers"], silence["created_by"], silence["comment"]) == (
            {"alertname": "RtpDrift"},
            "oncall@example",
            "planned rollout",
        )
        expired = run_cli("alerts", "silence", "expire", silence["silence_id"], "--data-dir", data_dir)
        assert expired.returncode == 0, expired.stderr
        assert json.loads(run_cli("alerts", "list", "--json", "--data-dir", data_dir).stdout)["silences"] == []
        bad = httpx.post(serve.http_url + "/api/v1/silences", json={"matchers": {}, "ends_at": "2030-01-01T00:00Z"})
        assert bad.status_code == 400 and "at least one matcher" in bad.json()["error"]
    finally:
        if prometheus is not None:
            stop(prometheus)
        serve.stop()
