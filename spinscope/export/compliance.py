"""The RTP compliance report: per day of a period, each game version's rolling-window RTP judged against theory.

Flow: two SQL models give daily sums (queries/reports/rpt_rtp_compliance_daily: per currency and
channel; rpt_rtp_compliance_stakes: per exact stake) → days add up into rolling windows (the sums
are mergeable, so a window is exact: cumulative sums minus the sums before the window) → each
window is judged by spinscope.rtp.compliance.judge → typed Tables (summary first, then about, then
the evidence: by_currency, by_stake_band, by_channel) that the writers in compliance_render.py and
formats.py turn into CSV, XLSX, HTML and PDF. Nothing here writes to the store or to files.

Every catalog game version appears on every day: one without any play in the report's span gets
a row with currency `*` and `No Activity` (GLI-19 §2.13); a stream with play on some days shows
`No Activity` on the days its window is empty.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from clickhouse_connect.driver.client import Client

from spinscope.configuration import Config
from spinscope.export.tables import Column, Table
from spinscope.queries.loader import run
from spinscope.rtp.compliance import OUTSIDE, ComplianceSettings, judge, shown
from spinscope.rtp.multiple import holm
from spinscope.rtp.references import game_references
from spinscope.rtp.stats import RtpSums

Progress = Callable[[int, int], None]
GATHER_STEPS = 4
ALL = "*"
# (table name, title, segment column or None)
SPLITS: tuple[tuple[str, str, str | None], ...] = (
    ("by_currency", "Per game version and currency", None),
    ("by_stake_band", "Per game version, currency and stake band", "stake_band"),
    ("by_channel", "Per game version, currency and channel", "channel"),
)

FIGURE_COLUMNS = (
    Column("spins", "int", "count", "settled spins in the window, paid and free"),
    Column("paid_spins", "int", "count", "settled paid spins in the window"),
    Column("handle_amount", "decimal", "money", "sum of stakes (free spins stake 0), exact"),
    Column("win_amount", "decimal", "money", "sum of wins of paid and free spins, exact"),
    Column("actual_rtp", "decimal", "percent", "wins / handle, half-even at 18 places"),
    Column("theoretical_rtp", "decimal", "percent", "from the game catalog (or the spans' slot.game.rtp)"),
    Column("variance_points", "decimal", "number", "(actual - theoretical) x 100, RTP points"),
    Column("variance_amount", "decimal", "money", "wins - theoretical x handle: paid beyond theory (+) or kept (-)"),
    Column("std_dev", "decimal", "number", "catalog standard deviation per unit bet of a round"),
    Column("effective_spins", "int", "count", "Kish n_eff = (sum of stakes)^2 / sum of stakes^2"),
    Column("range_low", "decimal", "percent", "acceptable range: theoretical - z.sigma/sqrt(n_eff)"),
    Column("range_high", "decimal", "percent", "acceptable range: theoretical + z.sigma/sqrt(n_eff)"),
    Column("z", "decimal", "number", "(actual - theoretical) . sqrt(n_eff) / sigma"),
    Column("holm_p", "decimal", "number", "p-value adjusted by Holm over the day's judged rows of this table"),
    Column("decision", "text", "", "within | outside | insufficient volume | no reference | No Activity"),
    Column("spins_still_needed", "int", "count", "recorded spins the window still needs before it is judged"),
    Column("control", "text", "", "what decided: band | volume | reference | activity"),
    Column("reference", "text", "", "where the theoretical RTP came from: catalog | span"),
)
LEAD_COLUMNS = (
    Column("day", "date", "", "the check's day (UTC); its window ends with this day"),
    Column("window_start", "date", "", "first day of the rolling window"),
    Column("game_id", "text"),
    Column("game_version", "text"),
    Column("currency", "text", "", "* for a catalog game version without any play"),
)
SUMMARY_COLUMNS = (
    Column("table", "text", "", "the evidence table"),
    Column("game_id", "text"),
    Column("game_version", "text"),
    Column("currency", "text"),
    Column("segment", "text", "", "the stake band or channel (* for the per-currency rows)"),
    Column("outside_since", "date", "", "first day of the latest run of days outside the range"),
    Column("last_outside_day", "date"),
    Column("outside_days", "int", "count", "days of the period judged outside"),
    Column("decision_on_last_day", "text", "", "the decision on the period's last day"),
    Column("actual_rtp", "decimal", "percent", "on the last day outside"),
    Column("theoretical_rtp", "decimal", "percent"),
    Column("variance_points", "decimal", "number"),
    Column("variance_amount", "decimal", "money"),
    Column("z", "decimal", "number"),
    Column("holm_p", "decimal", "number"),
    Column("evidence", "text", "", "where the first day of the latest run is: file and line"),
)
ABOUT_COLUMNS = (Column("item", "text"), Column("value", "text"))


@dataclass
class ComplianceReport:
    """Every table of one RTP compliance report, summary first, and what the writers name it by."""

    first_day: date
    last_day: date
    settings: ComplianceSettings
    environment: str
    tables: list[Table]

    @property
    def stem(self) -> str:
        return f"spinscope-rtp-compliance-{self.first_day}-{self.last_day}"

    def table(self, name: str) -> Table:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(f"the compliance report has no table {name!r}; it has {[t.name for t in self.tables]}")

    @property
    def outside(self) -> int:
        return len(self.table("summary").rows)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def _sums(row: dict[str, Any]) -> RtpSums:
    return RtpSums(
        int(row["spins_count"]),
        Decimal(row["bet_sum"]),
        Decimal(row["win_sum"]),
        Decimal(row["bet_squared"]),
        Decimal(row["win_squared"]),
        Decimal(row["win_bet"]),
    )


Cells = dict[tuple[str, ...], dict[date, tuple[RtpSums, int]]]


def _add(cells: Cells, key: tuple[str, ...], day: date, sums: RtpSums, paid: int) -> None:
    before = cells[key].get(day)
    cells[key][day] = (sums, paid) if before is None else (before[0] + sums, before[1] + paid)


def split_cells(
    daily: list[dict[str, Any]], stakes: list[dict[str, Any]], settings: ComplianceSettings
) -> dict[str, Cells]:
    """The models' rows as daily sums per key of each split (channels combined for by_currency)."""
    out: dict[str, Cells] = {name: defaultdict(dict) for name, _, _ in SPLITS}
    for row in daily:
        sums, paid = _sums(row), int(row["paid_spins_count"])
        base = (row["game_id"], row["game_version"], row["currency"])
        _add(out["by_currency"], base, row["day"], sums, paid)
        _add(out["by_channel"], (*base, row["channel"]), row["day"], sums, paid)
    for row in stakes:
        stake = None if row["stake"] is None else Decimal(row["stake"])
        band = settings.band_of(row["currency"], stake)
        key = (row["game_id"], row["game_version"], row["currency"], band)
        _add(out["by_stake_band"], key, row["day"], _sums(row), int(row["paid_spins_count"]))
    return out


