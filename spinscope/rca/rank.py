"""Root-cause analysis on the store: ranks attribute values that explain a signal, for every front end.

Thin I/O around the pure scoring: SQL models count (attribute, value) in a selection and
a baseline (queries/rca), spinscope.rca.scoring ranks them; for RTP, queries/rca/rca_rtp_rounds
sums wins in stakes per cell (game version × region × instance × channel × currency) and
spinscope.rca.rtp_excess weighs each segment. Then, for every signal, spinscope.rca.structure
shapes the ranking (constants as context, a child cause within its container, conjunctions,
consequences apart), using the counts of pairs of the strongest values (queries/rca/
rca_attribute_pairs; for RTP, sums of cells). Each row carries `kind`, `rank`, `where`, `within`,
`label` and `reason`; the payload an `explanation` sentence (see structure.py for the kinds).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from clickhouse_connect.driver.client import Client

from spinscope.catalog import Catalog
from spinscope.errors import UserError
from spinscope.queries.loader import run
from spinscope.rca.measures import CountModel, Counts, ExcessModel
from spinscope.rca.rtp_excess import CELL_KEYS, RoundSums, cell_moments, segment_excess
from spinscope.rca.scoring import is_high_cardinality, rank_attributes
from spinscope.rca.structure import Finding, arrange, top_singles
from spinscope.rtp.normal import z_two_sided
from spinscope.rtp.references import game_references
from spinscope.schema.fragments import LATENCY_LADDER_MS
from spinscope.times import utc_naive
from spinscope.traces import where_arrays

SIGNALS = ("errors", "latency", "rtp")
# Never causes: ids (one value per spin, player or session) and outcomes (what a spin won).
# Amounts are left out too: the rca_minutely rollup keeps them out (a bet level per spin would multiply
# its rows), and the exact path must rank the same values.
ALWAYS_EXCLUDED = ("slot.spin.id", "slot.player.id", "slot.session.id", "slot.bet.amount", "slot.win.amount")
# For the errors signal the error type *is* the symptom, not an explanation of it.
SYMPTOMS = {"errors": ("error.type",), "latency": ()}
# When several attribute values mark exactly the same spins (wallet.provider=x and its
# server.address; a game version and its declared RTP), they are one finding: the row is
# named by the first of these keys of the telemetry contract, the others listed as equivalent.
PREFERRED_KEYS = (
    "slot.game.id",
    "slot.game.version",
    "cloud.region",
    "service.instance.id",
    "wallet.provider",
    "slot.channel",
    "slot.currency",
    "slot.feature",
    "slot.spin.mode",
    "service.version",
    "deployment.environment.name",
    "db.system.name",
)
MAX_SAMPLED_SPINS = 200_000
MAX_VALUES = 200


class RcaRequestError(UserError):
    """An RCA request the user can fix: an unknown signal, an empty or inverted window."""


class BaselineOverlapError(RcaRequestError):
    """A baseline window sharing time with the selection: the same spins would sit in both groups."""


def check_baseline(
    start: datetime, end: datetime, baseline_start: datetime | None, baseline_end: datetime | None
) -> None:
    """Refuse a half-given baseline window, or one that overlaps the selection [start, end).

    The ranking compares two proportions (a value's share of the selection against its share
    of the baseline) as independent samples; a spin in both groups breaks that and pulls every
    lift towards 1. Windows are half-open, so a baseline ending exactly at `start` is disjoint.
    """
    if (baseline_start is None) != (baseline_end is None):
        given, missing = (
            ("baseline_start", "baseline_end") if baseline_end is None else ("baseline_end", "baseline_start")
        )
        raise RcaRequestError(f"{given} is given without {missing}: give both, or neither to compare with good spins")
    if baseline_start is None or baseline_end is None:
        return
    b_start, b_end, s_start, s_end = (utc_naive(t) for t in (baseline_start, baseline_end, start, end))
    if b_start < s_end and s_start < b_end:
        raise BaselineOverlapError(
            f"the baseline window {b_start:%Y-%m-%d %H:%M:%S}..{b_end:%Y-%m-%d %H:%M:%S} overlaps the selection "
            f"{s_start:%Y-%m-%d %H:%M:%S}..{s_end:%Y-%m-%d %H:%M:%S} (UTC): the same spins cannot be in both groups; "
            f"end the baseline at or before the selection's start (baseline_end={s_start:%Y-%m-%dT%H:%M:%SZ}) "
            "or start it at or after the selection's end"
        )


def _sample_mod(client: Client, start: datetime, end: datetime) -> int:
    rows = run(client, "rca/rca_window_spins", start=start, end=end)
    spins = int(rows[0]["spins_count"]) if rows else 0
    return max(1, math.ceil(spins / MAX_SAMPLED_SPINS))


NO_MINUTES = (datetime(2000, 1, 1), datetime(2000, 1, 1))  # an empty range (2000: no DateTime underflow)


def whole_minutes(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The whole minutes inside [start, end), as a half-open range; NO_MINUTES when there are none."""
    first = start.replace(second=0, microsecond=0)
    if first < start:
        first += timedelta(minutes=1)
    last = end.replace(second=0, microsecond=0)
    return (first, last) if first < last else NO_MINUTES


