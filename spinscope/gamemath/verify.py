"""The game-math gate: a par sheet's exact figures, a seeded Monte Carlo, and its declared figures judged.

`verify_parsheet` derives, for one par sheet:
- the exact figures (RTP, variance and std dev of the round, hit frequency, the top paid-spin wins
  with their exact probabilities) by enumerating every reel stop, when the reel-stop space is at
  most `enumerate_limit` combinations per reel set;
- a seeded Monte Carlo of `rounds` rounds by real reel draws (`sim.games.reeldraws`), each figure
  with a confidence interval: the mean ± z·s/√n for RTP, Wilson's interval for hit frequency, the
  delta-method interval (from the sample fourth moment) for std dev;
- the checks: each declared figure against the exact figure within its tolerance (by default half a
  unit in the declared figure's last decimal place, i.e. the declared figure must be the exact one
  rounded), or, without enumeration, against the Monte Carlo interval widened by the tolerance;
  and the cross-check: the exact RTP and hit frequency inside their Monte Carlo intervals (the
  engine's two routes agree). The std dev cross-check is advisory: its interval leans on the
  sample fourth moment, which a rare jackpot makes unreliable.

Pure apart from the par sheet it is given: the same sheet, seed and rounds give the same result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Context, Decimal
from fractions import Fraction
from statistics import NormalDist

import numpy as np

from spinscope.errors import UserError
from spinscope.sim.games.parsheet import FIGURES, ParSheet
from spinscope.sim.games.reeldraws import draw_rounds
from spinscope.sim.games.reels import ReelGame, exact_table

DEFAULT_ROUNDS = 200_000
DEFAULT_SEED = 1
DEFAULT_CONFIDENCE = 0.999
DEFAULT_ENUMERATE_LIMIT = 20_000_000
TOP_WINS = 5

_PRECISION = Context(prec=40)


class MathError(UserError, ValueError):
    """A par sheet whose math cannot be verified as asked (a feature that never ends, no rounds...)."""


@dataclass(frozen=True)
class TopWin:
    """One win level (in multiples of the bet) and how often it occurs."""

    win: Fraction
    probability: Fraction  # exact; or the observed share of rounds for Monte Carlo


@dataclass(frozen=True)
class Exact:
    """Figures by enumeration of every reel stop, per unit bet of a round."""

    rtp: Fraction
    variance: Fraction
    hit_frequency: Fraction
    free_spins_per_round: Fraction
    top_wins: tuple[TopWin, ...]  # of a paid spin (its own win, free spins not included)
    stops: int  # reel-stop combinations enumerated (paid and free reel sets)
    wheel_weights: int = 1  # each paid reel-stop combination is weighed against every bonus-wheel weight

    @property
    def std_dev(self) -> Decimal:
        return _sqrt(self.variance)

    def figure(self, name: str) -> Decimal:
        value = {"rtp": self.rtp, "hit_frequency": self.hit_frequency}.get(name)
        return self.std_dev if value is None else _decimal(value)


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float

    def contains(self, value: Decimal | float, slack: Decimal = Decimal(0)) -> bool:
        return self.low - float(slack) <= float(value) <= self.high + float(slack)


@dataclass(frozen=True)
class MonteCarlo:
    """Figures observed over `rounds` seeded rounds, with intervals at `confidence`."""

    rounds: int
    spins: int
    seed: int
    confidence: float
    rtp: Interval
    std_dev: Interval
    hit_frequency: Interval
    top_wins: tuple[TopWin, ...]  # largest round totals seen, with their observed share

    def figure(self, name: str) -> Interval:
        return getattr(self, name)


@dataclass(frozen=True)
class Check:
    """One judged statement: a declared figure, or a cross-check of enumeration against Monte Carlo."""

    kind: str  # "declared" or "cross-check"
    figure: str
    expected: str  # what the statement says (declared value ± tolerance, or the exact figure)
    observed: str  # what it is judged against
    status: str  # "pass", "fail", "not declared", "advisory pass", "advisory fail", "skipped"

    @property
    def failed(self) -> bool:
        return self.status == "fail"


@dataclass(frozen=True)
class Verification:
    """Everything `spinscope math verify` reports about one par sheet."""

    id: str
    version: str
    name: str
    source: str
    exact: Exact | None
    exact_skipped: str | None  # why there is no enumeration
    monte_carlo: MonteCarlo | None
    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        return not any(c.failed for c in self.checks)


def verify_parsheet(
    sheet: ParSheet,
    rounds: int = DEFAULT_ROUNDS,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
    enumerate_limit: int = DEFAULT_ENUMERATE_LIMIT,
) -> Verification:
    """Exact figures where enumeration is feasible, a seeded Monte Carlo, and every check judged."""
    if not 0 < confidence < 1:
        raise MathError(f"--confidence {confidence}: must lie between 0 and 1, e.g. 0.999")
    game = ReelGame(sheet.rules)
    exact, skipped = exact_figures(game, enumerate_limit)
    if exact is None and rounds < 2:
        raise MathError(f"{sheet.source}: {skipped}, so the Monte Carlo is the only route: give --rounds of 2 or more")
    try:
        mc = monte_carlo_figures(game, rounds, seed, confidence) if rounds >= 2 else None
    except ValueError as error:
        raise MathError(f"{sheet.source}: {error}") from error
    checks = [_declared_check(sheet, name, exact, mc) for name in FIGURES]
    if exact is not None and mc is not None:
        checks += [_cross_check(name, exact, mc) for name in FIGURES]
    r = sheet.rules
    return Verification(r.id, r.version, r.name, sheet.source, exact, skipped, mc, tuple(checks))


def exact_figures(game: ReelGame, enumerate_limit: int) -> tuple[Exact | None, str | None]:
    """The enumeration's figures, or None and the reason it was not attempted."""
    sizes = [math.prod(len(s) for s in game.strips(False))]
    if any(game.rules.free_spins_award):
        sizes.append(math.prod(len(s) for s in game.strips(True)))
    if max(sizes) > enumerate_limit:
        return None, f"{max(sizes):,} reel-stop combinations exceed the enumeration limit of {enumerate_limit:,}"
    try:
        theory = game.theory()
    except ValueError as error:
        raise MathError(f"{game.id} {game.version}: {error}") from error
    table = exact_table(game, False)
    by_win: dict[int, int] = {}
    for credits, weight in zip(table.credits.tolist(), table.weight.tolist(), strict=True):
        by_win[credits] = by_win.get(credits, 0) + weight
    top = sorted((c for c in by_win if c > 0), reverse=True)[:TOP_WINS]
    top_wins = tuple(TopWin(Fraction(c, game.bet_credits), Fraction(by_win[c], table.total)) for c in top)
    assert theory.variance is not None and theory.free_spins_per_round is not None
    return Exact(
        theory.rtp,
        theory.variance,
        theory.hit_frequency,
        theory.free_spins_per_round,
        top_wins,
        sum(sizes),
        sum(s.weight for s in game.rules.wheel) or 1,
    ), None


