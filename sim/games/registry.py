"""The registry of simulated games, and their deliberately mis-set variants for fault scenarios.

`GAMES` maps game id to the intended configuration (the one the catalog lists), loaded from the
shipped par sheets (`parsheets/*.yaml`, package data): the games are data, not Python.
`misconfigured` returns a variant with one reel strip altered, as a real mis-set reel would
be: the variant's exact RTP is the ground truth a fault scenario's drift detection is
judged against, while the catalog keeps the intended figures.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from spinscope.sim.games.parsheet import ParSheet, parse_parsheet_text
from spinscope.sim.games.reels import ReelGame

MISSET_SUFFIX = "-missetreel"

SHIPPED = ("lucky_sevens", "fortune_tiger", "dragon_hoard", "mega_vault")
"""The shipped par sheets, in registry order (the traffic population and demo seeds depend on it)."""


def shipped_parsheet_paths() -> tuple[Path, ...]:
    """Paths of the shipped par sheets (inside the installed package)."""
    folder = resources.files("spinscope.sim.games") / "parsheets"
    return tuple(Path(str(folder / f"{name}.yaml")) for name in SHIPPED)


def shipped_parsheets() -> tuple[ParSheet, ...]:
    """The shipped par sheets, parsed."""
    folder = resources.files("spinscope.sim.games") / "parsheets"
    return tuple(
        parse_parsheet_text((folder / f"{name}.yaml").read_text(encoding="utf-8"), f"parsheets/{name}.yaml")
        for name in SHIPPED
    )


GAMES: MappingProxyType[str, ReelGame] = MappingProxyType({s.rules.id: ReelGame(s.rules) for s in shipped_parsheets()})
"""Intended configuration of each game, by id (read-only)."""


def get_game(game_id: str, version: str | None = None) -> ReelGame:
    """The game with this id (and version, if given; a mis-set variant's version is accepted too)."""
    game = GAMES.get(game_id)
    if game is None:
        raise KeyError(f"unknown game id {game_id!r}; known games: {', '.join(sorted(GAMES))}")
    if version is None or version == game.version:
        return game
    for direction in ("under", "over"):
        variant = misconfigured(game, direction)
        if variant.version == version:
            return variant
    raise KeyError(f"game {game_id!r} has no version {version!r}; it has {game.version!r}")


def misconfigured(game: ReelGame, direction: Literal["under", "over"]) -> ReelGame:
    """The game with one reel strip mis-set so its exact RTP is about 2-4 points lower or higher.

    Which stops change is part of each game's rules (`ReelRules.missets`), chosen so the
    shift is realistic (one symbol swapped) and large enough to matter. The variant's
    version is `<version>-missetreel-<direction>`; `intended_version` keeps the original,
    which is what a faulty production server would keep reporting.
    """
    missets = dict(game.rules.missets)
    if direction not in missets:
        raise ValueError(f"game {game.id!r} defines no {direction!r} misset; choose one of {sorted(missets) or 'none'}")
    reel_index, changes = missets[direction]
    strip = list(game.rules.reels[reel_index])
    for stop, symbol in changes:
        if strip[stop] == symbol:
            raise ValueError(f"{game.id}: misset {direction} leaves reel {reel_index} stop {stop} unchanged")
        strip[stop] = symbol
    reels = tuple(tuple(strip) if i == reel_index else s for i, s in enumerate(game.rules.reels))
    variant = game.with_rules(reels=reels, version=f"{game.version}{MISSET_SUFFIX}-{direction}")
    variant.intended_version = game.intended_version
    return variant