def rank(
    client: Client,
    signal: str,
    start: datetime,
    end: datetime,
    baseline_start: datetime | None = None,
    baseline_end: datetime | None = None,
    where: dict[str, str] | None = None,
    threshold_ms: int = 500,
    catalog: Catalog | None = None,
    exact: bool = False,
) -> dict[str, Any]:
    """Rank attribute values by how much they set the signal's selection apart from its baseline.

    Errors and latency: the whole minutes of the windows are counted from the rca_minutely rollup
    (exact, fast: cost follows the number of distinct attribute sets, not spins), the partial minutes
    at their edges from raw spans. `exact=True` reads raw spans only (sampled past MAX_SAMPLED_SPINS);
    so does a latency threshold off the ladder. The payload's `source` says which was used.
    RTP: the paid spins of whole minutes from the rca_rtp_minutely rollup, edge minutes and free spins
    from spins (queries/rca/rca_rtp_rounds); exact either way.
    """
    if signal not in SIGNALS:
        raise RcaRequestError(f"signal {signal!r}: use one of {', '.join(SIGNALS)}")
    if end <= start:
        raise RcaRequestError(f"the window ends ({end}) before it starts ({start})")
    check_baseline(start, end, baseline_start, baseline_end)
    start, end = utc_naive(start), utc_naive(end)
    if signal == "rtp":
        return _rank_rtp(client, start, end, where, catalog or {})
    window_mode = baseline_start is not None and baseline_end is not None
    b_start = utc_naive(baseline_start) if window_mode and baseline_start else start
    b_end = utc_naive(baseline_end) if window_mode and baseline_end else end
    rolled = not exact and (signal != "latency" or threshold_ms in LATENCY_LADDER_MS)
    roll_sel = whole_minutes(start, end) if rolled else NO_MINUTES
    roll_base = whole_minutes(b_start, b_end) if rolled else NO_MINUTES
    # the raw part is only the edge minutes when the rollup answers: never sampled
    sample_mod = 1 if rolled else _sample_mod(client, min(start, b_start), max(end, b_end))
    keys, values = where_arrays(where)
    spins_params = {
        "signal": signal,
        "threshold_ns": threshold_ms * 1_000_000,
        "threshold_ms": threshold_ms,
        "sel_start": start,
        "sel_end": end,
        "base_start": b_start,
        "base_end": b_end,
        "baseline_mode": "window" if window_mode else "good",
        "where_keys": keys,
        "where_values": values,
        "sample_mod": sample_mod,
        "roll_sel_start": roll_sel[0],
        "roll_sel_end": roll_sel[1],
        "roll_base_start": roll_base[0],
        "roll_base_end": roll_base[1],
        # nothing left for raw spans when both windows are whole minutes from the rollup
        "raw_part": int(not (rolled and roll_sel == (start, end) and roll_base == (b_start, b_end))),
    }
    rows = run(
        client,
        "rca/rca_attribute_counts",
        **spins_params,
        max_values=MAX_VALUES,
        exclude_keys=[*ALWAYS_EXCLUDED, *SYMPTOMS[signal], *keys],
    )
    n_sel = int(rows[0]["selection_total"]) if rows else 0
    n_base = int(rows[0]["baseline_total"]) if rows else 0
    result: dict[str, Any] = {
        "signal": signal,
        "start": start,
        "end": end,
        "baseline": "window" if window_mode else "good spins",
        "baseline_start": b_start,
        "baseline_end": b_end,
        "where": dict(where or {}),
        "threshold_ms": threshold_ms if signal == "latency" else None,
        "sample_rate": 1 / sample_mod,
        "source": "rollup" if rolled else "raw spans",
        "selection_total": n_sel,
        "baseline_total": n_base,
        "rows": [],
    }
    if n_sel == 0 or n_base == 0:
        result["message"] = "no bad spins in the window" if n_sel == 0 else "no baseline spins to compare with"
        result["explanation"] = result["message"].capitalize() + ": nothing to explain."
        return result
    selection: dict[str, dict[str, int]] = defaultdict(dict)
    baseline: dict[str, dict[str, int]] = defaultdict(dict)
    distinct = {r["attribute"]: int(r["distinct_values"]) for r in rows}
    presence = {r["attribute"]: (int(r["selection_with_attribute"]), int(r["baseline_with_attribute"])) for r in rows}
    dropped = sorted(a for a, d in distinct.items() if is_high_cardinality(d, n_sel + n_base))
    for r in rows:
        if r["attribute"] in dropped:
            continue
        selection[r["attribute"]][r["value"]] = int(r["selection_count"])
        baseline[r["attribute"]][r["value"]] = int(r["baseline_count"])
    scores = rank_attributes(selection, baseline, n_sel, n_base)
    # Order: significant first, then gap × explained share. The gap alone favours a value that is
    # merely correlated with the cause (a wallet provider most of the faulty game's players use);
    # weighting by the share of the selection it explains (p_sel − p_base)/(1 − p_base) favours the
    # value that covers the whole selection, and keeps near-universal values (gap ~0) at the bottom.
    scores = sorted(scores, key=lambda s: (not s.significant, -(s.gap * s.explained_share), -s.gap))
    result["excluded_high_cardinality"] = dropped
    merged = merge_equivalent(
        [
            {
                "attribute": s.attribute,
                "value": s.value,
                "selection_count": s.count_selection,
                "baseline_count": s.count_baseline,
                "selection_ratio": s.p_selection,
                "baseline_ratio": s.p_baseline,
                "gap": s.gap,
                "z": s.z,
                "p_value": s.p_value,
                "q_value": s.q_value,
                "significant": s.significant,
                "share": s.explained_share,
                "score": s.gap * s.explained_share,
            }
            for s in scores
        ]
    )
    model = CountModel(n_sel, n_base)
    findings = [
        Finding(
            ((r["attribute"], r["value"]),),
            Counts(r["selection_count"], r["baseline_count"]),
            r,
            significant=r["significant"],
        )
        for r in merged
    ]
    candidates = top_singles(findings, model)
    pairs: dict[frozenset[tuple[str, str]], Counts] = {}
    if len(candidates) >= 2:
        for p in run(
            client,
            "rca/rca_attribute_pairs",
            **spins_params,
            candidate_keys=[a for a, _ in candidates],
            candidate_values=[v for _, v in candidates],
        ):
            first, second = candidates[int(p["first"]) - 1], candidates[int(p["second"]) - 1]
            pairs[frozenset((first, second))] = Counts(int(p["selection_count"]), int(p["baseline_count"]))
        for a_index, a in enumerate(candidates):  # pairs no spin holds
            for b in candidates[a_index + 1 :]:
                pairs.setdefault(frozenset((a, b)), Counts(0, 0))

    def cut_short(value: tuple[str, str]) -> bool:
        # Under-represented because the attribute itself is missing from the bad spins: at least half
        # of the value's deficit is the attribute's (a later step's span the failed spins never reached).
        sel_with, base_with = presence.get(value[0], (0, 0))
        p_sel, p_base = model.shares(next(f.measure for f in findings if f.key[0] == value))
        return sel_with / n_sel - base_with / n_base <= (p_sel - p_base) / 2

    result["rows"], result["explanation"] = arrange(findings, pairs, model, where, cut_short)
    return result


