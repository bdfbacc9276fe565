"""The par sheet: a reel game described in YAML, without Python, and its loader into `ReelRules`.

A studio's math team writes the par sheet; everything else is derived from it: the engine plays
it (`ReelGame(sheet.rules)`), `spinscope math verify` checks its declared figures against the
exact math, and `spinscope catalog build` publishes those figures for the RTP monitoring. The
four shipped games are par sheets in `parsheets/` (package data), loaded by `registry.py`.

The format (`format: spinscope-parsheet/1`; every index counts from 0):

    id, version, name           the game version's identity (version is text: quote it)
    window: {reels, rows}       the visible window
    reels: {base: [...], free: [...]}
                                one strip per reel, top stop first, symbols separated by spaces
                                (or a YAML list); `free` is optional (free spins use `base`)
    paylines: [[row, ...], ...] one row index per reel, 0 = top row; a paid spin stakes one
                                credit (the line bet) per payline
    paytable: {SYMBOL: {run: credits}}
                                line pays in credits for a left-to-right run of `run` symbols
    wild: {symbol, substitutes: all | [SYMBOL, ...], multiplier: n}
                                the wild stands in for every paytable symbol, or those listed
                                (never for the scatter or bonus symbol), and pays its own row;
                                a line win it helps complete is multiplied by `multiplier`
    scatter: {symbol, pays: {count: x total bet}}
    free_spins: {award: {count: spins}, retrigger: {count: spins}, multiplier: n}
                                awarded by scatter count anywhere in the window
    bonus: {symbol, min_count, wheel: [{prize: x total bet, weight, feature: bonus|jackpot}]}
    declared: {rtp, std_dev, hit_frequency, tolerance: {figure: amount}}
                                the figures the studio declares, decimal strings; by default a
                                declared figure must be the exact one rounded to its own places
    faults: {under|over: {reel, stops: {stop: SYMBOL}}}
                                simulator only: the mis-set reel of a fault scenario

Errors name the file, the field, the problem and the fix (`ParSheetError`, a `UserError`).
This module reads and writes text only; it knows nothing of the verification or the catalog.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from spinscope.errors import UserError
from spinscope.sim.games.reels import ReelRules, WheelSlice

FORMAT = "spinscope-parsheet/1"
FIGURES = ("rtp", "std_dev", "hit_frequency")

_REQUIRED = ("format", "id", "version", "name", "window", "reels", "paylines", "paytable")
_TOP = {*_REQUIRED, "wild", "scatter", "free_spins", "bonus", "declared", "faults"}


class ParSheetError(UserError, ValueError):
    """A par sheet that cannot be used; the message names the file, the field and the fix."""


@dataclass(frozen=True)
class Declared:
    """The figures a par sheet declares, and the tolerance each is judged with."""

    rtp: Decimal | None = None
    std_dev: Decimal | None = None
    hit_frequency: Decimal | None = None
    tolerance: Mapping[str, Decimal] = field(default_factory=dict)

    def figure(self, name: str) -> Decimal | None:
        return getattr(self, name)

    def tolerance_of(self, name: str) -> Decimal:
        """The stated tolerance, else half a unit in the declared figure's last decimal place."""
        if name in self.tolerance:
            return self.tolerance[name]
        value = self.figure(name)
        if value is None:
            return Decimal(0)
        return Decimal(5).scaleb(value.as_tuple().exponent - 1)  # type: ignore[operator]


@dataclass(frozen=True)
class ParSheet:
    """A loaded par sheet: the rules the engine plays and the figures the studio declares."""

    rules: ReelRules
    declared: Declared
    source: str


