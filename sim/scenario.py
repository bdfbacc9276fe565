"""Fault scenarios: YAML files in sim/scenarios/, validated, resolved to a run, applied to spins.

A scenario is data. Each fault names its kind, what happened in words, where (the
attributes that are the cause, e.g. `wallet.provider: walletly`), when (relative to the
run, so the same file serves a 7-day history and a 2-minute live run) and its effect
size. The resolved scenario is the *ground-truth manifest*: the analytics tests load it
and check that the SLO, RTP and root-cause queries find exactly that cause.

`when` bounds, each one of:
- `"NN%"` of the run (`start: "60%"`),
- `"+2h30m"` after the run's start,
- `"-90m"` before the run's end (needs a run with a known end).

Kinds and the effects they take:
- latency_regression: latency_factor (> 1)
- error_burst: error_rate (0..1], error_type
- degraded_instance: latency_factor, optionally error_rate and error_type; where names an instance
- rtp_drift: misset (`under` or `over`: `sim.games.misconfigured`); where names a game
- traffic_drop: traffic_factor [0, 1) (share of the traffic that remains)

`rollouts` (optional): games served in a second version to a share of their sessions, the
same math under a new version string (`{game: lucky-sevens, version: 2.1.0, share: 0.5}`),
so a fault can hit one version of a game while the other stays healthy.

This module validates and selects; `sim.spins` calls `Fault.mask` at the right stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from spinscope.errors import UserError
from spinscope.sim.population import Topology

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"

KINDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    # kind: (required effects, optional effects)
    "latency_regression": (frozenset({"latency_factor"}), frozenset()),
    "error_burst": (frozenset({"error_rate", "error_type"}), frozenset()),
    "degraded_instance": (frozenset({"latency_factor"}), frozenset({"error_rate", "error_type"})),
    "rtp_drift": (frozenset({"misset"}), frozenset()),
    "traffic_drop": (frozenset({"traffic_factor"}), frozenset()),
}
REQUIRED_WHERE = {"degraded_instance": "service.instance.id", "rtp_drift": "slot.game.id"}
EFFECTS = frozenset().union(*(req | opt for req, opt in KINDS.values()))
_FAULT_KEYS = frozenset({"kind", "what", "where", "when"}) | EFFECTS
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_NS = 1_000_000_000


class ScenarioError(UserError, ValueError):
    """A scenario file is invalid; the message names the file, the field and the fix."""


@dataclass(frozen=True)
class Bound:
    """One end of a fault window: a share of the run, or an offset from its start or end."""

    text: str
    share: float | None = None
    offset_s: float | None = None
    from_end: bool = False

    def resolve(self, start_ns: int, end_ns: int | None) -> int:
        if self.share is not None or self.from_end:
            if end_ns is None:
                raise ScenarioError(f"when bound {self.text!r} is relative to the run's end; give the run a duration")
            if self.share is not None:
                return start_ns + int((end_ns - start_ns) * self.share)
            return end_ns - int(self.offset_s * _NS)  # type: ignore[operator]
        return start_ns + int(self.offset_s * _NS)  # type: ignore[operator]


def parse_bound(text: object, where: str) -> Bound:
    """`"60%"`, `"+2h"` or `"-90m"` -> Bound; anything else is a ScenarioError naming `where`."""
    s = str(text).strip()
    if s.endswith("%"):
        try:
            share = float(s[:-1]) / 100
        except ValueError:
            share = -1.0
        if not 0 <= share <= 1:
            raise ScenarioError(f"{where}: {s!r} is not a share of the run between 0% and 100%")
        return Bound(s, share=share)
    if s[:1] in "+-" and (m := _DURATION.match(s[1:])) and any(m.groups()):
        d, h, mi, sec = (int(g or 0) for g in m.groups())
        return Bound(s, offset_s=d * 86400 + h * 3600 + mi * 60 + sec, from_end=s[0] == "-")
    raise ScenarioError(f'{where}: {s!r} is not a bound; write "60%", "+2h30m" (after start) or "-90m" (before end)')


@dataclass(frozen=True)
class Fault:
    kind: str
    what: str
    where: dict[str, str]
    start: Bound
    end: Bound
    effects: dict[str, Any]
    start_ns: int | None = None  # set by Scenario.resolve
    end_ns: int | None = None

    def active(self, ts_ns: np.ndarray) -> np.ndarray:
        """Which timestamps fall inside this (resolved) fault's window."""
        if self.start_ns is None or self.end_ns is None:
            raise RuntimeError("fault used before Scenario.resolve set its window")
        return (ts_ns >= self.start_ns) & (ts_ns < self.end_ns)

    def mask(self, ts_ns: np.ndarray, codes: dict[str, np.ndarray], values: dict[str, tuple[str, ...]]) -> np.ndarray:
        """Elements inside the window whose attributes match every `where` entry.

        `codes[attr]` holds each element's integer code of the attribute and `values[attr]`
        the strings the codes stand for.
        """
        hit = self.active(ts_ns)
        for attr, value in self.where.items():
            hit &= codes[attr] == values[attr].index(value)
        return hit

    def manifest(self) -> dict[str, Any]:
        """This fault as ground truth: kind, what, the cause attributes, when, effects."""
        entry: dict[str, Any] = {"kind": self.kind, "what": self.what, "where": dict(self.where)}
        if self.start_ns is not None and self.end_ns is not None:
            entry["start"] = _iso(self.start_ns)
            entry["end"] = _iso(self.end_ns)
            entry["start_ns"] = self.start_ns
            entry["end_ns"] = self.end_ns
        entry["when"] = {"start": self.start.text, "end": self.end.text}
        entry["effects"] = dict(self.effects)
        return entry