def monte_carlo_figures(game: ReelGame, rounds: int, seed: int, confidence: float) -> MonteCarlo:
    """Seeded reel draws of `rounds` rounds, with an interval for each figure."""
    draws = draw_rounds(game, seed, rounds)
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    totals = draws.totals.astype(np.float64) / draws.bet_credits
    n = len(totals)
    mean = float(totals.mean())
    centred = totals - mean
    variance = float((centred**2).sum() / (n - 1))
    std = math.sqrt(variance)
    rtp_half = z * std / math.sqrt(n)
    fourth = float((centred**4).mean())
    std_se = math.sqrt(max(fourth - variance**2, 0.0) / n) / (2 * std) if std > 0 else 0.0
    hit = _wilson(draws.paid_hits, n, z)
    values, counts = np.unique(draws.totals, return_counts=True)
    top = [(int(v), int(c)) for v, c in zip(values[::-1], counts[::-1], strict=True) if v > 0][:TOP_WINS]
    return MonteCarlo(
        rounds=n,
        spins=draws.spins,
        seed=seed,
        confidence=confidence,
        rtp=Interval(mean, mean - rtp_half, mean + rtp_half),
        std_dev=Interval(std, max(std - z * std_se, 0.0), std + z * std_se),
        hit_frequency=hit,
        top_wins=tuple(TopWin(Fraction(v, draws.bet_credits), Fraction(c, n)) for v, c in top),
    )


