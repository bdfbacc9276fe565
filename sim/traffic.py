"""Live traffic: the simulated slot servers sending spins over OTLP in real time.

`run_live` plays the same `SpinGenerator` as the demo history, one second at a time at
a flat rate, and sends every spin through the real opentelemetry-sdk of the instance
that served it (`sim.telemetry`) when the wall clock reaches the spin's start. If the
sender falls behind (a rate the machine cannot keep up with) spins go out as fast as
possible with their planned timestamps, so the telemetry stays exact and only arrives late.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from spinscope.sim import scenario as scenarios
from spinscope.sim.population import players_for
from spinscope.sim.rows import SpinText
from spinscope.sim.scenario import Scenario
from spinscope.sim.spin_arrays import SpinIds, Spins
from spinscope.sim.spins import NS, SpinGenerator
from spinscope.sim.steps import spin_logs, spin_steps
from spinscope.sim.telemetry import InstanceTelemetry, instance_telemetry

DEFAULT_PLAYERS = players_for(1_430_000)


@dataclass
class LiveResult:
    spins: int
    errors: int
    start_ns: int
    end_ns: int
    manifest: dict[str, Any] = field(default_factory=dict)
    spin_ids: list[str] = field(default_factory=list)


def run_live(
    endpoint: str,
    rate: float,
    duration_s: float | None,
    protocol: str = "http",
    scenario: str | Scenario | None = None,
    seed: int = 0,
    stop: threading.Event | None = None,
    token: str | None = None,
    run_id: int = 1,
    n_players: int = DEFAULT_PLAYERS,
    export_interval_s: float = 10.0,
    start_ns: int | None = None,
    keep_ids: bool = False,
) -> LiveResult:
    """Send about `rate` spins/s to `endpoint` for `duration_s` seconds (None: until `stop` is set).

    `endpoint` is the OTLP/HTTP base URL (http://host:4318) or the gRPC target (host:4317).
    The scenario's fault windows are relative to this run. Same seed, run_id and rate
    give the same spins (ids, attributes, latencies); only their wall-clock times move.
    Flushes every exporter before returning, so what was sent is in the receiver.
    """
    if rate <= 0:
        raise ValueError(f"rate={rate}: spins per second must be positive")
    if duration_s is None and stop is None:
        raise ValueError("give a duration or a stop event, or the run never ends")
    stop = stop or threading.Event()
    begin = start_ns if start_ns is not None else time.time_ns()
    end = begin + int(duration_s * NS) if duration_s is not None else None
    generator = live_generator(rate, begin, end, scenario, seed, run_id, n_players)
    sender = _Sender(generator, endpoint, protocol, token, seed, export_interval_s, keep_ids)
    reached = begin
    try:
        for a, b in live_windows(begin, end):
            if stop.is_set() or not sender.send(*generator.window(a, b), stop):
                break
            reached = b
    finally:
        sender.close()
    return LiveResult(sender.sent, sender.errors, begin, reached, generator.scenario.manifest(), sender.spin_ids)


class _Sender:
    """Sends planned spins through each instance's SDK providers (created on first use)."""

    def __init__(
        self,
        generator: SpinGenerator,
        endpoint: str,
        protocol: str,
        token: str | None,
        seed: int,
        export_interval_s: float,
        keep_ids: bool,
    ) -> None:
        self.text = SpinText(generator)
        self.instances = generator.topology.instances
        self.connect = lambda k: instance_telemetry(
            self.instances[k], endpoint, protocol, token, seed=seed * 1000 + k, export_interval_s=export_interval_s
        )
        self.telemetry: dict[int, InstanceTelemetry] = {}
        self.keep_ids = keep_ids
        self.sent = self.errors = 0
        self.spin_ids: list[str] = []

    def send(self, spins: Spins, ids: SpinIds, stop: threading.Event) -> bool:
        """Send one window's spins as the clock reaches each; False when `stop` interrupted it."""
        text = self.text
        attrs = text.attributes(spins, ids)
        _, wins = text.money(spins)
        wallets = text.wallets[spins.wallet].tolist()
        error_types = text.error_types[spins.error].tolist()
        for i in range(len(spins)):
            start, duration = int(spins.ts_ns[i]), int(spins.duration_ns[i])
            lag = (start - time.time_ns()) / NS
            if lag > 0 and stop.wait(lag):
                return False
            k = int(spins.instance[i])
            telemetry = self.telemetry.get(k)
            if telemetry is None:
                telemetry = self.telemetry[k] = self.connect(k)
            a_i, error_type = attrs[i], error_types[i]
            steps = spin_steps(
                duration,
                bool(spins.is_free[i]),
                a_i["slot.feature"],
                bool(spins.win_minor[i] > 0),
                error_type,
                wallets[i],
            )
            logs = spin_logs(
                a_i["slot.spin.id"],
                duration,
                error_type,
                wallets[i],
                int(spins.stake_minor[i]),
                int(spins.win_minor[i]),
                wins[i],
                a_i["slot.currency"],
                a_i["slot.game.id"],
            )
            telemetry.emit_spin(a_i, ids.trace_id[i], ids.span_id[i], start, duration, error_type, steps, logs)
            self.sent += 1
            self.errors += bool(error_type)
            if self.keep_ids:
                self.spin_ids.append(a_i["slot.spin.id"])
        return True

    def close(self) -> None:
        """Flush every exporter (what was sent is then in the receiver) and shut the providers down."""
        for telemetry in self.telemetry.values():
            telemetry.flush()
            telemetry.shutdown()


def live_generator(
    rate: float,
    begin_ns: int,
    end_ns: int | None,
    scenario: str | Scenario | None = None,
    seed: int = 0,
    run_id: int = 1,
    n_players: int = DEFAULT_PLAYERS,
) -> SpinGenerator:
    """The generator behind a live run (tests replay it to know exactly what was sent)."""
    chosen = scenario if isinstance(scenario, Scenario) else scenarios.load(scenario)
    return SpinGenerator(
        rate, seed=seed, scenario=chosen.resolve(begin_ns, end_ns), n_players=n_players, shape="flat", run_id=run_id
    )


def live_windows(begin_ns: int, end_ns: int | None) -> Iterator[tuple[int, int]]:
    """The one-second windows a live run plays, up to its end (forever without one)."""
    a = begin_ns
    while end_ns is None or a < end_ns:
        b = a + NS if end_ns is None else min(a + NS, end_ns)
        yield a, b
        a = b
