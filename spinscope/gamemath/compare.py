"""What changed between two versions of a game's math (`spinscope math verify NEW --against OLD`).

Each figure's shift is exact (a Fraction) when both versions were enumerated, else the difference of
the two Monte Carlo estimates (drawn with the same seed, so shared randomness keeps it steady).
A shift beyond its threshold fails the gate, as does math that changed under an unchanged
version: the catalog, and so the RTP monitoring, knows a game's theory by (id, version) alone.
Top wins are listed side by side for the reviewer; they do not gate.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from spinscope.gamemath.verify import Check, TopWin, Verification, format_figure

DEFAULT_MAX_RTP_SHIFT = Decimal("0.001")  # 0.1 percentage point
DEFAULT_MAX_STD_DEV_CHANGE = Decimal("0.05")  # 5 % of the old std dev
DEFAULT_MAX_HIT_FREQUENCY_SHIFT = Decimal("0.01")  # 1 percentage point


@dataclass(frozen=True)
class Thresholds:
    rtp_shift: Decimal = DEFAULT_MAX_RTP_SHIFT  # absolute
    std_dev_change: Decimal = DEFAULT_MAX_STD_DEV_CHANGE  # relative to the old std dev
    hit_frequency_shift: Decimal = DEFAULT_MAX_HIT_FREQUENCY_SHIFT  # absolute


@dataclass(frozen=True)
class Change:
    figure: str
    old: str
    new: str
    shift: str  # new - old, as a decimal (and the exact fraction when both are exact)
    exact_shift: Fraction | None
    threshold: str
    status: str  # "unchanged", "within", "exceeds"


@dataclass(frozen=True)
class TopWinRow:
    win: Fraction
    old: Fraction | None
    new: Fraction | None


@dataclass(frozen=True)
class Comparison:
    old_id: str
    old_version: str
    old_source: str
    route: str  # "exact" or "Monte Carlo"
    changes: tuple[Change, ...]
    top_wins: tuple[TopWinRow, ...]
    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        return not any(c.failed for c in self.checks) and not any(c.status == "exceeds" for c in self.changes)


def compare(old: Verification, new: Verification, thresholds: Thresholds = Thresholds()) -> Comparison:
    """The changes from `old` to `new`, judged against `thresholds`."""
    exact = old.exact is not None and new.exact is not None
    changes = []
    for name, limit, relative in (
        ("rtp", thresholds.rtp_shift, False),
        ("std_dev", thresholds.std_dev_change, True),
        ("hit_frequency", thresholds.hit_frequency_shift, False),
    ):
        changes.append(_change(name, old, new, exact, limit, relative))
    checks = []
    changed = any(c.status != "unchanged" for c in changes)
    if changed and (old.id, old.version) == (new.id, new.version):
        checks.append(
            Check(
                "version",
                "version",
                f"a new version for changed math (catalog key {new.id} {new.version})",
                f"{new.id} {new.version} in both par sheets",
                "fail",
            )
        )
    old_top = old.exact.top_wins if exact and old.exact else (old.monte_carlo.top_wins if old.monte_carlo else ())
    new_top = new.exact.top_wins if exact and new.exact else (new.monte_carlo.top_wins if new.monte_carlo else ())
    return Comparison(
        old.id,
        old.version,
        old.source,
        "exact" if exact else "Monte Carlo",
        tuple(changes),
        _top_rows(old_top, new_top),
        tuple(checks),
    )


def _change(name: str, old: Verification, new: Verification, exact: bool, limit: Decimal, relative: bool) -> Change:
    if exact:
        assert old.exact is not None and new.exact is not None
        before, after = old.exact.figure(name), new.exact.figure(name)
        exact_shift = None
        if name != "std_dev":
            exact_shift = getattr(new.exact, name) - getattr(old.exact, name)
    else:
        if old.monte_carlo is None or new.monte_carlo is None:
            return Change(name, "-", "-", "-", None, str(limit), "unchanged")
        before = Decimal(repr(old.monte_carlo.figure(name).estimate))
        after = Decimal(repr(new.monte_carlo.figure(name).estimate))
        exact_shift = None
    shift = after - before
    measured = abs(shift) / before if relative and before else abs(shift)
    status = "unchanged" if shift == 0 else ("exceeds" if measured > limit else "within")
    shift_text = f"{shift:+.8f}".rstrip("0").rstrip(".") if shift else "0"
    if relative and before:
        shift_text += f" ({shift / before * 100:+.2f} %)"
    if exact_shift:
        shift_text += f" (exactly {exact_shift})"
    threshold = f"{limit * 100} %" if relative else str(limit)
    return Change(
        name, format_figure(before, name), format_figure(after, name), shift_text, exact_shift, threshold, status
    )


def _top_rows(old: tuple[TopWin, ...], new: tuple[TopWin, ...]) -> tuple[TopWinRow, ...]:
    old_by, new_by = {t.win: t.probability for t in old}, {t.win: t.probability for t in new}
    wins = sorted(set(old_by) | set(new_by), reverse=True)
    return tuple(TopWinRow(w, old_by.get(w), new_by.get(w)) for w in wins)
