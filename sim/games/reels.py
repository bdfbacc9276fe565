"""Shared machinery of reel games: line evaluation, scatter counting, enumeration of all reel stops.

A game module supplies only its rules (a `ReelRules`: strips, paytable, paylines, features);
`ReelGame` turns those rules into one spin's outcome (`spin`, the slow path that draws real
reel stops) and into the exact outcome distribution (`outcome_table`, by enumerating every
combination of reel stops with numpy). Both paths evaluate the same rules with separate code
(scalar here, vectorised in `enumerate_stops`), so tests can hold one against the other.

Unit of account: one *credit* is the line bet, and a paid spin stakes `len(lines)` credits.
Line pays are in credits; scatter pays and bonus prizes are whole multiples of the total bet;
the free-spin multiplier is an integer. Every win is therefore an integer number of credits,
and `win_multiplier = credits / len(lines)` is exact. Nothing here touches telemetry or money.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field, replace
from fractions import Fraction

import numpy as np

from spinscope.sim.games.base import OutcomeTable, SpinOutcome, Theory

FEATURES: tuple[str, ...] = ("none", "free_spins", "bonus", "jackpot")
"""Feature labels, in the order of the integer codes the vectorised sampler uses."""

_AWARD_SPAN = 1024  # free spins awarded by one spin stay below this (checked in ReelRules)
_BINCOUNT_LIMIT = 1 << 25  # largest packed outcome key grouped by counting rather than sorting


@dataclass(frozen=True)
class WheelSlice:
    """One slice of a bonus wheel: a prize in multiples of the total bet, its weight and label."""

    prize: int
    weight: int
    feature: str = "bonus"  # "bonus" or "jackpot"


@dataclass(frozen=True)
class ReelRules:
    """Everything that makes one game version: the only thing a game module writes.

    `line_pays[symbol][k]` is the pay in line-bet credits for a left-to-right run of `k`
    symbols (wilds substitute); tuples are indexed by count and shorter tuples mean "no pay
    beyond". Scatter and bonus symbols count anywhere in the window and are not substituted.
    """

    id: str
    version: str
    name: str
    reels: tuple[tuple[str, ...], ...]
    lines: tuple[tuple[int, ...], ...]
    line_pays: tuple[tuple[str, tuple[int, ...]], ...]
    rows: int = 3
    wild: str | None = None
    wild_substitutes: tuple[str, ...] | None = None  # paytable symbols the wild stands in for; None: all
    wild_multiplier: int = 1  # a line win whose run a wild completes (for another symbol) is multiplied
    scatter: str | None = None
    scatter_pays: tuple[int, ...] = ()  # by scatter count, multiples of the total bet
    free_spins_award: tuple[int, ...] = ()  # by scatter count, on a paid spin
    free_reels: tuple[tuple[str, ...], ...] | None = None  # None: free spins use `reels`
    free_spins_retrigger: tuple[int, ...] = ()  # by scatter count, on a free spin
    free_multiplier: int = 1
    bonus: str | None = None
    bonus_min: int = 3  # bonus symbols needed anywhere in the window to spin the wheel
    wheel: tuple[WheelSlice, ...] = ()
    # Fault-scenario ground truth: per direction, (reel index, ((stop, new symbol), ...)).
    missets: tuple[tuple[str, tuple[int, tuple[tuple[int, str], ...]]], ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        n = len(self.reels)
        if not self.lines or any(len(line) != n for line in self.lines):
            raise ValueError(f"{self.id}: every payline needs one row index per reel ({n} reels)")
        if any(not 0 <= row < self.rows for line in self.lines for row in line):
            raise ValueError(f"{self.id}: payline rows must lie in 0..{self.rows - 1}")
        if any(len(strip) < self.rows for strip in self.reels):
            raise ValueError(f"{self.id}: a reel strip is shorter than the window ({self.rows} rows)")
        if self.free_reels is not None and len(self.free_reels) != n:
            raise ValueError(f"{self.id}: free_reels must have {n} strips like the paid reels")
        if any(a >= _AWARD_SPAN for a in (*self.free_spins_award, *self.free_spins_retrigger)):
            raise ValueError(f"{self.id}: a spin may award at most {_AWARD_SPAN - 1} free spins")
        if self.wild_substitutes is not None:
            paying = {symbol for symbol, _ in self.line_pays}
            if self.wild is None or not set(self.wild_substitutes) <= paying:
                raise ValueError(f"{self.id}: wild_substitutes needs a wild and names paytable symbols only")
        if self.wild_multiplier < 1 or (self.wild_multiplier != 1 and self.wild is None):
            raise ValueError(f"{self.id}: wild_multiplier must be a whole number >= 1, and needs a wild")
        if self.bonus is not None and not self.wheel:
            raise ValueError(f"{self.id}: a bonus symbol needs a wheel of prizes")


def reel_strip(text: str) -> tuple[str, ...]:
    """A reel strip from its symbols separated by spaces, top stop first (as PAR sheets list them)."""
    return tuple(text.split())


def _at(table: tuple[int, ...], count: int) -> int:
    """Value of a by-count table; counts beyond its end pay nothing."""
    return table[count] if count < len(table) else 0


@dataclass(frozen=True)
class ExactTable:
    """One spin's exact outcome distribution with integer weights (denominator `total`)."""

    credits: np.ndarray  # int64, win in credits (line bets)
    award: np.ndarray  # int64, free spins awarded
    feature: np.ndarray  # int8, index into FEATURES
    weight: np.ndarray  # int64, count of (reel stops x wheel slices) giving this outcome
    total: int


