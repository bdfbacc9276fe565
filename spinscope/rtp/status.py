"""RTP integrity on the store: status per game version, the funnel series, the sample-size plan.

Thin I/O around spinscope.rtp. Amounts of different currencies are never added: each
(game, version, currency) is a stream with exact sums from queries/rtp/rtp_sums; a game
version's row combines its currency streams through their z-scores weighted by effective
sample size (Stouffer), which equals the single-stream test when there is one currency:

    Z = Σ √n_c·Z_c / √Σ n_c,   R̂ = Σ n_c·R̂_c / Σ n_c,   band = μ0 ± z·σ/√Σ n_c.

Two decisions per game version, both reported: the fixed-window test over the window,
controlled across every game version (Holm at α = 0.001 for `drift`, Benjamini–Hochberg at
q = 0.05 for `watch`), and the sequential CUSUM over hourly batches of each currency stream (drift and
its onset). The row's state is the more severe, and `control` names what decided it. A
version whose band is still wider than ±10 RTP points is `low_volume` (heavy tails make the
normal band untrustworthy before that) and is not tested.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from clickhouse_connect.driver.client import Client

from spinscope.catalog import Catalog
from spinscope.errors import UserError
from spinscope.queries.loader import run
from spinscope.rtp import (
    DetectorSettings,
    RtpSums,
    StreamTest,
    classify,
    detect,
    plan,
    thresholds_for_budget,
    two_sided_p,
    z_two_sided,
)
from spinscope.rtp.references import Reference, game_references
from spinscope.times import utc_naive

SEVERITY = {"no_reference": -1, "no_data": -1, "low_volume": -1, "ok": 0, "watch": 1, "drift": 2}
CONFIDENCE = 0.95
# Detector budget for the whole family watched (every game version x currency stream with a
# reference and enough volume): one false `drift` (a page) in 4 weeks and one false `watch` a
# week, whatever the number of games. Each stream gets an equal share (`family_share`), so
# adding games raises every stream's threshold instead of the pages; tuned to find a 2-point
# shift. bench/rtp_family.py measures what this gives on 200 clean streams.
DRIFT_SHIFT = Decimal("0.02")
FAMILY_FALSE_DRIFTS_PER_WEEK = 0.25
FAMILY_FALSE_WATCHES_PER_WEEK = 1.0
# Heavy tails: a slot's return is so skewed (a 10,000x jackpot) that the normal band is only
# trustworthy once it is narrow; below this half-width the game version is `low_volume`:
# figures shown, not tested, not counted in the multiple-testing family.
MAX_HALF_WIDTH = 0.10
# The window test is re-run at every look, so `drift` (a page) needs strong evidence: Holm at
# α = 0.001 across every tested game version; `watch` (a ticket) is Benjamini–Hochberg at q = 0.05.
DRIFT_ALPHA = 0.001
WATCH_Q = 0.05


class RtpRequestError(UserError, ValueError):
    pass


def sums_of(row: dict[str, Any]) -> RtpSums:
    return RtpSums(
        int(row["spins_count"]),
        Decimal(row["bet_sum"]),
        Decimal(row["win_sum"]),
        Decimal(row["bet_squared"]),
        Decimal(row["win_squared"]),
        Decimal(row["win_bet"]),
    )


def combine(streams: list[RtpSums], mu0: Decimal | None, sigma: Decimal | None) -> dict[str, Any]:
    """The n_eff-weighted combination of one game version's currency streams (see the module docstring)."""
    spins = sum(s.spins for s in streams)
    parts = [(s.n_eff, s) for s in streams if s.n_eff > 0 and s.rtp is not None]
    n_eff = sum(n for n, _ in parts)
    out: dict[str, Any] = {
        "spins": spins,
        "n_eff": n_eff,
        "observed_rtp": None,
        "band_low": None,
        "band_high": None,
        "z": None,
        "p_value": None,
    }
    if not parts:
        return out
    out["observed_rtp"] = sum(n * float(s.rtp) for n, s in parts if s.rtp is not None) / n_eff
    if mu0 is None or sigma is None:
        return out
    z = sum(math.sqrt(n) * (s.z_score(mu0, sigma) or 0.0) for n, s in parts) / math.sqrt(n_eff)
    half = z_two_sided(CONFIDENCE) * float(sigma) / math.sqrt(n_eff)
    out.update(band_low=float(mu0) - half, band_high=float(mu0) + half, z=z, p_value=two_sided_p(z))
    return out


def family_share(family_per_week: float, streams: int) -> float:
    """One stream's share of the family's weekly false-alarm budget: equal parts (a union bound)."""
    if streams < 1 or family_per_week <= 0:
        raise ValueError(f"streams={streams}, family_per_week={family_per_week}: need >= 1 and > 0")
    return family_per_week / streams


