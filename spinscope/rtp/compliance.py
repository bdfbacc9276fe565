"""RTP compliance checks, pure: the report's settings (config/compliance.yaml), stake bands, one row's verdict.

Regulators (UK Gambling Commission's live RTP monitoring, GLI-19 §2.13) ask for actual against
theoretical RTP over a rolling window, a tolerance derived from the game's volatility, a volume of
play before judging, splits by stake level and channel, and "No Activity" for periods without play.
This module turns one window's mergeable sums (`RtpSums`) into that verdict, reusing the band of
`rtp_summary` (μ0 ± z·σ/√n_eff at the configured confidence) and the planner's volume
(`spins_for_precision`: the effective spins at which the band's half-width reaches `precision`).
Money stays exact: the variance in money is W − μ0·B, the variance in points (R̂ − μ0)·100 at 18
places. Nothing here reads the store or a file except `load_compliance_settings`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext
from pathlib import Path
from typing import Any

import yaml

from spinscope.errors import UserError
from spinscope.rtp.plan import spins_for_precision
from spinscope.rtp.stats import RtpSums, rtp_summary

COMPLIANCE_FILE = "compliance.yaml"
WITHIN, OUTSIDE, INSUFFICIENT, NO_ACTIVITY, NO_REFERENCE = (
    "within",
    "outside",
    "insufficient volume",
    "No Activity",
    "no reference",
)
DECISIONS = (OUTSIDE, WITHIN, INSUFFICIENT, NO_REFERENCE, NO_ACTIVITY)
UNATTRIBUTED = "unattributed"  # free spins whose session shows no paid spin to take the stake from
ALL_STAKES = "all stakes"  # the one band of a currency without configured bands
_RATIO_PLACES = Decimal("1e-18")
_SHOWN_PLACES = Decimal("1e-6")
_FIELDS = {"window_days", "confidence", "precision", "stake_bands"}


class ComplianceSettingsError(UserError, ValueError):
    """config/compliance.yaml cannot be used; the message names the file, the field and the fix."""


@dataclass(frozen=True)
class ComplianceSettings:
    """How the compliance report judges: the rolling window, the band's confidence, the volume needed, the bands.

    `precision`: the band half-width (RTP as a ratio: 0.02 = 2 points) the window must reach before
    a game version is judged; below it the decision is `insufficient volume` with the spins still needed.
    `stake_bands`: per currency, the increasing stake boundaries b1 < b2 < ...: bands [0, b1), [b1, b2), ..., [bn, ∞).
    """

    window_days: int = 30
    confidence: Decimal = Decimal("0.99")
    precision: Decimal = Decimal("0.02")
    stake_bands: Mapping[str, tuple[Decimal, ...]] = field(default_factory=dict)

    def band_labels(self, currency: str) -> tuple[str, ...]:
        """Every band of `currency` in stake order (the unattributed free spins come last)."""
        bounds = self.stake_bands.get(currency, ())
        if not bounds:
            return (ALL_STAKES, UNATTRIBUTED)
        labels = [f"< {_plain(bounds[0])}"]
        labels += [f"{_plain(a)} to < {_plain(b)}" for a, b in itertools.pairwise(bounds)]
        labels.append(f">= {_plain(bounds[-1])}")
        return (*labels, UNATTRIBUTED)

    def band_of(self, currency: str, stake: Decimal | None) -> str:
        """The label of the band holding `stake` (None: a free spin with no paid spin to attribute it to)."""
        if stake is None:
            return UNATTRIBUTED
        bounds = self.stake_bands.get(currency, ())
        labels = self.band_labels(currency)
        for bound, label in zip(bounds, labels, strict=False):
            if stake < bound:
                return label
        return labels[len(bounds)]

    def to_json(self) -> dict[str, Any]:
        return {
            "window_days": self.window_days,
            "confidence": str(self.confidence),
            "precision": str(self.precision),
            "stake_bands": {c: [str(b) for b in bounds] for c, bounds in sorted(self.stake_bands.items())},
        }


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool | float) or not isinstance(value, str | int):
        hint = f' (quote it: "{value}")' if isinstance(value, float) else ""
        raise ComplianceSettingsError(f'{where}: expected a decimal string such as "0.5", got {value!r}{hint}')
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ComplianceSettingsError(f'{where}: {value!r} is not a decimal number; write e.g. "0.5"') from None
    if not number.is_finite():
        raise ComplianceSettingsError(f"{where}: {value!r} must be a finite number")
    return number


def parse_compliance_settings(document: Any, source: str = COMPLIANCE_FILE) -> ComplianceSettings:
    """Validate a parsed compliance.yaml; an empty document gives the defaults."""
    if document is None:
        return ComplianceSettings()
    if not isinstance(document, Mapping):
        raise ComplianceSettingsError(f"{source}: expected a mapping of {', '.join(sorted(_FIELDS))}")
    unknown = sorted(str(k) for k in document if k not in _FIELDS)
    if unknown:
        raise ComplianceSettingsError(
            f"{source}: unknown field(s) {', '.join(unknown)}; known fields: {', '.join(sorted(_FIELDS))}"
        )
    defaults = ComplianceSettings()
    days = document.get("window_days", defaults.window_days)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 366:
        raise ComplianceSettingsError(f"{source}: window_days: {days!r}: give whole days from 1 to 366, e.g. 30")
    confidence = _decimal(document.get("confidence", str(defaults.confidence)), f"{source}: confidence")
    if not Decimal("0.5") <= confidence < 1:
        raise ComplianceSettingsError(f'{source}: confidence: {confidence} must be in [0.5, 1), e.g. "0.99"')
    precision = _decimal(document.get("precision", str(defaults.precision)), f"{source}: precision")
    if not 0 < precision <= 1:
        raise ComplianceSettingsError(
            f'{source}: precision: {precision} must be in (0, 1]: the band half-width as a ratio, "0.02" = 2 points'
        )
    raw_bands = document.get("stake_bands") or {}
    if not isinstance(raw_bands, Mapping):
        raise ComplianceSettingsError(f'{source}: stake_bands: expected currency: [boundaries], e.g. EUR: ["1", "10"]')
    bands: dict[str, tuple[Decimal, ...]] = {}
    for currency, bounds in raw_bands.items():
        where = f"{source}: stake_bands.{currency}"
        if not isinstance(currency, str) or not currency.strip():
            raise ComplianceSettingsError(f"{where}: the key must be a currency code such as EUR")
        if not isinstance(bounds, list) or not bounds:
            raise ComplianceSettingsError(f'{where}: expected a non-empty list of stake boundaries, e.g. ["1", "10"]')
        values = tuple(_decimal(b, f"{where}[{i}]") for i, b in enumerate(bounds))
        for i, (a, b) in enumerate(zip((Decimal(0), *values), values, strict=False)):
            if b <= a:
                raise ComplianceSettingsError(
                    f"{where}[{i}]: {b} must be greater than {a}: list positive boundaries in increasing order"
                )
        bands[currency] = values
    return ComplianceSettings(days, confidence, precision, bands)


def load_compliance_settings(path: str | Path) -> ComplianceSettings:
    """Read and validate `path` (config/compliance.yaml)."""
    source = Path(path)
    try:
        document = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as error:
        raise ComplianceSettingsError(f"{source}: cannot read ({error.strerror or error})") from error
    except yaml.YAMLError as error:
        raise ComplianceSettingsError(f"{source}: not valid YAML ({error})") from error
    return parse_compliance_settings(document, str(source))


def shown(value: float | None, places: Decimal = _SHOWN_PLACES) -> Decimal | None:
    """A statistic (an estimate) as a Decimal rounded half-even, so every format prints the same digits."""
    if value is None or not math.isfinite(value):
        return None
    with localcontext() as ctx:
        ctx.prec = 60
        return Decimal(repr(value)).quantize(places, rounding=ROUND_HALF_EVEN)


def judge(
    sums: RtpSums, paid_spins: int, mu0: Decimal | None, sigma: Decimal | None, settings: ComplianceSettings
) -> dict[str, Any]:
    """One window's row of the report: figures, acceptable range, z, the decision and the control that made it.

    Order of controls: no play → `No Activity` (activity); no catalog figure → `no reference`
    (reference); n_eff below the planner's volume for `precision` → `insufficient volume` with the
    recorded spins still needed at the window's own spins per effective spin (volume); otherwise the
    volatility band at `confidence` says `within` or `outside` (band).
    """
    confidence = float(settings.confidence)
    row: dict[str, Any] = {
        "spins": sums.spins,
        "paid_spins": paid_spins,
        "handle_amount": sums.bet_amount,
        "win_amount": sums.win_amount,
        "actual_rtp": None,
        "theoretical_rtp": mu0,
        "variance_points": None,
        "variance_amount": None,
        "std_dev": sigma,
        "effective_spins": math.floor(sums.n_eff),
        "range_low": None,
        "range_high": None,
        "z": None,
        "p_value": None,
        "decision": NO_ACTIVITY,
        "spins_still_needed": None,
        "control": "activity",
    }
    if sums.spins == 0:
        return row
    if sums.rtp is not None:
        with localcontext() as ctx:
            ctx.prec = 80
            row["actual_rtp"] = sums.rtp.quantize(_RATIO_PLACES, rounding=ROUND_HALF_EVEN)
    if mu0 is None or sigma is None:
        row.update(decision=NO_REFERENCE, control="reference")
        return row
    needed = spins_for_precision(sigma, settings.precision, confidence)
    summary = rtp_summary(sums, mu0, sigma, confidence, min_n_eff=needed)
    with localcontext() as ctx:
        ctx.prec = 80
        if row["actual_rtp"] is not None and sums.rtp is not None:
            row["variance_points"] = ((sums.rtp - mu0) * 100).quantize(_RATIO_PLACES, rounding=ROUND_HALF_EVEN)
        row["variance_amount"] = sums.excess_win(mu0)
    row.update(
        range_low=shown(summary.band_low),
        range_high=shown(summary.band_high),
        z=shown(summary.z_score, Decimal("0.001")),
        p_value=summary.p_value,
    )
    if summary.state in ("low_volume", "no_data"):
        per_effective = sums.spins / sums.n_eff if sums.n_eff > 0 else 1.0
        row.update(
            decision=INSUFFICIENT,
            control="volume",
            spins_still_needed=max(1, math.ceil(needed * per_effective) - sums.spins),
        )
        return row
    row.update(decision=WITHIN if summary.state == "in_band" else OUTSIDE, control="band")
    return row