def _preference(attribute: str) -> int:
    return PREFERRED_KEYS.index(attribute) if attribute in PREFERRED_KEYS else len(PREFERRED_KEYS)


def merge_equivalent(
    rows: list[dict[str, Any]], same: Callable[[dict[str, Any]], Hashable] | None = None
) -> list[dict[str, Any]]:
    """Fold values with identical selection and baseline counts into one row, keeping the ranking's order.

    Equal counts over every spin of both groups mean the values mark the same spins (one is
    the other's alias); ranking them apart would only break a tie by name. `same` gives the
    figures that must match (default: the selection and baseline counts).
    """
    groups: dict[Hashable, list[dict[str, Any]]] = {}
    order: list[Hashable] = []
    for row in rows:
        key = same(row) if same else (row["selection_count"], row["baseline_count"])
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(row)
    merged = []
    for key in order:
        members = sorted(groups[key], key=lambda r: (_preference(r["attribute"]), r["attribute"], r["value"]))
        head = dict(members[0])
        head["equivalent"] = [f"{r['attribute']}={r['value']}" for r in members[1:]]
        merged.append(head)
    return merged


def _rank_rtp(
    client: Client, start: datetime, end: datetime, where: dict[str, str] | None, catalog: Catalog
) -> dict[str, Any]:
    keys, values = where_arrays(where)
    rows = run(
        client, "rca/rca_rtp_rounds", start=utc_naive(start), end=utc_naive(end), where_keys=keys, where_values=values
    )
    cells: dict[tuple[str, ...], RoundSums] = {
        (r["game_id"], r["game_version"], r["region"], r["instance_id"], r["channel"], r["currency"]): RoundSums(
            int(r["spins_count"]), int(r["paid"]), Decimal(r["stakes_won"]), int(r["unstaked"])
        )
        for r in rows
    }
    references = {
        k: (ref.rtp, ref.std_dev)
        for k, ref in game_references(client, start, end, catalog).items()
        if ref.std_dev is not None
    }
    moments = cell_moments(cells, references)
    total = segment_excess(moments, {})
    model = ExcessModel(total, z_two_sided(0.95))
    segments = sorted(
        {(k, cell[i]) for cell in moments for i, k in enumerate(CELL_KEYS) if k not in keys},
    )
    measures = {key: segment_excess(moments, dict([key])) for key in segments}
    # Most surprising first, in either direction: fleet-wide, the total's sign is often set by noise in
    # the most volatile games, while a mis-set game shows as one strongly signed segment.
    order = sorted(segments, key=lambda k: (-model.rank_key(measures[k])[1], -abs(measures[k].excess), k))
    cells_of = {(k, v): frozenset(cell for cell in moments if cell[CELL_KEYS.index(k)] == v) for k, v in segments}
    merged = merge_equivalent(
        [{"attribute": a, "value": v, **model.describe(measures[(a, v)])} for a, v in order],
        same=lambda r: cells_of[(r["attribute"], r["value"])],  # the same cells: a game with one version
    )
    findings = [Finding(((r["attribute"], r["value"]),), measures[(r["attribute"], r["value"])], r) for r in merged]
    candidates = top_singles(findings, model)
    pairs = {
        frozenset((a, b)): segment_excess(moments, dict((a, b)))
        for i, a in enumerate(candidates)
        for b in candidates[i + 1 :]
        if a[0] != b[0]
    }
    ranked_rows, explanation = arrange(findings, pairs, model, where)
    return {
        "signal": "rtp",
        "start": start,
        "end": end,
        "where": dict(where or {}),
        "sample_rate": 1.0,
        "source": "rollup",  # paid spins of whole minutes from rca_rtp_minutely; edges and free spins raw: exact
        "selection_total": sum(c.spins for c in cells.values()),
        "baseline_total": None,
        "total_excess_bets": total.excess,
        "total_z": total.z,
        "alerting": total.z is not None and abs(total.z) >= model.threshold,
        "no_reference": sorted({f"{c[0]} {c[1]}" for c in cells if (c[0], c[1]) not in references}),
        "unstaked_free_spins": sum(s.unstaked for s in cells.values()),
        "rows": ranked_rows,
        "explanation": explanation,
    }
