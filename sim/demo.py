"""Demo history: a week of spins written straight into the store, quickly, as the server would have sent them.

`load_history` plays the same `SpinGenerator` the live traffic uses over past time
(ending now), turns each window into the otel_traces rows the receiver would have
written for those spans (`sim.rows`), and inserts them through `ingest.writer.StoreWriter`,
so the `spins_mv` view fills `spins` exactly as for live traffic: one path for every figure.

Speed: generation (numpy) and row building (one literal dict per spin) run on this
thread while writer threads insert earlier windows; the engine parses and writes with
the GIL released, so both cores work. Child spans are written for the last
`detail_hours` of history and for a uniform sample (`detail_sample`) of older spins: a
sample chosen regardless of outcome keeps child-span SLOs (wallet success per provider)
unbiased over the whole week, where keeping every failed spin's children would not; log
records for every spin that logs (failures, slow spins, big wins). Metrics are not
back-filled: spans are the source of truth for spins.

Reproducible: the same seed, scale, scenario and `end` give identical rows.
"""

from __future__ import annotations

import dataclasses
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from spinscope.db import Store
from spinscope.ingest.writer import StoreWriter
from spinscope.sim import scenario as scenarios
from spinscope.sim.population import players_for
from spinscope.sim.rows import SpinText, detail_columns, spin_span_columns
from spinscope.sim.scenario import Scenario
from spinscope.sim.spin_arrays import SpinIds, Spins
from spinscope.sim.spins import NS, SpinGenerator

DEFAULT_SPINS_PER_DAY = 1_430_000  # ~10 million spins a week
DEFAULT_CHUNK_SPINS = 200_000
DEFAULT_WRITERS = 2
DEFAULT_DETAIL_SAMPLE = 0.05  # share of spins older than detail_hours written with their child spans

Progress = Callable[[int, int], None]


@dataclass
class HistoryPlan:
    """What a history covers: its time range, its scale and the resolved scenario."""

    start_ns: int
    end_ns: int
    spins_per_day: int
    seed: int
    scenario: Scenario
    chunk_spins: int = DEFAULT_CHUNK_SPINS
    n_players: int = 20_000
    shape: str = "diurnal"  # the traffic's shape over the day (sim/spins.py): "diurnal" or "flat"

    @property
    def expected_spins(self) -> int:
        return int(self.spins_per_day * (self.end_ns - self.start_ns) / (86400 * NS))

    def window_ns(self) -> int:
        """Window length giving about `chunk_spins` spins at the mean rate (1 minute to 6 hours)."""
        seconds = self.chunk_spins / (self.spins_per_day / 86400)
        return int(min(max(seconds, 60), 6 * 3600)) * NS


@dataclass
class LoadResult:
    spins: int
    spans: int
    logs: int
    seconds: float
    start_ns: int
    end_ns: int
    manifest: dict[str, Any] = field(default_factory=dict)
    complete: bool = True  # False when `stop` cut the load short (the store keeps what landed)

    @property
    def spins_per_s(self) -> float:
        return self.spins / self.seconds if self.seconds else 0.0


def plan_history(
    days: float = 7,
    spins_per_day: int = DEFAULT_SPINS_PER_DAY,
    seed: int = 0,
    scenario: str | Scenario | None = None,
    end: datetime | int | None = None,
    chunk_spins: int = DEFAULT_CHUNK_SPINS,
    n_players: int | None = None,
    shape: str = "diurnal",
) -> HistoryPlan:
    """Resolve the arguments of a history: `end` (default now) back `days`, the scenario's windows."""
    if days <= 0 or spins_per_day <= 0:
        raise ValueError(f"days={days}, spins_per_day={spins_per_day}: both must be positive")
    if end is None:
        end_ns = time.time_ns() // NS * NS
    elif isinstance(end, datetime):
        end_ns = int(end.timestamp()) * NS
    else:
        end_ns = int(end)
    start_ns = end_ns - int(days * 86400) * NS
    chosen = scenario if isinstance(scenario, Scenario) else scenarios.load(scenario)
    players = n_players or players_for(spins_per_day)
    return HistoryPlan(
        start_ns, end_ns, spins_per_day, seed, chosen.resolve(start_ns, end_ns), chunk_spins, players, shape
    )


def generate_history(plan: HistoryPlan) -> Iterator[tuple[SpinGenerator, Spins, SpinIds]]:
    """The history's spins, window by window in time order (what load_history writes)."""
    generator = SpinGenerator(
        plan.spins_per_day / 86400, seed=plan.seed, scenario=plan.scenario, n_players=plan.n_players, shape=plan.shape
    )
    step = plan.window_ns()
    a = plan.start_ns
    while a < plan.end_ns:
        b = min(a + step, plan.end_ns)
        spins, ids = generator.window(a, b)
        yield generator, spins, ids
        a = b


