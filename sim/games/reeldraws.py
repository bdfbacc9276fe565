"""Monte Carlo by real reel draws, vectorised: the cross-check of the enumeration, and the only route
when a game's reel-stop space is too large to enumerate.

Each spin draws one stop per reel (and a wheel slice) from a seeded numpy `Generator` and
evaluates the window with code separate from the enumeration's (`reels.enumerate_stops` builds a
pay lookup over every symbol tuple; here each paytable symbol's run is measured on the drawn
lines), so the two routes can be held against each other. Rounds are played a generation of
free spins at a time, in fixed-size chunks: the same seed, round count and game give the same
rounds on every machine. Nothing here knows about par sheets, declared figures or reports.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from spinscope.sim.games.reels import FEATURES, ReelGame

CHUNK_ROUNDS = 50_000  # rounds drawn at once: bounds memory; part of what a seed reproduces
_MAX_GENERATIONS = 10_000
MAX_FREE_SPINS_PER_ROUND = 1_000  # pending free spins beyond this per round mean the feature never ends


@dataclass(frozen=True)
class RoundDraws:
    """Per-round results of `n` rounds drawn from the reels."""

    totals: np.ndarray  # int64, round total win in credits (line bets)
    paid_hits: int  # paid spins with a win > 0
    spins: int  # paid + free spins played
    bet_credits: int  # credits staked by a paid spin


class ReelEvaluator:
    """One reel set (paid or free) ready for vectorised evaluation of drawn stops."""

    def __init__(self, game: ReelGame, free: bool) -> None:
        rules = game.rules
        strips = game.strips(free)
        alphabet = sorted({s for strip in strips for s in strip} | {s for s, _ in rules.line_pays})
        self.index = {s: i for i, s in enumerate(alphabet)}
        self.ids = [np.array([self.index[s] for s in strip], dtype=np.int16) for strip in strips]
        self.rows = rules.rows
        self.lines = rules.lines
        self.wild = self.index.get(rules.wild, -1) if rules.wild else -1
        width = len(strips) + 1
        self.pays = [
            (
                self.index[symbol],
                self.wild if game.substitutes(symbol) else -1,
                np.array([pays[k] if k < len(pays) else 0 for k in range(width)], dtype=np.int64),
            )
            for symbol, pays in rules.line_pays
        ]
        self.free = free
        self.game = game

    def spins(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """n spins: (credits, free spins awarded, feature code)."""
        stops = [rng.integers(0, len(ids), size=n) for ids in self.ids]
        wheel_draw = rng.integers(0, self.game._wheel_total, size=n)  # drawn always, as `ReelGame.spin` does
        edges = np.cumsum([s.weight for s in self.game.rules.wheel], dtype=np.int64)
        return self.evaluate(stops, np.searchsorted(edges, wheel_draw, side="right"))

    def evaluate(self, stops: list[np.ndarray], wheel_slice: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Outcomes of spins stopping at `stops` (one array per reel), with these wheel slices if triggered."""
        r = self.game.rules
        n = len(wheel_slice)
        window = [
            [ids[(stop + row) % len(ids)] for row in range(self.rows)]
            for ids, stop in zip(self.ids, stops, strict=True)
        ]
        credits = np.zeros(n, dtype=np.int64)
        for line in self.lines:
            symbols = np.stack([window[j][row] for j, row in enumerate(line)], axis=1)
            best = np.zeros(n, dtype=np.int64)
            for sid, stand_in, pay_by_run in self.pays:
                match = (symbols == sid) | (symbols == stand_in)
                in_run = np.logical_and.accumulate(match, axis=1)
                pay = pay_by_run[in_run.sum(axis=1)]
                if r.wild_multiplier != 1 and stand_in != sid and stand_in >= 0:
                    pay = np.where((in_run & (symbols == stand_in)).any(axis=1), pay * r.wild_multiplier, pay)
                np.maximum(best, pay, out=best)
            credits += best
        scatters = self._count(window, r.scatter, n)
        by_count = r.free_spins_retrigger if self.free else r.free_spins_award
        table_size = len(self.ids) * self.rows + 1
        scatter_pay = np.array([r.scatter_pays[c] if c < len(r.scatter_pays) else 0 for c in range(table_size)])
        award_of = np.array([by_count[c] if c < len(by_count) else 0 for c in range(table_size)], dtype=np.int64)
        credits += scatter_pay[scatters] * self.game.bet_credits
        award = award_of[scatters]
        feature = np.where(award > 0, FEATURES.index("free_spins"), 0).astype(np.int8)
        if r.bonus:
            triggered = self._count(window, r.bonus, n) >= r.bonus_min
            slice_index = wheel_slice
            prizes = np.array([s.prize for s in r.wheel], dtype=np.int64)[slice_index]
            codes = np.array([FEATURES.index(s.feature) for s in r.wheel], dtype=np.int8)[slice_index]
            credits += np.where(triggered, prizes * self.game.bet_credits, 0)
            feature = np.where(triggered, codes, feature).astype(np.int8)
        if self.free:
            credits *= r.free_multiplier
        return credits, award, feature

    def _count(self, window: list[list[np.ndarray]], symbol: str | None, n: int) -> np.ndarray:
        if symbol is None or symbol not in self.index:
            return np.zeros(n, dtype=np.int64)
        sid = self.index[symbol]
        return sum((cell == sid).astype(np.int64) for column in window for cell in column)


def draw_rounds(game: ReelGame, seed: int, n_rounds: int) -> RoundDraws:
    """Play `n_rounds` rounds (paid spin plus all its free spins) by drawing reel stops."""
    rng = np.random.Generator(np.random.PCG64(seed))
    paid, free = ReelEvaluator(game, False), ReelEvaluator(game, True)
    totals = []
    hits = spins = 0
    for start in range(0, n_rounds, CHUNK_ROUNDS):
        n = min(CHUNK_ROUNDS, n_rounds - start)
        credits, award, _ = paid.spins(rng, n)
        total = credits.copy()
        hits += int((credits > 0).sum())
        spins += n
        parents, parent_award = np.arange(n), award
        for _ in range(_MAX_GENERATIONS):
            pending = int(parent_award.sum())
            if pending == 0:
                break
            if pending > MAX_FREE_SPINS_PER_ROUND * n:
                raise ValueError(
                    f"{game.id}: over {MAX_FREE_SPINS_PER_ROUND:,} free spins per round are pending: "
                    "retriggers award a spin or more per free spin on average, so the feature never ends"
                )
            children = np.repeat(parents, parent_award)
            c, a, _ = free.spins(rng, pending)
            np.add.at(total, children, c)
            spins += pending
            parents, parent_award = children, a
        else:
            raise RuntimeError(f"{game.id}: free spins still pending after {_MAX_GENERATIONS} generations")
        totals.append(total)
    merged = np.concatenate(totals) if totals else np.zeros(0, dtype=np.int64)
    return RoundDraws(merged, hits, spins, game.bet_credits)