class ReelGame:
    """A game built from `ReelRules`; implements the `sim.games.base.Game` protocol."""

    def __init__(self, rules: ReelRules) -> None:
        self.rules = rules
        self.id = rules.id
        self.version = rules.version
        self.name = rules.name
        self.bet_credits = len(rules.lines)
        self._pays = dict(rules.line_pays)
        self._wheel_total = sum(s.weight for s in rules.wheel) or 1
        # The version production would report; differs from `version` only for mis-set variants.
        self.intended_version = rules.version

    def __repr__(self) -> str:
        return f"ReelGame({self.id!r}, {self.version!r})"

    # Equality and hashing by rules, so functools caches are shared by equal configurations.
    def __eq__(self, other: object) -> bool:
        return isinstance(other, ReelGame) and other.rules == self.rules

    def __hash__(self) -> int:
        return hash(self.rules)

    def substitutes(self, symbol: str) -> bool:
        """Whether the wild stands in for `symbol` on a line (it always counts towards its own run)."""
        r = self.rules
        return r.wild is not None and (r.wild_substitutes is None or symbol == r.wild or symbol in r.wild_substitutes)

    def strips(self, free: bool) -> tuple[tuple[str, ...], ...]:
        """The reel strips a paid (or free) spin is drawn from."""
        return self.rules.free_reels if free and self.rules.free_reels is not None else self.rules.reels

    @property
    def reel_stop_count(self) -> int:
        """Number of reel-stop combinations of the paid reels (the enumeration's size)."""
        return int(np.prod([len(s) for s in self.rules.reels]))

    # ---- slow path: one spin from real reel draws -------------------------------------------
    def spin(self, rng: random.Random, free: bool = False) -> SpinOutcome:
        """Draw one stop per reel (and a wheel slice if the bonus lands) and evaluate it."""
        stops = tuple(rng.randrange(len(strip)) for strip in self.strips(free))
        draw = rng.randrange(self._wheel_total)  # drawn on every spin, so draws stay aligned
        index = 0
        for wheel_slice in self.rules.wheel:
            if draw < wheel_slice.weight:
                break
            draw -= wheel_slice.weight
            index += 1
        return self.spin_at(stops, free, wheel_index=index)

    def window(self, stops: tuple[int, ...], free: bool = False) -> tuple[tuple[str, ...], ...]:
        """Visible symbols per reel, top row first, for the given stop of each reel."""
        rows = self.rules.rows
        return tuple(
            tuple(strip[(stop + r) % len(strip)] for r in range(rows))
            for strip, stop in zip(self.strips(free), stops, strict=True)
        )

    def line_win(self, symbols: tuple[str, ...]) -> int:
        """Credits paid by one payline: the best left-to-right run, wilds substituting."""
        wild = self.rules.wild
        best = 0
        for symbol, pays in self._pays.items():
            stand_in = wild if self.substitutes(symbol) else symbol
            run = 0
            wild_in_run = False
            for s in symbols:
                if s in (symbol, stand_in):
                    run += 1
                    wild_in_run = wild_in_run or (s == wild and symbol != wild)
                else:
                    break
            best = max(best, _at(pays, run) * (self.rules.wild_multiplier if wild_in_run else 1))
        return best

    def spin_at(self, stops: tuple[int, ...], free: bool = False, wheel_index: int = 0) -> SpinOutcome:
        """Outcome of the spin that stops the reels at `stops` (wheel slice used if the bonus lands)."""
        r = self.rules
        window = self.window(stops, free)
        credits = sum(self.line_win(tuple(window[j][row] for j, row in enumerate(line))) for line in r.lines)
        scatters = sum(col.count(r.scatter) for col in window) if r.scatter else 0
        bonuses = sum(col.count(r.bonus) for col in window) if r.bonus else 0
        credits += _at(r.scatter_pays, scatters) * self.bet_credits
        award = _at(r.free_spins_retrigger if free else r.free_spins_award, scatters)
        feature = "free_spins" if award else "none"
        if r.bonus and bonuses >= r.bonus_min:  # one label per spin: the wheel's wins over free_spins
            wheel_slice = r.wheel[wheel_index]
            credits += wheel_slice.prize * self.bet_credits
            feature = wheel_slice.feature
        if free:
            credits *= r.free_multiplier
        return SpinOutcome(Fraction(credits, self.bet_credits), feature, award)

    # ---- exact path: every reel-stop combination at once ------------------------------------
    def outcome_table(self, free: bool = False) -> OutcomeTable:
        """The exact distribution of one spin (paid or free), by full enumeration of reel stops."""
        table = exact_table(self, free)
        return OutcomeTable(
            win_multiplier=tuple(Fraction(int(c), self.bet_credits) for c in table.credits),
            feature=tuple(FEATURES[int(f)] for f in table.feature),
            free_spins_awarded=tuple(int(a) for a in table.award),
            probability=tuple(Fraction(int(w), table.total) for w in table.weight),
        )

    def theory(self) -> Theory:
        """Exact RTP, round standard deviation and hit frequency (see `sim.games.theory`)."""
        from spinscope.sim.games.theory import game_theory

        return game_theory(self)

    def with_rules(self, **changes: object) -> ReelGame:
        """A copy of this game with some rules replaced (used for misconfigured variants)."""
        return ReelGame(replace(self.rules, **changes))  # type: ignore[arg-type]


