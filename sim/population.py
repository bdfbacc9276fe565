"""Who plays where: the simulated casino's topology and its player population.

Topology is fixed data: regions (with a local time zone for the diurnal curve), the
slot-server instances in each (one runs a newer build, as in a rolling deploy),
channels, the currencies each region takes and the wallet providers behind each
currency. Players are drawn once from a seeded numpy Generator: home region, currency,
wallet provider, channel, favourite game, usual bet level, and how active they are.
Wallet providers deliberately cut across currencies (`walletly` serves EUR and USD) so
a provider fault is not the same thing as a currency fault.

Nothing here draws spins or touches telemetry; `sim.spins` plays sessions of these players.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from spinscope.sim.currencies import CURRENCIES, Currency
from spinscope.sim.games import GAMES, ReelGame

CHANNELS: tuple[tuple[str, float], ...] = (("web", 0.45), ("ios", 0.25), ("android", 0.30))
WALLET_PROVIDERS: dict[str, tuple[tuple[str, float], ...]] = {
    "EUR": (("paynova", 0.6), ("walletly", 0.4)),
    "USD": (("walletly", 0.55), ("greenpay", 0.45)),
    "KRW": (("kpay", 1.0),),
    "BTC": (("coinvault", 1.0),),
}
GAME_POPULARITY: dict[str, float] = {
    "fortune-tiger": 0.35,
    "lucky-sevens": 0.30,
    "dragon-hoard": 0.20,
    "mega-vault": 0.15,
}
SERVICE_NAME = "slot-server"
ENVIRONMENT = "prod"
BUILD = "2026.11.3"
CANARY_BUILD = "2026.11.4"


@dataclass(frozen=True)
class Instance:
    """One slot-server process: the resource its telemetry carries."""

    id: str
    region: str
    service_version: str

    def resource_attributes(self) -> dict[str, str]:
        """The contract's resource attributes of this instance (the SDK adds telemetry.sdk.*)."""
        return {
            "service.name": SERVICE_NAME,
            "service.version": self.service_version,
            "service.instance.id": self.id,
            "deployment.environment.name": ENVIRONMENT,
            "cloud.region": self.region,
        }


@dataclass(frozen=True)
class Region:
    name: str
    utc_offset_h: float
    traffic_share: float
    currencies: tuple[tuple[str, float], ...]
    instances: tuple[Instance, ...]


def _instances(region: str, short: str, n: int, canary: int | None = None) -> tuple[Instance, ...]:
    return tuple(
        Instance(f"{SERVICE_NAME}-{short}-{i + 1}", region, CANARY_BUILD if i == canary else BUILD) for i in range(n)
    )


REGIONS: tuple[Region, ...] = (
    Region("eu-west-1", 1.0, 0.45, (("EUR", 0.85), ("BTC", 0.15)), _instances("eu-west-1", "euw1", 3, canary=2)),
    Region("us-east-1", -5.0, 0.35, (("USD", 0.88), ("BTC", 0.12)), _instances("us-east-1", "use1", 2)),
    Region("ap-northeast-2", 9.0, 0.20, (("KRW", 0.92), ("USD", 0.08)), _instances("ap-northeast-2", "apne2", 2)),
)


def diurnal(local_hour: np.ndarray) -> np.ndarray:
    """Relative traffic at a local hour of day: trough near 05:00, peak near 21:00, mean 1 over a day."""
    return 1.0 + 0.6 * np.cos(2 * math.pi * (local_hour - 21.0) / 24.0)


@dataclass(frozen=True)
class Topology:
    """Regions, instances, channels, currencies, wallet providers and games, each with an integer code.

    The spin generator works on integer codes in numpy arrays; these tuples turn codes back
    into the strings the telemetry carries.
    """

    regions: tuple[Region, ...] = REGIONS
    games: tuple[ReelGame, ...] = tuple(GAMES[g] for g in GAME_POPULARITY)
    # Share of each game's sessions served by each entry of `games` (a game rolled out in two
    # versions has two entries); None: every entry serves all of its game's sessions.
    version_shares: tuple[float, ...] | None = None

    def with_rollout(self, game_id: str, version: str, share: float) -> Topology:
        """This topology with `version` of `game_id` serving `share` of the game's sessions (same math).

        A staged rollout: the new version is a re-release of the game's math under a new
        version string, so a scenario can mis-set one version while the other stays healthy.
        """
        shares = list(self.version_shares or (1.0,) * len(self.games))
        index = next(i for i, g in enumerate(self.games) if g.id == game_id and shares[i] > share)
        shares[index] -= share
        return Topology(
            self.regions,
            (*self.games, self.games[index].with_rules(version=version)),
            (*shares, share),
        )

    def popularity(self) -> np.ndarray:
        """Relative popularity of each entry of `games`: its game's, split between the game's versions."""
        weights = np.array([GAME_POPULARITY.get(g.id, 0.1) for g in self.games])
        return weights * np.array(self.version_shares) if self.version_shares else weights

    @cached_property
    def game_codes(self) -> np.ndarray:
        """Each entry of `games` as an index into `game_ids` (versions of one game share the code)."""
        return np.array([self.game_ids.index(g.id) for g in self.games], dtype=np.int16)

    @cached_property
    def instances(self) -> tuple[Instance, ...]:
        return tuple(i for r in self.regions for i in r.instances)

    @cached_property
    def channels(self) -> tuple[str, ...]:
        return tuple(c for c, _ in CHANNELS)

    @cached_property
    def currencies(self) -> tuple[Currency, ...]:
        codes = sorted({c for r in self.regions for c, _ in r.currencies})
        return tuple(CURRENCIES[c] for c in codes)

    @cached_property
    def wallet_providers(self) -> tuple[str, ...]:
        return tuple(sorted({p for c in self.currencies for p, _ in WALLET_PROVIDERS[c.code]}))

    @cached_property
    def game_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(g.id for g in self.games))

    def attribute_values(self) -> dict[str, tuple[str, ...]]:
        """Every value each fault-selectable attribute can take (scenario validation uses it)."""
        return {
            "cloud.region": tuple(r.name for r in self.regions),
            "service.instance.id": tuple(i.id for i in self.instances),
            "service.version": tuple(sorted({i.service_version for i in self.instances})),
            "slot.game.id": self.game_ids,
            "slot.game.version": tuple(sorted({g.version for g in self.games})),
            "slot.channel": self.channels,
            "slot.currency": tuple(c.code for c in self.currencies),
            "wallet.provider": self.wallet_providers,
        }