def detector_settings(
    series: list[tuple[datetime, RtpSums]], sigma: Decimal, start: datetime, end: datetime, streams: int = 1
) -> DetectorSettings:
    """CUSUM thresholds sized to this stream's traffic and its share of the family's weekly budget.

    The llr CUSUM's clock is information, so a busy or low-σ stream needs a higher h for the
    same budget; the stream's effective spins per week are measured over the window. `streams`
    is the size of the family watched (see FAMILY_FALSE_DRIFTS_PER_WEEK).
    """
    n_eff = sum(s.n_eff for _, s in series)
    weeks = max((end - start).total_seconds() / (7 * 86400), 1 / 7)
    if n_eff <= 0:
        return DetectorSettings()
    return thresholds_for_budget(
        sigma,
        DRIFT_SHIFT,
        n_eff / weeks,
        family_share(FAMILY_FALSE_DRIFTS_PER_WEEK, streams),
        family_share(FAMILY_FALSE_WATCHES_PER_WEEK, streams),
    )


def _min_n_eff(sigma: Decimal | None) -> float:
    return (z_two_sided(CONFIDENCE) * float(sigma) / MAX_HALF_WIDTH) ** 2 if sigma is not None else 0.0


def watched_streams(
    window: dict[tuple[str, str], list[RtpSums]], currencies: dict[tuple[str, str], int], refs: dict[Any, Reference]
) -> int:
    """The family's size: currency streams of game versions with a reference and enough volume to be tested."""
    total = 0
    for key, sums in window.items():
        ref = refs.get(key)
        if ref is None or ref.rtp is None or ref.std_dev is None:
            continue
        if combine(sums, ref.rtp, ref.std_dev)["n_eff"] >= _min_n_eff(ref.std_dev):
            total += currencies.get(key, 0)
    return max(total, 1)


def rtp_status(
    client: Client, start: datetime, end: datetime, catalog: Catalog, batch_s: int = 3600
) -> list[dict[str, Any]]:
    """One row per game version seen in [start, end): observed vs theoretical RTP, band, z, state."""
    start, end = utc_naive(start), utc_naive(end)
    if end <= start:
        raise RtpRequestError(f"the window ends ({end}) before it starts ({start})")
    refs = game_references(client, start, end, catalog)
    batches: dict[tuple[str, str, str], list[tuple[datetime, RtpSums]]] = defaultdict(list)
    for row in run(client, "rtp/rtp_sums", start=start, end=end, batch_s=batch_s, by_channel=0, game_id=""):
        batches[(row["game_id"], row["game_version"], row["currency"])].append((row["batch_start"], sums_of(row)))
    # The batches partition the window, so each stream's window sums are their exact sum (one query fewer).
    window: dict[tuple[str, str], list[RtpSums]] = defaultdict(list)
    for game, version, currency in sorted(batches):
        window[(game, version)].append(RtpSums.total(s for _, s in batches[(game, version, currency)]))
    currencies: dict[tuple[str, str], int] = defaultdict(int)
    for game, version, _currency in batches:
        currencies[(game, version)] += 1
    family = watched_streams(window, currencies, refs)

    rows, tests = [], []
    for key in sorted(window):
        ref: Reference | None = refs.get(key)
        mu0 = ref.rtp if ref else None
        sigma = ref.std_dev if ref else None
        combined = combine(window[key], mu0, sigma)
        detector_state, onset = "no_reference", None
        min_n_eff = _min_n_eff(sigma)
        low_volume = sigma is not None and combined["n_eff"] < min_n_eff
        if low_volume:
            detector_state = "low_volume"
        elif mu0 is not None and sigma is not None:
            detector_state = "ok"
            for (game, version, _currency), series in batches.items():
                if (game, version) != key:
                    continue
                result = detect(series, mu0, sigma, detector_settings(series, sigma, start, end, family))
                if SEVERITY.get(result.state, 0) > SEVERITY[detector_state]:
                    detector_state = result.state
                if result.state == "drift" and result.onset_after is not None:
                    onset = result.onset_after if onset is None else min(onset, result.onset_after)
        rows.append(
            {
                "game_id": key[0],
                "game_version": key[1],
                "currency": "*",
                "min_n_eff": min_n_eff,
                "theoretical_rtp": mu0,
                "std_dev": sigma,
                "reference": ref.source if ref else None,
                **combined,
                "detector_state": detector_state,
                "drift_began": onset,
                "family_streams": family,
            }
        )
        untested: Literal["no_reference", "no_data"] | None = (
            "no_reference" if (mu0 is None or sigma is None) else "no_data" if low_volume else None
        )
        tests.append(StreamTest(key, combined["p_value"] if untested is None else None, combined["z"], untested))
    for row, decision in zip(rows, classify(tests, alpha=DRIFT_ALPHA, q=WATCH_Q), strict=True):
        row["window_state"] = "low_volume" if row["detector_state"] == "low_volume" else decision.state
        row["window_control"] = decision.control
        state = row["window_state"]
        control: str | None = decision.control
        if state == "low_volume":
            control = None
        if row["detector_state"] in ("watch", "drift") and SEVERITY[row["detector_state"]] > SEVERITY.get(state, -1):
            state, control = row["detector_state"], "cusum"
        row["state"] = state
        row["control"] = control
    return rows


