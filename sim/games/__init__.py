"""Slot-game math models: the game contract, the reel engine, the games (par sheets), their exact figures.

Import from here: `GAMES`, `get_game`, `misconfigured`, `sample_rounds`, `monte_carlo`.
Nothing in this package knows about telemetry, currencies or the store.
"""

from spinscope.sim.games.base import Game, OutcomeTable, SpinOutcome, Theory
from spinscope.sim.games.reels import FEATURES, ReelGame, ReelRules, WheelSlice
from spinscope.sim.games.registry import GAMES, MISSET_SUFFIX, get_game, misconfigured
from spinscope.sim.games.sampling import MonteCarloResult, SpinBatch, monte_carlo, play_round, sample_rounds

__all__ = [
    "FEATURES",
    "GAMES",
    "MISSET_SUFFIX",
    "Game",
    "MonteCarloResult",
    "OutcomeTable",
    "ReelGame",
    "ReelRules",
    "SpinBatch",
    "SpinOutcome",
    "Theory",
    "WheelSlice",
    "get_game",
    "misconfigured",
    "monte_carlo",
    "play_round",
    "sample_rounds",
]
