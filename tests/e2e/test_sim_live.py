"""Live simulated traffic through the real opentelemetry-sdk exporters (HTTP and gRPC) into the receivers.

What was sent is known exactly by replaying the run's generator (same seed, run id, start),
so the stored spans, spins, logs and metrics are compared field by field with it.
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import numpy as np
import pytest

from spinscope.sim.demo import serve_demo_job
from spinscope.sim.population import Topology
from spinscope.sim.rows import SpinText
from spinscope.sim.scenario import parse
from spinscope.sim.steps import spin_steps
from spinscope.sim.traffic import live_generator, live_windows, run_live

RATE = 40.0
SECONDS = 3.0


def replay(result, scenario: str | None = None, seed: int = 0):  # type: ignore[no-untyped-def]
    """The spins a finished run sent: generator output keyed by spin id."""
    generator = live_generator(RATE, result.start_ns, result.end_ns, scenario, seed=seed, run_id=1)
    text = SpinText(generator)
    out = {}
    for a, b in live_windows(result.start_ns, result.end_ns):
        spins, ids = generator.window(a, b)
        for i, attrs in enumerate(text.attributes(spins, ids)):
            out[attrs["slot.spin.id"]] = (attrs, ids.trace_id[i], ids.span_id[i], spins.take(np.array([i])), generator)
    return out


@pytest.mark.parametrize("protocol", ["http", "grpc"])
def test_live_spins_land_exactly_as_generated(protocol: str, live_service, store_client) -> None:  # type: ignore[no-untyped-def]
    endpoint = (
        f"http://127.0.0.1:{live_service.http_port}" if protocol == "http" else f"127.0.0.1:{live_service.grpc_port}"
    )
    result = run_live(endpoint, RATE, SECONDS, protocol=protocol, seed=0, export_interval_s=60)
    expected = replay(result)
    assert result.spins == len(expected) > 60

    spans = store_client.query(
        "SELECT SpanAttributes['slot.spin.id'] AS id, SpanAttributes, TraceId, SpanId, SpanKind, Duration, "
        "StatusCode, ResourceAttributes, Timestamp FROM otel_traces WHERE SpanName = 'spin'"
    ).result_rows
    assert {s[0] for s in spans} == set(expected)
    for spin_id, attrs, trace_id, span_id, kind, duration, status, resource, _ in spans:
        sent_attrs, sent_trace, sent_span, spin, generator = expected[spin_id]
        assert attrs == sent_attrs
        assert (trace_id, span_id, kind, duration) == (sent_trace, sent_span, "Server", int(spin.duration_ns[0]))
        assert status == ("Error" if spin.error[0] else "Unset")
        instance = generator.topology.instances[int(spin.instance[0])]
        assert {k: resource[k] for k in instance.resource_attributes()} == instance.resource_attributes()

    # Typed spins: exact money, free spins stake 0, each currency in its precision.
    spins = store_client.query(
        "SELECT spin_id, bet_amount, win_amount, mode, currency, status, error_type FROM spins FINAL"
    ).result_rows
    assert len(spins) == len(expected)
    for spin_id, bet, win, mode, currency, status, error_type in spins:
        sent = expected[spin_id][0]
        assert status == ("error" if "error.type" in sent else "ok")
        assert (bet, win) == (Decimal(sent["slot.bet.amount"]), Decimal(sent["slot.win.amount"]))
        assert (mode, currency, error_type) == (
            sent["slot.spin.mode"],
            sent["slot.currency"],
            sent.get("error.type", ""),
        )
        if mode == "free":
            assert bet == 0

    # Child steps: exactly the planned steps of each spin, parented to it.
    children = store_client.query(
        "SELECT c.TraceId, groupArray(c.SpanName), countIf(c.ParentSpanId != p.SpanId) FROM otel_traces c "
        "JOIN (SELECT TraceId, SpanId FROM otel_traces WHERE SpanName = 'spin') p ON c.TraceId = p.TraceId "
        "WHERE c.SpanName != 'spin' GROUP BY c.TraceId"
    ).result_rows
    by_trace = {t: (sorted(names), wrong) for t, names, wrong in children}
    for sent_attrs, trace_id, _, spin, generator in expected.values():
        error = generator.error_types[int(spin.error[0])]
        wallet = generator.topology.wallet_providers[int(spin.wallet[0])]
        steps = spin_steps(
            int(spin.duration_ns[0]),
            bool(spin.is_free[0]),
            sent_attrs["slot.feature"],
            bool(spin.win_minor[0] > 0),
            error,
            wallet,
        )
        assert by_trace[trace_id] == (sorted(s.name for s in steps), 0)
    wallet_spans = store_client.command(
        "SELECT countIf(SpanAttributes['wallet.provider'] = '') FROM otel_traces WHERE SpanName LIKE 'wallet.%'"
    )
    assert wallet_spans == 0

    # Metrics (cumulative: the last point of each series is its total): the counter adds up to
    # the spins sent, the duration histogram saw every spin.
    counted = store_client.command(
        "SELECT sum(v) FROM (SELECT argMax(Value, TimeUnix) AS v FROM otel_metrics_sum WHERE MetricName = "
        "'slot.spins' GROUP BY ResourceAttributes['service.instance.id'], Attributes)"
    )
    assert int(counted) == result.spins
    observed = store_client.command(
        "SELECT sum(c) FROM (SELECT argMax(Count, TimeUnix) AS c FROM otel_metrics_histogram WHERE MetricName = "
        "'slot.spin.duration' GROUP BY ResourceAttributes['service.instance.id'], Attributes)"
    )
    assert int(observed) == result.spins
    units = dict(
        store_client.query(
            "SELECT MetricName, any(MetricUnit) FROM otel_metrics_histogram GROUP BY MetricName"
        ).result_rows
    )
    assert units == {"slot.spin.duration": "s", "slot.wallet.duration": "s"}


def test_live_logs_are_correlated_with_their_spin(live_service, store_client) -> None:  # type: ignore[no-untyped-def]
    # A wallet burst for the whole run, so spins fail and log at ERROR.
    burst = parse(
        {
            "name": "burst",
            "description": "walletly fails all run",
            "faults": [
                {
                    "kind": "error_burst",
                    "what": "walletly times out",
                    "where": {"wallet.provider": "walletly"},
                    "error_rate": 0.6,
                    "error_type": "wallet_timeout",
                }
            ],
        },
        "inline",
        Topology(),
    )
    result = run_live(
        f"http://127.0.0.1:{live_service.http_port}", RATE, SECONDS, scenario=burst, seed=2, export_interval_s=60
    )
    assert result.manifest["faults"][0]["where"] == {"wallet.provider": "walletly"}
    rows = store_client.query(
        "SELECT l.SeverityText, l.Body, l.LogAttributes, s.spin_id, s.error_type, l.ScopeName FROM otel_logs l "
        "JOIN spins s ON l.TraceId = s.trace_id AND l.SpanId = s.span_id"
    ).result_rows
    logged = store_client.command("SELECT count() FROM otel_logs")
    assert len(rows) == logged
    errors = [r for r in rows if r[0] == "ERROR"]
    failed = store_client.command("SELECT count() FROM spins WHERE status = 'error'")
    assert len(errors) == failed == result.errors > 5
    for _, body, attrs, spin_id, error_type, scope in errors:
        assert attrs["slot.spin.id"] == spin_id and attrs["error.type"] == error_type and spin_id in body
        assert scope == "slot-server"
    by_provider = dict(
        store_client.query(
            "SELECT LogAttributes['wallet.provider'], count() FROM otel_logs WHERE SeverityText = 'ERROR' "
            "AND LogAttributes['error.type'] = 'wallet_timeout' GROUP BY 1"
        ).result_rows
    )
    assert by_provider["walletly"] >= 0.9 * sum(by_provider.values())  # baseline timeouts are rare elsewhere


def test_same_seed_sends_the_same_spins(live_service, store_client) -> None:  # type: ignore[no-untyped-def]
    endpoint = f"http://127.0.0.1:{live_service.http_port}"
    first = run_live(endpoint, RATE, 1.0, seed=9, keep_ids=True, export_interval_s=60)
    again = live_generator(RATE, first.start_ns + 10**9, first.end_ns + 10**9, seed=9, run_id=1)
    _, ids = again.window(first.start_ns + 10**9, first.end_ns + 10**9)
    assert ids.spin_id == first.spin_ids


def test_serve_demo_job_loads_history_once_then_sends_live(live_service, store, store_client) -> None:  # type: ignore[no-untyped-def]
    endpoint = f"http://127.0.0.1:{live_service.http_port}"
    lines: list[str] = []
    job = serve_demo_job(store, endpoint, days=0.1, spins_per_day=50_000, rate=RATE, log=lines.append)
    stop = threading.Event()
    worker = threading.Thread(target=job, args=(stop,))
    worker.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any("demo traffic" in line for line in lines):
        time.sleep(0.1)
    time.sleep(2)
    stop.set()
    worker.join(30)
    assert not worker.is_alive()
    history, live = store_client.query(
        "SELECT countIf(started_at < now64(9) - INTERVAL 30 SECOND), "
        "countIf(started_at >= now64(9) - INTERVAL 30 SECOND) FROM spins"
    ).result_rows[0]
    assert history > 800 and live > 20  # 0.1 day of 50k/day, at least 0.4x at the diurnal trough
    assert any("demo history loaded" in line for line in lines)

    lines.clear()
    stopped = threading.Event()
    stopped.set()
    serve_demo_job(store, endpoint, days=0.1, spins_per_day=20_000, log=lines.append)(stopped)
    assert not any("loading" in line for line in lines)  # the store has spins: no second history