def _segment_order(split: str, key: tuple[str, ...], settings: ComplianceSettings) -> tuple[Any, ...]:
    if split == "by_stake_band" and key[2] != ALL:
        labels = settings.band_labels(key[2])
        return (*key[:3], labels.index(key[3]) if key[3] in labels else len(labels), key[3])
    return key


def judge_split(
    split: str,
    cells: Cells,
    first: date,
    last: date,
    catalog_versions: list[tuple[str, str]],
    refs: dict[tuple[str, str], Any],
    settings: ComplianceSettings,
) -> list[dict[str, Any]]:
    """Rows of one split: every key (and every unplayed catalog version as `*`) on every day, in key then day order."""
    has_segment = split != "by_currency"
    played = {k[:2] for k in cells}
    keys = list(cells) + [
        (g, v, ALL, ALL) if has_segment else (g, v, ALL) for g, v in catalog_versions if (g, v) not in played
    ]
    keys.sort(key=lambda k: _segment_order(split, k, settings))
    window = settings.window_days
    span_start = first - timedelta(days=window - 1)
    days = [span_start + timedelta(days=i) for i in range((last - span_start).days + 1)]
    segment_name = next(s for n, _, s in SPLITS if n == split)
    rows = []
    for key in keys:
        daily = cells.get(key, {})
        cumulative: list[tuple[RtpSums, int]] = []
        running, paid = RtpSums.zero(), 0
        for day in days:
            sums, n = daily.get(day, (None, 0))
            if sums is not None:
                running, paid = running + sums, paid + n
            cumulative.append((running, paid))
        ref = refs.get((key[0], key[1]))
        mu0, sigma = (ref.rtp, ref.std_dev) if ref else (None, None)
        for index in range(window - 1, len(days)):
            sums, n = cumulative[index]
            if index >= window:
                sums, n = sums - cumulative[index - window][0], n - cumulative[index - window][1]
            row: dict[str, Any] = {
                "day": days[index],
                "window_start": days[index - window + 1],
                "game_id": key[0],
                "game_version": key[1],
                "currency": key[2],
            }
            if segment_name:
                row[segment_name] = key[3]
            row.update(judge(sums, n, mu0, sigma, settings))
            row["reference"] = ref.source if ref else None
            rows.append(row)
    by_day: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["p_value"] is not None and row["decision"] in ("within", OUTSIDE):
            by_day[row["day"]].append(row)
    for judged in by_day.values():
        _, adjusted = holm([r["p_value"] for r in judged], 1 - float(settings.confidence))
        for row, p in zip(judged, adjusted, strict=True):
            row["holm_p"] = shown(p)
    return rows


