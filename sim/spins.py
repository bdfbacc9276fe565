"""The spin plan: every spin the simulated casino serves, as numpy columns, window by window.

One generator feeds both outputs, so the live SDK traffic (`sim.traffic`) and the demo
history (`sim.demo`) cannot disagree about what a spin is:

    sessions (players arrive on a diurnal curve) -> paid rounds (player pace)
      -> traffic faults thin rounds, RTP faults swap in a mis-set reel strip
      -> outcomes from the games' exact tables (`sim.games.sample_rounds`), free spins included
      -> errors and latency (baseline, then faults) -> money in integer minor units

`SpinGenerator.window(a, b)` returns exactly the spins whose start lies in [a, b), sorted
by time; sessions that run past `b` are kept for the next window, and the first window is
warmed up with sessions that began an hour earlier, so traffic is in steady state from the
first second. Everything is drawn from one seeded numpy Generator in a fixed order: the
same seed and the same windows give identical spins.

A fault's membership is decided on the round's paid-spin time (free spins of a round are
played between its paid spin and the next one, at most 1.2 s apart), so a window boundary
is exact for paid spins and at most one round late for free spins.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from spinscope.sim.games import misconfigured, sample_rounds
from spinscope.sim.population import Players, Topology, diurnal, draw_players
from spinscope.sim.scenario import BASELINE, Scenario
from spinscope.sim.spin_arrays import SpinIds, Spins, empty_spins, random_hex

NS = 1_000_000_000
WARMUP_NS = 3600 * NS
MEAN_ROUNDS_PER_SESSION = 60
MAX_ROUNDS_PER_SESSION = 400
FREE_SPIN_GAP_NS = 1_200_000_000
FAVOURITE_GAME_SHARE = 0.6
BASELINE_ERROR_RATE = 0.0004  # 40 % of a 99.9 % SLO's budget: the demo starts healthy
BASELINE_ERRORS: tuple[tuple[str, float], ...] = (
    ("wallet_timeout", 0.5),
    ("rng_unavailable", 0.2),
    ("state_save_timeout", 0.3),
)
# Median latency of a spin (ms) by game: heavier features, heavier evaluation.
GAME_LATENCY_MS = {"lucky-sevens": 55.0, "fortune-tiger": 70.0, "dragon-hoard": 90.0, "mega-vault": 110.0}
CANARY_LATENCY_FACTOR = 1.08
ERROR_LATENCY_S = {"wallet_timeout": 2.0, "state_save_timeout": 1.5, "rng_unavailable": 0.01}
MISSETS = ("", "under", "over")


def expected_spins_per_round(topology: Topology) -> float:
    """Paid plus free spins per round, averaged over the game mix (exact theory per game)."""
    weights = topology.popularity()
    free = np.array([float(g.theory().free_spins_per_round or Fraction(0)) for g in topology.games])
    return 1.0 + float((weights * free).sum() / weights.sum())


class SpinGenerator:
    """Plays the casino window by window: `window(a, b)` -> Spins in [a, b) and their ids.

    `spins_per_s` is the mean rate over a day; `shape="diurnal"` modulates it by each
    region's local hour (history), `"flat"` keeps it constant (live traffic at a set rate).
    `run_id` separates runs that share a seed (and so a population): their spins and ids
    differ, so a live run never repeats the spin ids of the history it follows.
    """

    def __init__(
        self,
        spins_per_s: float,
        seed: int = 0,
        scenario: Scenario | None = None,
        topology: Topology | None = None,
        n_players: int = 20_000,
        shape: str = "diurnal",
        run_id: int = 0,
    ) -> None:
        if spins_per_s <= 0:
            raise ValueError(f"spins_per_s={spins_per_s}: the rate must be positive")
        if shape not in ("diurnal", "flat"):
            raise ValueError(f"shape={shape!r}: use 'diurnal' or 'flat'")
        self.scenario = scenario or BASELINE
        self.topology = self.scenario.topology(topology or Topology())
        self.shape = shape
        # Three streams: the population depends on the seed only, so runs that share a seed
        # (history, then live traffic) share their players; play and ids also on run_id.
        self.players: Players = draw_players(self.topology, n_players, np.random.default_rng([seed, 0]))
        self.rng = np.random.default_rng([seed, 1, run_id])
        self.id_rng = np.random.default_rng([seed, 2, run_id])
        self._by_region = self.players.by_region()
        topo = self.topology
        self.sessions_per_s = spins_per_s / (MEAN_ROUNDS_PER_SESSION * expected_spins_per_round(topo))
        self.error_types: tuple[str, ...] = (
            "",
            *dict.fromkeys(
                [e for e, _ in BASELINE_ERRORS]
                + [str(f.effects["error_type"]) for f in self.scenario.faults if "error_type" in f.effects]
            ),
        )
        self._instances_by_region = [
            np.array([topo.instances.index(i) for i in r.instances], dtype=np.int16) for r in topo.regions
        ]
        self._instance_canary = np.array(
            [i.service_version != topo.instances[0].service_version for i in topo.instances]
        )
        self._instance_version = np.array(
            [sorted({i.service_version for i in topo.instances}).index(i.service_version) for i in topo.instances],
            dtype=np.int16,
        )
        self._game_latency_ms = np.array([GAME_LATENCY_MS.get(g.id, 80.0) for g in topo.games])
        self._game_version = np.array(
            [sorted({g.version for g in topo.games}).index(g.version) for g in topo.games], dtype=np.int16
        )
        self._pending = empty_spins()
        self._cursor_ns: int | None = None

    # ---- public ---------------------------------------------------------------------------
    def window(self, a_ns: int, b_ns: int) -> tuple[Spins, SpinIds]:
        """The spins that start in [a, b), chronological, with freshly drawn ids.

        Windows must be consecutive (each starts where the previous ended).
        """
        if self._cursor_ns is None:
            self._append(self._play(a_ns - WARMUP_NS, a_ns))
        elif a_ns != self._cursor_ns:
            raise ValueError(f"windows must be consecutive: expected start {self._cursor_ns}, got {a_ns}")
        self._cursor_ns = b_ns
        self._append(self._play(a_ns, b_ns))
        pending = self._pending
        order = np.argsort(pending.ts_ns, kind="stable")
        pending = pending.take(order)
        cut = int(np.searchsorted(pending.ts_ns, b_ns, side="left"))
        start = int(np.searchsorted(pending.ts_ns, a_ns, side="left"))  # warm-up spins before a are dropped
        out = pending.take(np.arange(start, cut))
        self._pending = pending.take(np.arange(cut, len(pending)))
        n = len(out)
        ids = SpinIds(random_hex(self.id_rng, n, 16), random_hex(self.id_rng, n, 8), random_hex(self.id_rng, n, 10))
        return out, ids

    # ---- stages ---------------------------------------------------------------------------
    def _append(self, spins: Spins) -> None:
        self._pending = Spins.concat([self._pending, spins])

    def _session_starts(self, a_ns: int, b_ns: int) -> tuple[np.ndarray, np.ndarray]:
        """Session start times and regions: Poisson arrivals per minute and region."""
        step = 60 * NS
        edges = np.arange(a_ns, b_ns, step, dtype=np.int64)
        widths = np.minimum(edges + step, b_ns) - edges
        mids_h = (edges + widths // 2) / (3600 * NS)
        starts, regions = [], []
        total_share = sum(r.traffic_share for r in self.topology.regions)
        for r, spec in enumerate(self.topology.regions):
            rate = self.sessions_per_s * spec.traffic_share / total_share * widths / NS
            if self.shape == "diurnal":
                rate = rate * diurnal((mids_h + spec.utc_offset_h) % 24)
            counts = self.rng.poisson(rate)
            n = int(counts.sum())
            t = np.repeat(edges, counts) + (self.rng.random(n) * np.repeat(widths, counts)).astype(np.int64)
            starts.append(t)
            regions.append(np.full(n, r, dtype=np.int16))
        return np.concatenate(starts), np.concatenate(regions)

    def _play(self, a_ns: int, b_ns: int) -> Spins:
        """All spins of the sessions that start in [a, b) (they may run past b)."""
        rng, players, topo = self.rng, self.players, self.topology
        s_start, s_region = self._session_starts(a_ns, b_ns)
        n_sessions = len(s_start)
        if n_sessions == 0:
            return empty_spins()
        # Who plays, on which instance, which game, for how many rounds.
        s_player = np.empty(n_sessions, dtype=np.int32)
        s_instance = np.empty(n_sessions, dtype=np.int16)
        for r, (members, cumulative) in enumerate(self._by_region):
            idx = np.flatnonzero(s_region == r)
            if len(idx) == 0:
                continue
            pick = np.searchsorted(cumulative, rng.random(len(idx)) * cumulative[-1], side="right")
            s_player[idx] = members[np.minimum(pick, len(members) - 1)]
            choices = self._instances_by_region[r]
            s_instance[idx] = choices[rng.integers(0, len(choices), len(idx))]
        popularity = np.cumsum(topo.popularity())
        random_game = np.searchsorted(popularity, rng.random(n_sessions) * popularity[-1], side="right")
        s_game = np.where(
            rng.random(n_sessions) < FAVOURITE_GAME_SHARE, players.favourite_game[s_player], random_game
        ).astype(np.int16)
        s_rounds = np.minimum(rng.geometric(1 / MEAN_ROUNDS_PER_SESSION, n_sessions), MAX_ROUNDS_PER_SESSION)
        s_key = rng.integers(0, np.iinfo(np.int64).max, n_sessions, dtype=np.int64).astype(np.uint64)

        # Rounds: paid spins at the player's pace.
        r_session = np.repeat(np.arange(n_sessions), s_rounds)
        n_rounds = len(r_session)
        pace = players.pace_s[s_player][r_session]
        gap_ns = (pace * rng.lognormal(0.0, 0.25, n_rounds) * NS).astype(np.int64)
        before = np.cumsum(gap_ns) - gap_ns  # time from the first round of all to this round
        first = np.cumsum(s_rounds) - s_rounds
        r_ts = s_start[r_session] + before - before[first][r_session]
        r_codes = self._round_codes(r_session, s_player, s_instance, s_game)

        # Traffic faults thin rounds; RTP faults pick the reel strip.
        r_bits = np.zeros(n_rounds, dtype=np.int16)
        keep = np.ones(n_rounds, dtype=bool)
        r_misset = np.zeros(n_rounds, dtype=np.int8)
        values = topo.attribute_values()
        for i, fault in enumerate(self.scenario.faults):
            if fault.kind == "traffic_drop":
                hit = fault.mask(r_ts, r_codes, values)
                keep &= ~(hit & (rng.random(n_rounds) >= float(fault.effects["traffic_factor"])))
            elif fault.kind == "rtp_drift":
                hit = fault.mask(r_ts, r_codes, values)
                r_misset[hit] = MISSETS.index(fault.effects["misset"])
                r_bits[hit] |= 1 << i
        kept = np.flatnonzero(keep)
        return self._spins_of_rounds(
            r_session[kept],
            r_ts[kept],
            gap_ns[kept],
            r_misset[kept],
            r_bits[kept],
            s_player,
            s_instance,
            s_game,
            s_key,
            {k: v[kept] for k, v in r_codes.items()},
        )

    def _round_codes(
        self, r_session: np.ndarray, s_player: np.ndarray, s_instance: np.ndarray, s_game: np.ndarray
    ) -> dict[str, np.ndarray]:
        """Each round's code of every fault-selectable attribute (see Topology.attribute_values)."""
        p = s_player[r_session]
        inst = s_instance[r_session]
        game = s_game[r_session]
        region_of_instance = np.array(
            [[r.name for r in self.topology.regions].index(i.region) for i in self.topology.instances], dtype=np.int16
        )
        return {
            "cloud.region": region_of_instance[inst],
            "service.instance.id": inst,
            "service.version": self._instance_version[inst],
            "slot.game.id": self.topology.game_codes[game],
            "slot.game.version": self._game_version[game],
            "slot.channel": self.players.channel[p],
            "slot.currency": self.players.currency[p],
            "wallet.provider": self.players.wallet[p],
        }

    def _spins_of_rounds(
        self,
        r_session: np.ndarray,
        r_ts: np.ndarray,
        gap_ns: np.ndarray,
        r_misset: np.ndarray,
        r_bits: np.ndarray,
        s_player: np.ndarray,
        s_instance: np.ndarray,
        s_game: np.ndarray,
        s_key: np.ndarray,
        r_codes: dict[str, np.ndarray],
    ) -> Spins:
        rng, topo, players = self.rng, self.topology, self.players
        n_rounds = len(r_session)
        r_game = s_game[r_session]
        r_player = s_player[r_session]

        # Errors are decided per round (on its paid spin); a failed round plays no free spins.
        r_error = np.zeros(n_rounds, dtype=np.int8)
        base_hit = rng.random(n_rounds) < BASELINE_ERROR_RATE
        kinds = [self.error_types.index(e) for e, _ in BASELINE_ERRORS]
        weights = np.cumsum([w for _, w in BASELINE_ERRORS])
        pick = np.searchsorted(weights, rng.random(n_rounds) * weights[-1], side="right")
        r_error[base_hit] = np.array(kinds, dtype=np.int8)[pick[base_hit]]
        values = topo.attribute_values()
        for i, fault in enumerate(self.scenario.faults):
            if "error_rate" in fault.effects:
                hit = fault.mask(r_ts, r_codes, values) & (rng.random(n_rounds) < float(fault.effects["error_rate"]))
                r_error[hit] = self.error_types.index(str(fault.effects["error_type"]))
                r_bits[hit] |= 1 << i

        # Outcomes, one sample_rounds call per (game, reel strip) actually played.
        parts_round, parts_free, parts_win, parts_feature, parts_pos = [], [], [], [], []
        for g, game in enumerate(topo.games):
            for m, misset in enumerate(MISSETS):
                idx = np.flatnonzero((r_game == g) & (r_misset == m))
                if len(idx) == 0:
                    continue
                played = misconfigured(game, misset) if misset else game
                batch = sample_rounds(played, rng, len(idx))
                starts = np.searchsorted(batch.round_index, batch.round_index, side="left")
                parts_round.append(idx[batch.round_index])
                parts_free.append(batch.is_free)
                # win in units of 1/units_per_bet of the stake; stakes are multiples of 20 minor units
                parts_win.append((batch.win_units, np.full(len(batch.win_units), batch.units_per_bet)))
                parts_feature.append(batch.feature)
                parts_pos.append(np.arange(len(batch.round_index)) - starts)
        if not parts_round:
            return empty_spins()
        sp_round = np.concatenate(parts_round)
        is_free = np.concatenate(parts_free)
        win_units = np.concatenate([w for w, _ in parts_win])
        units_per_bet = np.concatenate([u for _, u in parts_win])
        feature = np.concatenate(parts_feature).astype(np.int8)
        position = np.concatenate(parts_pos)

        failed = r_error[sp_round] > 0
        keep = ~(failed & is_free)
        sp_round, is_free, win_units, units_per_bet, feature, position = (
            x[keep] for x in (sp_round, is_free, win_units, units_per_bet, feature, position)
        )
        failed = r_error[sp_round] > 0
        win_units = np.where(failed, 0, win_units)
        feature = np.where(failed, 0, feature).astype(np.int8)

        # Time: free spins between the paid spin and the next round.
        spins_in_round = np.bincount(sp_round, minlength=n_rounds)
        step = np.minimum(FREE_SPIN_GAP_NS, gap_ns // np.maximum(spins_in_round, 1))
        ts = r_ts[sp_round] + position * step[sp_round]

        # Money: the player's bet level in the player's currency.
        p = r_player[sp_round]
        cur = players.currency[p]
        levels = np.array([c.bet_levels for c in topo.currencies], dtype=np.int64)
        stake = levels[cur, players.bet_level[p]]
        win = win_units * stake // units_per_bet
        bet = np.where(is_free, 0, stake)

        # Latency: game and build baseline, then faults; errors take as long as their failure.
        n = len(sp_round)
        game = r_game[sp_round]
        inst = s_instance[r_session][sp_round]
        latency_ms = self._game_latency_ms[game] * rng.lognormal(0.0, 0.35, n)
        latency_ms = latency_ms * np.where(self._instance_canary[inst], CANARY_LATENCY_FACTOR, 1.0)
        latency_ms += np.where(feature > 0, 40.0 * rng.lognormal(0.0, 0.3, n), 0.0)
        bits = r_bits[sp_round]
        codes = {k: v[sp_round] for k, v in r_codes.items()}
        for i, fault in enumerate(self.scenario.faults):
            if "latency_factor" in fault.effects:
                hit = fault.mask(ts, codes, values)
                latency_ms = np.where(hit, latency_ms * float(fault.effects["latency_factor"]), latency_ms)
                bits[hit] |= 1 << i
        error = r_error[sp_round]
        for code, name in enumerate(self.error_types):
            if code and name in ERROR_LATENCY_S:
                sel = error == code
                latency_ms[sel] = ERROR_LATENCY_S[name] * 1000 * rng.lognormal(0.0, 0.05, int(sel.sum()))
        duration = (latency_ms * 1_000_000).astype(np.int64)

        return Spins(
            ts_ns=ts.astype(np.int64),
            duration_ns=duration,
            session=s_key[r_session][sp_round],
            player=p.astype(np.int32),
            game=game.astype(np.int16),
            misset=r_misset[sp_round],
            instance=inst.astype(np.int16),
            region=codes["cloud.region"].astype(np.int16),
            currency=cur.astype(np.int16),
            wallet=players.wallet[p].astype(np.int16),
            channel=players.channel[p].astype(np.int16),
            is_free=is_free,
            feature=feature,
            stake_minor=stake,
            bet_minor=bet,
            win_minor=win.astype(np.int64),
            error=error,
            fault_bits=bits,
        )