def load_history(
    store: Store,
    days: float = 7,
    spins_per_day: int = DEFAULT_SPINS_PER_DAY,
    seed: int = 0,
    scenario: str | Scenario | None = None,
    end: datetime | int | None = None,
    progress: Progress | None = None,
    chunk_spins: int = DEFAULT_CHUNK_SPINS,
    writers: int = DEFAULT_WRITERS,
    detail_hours: float = 1.0,
    detail_sample: float = DEFAULT_DETAIL_SAMPLE,
    shape: str = "diurnal",
) -> LoadResult:
    """Fill `store` with `days` of spins ending at `end` (default now); returns counts and timing.

    `progress(spins_inserted, spins_expected)` is called as windows land (from this thread). `shape="flat"`
    spreads the traffic evenly over the day: a short history ending "now" then looks the same whatever
    the hour (what a test of the app against the wall clock needs).
    """
    plan = plan_history(days, spins_per_day, seed, scenario, end, chunk_spins, shape=shape)
    return load_plan(store, plan, progress, writers, detail_hours, detail_sample)


class _Writers:
    """Writer threads inserting queued tables; the queue is bounded so memory stays bounded."""

    def __init__(self, store: Store, n: int, stop: threading.Event | None = None) -> None:
        self.write = StoreWriter(store)
        self.tasks: queue.Queue[tuple[str, dict[str, list], int] | None] = queue.Queue(maxsize=max(n, 1))
        self.inserted_spins = 0
        self.error: BaseException | None = None
        # Set: queued tables are dropped, in-flight inserts finish. The caller's stop event itself, so
        # writers drop queued windows the moment a signal arrives, not when the builder next looks.
        self.cancelled = stop if stop is not None else threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, name=f"demo-writer-{i}", daemon=True) for i in range(n)]
        for t in self._threads:
            t.start()

    def _run(self) -> None:
        while (task := self.tasks.get()) is not None:
            table, columns, spins = task
            if self.error is not None or self.cancelled.is_set():
                continue
            try:
                self.write(table, columns)
            except BaseException as exc:  # surfaced to the caller by put/close
                self.error = exc
                continue
            with self._lock:
                self.inserted_spins += spins

    def put(self, table: str, columns: dict[str, list], spins: int = 0) -> bool:
        """Queue a table; False (not queued) once cancelled, even while waiting for room."""
        while not self.cancelled.is_set():
            if self.error is not None:
                raise self.error
            try:
                self.tasks.put((table, columns, spins), timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def close(self) -> None:
        for _ in self._threads:
            self.tasks.put(None)
        for t in self._threads:
            t.join()
        if self.error is not None:
            raise self.error


def load_plan(
    store: Store,
    plan: HistoryPlan,
    progress: Progress | None = None,
    writers: int = DEFAULT_WRITERS,
    detail_hours: float = 1.0,
    detail_sample: float = DEFAULT_DETAIL_SAMPLE,
    stop: threading.Event | None = None,
) -> LoadResult:
    """Generate and insert the plan's history (see module docstring for what is written).

    When `stop` is set the load ends at the next window: queued windows are dropped, the
    inserts in flight (one per writer) finish, and the result says `complete=False`.
    `serve --demo` passes its shutdown event, so Ctrl-C or SIGTERM during the load stops
    cleanly instead of closing the store under the writers.
    """
    started = time.perf_counter()
    pool = _Writers(store, writers, stop)
    detail_from = plan.end_ns - int(detail_hours * 3600) * NS
    detail_rng = np.random.default_rng([plan.seed, 2])
    expected = plan.expected_spins
    spins_total = spans_total = logs_total = 0
    text: SpinText | None = None
    try:
        # the generator's set-up (exact game theory, the population) takes seconds: not after a stop
        for generator, spins, ids in () if pool.cancelled.is_set() else generate_history(plan):
            if pool.cancelled.is_set():
                break
            if text is None:
                text = SpinText(generator)
            if len(spins) == 0:
                continue
            columns = spin_span_columns(text, spins, ids)
            children, logs = detail_columns(
                text,
                spins,
                ids,
                detail_rng,
                (spins.ts_ns >= detail_from) | (detail_rng.random(len(spins)) < detail_sample),
            )
            for name, values in children.items():
                columns[name].extend(values)
            # building a window takes seconds: a window built after the signal is not queued
            if not pool.put("otel_traces", columns, len(spins)):
                break
            spins_total += len(spins)
            spans_total += len(columns["Timestamp"])
            if logs["Timestamp"] and pool.put("otel_logs", logs):
                logs_total += len(logs["Timestamp"])
            if progress is not None:
                progress(pool.inserted_spins, max(expected, pool.inserted_spins))
    finally:
        pool.close()
    complete = not pool.cancelled.is_set()  # a stop drops what was queued: the history is cut short
    if not complete:
        spins_total = pool.inserted_spins  # what landed, not what was built
    if progress is not None and complete:
        progress(spins_total, spins_total)
    return LoadResult(
        spins_total,
        spans_total,
        logs_total,
        time.perf_counter() - started,
        plan.start_ns,
        plan.end_ns,
        plan.scenario.manifest(),
        complete,
    )


def has_spins(store: Store) -> bool:
    """Whether the store already holds spins (`serve --demo` loads history only into an empty store)."""
    return bool(store.client().command("SELECT count() > 0 FROM spins"))


DEMO_SCHEDULE: tuple[tuple[str, float], ...] = (
    ("baseline", 5),
    ("wallet-error-burst", 15),
    ("baseline", 15),
    ("latency-regression", 15),
    ("baseline", 15),
    ("rtp-drift-over", 30),
    ("baseline", 15),
    ("traffic-drop", 10),
)
"""The live demo's story, (shipped scenario, minutes), played in a loop after the history: healthy
first, then a wallet error burst long enough to page (the 1 h burn passes 14.4x after about 9 minutes),
then a latency regression, an RTP mis-set version and a traffic drop, each followed by calm."""


def episode(name: str, minutes: float) -> Scenario:
    """Shipped scenario `name` with every fault lasting the whole episode (the files place faults at a
    share of a long run; a live episode is minutes long, so the fault is the episode)."""
    whole = scenarios.Bound("0%", share=0.0), scenarios.Bound("100%", share=1.0)
    chosen = scenarios.load(name)
    if minutes <= 0:
        raise ValueError(f"episode {name}: {minutes} minutes; give a positive length")
    return dataclasses.replace(
        chosen, faults=tuple(dataclasses.replace(f, start=whole[0], end=whole[1]) for f in chosen.faults)
    )


def serve_demo_job(
    store: Store,
    endpoint: str,
    days: float = 7,
    spins_per_day: int = DEFAULT_SPINS_PER_DAY,
    rate: float = 20.0,
    seed: int = 0,
    protocol: str = "http",
    token: str | None = None,
    log: Callable[[str], None] = print,
    schedule: tuple[tuple[str, float], ...] = DEMO_SCHEDULE,
) -> Callable[[threading.Event], None]:
    """The `serve --demo` background job: history once (only into an empty store), then live traffic
    playing `schedule` (DEMO_SCHEDULE: healthy, then the shipped scenarios one after another, in a loop).

    Pass it in `spinscope.server.serve(..., background=[job])`; `endpoint` is the serve
    process's own OTLP/HTTP base URL. Live traffic starts where the history ended (it
    catches up the minutes the load took, then runs in real time) and shares the history's
    players (same seed), with fresh spin ids on every start.
    """

    def job(stop: threading.Event) -> None:
        from spinscope.sim.traffic import run_live

        live_from: int | None = None
        if not has_spins(store):
            plan = plan_history(days, spins_per_day, seed)
            log(f"spinscope: loading {days:g} days of demo history (~{plan.expected_spins:,} spins)")
            reported = [0]

            def progress(done: int, total: int) -> None:
                tenth = 10 * done // max(total, 1)
                if tenth > reported[0]:
                    reported[0] = tenth
                    log(f"spinscope: demo history {10 * tenth}% ({done:,} spins)")

            result = load_plan(store, plan, progress, stop=stop)
            if not result.complete:
                log(
                    f"spinscope: demo history stopped after {result.spins:,} spins; the store keeps what "
                    "landed (start from an empty --data-dir for the whole week)"
                )
                return
            log(f"spinscope: demo history loaded: {result.spins:,} spins in {result.seconds:.0f} s")
            live_from = plan.end_ns
        if stop.is_set():
            return
        log(f"spinscope: demo traffic: {rate:g} spins/s to {endpoint}, playing {len(schedule)} episodes in a loop")
        while not stop.is_set():
            for name, minutes in schedule:
                if stop.is_set():
                    return
                played = episode(name, minutes)
                log(f"spinscope: demo: {name} for {minutes:g} min: {played.description.strip()}")
                run_live(
                    endpoint,
                    rate,
                    minutes * 60,
                    protocol=protocol,
                    scenario=played,
                    seed=seed,
                    stop=stop,
                    token=token,
                    run_id=time.time_ns(),
                    n_players=players_for(spins_per_day),
                    start_ns=live_from,
                )
                live_from = None  # the first episode catches up from the history's end; the next start now

    return job