def _symbol_ids(game: ReelGame, free: bool) -> tuple[list[str], list[np.ndarray]]:
    """Symbol alphabet and, per reel, the window's symbol ids for every stop (shape stops x rows)."""
    strips = game.strips(free)
    alphabet = sorted({s for strip in strips for s in strip} | set(game._pays))
    index = {s: i for i, s in enumerate(alphabet)}
    rows = game.rules.rows
    windows = []
    for strip in strips:
        ids = np.array([index[s] for s in strip], dtype=np.int64)
        windows.append(np.stack([np.roll(ids, -r) for r in range(rows)], axis=1))
    return alphabet, windows


def _line_pay_lookup(game: ReelGame, alphabet: list[str], n_reels: int) -> np.ndarray:
    """Pay of every possible tuple of symbols on a line, flattened (base len(alphabet))."""
    k = len(alphabet)
    tuples = np.indices((k,) * n_reels).reshape(n_reels, -1).T  # all k**n tuples, C order
    wild = alphabet.index(game.rules.wild) if game.rules.wild in alphabet else -1
    best = np.zeros(len(tuples), dtype=np.int64)
    for symbol, pays in game._pays.items():
        sid = alphabet.index(symbol)
        match = (tuples == sid) | (tuples == (wild if game.substitutes(symbol) else sid))
        in_run = np.cumprod(match, axis=1)
        run = in_run.sum(axis=1)
        pay_by_run = np.array([_at(pays, n) for n in range(n_reels + 1)], dtype=np.int64)
        pay = pay_by_run[run]
        if game.rules.wild_multiplier != 1 and sid != wild and game.substitutes(symbol):
            wild_in_run = ((in_run == 1) & (tuples == wild)).any(axis=1)
            pay = pay * np.where(wild_in_run, game.rules.wild_multiplier, 1)
        np.maximum(best, pay, out=best)
    return best