def _wilson(hits: int, n: int, z: float) -> Interval:
    """Wilson's score interval for a proportion: sound near 0 and 1, where the Wald interval is not."""
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return Interval(p, max(centre - half, 0.0), min(centre + half, 1.0))


def _declared_check(sheet: ParSheet, name: str, exact: Exact | None, mc: MonteCarlo | None) -> Check:
    declared = sheet.declared.figure(name)
    tolerance = sheet.declared.tolerance_of(name)
    if declared is None:
        observed = format_figure(exact.figure(name), name) if exact else _interval_text(mc, name)
        return Check("declared", name, "not declared", observed, "not declared")
    expected = f"{declared} ± {tolerance:f}"
    if exact is not None:
        value = exact.figure(name)
        ok = abs(declared - value) <= tolerance
        return Check("declared", name, expected, f"exact {format_figure(value, name)}", "pass" if ok else "fail")
    assert mc is not None
    ok = mc.figure(name).contains(declared, tolerance)
    return Check("declared", name, expected, f"Monte Carlo {_interval_text(mc, name)}", "pass" if ok else "fail")


def _cross_check(name: str, exact: Exact, mc: MonteCarlo) -> Check:
    inside = mc.figure(name).contains(exact.figure(name))
    status = "pass" if inside else "fail"
    if name == "std_dev":
        status = f"advisory {status}"
    return Check(
        "cross-check", name, f"exact {format_figure(exact.figure(name), name)}", _interval_text(mc, name), status
    )


def _interval_text(mc: MonteCarlo | None, name: str) -> str:
    if mc is None:
        return "no Monte Carlo (--rounds 0)"
    i = mc.figure(name)
    places = _PLACES[name]
    return f"{i.estimate:.{places}f} [{i.low:.{places}f}, {i.high:.{places}f}]"


_PLACES = {"rtp": 6, "std_dev": 4, "hit_frequency": 6}


def format_figure(value: Decimal | Fraction | float, name: str) -> str:
    """A figure at a fixed number of places (more than the catalog's, so a rounding is visible)."""
    places = _PLACES[name] + 2
    return f"{_decimal(value):.{places}f}"


def _decimal(value: Decimal | Fraction | float) -> Decimal:
    if isinstance(value, Decimal):
        return value
    exact = Fraction(value)
    return _PRECISION.divide(Decimal(exact.numerator), Decimal(exact.denominator))


def _sqrt(value: Fraction) -> Decimal:
    return _PRECISION.sqrt(_decimal(value))


def catalog_games(sheets: list[ParSheet], enumerate_limit: int = DEFAULT_ENUMERATE_LIMIT) -> list[ReelGame]:
    """The games of `sheets` for `spinscope catalog build`, refusing any whose declared figures are wrong.

    The catalog lists exact figures only, so each sheet must be enumerable; the declared figures are
    judged exactly as `math verify` judges them (no Monte Carlo: the catalog does not depend on a seed).
    """
    games: dict[tuple[str, str], ParSheet] = {}
    for sheet in sheets:
        key = (sheet.rules.id, sheet.rules.version)
        if key in games:
            raise MathError(
                f"{sheet.source}: {key[0]} {key[1]} is also in {games[key].source}; keep one par sheet per version"
            )
        result = verify_parsheet(sheet, rounds=0, enumerate_limit=enumerate_limit)
        if result.exact is None:
            raise MathError(f"{sheet.source}: {result.exact_skipped}; the catalog lists exact figures only")
        wrong = [f"{c.figure} declared {c.expected}, {c.observed}" for c in result.checks if c.failed]
        if wrong:
            raise MathError(
                f"{sheet.source}: {'; '.join(wrong)}; fix the declared figures (spinscope math verify shows them)"
            )
        games[key] = sheet
    return [ReelGame(sheet.rules) for sheet in games.values()]