def _family_size(client: Client, start: datetime, end: datetime, refs: dict[Any, Reference]) -> int:
    """The family `rtp_status` watches over the same window, so the funnel's CUSUM uses the same thresholds."""
    window: dict[tuple[str, str], list[RtpSums]] = defaultdict(list)
    currencies: dict[tuple[str, str], int] = defaultdict(int)
    for row in run(client, "rtp/rtp_sums", start=start, end=end, batch_s=0, by_channel=0, game_id=""):
        window[(row["game_id"], row["game_version"])].append(sums_of(row))
        currencies[(row["game_id"], row["game_version"])] += 1
    return watched_streams(window, currencies, refs)


def rtp_funnel(
    client: Client,
    game_id: str,
    game_version: str,
    start: datetime,
    end: datetime,
    catalog: Catalog,
    batch_s: int = 3600,
) -> list[dict[str, Any]]:
    """Cumulative observed RTP against effective spins, with the band narrowing to the theoretical line."""
    start, end = utc_naive(start), utc_naive(end)
    refs = game_references(client, start, end, catalog)  # read once: the family size needs them too
    ref = refs.get((game_id, game_version))
    mu0, sigma = (ref.rtp, ref.std_dev) if ref else (None, None)
    by_batch: dict[datetime, dict[str, RtpSums]] = defaultdict(dict)
    for row in run(client, "rtp/rtp_sums", start=start, end=end, batch_s=batch_s, by_channel=0, game_id=game_id):
        if row["game_version"] == game_version:
            by_batch[row["batch_start"]][row["currency"]] = sums_of(row)
    cumulative: dict[str, RtpSums] = {}
    series: dict[str, list[tuple[datetime, RtpSums]]] = defaultdict(list)
    out = []
    for batch in sorted(by_batch):
        for currency, sums in by_batch[batch].items():
            cumulative[currency] = cumulative.get(currency, RtpSums.zero()) + sums
            series[currency].append((batch, sums))
        combined = combine(list(cumulative.values()), mu0, sigma)
        out.append(
            {
                "batch_start": batch,
                "cumulative_spins": combined["spins"],
                "n_eff": combined["n_eff"],
                "observed_rtp": combined["observed_rtp"],
                "band_low": combined["band_low"],
                "band_high": combined["band_high"],
                "theoretical_rtp": float(mu0) if mu0 is not None else None,
                "z": combined["z"],
            }
        )
    if mu0 is not None and sigma is not None and series:
        main = max(series, key=lambda c: cumulative[c].n_eff)
        settings = detector_settings(series[main], sigma, start, end, _family_size(client, start, end, refs))
        points = {p.batch_end: p for p in detect(series[main], mu0, sigma, settings).points}
        for row in out:
            point = points.get(row["batch_start"])
            row["cusum_over"] = point.s_over if point else None
            row["cusum_under"] = point.s_under if point else None
            row["detector_currency"] = main
    return out


def rtp_plan(
    client: Client,
    game_id: str,
    shift: Decimal,
    catalog: Catalog,
    power: float = 0.8,
    alpha: float = 0.05,
    history_start: datetime | None = None,
    history_end: datetime | None = None,
) -> dict[str, Any]:
    """Spins needed to detect an RTP shift on one game (each catalogued version), given its stake mix."""
    entries = {k: e for k, e in catalog.items() if k[0] == game_id}
    if not entries:
        raise RtpRequestError(f"game {game_id!r} has no catalog entry: no standard deviation to plan with")
    dilution: dict[str, float] = {}
    if history_start is not None and history_end is not None:
        totals: dict[str, RtpSums] = {}
        for row in run(
            client,
            "rtp/rtp_sums",
            start=utc_naive(history_start),
            end=utc_naive(history_end),
            batch_s=0,
            by_channel=0,
            game_id=game_id,
        ):
            key = row["game_version"]
            totals[key] = totals.get(key, RtpSums.zero()) + sums_of(row)
        dilution = {v: s.spins / s.n_eff for v, s in totals.items() if s.n_eff > 0}
    plans = []
    for (game, version), entry in sorted(entries.items()):
        p = plan(entry.std_dev, shift, power, alpha, max(1.0, dilution.get(version, 1.0)))
        plans.append({"game_id": game, "game_version": version, **p.to_json()})
    return {"game_id": game_id, "shift": shift, "power": power, "alpha": alpha, "plans": plans}