def load_parsheet(path: str | Path) -> ParSheet:
    """Read and validate a par sheet file."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as error:
        raise ParSheetError(f"{source}: cannot read the par sheet ({error.strerror or error})") from error
    return parse_parsheet_text(text, str(source))


def parse_parsheet_text(text: str, source: str = "<par sheet>") -> ParSheet:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ParSheetError(f"{source}: not valid YAML ({error})") from error
    return parse_parsheet(document, source)


def parse_parsheet(document: Any, source: str = "<par sheet>") -> ParSheet:
    """Validate a parsed par sheet document into rules and declared figures."""
    doc = _mapping(document, source, "a par sheet (see sim/games/README.md)")
    _known(doc, _TOP, source)
    missing = [k for k in _REQUIRED if doc.get(k) in (None, "", [], {})]
    if missing:
        raise ParSheetError(f"{source}: missing required field(s) {', '.join(missing)}")
    if doc["format"] != FORMAT:
        raise ParSheetError(f"{source}: format: {doc['format']!r} is not supported; write 'format: {FORMAT}'")
    where = lambda name: f"{source}: {name}"  # noqa: E731 - a one-line namer keeps the messages uniform
    window = _mapping(doc["window"], where("window"), "{reels: N, rows: N}")
    _known(window, {"reels", "rows"}, where("window"))
    n_reels = _int(window.get("reels"), where("window.reels"), low=1)
    rows = _int(window.get("rows"), where("window.rows"), low=1)
    reels = _mapping(doc["reels"], where("reels"), "{base: [strips], free: [strips]}")
    _known(reels, {"base", "free"}, where("reels"))
    base = _strips(reels.get("base"), where("reels.base"), n_reels, rows)
    free = None if reels.get("free") is None else _strips(reels["free"], where("reels.free"), n_reels, rows)
    lines = _paylines(doc["paylines"], where("paylines"), n_reels, rows)
    paytable = _mapping(doc["paytable"], where("paytable"), "{SYMBOL: {run: credits}}")
    line_pays = tuple(
        (_symbol(s, where("paytable")), _by_count(p, where(f"paytable.{s}"))) for s, p in paytable.items()
    )

    symbols = {s for strip in (*base, *(free or ())) for s in strip}
    wild = scatter = bonus = None
    wild_substitutes: tuple[str, ...] | None = None
    wild_multiplier = 1
    if doc.get("wild") is not None:
        w = _mapping(doc["wild"], where("wild"), "{symbol: WILD, substitutes: all}")
        _known(w, {"symbol", "substitutes", "multiplier"}, where("wild"))
        wild_multiplier = _int(w.get("multiplier", 1), where("wild.multiplier"), low=1)
        wild = _symbol(w.get("symbol"), where("wild.symbol"))
        substitutes = w.get("substitutes", "all")
        if substitutes != "all":
            paying = {s for s, _ in line_pays}
            if not isinstance(substitutes, list) or not all(isinstance(x, str) and x in paying for x in substitutes):
                raise ParSheetError(
                    f"{where('wild.substitutes')}: {substitutes!r} must be 'all' or a list of paytable symbols "
                    f"({', '.join(s for s, _ in line_pays)}); the wild never stands in for scatter or bonus"
                )
            wild_substitutes = tuple(substitutes)
    scatter_pays: tuple[int, ...] = ()
    if doc.get("scatter") is not None:
        s = _mapping(doc["scatter"], where("scatter"), "{symbol: SCATTER, pays: {count: x bet}}")
        _known(s, {"symbol", "pays"}, where("scatter"))
        scatter = _symbol(s.get("symbol"), where("scatter.symbol"))
        scatter_pays = _by_count(s.get("pays") or {}, where("scatter.pays"))
    award: tuple[int, ...] = ()
    retrigger: tuple[int, ...] = ()
    multiplier = 1
    if doc.get("free_spins") is not None:
        f = _mapping(doc["free_spins"], where("free_spins"), "{award: {count: spins}, retrigger: ..., multiplier: n}")
        _known(f, {"award", "retrigger", "multiplier"}, where("free_spins"))
        if scatter is None:
            raise ParSheetError(f"{where('free_spins')}: free spins are awarded by scatters; declare 'scatter:' too")
        award = _by_count(f.get("award") or {}, where("free_spins.award"))
        retrigger = _by_count(f.get("retrigger") or {}, where("free_spins.retrigger"))
        multiplier = _int(f.get("multiplier", 1), where("free_spins.multiplier"), low=1)
    if free is not None and not award:
        raise ParSheetError(f"{where('reels.free')}: free reels need 'free_spins.award' to ever be played")
    bonus_min = 3
    wheel: tuple[WheelSlice, ...] = ()
    if doc.get("bonus") is not None:
        b = _mapping(doc["bonus"], where("bonus"), "{symbol: BONUS, min_count: 3, wheel: [...]}")
        _known(b, {"symbol", "min_count", "wheel"}, where("bonus"))
        bonus = _symbol(b.get("symbol"), where("bonus.symbol"))
        bonus_min = _int(b.get("min_count", 3), where("bonus.min_count"), low=1)
        wheel = _wheel(b.get("wheel"), where("bonus.wheel"))
    for name, symbol in (("wild.symbol", wild), ("scatter.symbol", scatter), ("bonus.symbol", bonus)):
        if symbol is not None and symbol not in symbols:
            raise ParSheetError(f"{where(name)}: {symbol!r} is on no reel strip; add it to a strip or drop it")
    missets = _faults(doc.get("faults"), where("faults"), base)
    try:
        rules = ReelRules(
            id=_text(doc["id"], where("id")),
            version=_text(doc["version"], where("version")),
            name=_text(doc["name"], where("name")),
            reels=base,
            lines=lines,
            line_pays=line_pays,
            rows=rows,
            wild=wild,
            wild_substitutes=wild_substitutes,
            wild_multiplier=wild_multiplier,
            scatter=scatter,
            scatter_pays=scatter_pays,
            free_spins_award=award,
            free_reels=free,
            free_spins_retrigger=retrigger,
            free_multiplier=multiplier,
            bonus=bonus,
            bonus_min=bonus_min,
            wheel=wheel,
            missets=missets,
        )
    except ValueError as error:
        raise ParSheetError(f"{source}: {error}") from error
    return ParSheet(rules, _declared(doc.get("declared"), where("declared")), source)


def dump_parsheet(rules: ReelRules, declared: Declared | None = None, header: str = "") -> str:
    """The par sheet text of `rules` (and declared figures); `parse_parsheet` reads it back equal."""
    doc: dict[str, Any] = {"format": FORMAT, "id": rules.id, "version": rules.version, "name": rules.name}
    doc["window"] = {"reels": len(rules.reels), "rows": rules.rows}
    doc["reels"] = {"base": [" ".join(s) for s in rules.reels]}
    if rules.free_reels is not None:
        doc["reels"]["free"] = [" ".join(s) for s in rules.free_reels]
    doc["paylines"] = [_FlowSeq(line) for line in rules.lines]
    doc["paytable"] = {symbol: _FlowMap(_counts(pays)) for symbol, pays in rules.line_pays}
    if rules.wild:
        substitutes = "all" if rules.wild_substitutes is None else _FlowSeq(rules.wild_substitutes)
        doc["wild"] = {"symbol": rules.wild, "substitutes": substitutes}
        if rules.wild_multiplier != 1:
            doc["wild"]["multiplier"] = rules.wild_multiplier
    if rules.scatter:
        doc["scatter"] = {"symbol": rules.scatter, "pays": _FlowMap(_counts(rules.scatter_pays))}
    if rules.free_spins_award:
        doc["free_spins"] = {
            "award": _FlowMap(_counts(rules.free_spins_award)),
            "retrigger": _FlowMap(_counts(rules.free_spins_retrigger)),
            "multiplier": rules.free_multiplier,
        }
    if rules.bonus:
        wheel = [_FlowMap({"prize": s.prize, "weight": s.weight, "feature": s.feature}) for s in rules.wheel]
        doc["bonus"] = {"symbol": rules.bonus, "min_count": rules.bonus_min, "wheel": wheel}
    if declared is not None:
        figures: dict[str, Any] = {n: str(declared.figure(n)) for n in FIGURES if declared.figure(n) is not None}
        if declared.tolerance:
            figures["tolerance"] = {n: str(v) for n, v in declared.tolerance.items()}
        doc["declared"] = figures
    if rules.missets:
        doc["faults"] = {
            direction: {"reel": reel, "stops": _FlowMap(dict(changes))} for direction, (reel, changes) in rules.missets
        }
    return header + yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)


class _FlowMap(dict):
    """A mapping written on one line (`{3: 250}`)."""


class _FlowSeq(list):
    """A sequence written on one line (`[1, 1, 1]`)."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_FlowMap, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True))