def _iso(ns: int) -> str:
    return datetime.fromtimestamp(ns / _NS, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Rollout:
    """A game served in a second version (same math, new version string) to a share of its sessions."""

    game: str
    version: str
    share: float

    def manifest(self) -> dict[str, Any]:
        return {"game": self.game, "version": self.version, "share": self.share}


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    faults: tuple[Fault, ...] = ()
    source: str = "<inline>"
    start_ns: int | None = None
    end_ns: int | None = None
    rollouts: tuple[Rollout, ...] = ()

    def topology(self, base: Topology) -> Topology:
        """The topology this scenario runs on: `base` with its rollouts' versions added."""
        for r in self.rollouts:
            base = base.with_rollout(r.game, r.version, r.share)
        return base

    def resolve(self, start_ns: int, end_ns: int | None) -> Scenario:
        """This scenario with every fault window in absolute nanoseconds for a run [start, end)."""
        faults = []
        for i, f in enumerate(self.faults):
            a, b = f.start.resolve(start_ns, end_ns), f.end.resolve(start_ns, end_ns)
            if b <= a:
                raise ScenarioError(
                    f"{self.source}: faults[{i}].when: the window {f.start.text}..{f.end.text} "
                    "is empty for this run; make end later than start"
                )
            faults.append(Fault(f.kind, f.what, f.where, f.start, f.end, f.effects, a, b))
        return Scenario(self.name, self.description, tuple(faults), self.source, start_ns, end_ns, self.rollouts)

    def of_kind(self, *kinds: str) -> list[Fault]:
        return [f for f in self.faults if f.kind in kinds]

    def manifest(self) -> dict[str, Any]:
        """The ground-truth manifest: what was injected, where, when."""
        out: dict[str, Any] = {"scenario": self.name, "description": self.description}
        if self.start_ns is not None:
            out["run"] = {"start": _iso(self.start_ns), "end": _iso(self.end_ns) if self.end_ns else None}
        if self.rollouts:
            out["rollouts"] = [r.manifest() for r in self.rollouts]
        out["faults"] = [f.manifest() for f in self.faults]
        return out


BASELINE = Scenario("baseline", "No faults: the healthy reference traffic.")


def available() -> list[str]:
    """Names of the shipped scenarios (file stems in sim/scenarios/)."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def load(name_or_path: str | Path | None, topology: Topology | None = None) -> Scenario:
    """A shipped scenario by name (`wallet-error-burst`) or a YAML file by path, validated.

    None means the baseline. Raises ScenarioError naming the file and field on bad input.
    """
    if name_or_path is None:
        return BASELINE
    path = Path(name_or_path)
    if not path.suffix:
        path = SCENARIO_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        raise ScenarioError(f"scenario {str(name_or_path)!r} not found; shipped scenarios: {', '.join(available())}")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML: {exc}") from None
    return parse(data, str(path), topology or Topology())


def parse(data: object, source: str, topology: Topology) -> Scenario:
    """Validate a scenario document (already YAML-decoded)."""
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: expected a mapping with name, description and faults")
    unknown = set(data) - {"name", "description", "faults", "rollouts"}
    if unknown:
        raise ScenarioError(
            f"{source}: unknown top-level field(s) {sorted(unknown)}; allowed: name, description, rollouts, faults"
        )
    for key in ("name", "description"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise ScenarioError(f"{source}: {key} must be a non-empty string")
    raw_faults = data.get("faults") or []
    if not isinstance(raw_faults, list):
        raise ScenarioError(f"{source}: faults must be a list")
    raw_rollouts = data.get("rollouts") or []
    if not isinstance(raw_rollouts, list):
        raise ScenarioError(f"{source}: rollouts must be a list of {{game, version, share}}")
    rollouts = tuple(_parse_rollout(r, f"{source}: rollouts[{i}]", topology) for i, r in enumerate(raw_rollouts))
    scenario = Scenario(data["name"], data["description"].strip(), (), source, rollouts=rollouts)
    topology = scenario.topology(topology)  # faults may name a rolled-out version
    faults = tuple(_parse_fault(f, f"{source}: faults[{i}]", topology) for i, f in enumerate(raw_faults))
    return Scenario(data["name"], data["description"].strip(), faults, source, rollouts=rollouts)


def _parse_rollout(raw: object, where_: str, topology: Topology) -> Rollout:
    example = "{game: lucky-sevens, version: 2.1.0, share: 0.5}"
    if not isinstance(raw, dict) or set(raw) != {"game", "version", "share"}:
        raise ScenarioError(f"{where_}: expected {example}")
    game, version, share = str(raw["game"]), str(raw["version"]), raw["share"]
    if game not in topology.game_ids:
        raise ScenarioError(f"{where_}.game: {game!r} does not exist; games: {list(topology.game_ids)}")
    if version in {g.version for g in topology.games if g.id == game}:
        raise ScenarioError(f"{where_}.version: {game} already runs {version}; name the new version")
    if not isinstance(share, int | float) or isinstance(share, bool) or not 0 < share < 1:
        raise ScenarioError(f"{where_}.share: {share!r} must be a number in (0, 1): the new version's share")
    return Rollout(game, version, float(share))


def _parse_fault(raw: object, where_: str, topology: Topology) -> Fault:
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where_}: expected a mapping with kind, what, where, when and effects")
    unknown = set(raw) - _FAULT_KEYS
    if unknown:
        raise ScenarioError(f"{where_}: unknown field(s) {sorted(unknown)}; allowed: {sorted(_FAULT_KEYS)}")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ScenarioError(f"{where_}.kind: {kind!r} is not a fault kind; choose one of {sorted(KINDS)}")
    if not isinstance(raw.get("what"), str) or not raw["what"].strip():
        raise ScenarioError(f"{where_}.what: say in words what goes wrong")
    attrs = raw.get("where")
    if not isinstance(attrs, dict) or not attrs:
        raise ScenarioError(f"{where_}.where: give the cause as attribute: value pairs, e.g. cloud.region: eu-west-1")
    known = topology.attribute_values()
    for attr, value in attrs.items():
        if attr not in known:
            raise ScenarioError(f"{where_}.where: unknown attribute {attr!r}; selectable: {sorted(known)}")
        if str(value) not in known[attr]:
            raise ScenarioError(f"{where_}.where.{attr}: {value!r} does not exist; values: {list(known[attr])}")
    attrs = {k: str(v) for k, v in attrs.items()}
    need = REQUIRED_WHERE.get(kind)
    if need and need not in attrs:
        raise ScenarioError(f"{where_}.where: a {kind} fault must name {need}")
    if kind == "rtp_drift" and "slot.game.version" in attrs:
        versions = [g.version for g in topology.games if g.id == attrs["slot.game.id"]]
        if attrs["slot.game.version"] not in versions:
            raise ScenarioError(
                f"{where_}.where.slot.game.version: {attrs['slot.game.id']} runs version {' or '.join(versions)}"
            )
    required, optional = KINDS[kind]
    effects = {k: raw[k] for k in raw if k in EFFECTS}
    missing = required - set(effects)
    if missing:
        raise ScenarioError(f"{where_}: a {kind} fault needs {sorted(missing)}")
    extra = set(effects) - required - optional
    if extra:
        raise ScenarioError(f"{where_}: {sorted(extra)} do not apply to a {kind} fault")
    _check_effects(effects, where_)
    when = raw.get("when") or {}
    if not isinstance(when, dict) or set(when) - {"start", "end"}:
        raise ScenarioError(f'{where_}.when: expected {{start: "60%", end: "80%"}}')
    start = parse_bound(when.get("start", "0%"), f"{where_}.when.start")
    end = parse_bound(when.get("end", "100%"), f"{where_}.when.end")
    return Fault(kind, raw["what"].strip(), attrs, start, end, effects)


def _check_effects(effects: dict[str, Any], where_: str) -> None:
    def number(key: str, low: float, high: float, inclusive_low: bool = True) -> None:
        value = effects[key]
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        ok = ok and (low <= value if inclusive_low else low < value) and value <= high
        if not ok:
            bracket = "[" if inclusive_low else "("
            raise ScenarioError(f"{where_}.{key}: {value!r} must be a number in {bracket}{low}, {high}]")

    if "latency_factor" in effects:
        number("latency_factor", 1.0, 1000.0, inclusive_low=False)
    if "error_rate" in effects:
        number("error_rate", 0.0, 1.0, inclusive_low=False)
    if "traffic_factor" in effects:
        number("traffic_factor", 0.0, 0.999)
    if "error_type" in effects and not re.fullmatch(r"[a-z][a-z0-9_]*", str(effects["error_type"])):
        raise ScenarioError(f"{where_}.error_type: {effects['error_type']!r} must be snake_case, e.g. wallet_timeout")
    if "misset" in effects and effects["misset"] not in ("under", "over"):
        raise ScenarioError(f"{where_}.misset: {effects['misset']!r} must be 'under' or 'over'")
