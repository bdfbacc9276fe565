"""The game catalog format: theoretical figures per game version, owned by spinscope.

The RTP monitoring judges production against this file, so its format belongs to the core;
the simulator is one producer of it (its exact game math), never the reverse: this module
imports nothing from `spinscope.sim`. `build_catalog` turns any games that can state their
theory into the catalog document the telemetry spec describes
(`games:` entries with id, version, rtp, std_dev, hit_frequency, plus `method:` saying how
each figure was derived); `write_catalog` writes it as YAML (config/games.yaml is generated
this way: `spinscope catalog build`); `load_catalog` reads and validates an operator's file.

Only intended configurations are listed: a mis-set reel is exactly what production is
judged against the catalog for. Figures are decimal strings (never floats), as money is.
This module does file I/O only at its edges (`write_catalog`, `load_catalog`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

import yaml

from spinscope.errors import UserError

RTP_PLACES = 6
STD_DEV_PLACES = 4
HIT_FREQUENCY_PLACES = 6

_HEADER = """\
# Game catalog: theoretical figures of each game version (the telemetry spec's format).
# Generated from the exact game math by `spinscope catalog build` (spinscope.catalog.write_catalog);
# do not edit by hand. rtp and std_dev are per unit bet of a round (a paid spin plus the free
# spins it awards); hit_frequency is the share of paid spins with a win > 0.
"""

_FIELDS = {"id", "version", "rtp", "std_dev", "hit_frequency", "method"}
_REQUIRED = ("id", "version", "rtp", "std_dev")


class Theory(Protocol):
    """Exact figures of a game's math, per unit bet of a round."""

    @property
    def rtp(self) -> Fraction: ...
    @property
    def std_dev(self) -> Fraction | float: ...
    @property
    def hit_frequency(self) -> Fraction: ...
    @property
    def method(self) -> str: ...


class Game(Protocol):
    """What the catalog needs of a game: its identity and its exact theory."""

    @property
    def id(self) -> str: ...
    @property
    def version(self) -> str: ...

    def theory(self) -> Theory: ...


Catalog = Mapping[tuple[str, str], "CatalogEntry"]
"""A read catalog: {(game id, version): entry}."""


class CatalogError(UserError, ValueError):
    """A catalog file that cannot be used; the message names the file, entry and field."""


@dataclass(frozen=True)
class CatalogEntry:
    """Theoretical figures of one game version."""

    id: str
    version: str
    rtp: Decimal
    std_dev: Decimal
    hit_frequency: Decimal | None = None
    method: str | None = None


def decimal_string(value: Fraction | float, places: int) -> str:
    """`value` rounded half-even to `places` decimals, as a plain decimal string."""
    exact = Fraction(value)
    quotient = Context(prec=60).divide(Decimal(exact.numerator), Decimal(exact.denominator))
    return str(quotient.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN))


def build_catalog(games: Iterable[Game]) -> dict[str, list[dict[str, str]]]:
    """The catalog document for `games`, sorted by id and version so output is reproducible."""
    entries = []
    for game in sorted(games, key=lambda g: (g.id, g.version)):
        theory = game.theory()
        entries.append(
            {
                "id": game.id,
                "version": game.version,
                "rtp": decimal_string(theory.rtp, RTP_PLACES),
                "std_dev": decimal_string(theory.std_dev, STD_DEV_PLACES),
                "hit_frequency": decimal_string(theory.hit_frequency, HIT_FREQUENCY_PLACES),
                "method": theory.method,
            }
        )
    return {"games": entries}


def write_catalog(path: str | Path, games: Iterable[Game]) -> Path:
    """Write the catalog of `games` to `path`; returns the path."""
    target = Path(path)
    document = yaml.safe_dump(build_catalog(games), sort_keys=False, allow_unicode=True, width=100)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_HEADER + document, encoding="utf-8")
    return target


def load_catalog(path: str | Path) -> dict[tuple[str, str], CatalogEntry]:
    """Read a catalog file into {(id, version): entry}, rejecting anything ambiguous or invalid."""
    source = Path(path)
    try:
        document = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as error:
        raise CatalogError(f"{source}: cannot read the game catalog ({error.strerror or error})") from error
    except yaml.YAMLError as error:
        raise CatalogError(f"{source}: not valid YAML ({error})") from error
    return parse_catalog(document, str(source))


def parse_catalog(document: Any, source: str = "<catalog>") -> dict[tuple[str, str], CatalogEntry]:
    """Validate a parsed catalog document; `source` names it in error messages."""
    if not isinstance(document, Mapping) or not isinstance(document.get("games"), list):
        raise CatalogError(f"{source}: expected a mapping with a 'games:' list of entries")
    catalog: dict[tuple[str, str], CatalogEntry] = {}
    for index, raw in enumerate(document["games"]):
        entry = _parse_entry(raw, f"{source}: games[{index}]")
        key = (entry.id, entry.version)
        if key in catalog:
            raise CatalogError(
                f"{source}: games[{index}] repeats id {entry.id!r} version {entry.version!r}; "
                "keep one entry per game version"
            )
        catalog[key] = entry
    return catalog


def _parse_entry(raw: Any, where: str) -> CatalogEntry:
    if not isinstance(raw, Mapping):
        raise CatalogError(f"{where}: expected a mapping with id, version, rtp, std_dev")
    unknown = sorted(str(k) for k in raw if k not in _FIELDS)
    if unknown:
        raise CatalogError(
            f"{where}: unknown field(s) {', '.join(unknown)}; known fields: {', '.join(sorted(_FIELDS))}"
        )
    missing = [name for name in _REQUIRED if raw.get(name) in (None, "")]
    if missing:
        raise CatalogError(f"{where}: missing required field(s) {', '.join(missing)}")
    entry_id = _text(raw["id"], f"{where}.id")
    version = _text(raw["version"], f"{where}.version")
    rtp = _decimal(raw["rtp"], f"{where}.rtp", low=Decimal(0), high=Decimal(10), low_open=True)
    std_dev = _decimal(raw["std_dev"], f"{where}.std_dev", low=Decimal(0))
    hit = raw.get("hit_frequency")
    hit_frequency = None if hit is None else _decimal(hit, f"{where}.hit_frequency", Decimal(0), Decimal(1))
    method = raw.get("method")
    if method is not None and not isinstance(method, str):
        raise CatalogError(f"{where}.method: expected text describing how the figures were derived")
    return CatalogEntry(entry_id, version, rtp, std_dev, hit_frequency, method)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        hint = " (quote it: YAML reads 1.10 as the number 1.1)" if isinstance(value, int | float) else ""
        raise CatalogError(f"{where}: expected a non-empty string, got {value!r}{hint}")
    return value


def _decimal(value: Any, where: str, low: Decimal, high: Decimal | None = None, low_open: bool = False) -> Decimal:
    """A figure as Decimal; numbers are accepted as written, but strings are the documented form."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise CatalogError(f'{where}: expected a decimal string such as "0.9650", got {value!r}')
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise CatalogError(f'{where}: {value!r} is not a decimal number; write e.g. "0.9650"') from None
    if not number.is_finite() or number < low or (low_open and number == low) or (high is not None and number > high):
        bounds = f"{'(' if low_open else '['}{low}, {high if high is not None else 'inf'}]"
        raise CatalogError(f"{where}: {value!r} is outside the valid range {bounds}")
    return number