def players_for(spins_per_day: float) -> int:
    """Population size for a traffic level: about 30 spins per player a day, 500 to 50,000 players."""
    return int(min(max(spins_per_day / 30, 500), 50_000))


def _pick(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    """n draws of an index with the given (unnormalised) weights."""
    cumulative = np.cumsum(weights, dtype=np.float64)
    return np.searchsorted(cumulative, rng.random(n) * cumulative[-1], side="right").astype(np.int32)


@dataclass(frozen=True)
class Players:
    """The player population as parallel arrays of integer codes (see Topology)."""

    ids: np.ndarray  # object: pseudonymous player id strings
    region: np.ndarray  # int32 index into topology.regions
    currency: np.ndarray  # int32 index into topology.currencies
    wallet: np.ndarray  # int32 index into topology.wallet_providers
    channel: np.ndarray  # int32 index into topology.channels
    favourite_game: np.ndarray  # int32 index into topology.games
    bet_level: np.ndarray  # int32 index into the currency's bet_levels
    activity: np.ndarray  # float64, relative sessions per player
    pace_s: np.ndarray  # float64, median seconds between a player's paid spins

    def __len__(self) -> int:
        return len(self.ids)

    def by_region(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per region: the players' indices and their cumulative activity (for weighted draws)."""
        out = []
        for r in range(int(self.region.max(initial=-1)) + 1):
            members = np.flatnonzero(self.region == r)
            out.append((members, np.cumsum(self.activity[members])))
        return out


def draw_players(topology: Topology, n_players: int, rng: np.random.Generator) -> Players:
    """A seeded player population of `n_players` over the topology's regions."""
    if n_players < len(topology.regions):
        raise ValueError(f"n_players={n_players}: need at least one player per region ({len(topology.regions)})")
    region = _pick(rng, np.array([r.traffic_share for r in topology.regions]), n_players)
    currency_index = {c.code: i for i, c in enumerate(topology.currencies)}
    wallet_index = {w: i for i, w in enumerate(topology.wallet_providers)}
    currency = np.empty(n_players, dtype=np.int32)
    wallet = np.empty(n_players, dtype=np.int32)
    for r, spec in enumerate(topology.regions):
        members = np.flatnonzero(region == r)
        codes = [currency_index[c] for c, _ in spec.currencies]
        currency[members] = np.array(codes)[_pick(rng, np.array([w for _, w in spec.currencies]), len(members))]
    for code, i in currency_index.items():
        members = np.flatnonzero(currency == i)
        providers = WALLET_PROVIDERS[code]
        wallet[members] = np.array([wallet_index[p] for p, _ in providers])[
            _pick(rng, np.array([w for _, w in providers]), len(members))
        ]
    channel = _pick(rng, np.array([w for _, w in CHANNELS]), n_players)
    favourite = _pick(rng, topology.popularity(), n_players)
    levels = min(len(c.bet_levels) for c in topology.currencies)
    # Most players stake the lowest levels; a few high rollers stake the top ones. (p = 0.7: with
    # 0.45 the top levels held so much of the stake that a game's effective sample size for RTP
    # tests was 1/25 to 1/57 of its spins; now it is about a half.)
    bet_level = np.minimum(rng.geometric(0.7, n_players) - 1, levels - 1).astype(np.int32)
    activity = rng.pareto(1.6, n_players) + 0.2
    pace = rng.lognormal(math.log(4.0), 0.3, n_players)
    ids = np.array([f"p-{x:012x}" for x in rng.integers(0, 1 << 48, n_players).tolist()], dtype=object)
    return Players(ids, region.astype(np.int32), currency, wallet, channel, favourite, bet_level, activity, pace)