def enumerate_stops(game: ReelGame, free: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per reel-stop combination (C order of stops): line credits, scatter count, bonus count."""
    r = game.rules
    alphabet, windows = _symbol_ids(game, free)
    n = len(windows)
    k = len(alphabet)
    lookup = _line_pay_lookup(game, alphabet, n)
    shape = tuple(len(w) for w in windows)

    def broadcast(j: int, values: np.ndarray) -> np.ndarray:
        return values.reshape(tuple(-1 if i == j else 1 for i in range(n)))

    credits = np.zeros(shape, dtype=np.int64)
    for line in r.lines:
        flat = sum(broadcast(j, windows[j][:, row] * k ** (n - 1 - j)) for j, row in enumerate(line))
        credits += lookup[flat]

    def count(symbol: str | None) -> np.ndarray:
        if symbol is None or symbol not in alphabet:
            return np.zeros(shape, dtype=np.int64)
        sid = alphabet.index(symbol)
        return sum(broadcast(j, (windows[j] == sid).sum(axis=1)) for j in range(n)) + np.zeros(shape, dtype=np.int64)

    return credits.ravel(), count(r.scatter).ravel(), count(r.bonus).ravel()


@functools.cache
def exact_table(game: ReelGame, free: bool) -> ExactTable:
    """Enumerate every reel-stop combination (and wheel slice) into a grouped, exact table.

    Cached: enumeration of a 5-reel game takes about a second, and the demo loader,
    the theory and the catalog all ask for the same tables.
    """
    r = game.rules
    line_credits, scatters, bonuses = enumerate_stops(game, free)
    by_count = r.free_spins_retrigger if free else r.free_spins_award
    max_count = int(scatters.max(initial=0))
    scatter_credits = np.array([_at(r.scatter_pays, c) * game.bet_credits for c in range(max_count + 1)])
    award_by_count = np.array([_at(by_count, c) for c in range(max_count + 1)], dtype=np.int64)
    credits = line_credits + scatter_credits[scatters]
    award = award_by_count[scatters]
    feature = np.where(award > 0, FEATURES.index("free_spins"), 0).astype(np.int64)
    triggered = (bonuses >= r.bonus_min) if r.bonus else np.zeros_like(credits, dtype=bool)
    wheel_total = game._wheel_total
    total = len(line_credits) * wheel_total
    if total >= 2**53:
        raise ValueError(f"{game.id}: {total:,} weighted outcomes exceed exact float64 counting; use fewer stops")

    parts = [_group(credits[~triggered], award[~triggered], feature[~triggered], wheel_total)]
    for wheel_slice in r.wheel:
        prize = wheel_slice.prize * game.bet_credits
        code = np.full(int(triggered.sum()), FEATURES.index(wheel_slice.feature))
        parts.append(_group(credits[triggered] + prize, award[triggered], code, wheel_slice.weight))
    c, a, f, w = (np.concatenate(x) for x in zip(*parts, strict=True))
    c = c * (r.free_multiplier if free else 1)
    merged = _group(c, a, f, 1, weights=w)
    if int(merged[3].sum()) != total:  # a broken grouping must never yield a silently wrong RTP
        raise RuntimeError(f"{game.id}: outcome weights sum to {int(merged[3].sum())}, expected {total}")
    return ExactTable(merged[0], merged[1], merged[2].astype(np.int8), merged[3], total)


def _group(
    credits: np.ndarray, award: np.ndarray, feature: np.ndarray, scale: int, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Collapse identical (credits, award, feature) outcomes, summing their weights times `scale`.

    Keys are packed into one int64 and counted with `np.bincount` when the key range is modest
    (it is for every game here; sorting 3.2 million keys would take four times as long).
    Float64 sums of integer weights are exact below 2**53, far above any table's total.
    """
    if len(credits) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty
    award_span = int(award.max()) + 1
    key = (credits.astype(np.int64) * award_span + award) * len(FEATURES) + feature
    if int(key.max()) < _BINCOUNT_LIMIT:
        counts = np.bincount(key, weights=weights)
        unique = np.flatnonzero(counts)
        summed = counts[unique]
    else:
        unique, inverse = np.unique(key, return_inverse=True)
        summed = np.bincount(inverse.ravel(), weights=weights, minlength=len(unique))
    summed = np.rint(summed).astype(np.int64) * scale
    rest, feature_u = np.divmod(unique, len(FEATURES))
    credits_u, award_u = np.divmod(rest, award_span)
    return credits_u, award_u, feature_u, summed
