"""A window of simulated spins as parallel numpy arrays, and their ids once emitted.

Kept apart from the generator (`sim.spins`) because every consumer (the demo history, the live
SDK traffic, the row builders) handles these arrays while only the generator makes them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np


@dataclass
class Spins:
    """Spins as parallel numpy arrays (one element per spin), plus their ids once emitted.

    Codes index the generator's topology tuples; `error` indexes `SpinGenerator.error_types`
    (0 = no error); `misset` indexes MISSETS (the reel strip really used: ground truth);
    `fault_bits` has bit i set when fault i of the scenario changed the spin.
    """

    ts_ns: np.ndarray  # int64 start of the spin
    duration_ns: np.ndarray  # int64 latency
    session: np.ndarray  # uint64 session key
    player: np.ndarray  # int32 index into Players
    game: np.ndarray  # int16 index into topology.games
    misset: np.ndarray  # int8 index into MISSETS
    instance: np.ndarray  # int16 index into topology.instances
    region: np.ndarray  # int16
    currency: np.ndarray  # int16
    wallet: np.ndarray  # int16
    channel: np.ndarray  # int16
    is_free: np.ndarray  # bool
    feature: np.ndarray  # int8 index into FEATURES
    stake_minor: np.ndarray  # int64 the round's paid stake (also on its free spins)
    bet_minor: np.ndarray  # int64 0 on free spins
    win_minor: np.ndarray  # int64
    error: np.ndarray  # int8
    fault_bits: np.ndarray  # int16

    def __len__(self) -> int:
        return len(self.ts_ns)

    def take(self, index: np.ndarray) -> Spins:
        return Spins(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    @staticmethod
    def concat(parts: list[Spins]) -> Spins:
        return Spins(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Spins)})


def empty_spins() -> Spins:
    dtypes = {
        "ts_ns": np.int64,
        "duration_ns": np.int64,
        "session": np.uint64,
        "player": np.int32,
        "game": np.int16,
        "misset": np.int8,
        "instance": np.int16,
        "region": np.int16,
        "currency": np.int16,
        "wallet": np.int16,
        "channel": np.int16,
        "is_free": bool,
        "feature": np.int8,
        "stake_minor": np.int64,
        "bet_minor": np.int64,
        "win_minor": np.int64,
        "error": np.int8,
        "fault_bits": np.int16,
    }
    return Spins(**{name: np.zeros(0, dtype=dt) for name, dt in dtypes.items()})


@dataclass
class SpinIds:
    """The ids of emitted spins, as lowercase hex strings (trace 32, span 16, spin 20 digits)."""

    trace_id: list[str]
    span_id: list[str]
    spin_id: list[str]


def random_hex(rng: np.random.Generator, n: int, nbytes: int) -> list[str]:
    """n random ids of nbytes each, as hex strings (one bytes.hex() call, then slicing)."""
    text = rng.bytes(n * nbytes).hex()
    w = 2 * nbytes
    return [text[i : i + w] for i in range(0, n * w, w)]