def summarize(tables: list[Table], last: date) -> list[dict[str, Any]]:
    """Each stream judged outside on some day: since when (latest run), how often, the figures, the evidence."""
    out = []
    for table in tables:
        segment = next((c.name for c in table.columns if c.name in ("stake_band", "channel")), None)
        runs: dict[tuple[Any, ...], list[tuple[int, dict[str, Any]]]] = defaultdict(list)
        for index, row in enumerate(table.rows):
            key = (row["game_id"], row["game_version"], row["currency"], row[segment] if segment else ALL)
            runs[key].append((index, row))
        for key, series in runs.items():
            positions = [p for p, (_, r) in enumerate(series) if r["decision"] == OUTSIDE]
            if not positions:
                continue
            last_pos = start_pos = positions[-1]
            while start_pos > 0 and series[start_pos - 1][1]["decision"] == OUTSIDE:
                start_pos -= 1
            last_row = series[last_pos][1]
            start_index, start_row = series[start_pos]
            final = series[-1][1]
            out.append(
                {
                    "table": table.name,
                    "game_id": key[0],
                    "game_version": key[1],
                    "currency": key[2],
                    "segment": key[3],
                    "outside_since": start_row["day"],
                    "last_outside_day": last_row["day"],
                    "outside_days": len(positions),
                    "decision_on_last_day": final["decision"] if final["day"] == last else None,
                    **{
                        c: last_row.get(c)
                        for c in ("actual_rtp", "theoretical_rtp", "variance_points", "variance_amount", "z", "holm_p")
                    },
                    "evidence": f"{table.name}.csv line {start_index + 2}",
                    "evidence_table": table.name,
                    "evidence_row": start_index,
                }
            )
    return out


def _about(
    first: date, last: date, settings: ComplianceSettings, environment: str, tables: list[Table]
) -> list[dict[str, Any]]:
    main = tables[0].rows
    on_last = [r for r in main if r["day"] == last]
    counts = {d: sum(1 for r in on_last if r["decision"] == d) for d in sorted({r["decision"] for r in on_last})}
    bands = (
        "; ".join(f"{c}: {', '.join(settings.band_labels(c)[:-1])}" for c in sorted(settings.stake_bands))
        or "none configured: one band per currency"
    )
    items = [
        ("report", "RTP compliance: actual against theoretical RTP per game version, daily over a rolling window"),
        ("period", f"{first} to {last} (UTC days, inclusive)"),
        ("window", f"each day is judged over the {settings.window_days} days ending with it"),
        ("environment", environment or "every environment"),
        ("decisions_on_last_day", ", ".join(f"{d}: {n}" for d, n in counts.items()) or "no rows"),
        (
            "acceptable_range",
            f"theoretical RTP ± z·σ/√n_eff at {settings.confidence} confidence (two-sided), σ from the game "
            "catalog per unit bet of a round, n_eff the window's effective spins of its stake mix",
        ),
        (
            "volume",
            f"a window is judged once its range is at most ±{settings.precision * 100} RTP points wide; before "
            "that the decision is 'insufficient volume' with the recorded spins still needed",
        ),
        ("multiple_checks", "holm_p: the p-value adjusted (Holm) over the same day's judged rows of the table"),
        ("stake_bands", bands + "; free spins take the stake of their session's last paid spin"),
        ("no_activity", "a catalog game version, or a stream, without settled spins in the window says No Activity"),
        ("money", "exact decimals, per currency, never added across currencies; CSV as decimal strings"),
        ("spins", "settled spins (status ok) with readable amounts; failed spins moved no money"),
    ]
    return [{"item": k, "value": v} for k, v in items]


def gather_compliance(
    client: Client,
    first: date,
    last: date,
    config: Config,
    environment: str = "",
    progress: Progress | None = None,
) -> ComplianceReport:
    """The report for the days first..last (inclusive), each over config.compliance.window_days."""
    settings = config.compliance
    span_start = _midnight(first - timedelta(days=settings.window_days - 1))
    span_end = _midnight(last + timedelta(days=1))

    def step(done: int) -> None:
        if progress is not None:
            progress(done, GATHER_STEPS)

    refs = game_references(client, span_start, span_end, config.catalog)
    params = {"start": span_start, "end": span_end, "environment": environment}
    daily = run(client, "reports/rpt_rtp_compliance_daily", **params)
    step(1)
    stakes = run(client, "reports/rpt_rtp_compliance_stakes", **params)
    step(2)
    cells = split_cells(daily, stakes, settings)
    catalog_versions = sorted(config.catalog)
    tables = []
    for name, title, segment in SPLITS:
        columns = LEAD_COLUMNS + ((Column(segment, "text"),) if segment else ()) + FIGURE_COLUMNS
        rows = judge_split(name, cells[name], first, last, catalog_versions, refs, settings)
        tables.append(Table(name, f"{title}, daily over a rolling {settings.window_days}-day window", columns, rows))
    step(3)
    summary = Table(
        "summary",
        f"Game versions outside their acceptable range, {first} to {last}",
        SUMMARY_COLUMNS,
        summarize(tables, last),
    )
    about = Table("about", "About this report", ABOUT_COLUMNS, _about(first, last, settings, environment, tables))
    step(4)
    return ComplianceReport(first, last, settings, environment, [summary, about, *tables])