_Dumper.add_representer(_FlowSeq, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def _counts(table: tuple[int, ...]) -> dict[int, int]:
    return {count: value for count, value in enumerate(table) if value}


def _mapping(value: Any, where: str, expected: str) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise ParSheetError(f"{where}: expected a mapping {expected}, got {value!r}")
    return value


def _known(value: Mapping[Any, Any], known: set[str], where: str) -> None:
    unknown = sorted(str(k) for k in value if k not in known)
    if unknown:
        raise ParSheetError(f"{where}: unknown field(s) {', '.join(unknown)}; known fields: {', '.join(sorted(known))}")


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        hint = " (quote it: YAML reads 1.10 as the number 1.1)" if isinstance(value, int | float) else ""
        raise ParSheetError(f"{where}: expected a non-empty string, got {value!r}{hint}")
    return value


def _symbol(value: Any, where: str) -> str:
    text = _text(value, where)
    if any(c.isspace() for c in text):
        raise ParSheetError(f"{where}: symbol {text!r} contains spaces; symbol names are single words")
    return text


def _int(value: Any, where: str, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ParSheetError(f"{where}: expected a whole number >= {low}, got {value!r}")
    return value


def _strips(value: Any, where: str, n_reels: int, rows: int) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list) or len(value) != n_reels:
        raise ParSheetError(f"{where}: expected a list of {n_reels} reel strips (window.reels), got {value!r:.80}")
    strips = []
    for index, strip in enumerate(value):
        symbols = strip.split() if isinstance(strip, str) else strip
        if not isinstance(symbols, list) or not all(isinstance(s, str) for s in symbols):
            raise ParSheetError(f"{where}[{index}]: expected symbols separated by spaces, got {strip!r:.80}")
        if len(symbols) < rows:
            raise ParSheetError(f"{where}[{index}]: {len(symbols)} stops is fewer than the window's {rows} rows")
        strips.append(tuple(symbols))
    return tuple(strips)


def _paylines(value: Any, where: str, n_reels: int, rows: int) -> tuple[tuple[int, ...], ...]:
    if not isinstance(value, list):
        raise ParSheetError(f"{where}: expected a list of paylines, each [row, ...] with one row per reel")
    lines = []
    for index, line in enumerate(value):
        if not isinstance(line, list) or len(line) != n_reels:
            raise ParSheetError(f"{where}[{index}]: expected {n_reels} row indexes (one per reel), got {line!r}")
        lines.append(tuple(_int(row, f"{where}[{index}]", low=0) for row in line))
        if max(lines[-1]) >= rows:
            raise ParSheetError(f"{where}[{index}]: rows count from 0 (top) to {rows - 1}; got {line!r}")
    return tuple(lines)


def _by_count(value: Any, where: str) -> tuple[int, ...]:
    """A {count: value} mapping as the engine's by-count tuple (index = count)."""
    table = _mapping(value, where, "{count: value}, e.g. {3: 10}")
    pairs = {_int(k, f"{where} key", low=0): _int(v, f"{where}.{k}", low=0) for k, v in table.items()}
    if not pairs:
        return ()
    return tuple(pairs.get(count, 0) for count in range(max(pairs) + 1))


def _wheel(value: Any, where: str) -> tuple[WheelSlice, ...]:
    if not isinstance(value, list) or not value:
        raise ParSheetError(f"{where}: expected a list of slices [{{prize, weight, feature}}, ...]")
    slices = []
    for index, raw in enumerate(value):
        item = _mapping(raw, f"{where}[{index}]", "{prize: x bet, weight: n, feature: bonus|jackpot}")
        _known(item, {"prize", "weight", "feature"}, f"{where}[{index}]")
        feature = item.get("feature", "bonus")
        if feature not in ("bonus", "jackpot"):
            raise ParSheetError(f"{where}[{index}].feature: {feature!r} must be 'bonus' or 'jackpot'")
        prize = _int(item.get("prize"), f"{where}[{index}].prize")
        slices.append(WheelSlice(prize, _int(item.get("weight"), f"{where}[{index}].weight", low=1), feature))
    return tuple(slices)


def _faults(value: Any, where: str, base: tuple[tuple[str, ...], ...]) -> tuple:
    if value is None:
        return ()
    faults = _mapping(value, where, "{under: {reel: N, stops: {stop: SYMBOL}}, over: ...}")
    _known(faults, {"under", "over"}, where)
    missets = []
    for direction, raw in faults.items():
        item = _mapping(raw, f"{where}.{direction}", "{reel: N, stops: {stop: SYMBOL}}")
        reel = _int(item.get("reel"), f"{where}.{direction}.reel")
        if reel >= len(base):
            raise ParSheetError(f"{where}.{direction}.reel: reels count from 0 to {len(base) - 1}; got {reel}")
        stops = _mapping(item.get("stops"), f"{where}.{direction}.stops", "{stop: SYMBOL}")
        changes = tuple(
            (_int(s, f"{where}.{direction}.stops"), _symbol(v, f"{where}.{direction}")) for s, v in stops.items()
        )
        if any(stop >= len(base[reel]) for stop, _ in changes):
            raise ParSheetError(f"{where}.{direction}.stops: reel {reel} has stops 0 to {len(base[reel]) - 1}")
        missets.append((direction, (reel, changes)))
    return tuple(missets)


def _declared(value: Any, where: str) -> Declared:
    if value is None:
        return Declared()
    raw = _mapping(value, where, "{rtp: '0.9650', std_dev: '2.67', hit_frequency: '0.25'}")
    _known(raw, {*FIGURES, "tolerance"}, where)
    figures = {name: _decimal(raw[name], f"{where}.{name}") for name in FIGURES if raw.get(name) is not None}
    tolerance_raw = _mapping(raw.get("tolerance") or {}, f"{where}.tolerance", "{figure: amount}")
    _known(tolerance_raw, set(FIGURES), f"{where}.tolerance")
    tolerance = {name: _decimal(v, f"{where}.tolerance.{name}") for name, v in tolerance_raw.items()}
    return Declared(**figures, tolerance=tolerance)


def _decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ParSheetError(f'{where}: expected a decimal string such as "0.9650", got {value!r}')
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ParSheetError(f'{where}: {value!r} is not a decimal number; write e.g. "0.9650"') from None
    if not number.is_finite() or number < 0:
        raise ParSheetError(f"{where}: {value!r} must be a finite number >= 0")
    return number
