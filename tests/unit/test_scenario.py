"""Fault scenarios: loading and validation, and that generated spins carry exactly the manifest's faults."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from spinscope.sim import scenario
from spinscope.sim.games import GAMES, misconfigured
from spinscope.sim.population import Topology
from spinscope.sim.scenario import ScenarioError, parse, parse_bound
from spinscope.sim.spins import MISSETS, NS, SpinGenerator

HOUR = 3600 * NS
RUN = 4 * HOUR


def test_shipped_scenarios_cover_every_fault_kind() -> None:
    names = scenario.available()
    assert {
        "baseline",
        "latency-regression",
        "wallet-error-burst",
        "degraded-instance",
        "rtp-drift-under",
        "rtp-drift-over",
        "traffic-drop",
        "two-faults",
    } <= set(names)
    kinds = {f.kind for n in names for f in scenario.load(n).faults}
    assert kinds == set(scenario.KINDS)
    assert len(scenario.load("two-faults").faults) == 2
    assert scenario.load("baseline").faults == ()
    assert {f.effects["misset"] for n in ("rtp-drift-under", "rtp-drift-over") for f in scenario.load(n).faults} == {
        "under",
        "over",
    }


def test_manifest_names_cause_and_window() -> None:
    resolved = scenario.load("latency-regression").resolve(0, 100 * NS)
    [fault] = resolved.manifest()["faults"]
    assert fault["where"] == {
        "slot.game.id": "fortune-tiger",
        "slot.game.version": "1.4.2",
        "cloud.region": "eu-west-1",
    }
    assert (fault["start_ns"], fault["end_ns"]) == (70 * NS, 85 * NS)
    assert fault["start"] == "1970-01-01T00:01:10.000000Z"
    assert fault["effects"] == {"latency_factor": 5.0}


def test_bounds_are_shares_or_offsets() -> None:
    assert parse_bound("60%", "x").resolve(0, 1000) == 600
    assert parse_bound("+1h30m", "x").resolve(0, None) == 5400 * NS
    assert parse_bound("-90m", "x").resolve(0, 10_000 * NS) == 4600 * NS
    with pytest.raises(ScenarioError, match="relative to the run's end"):
        parse_bound("-90m", "x").resolve(0, None)
    with pytest.raises(ScenarioError, match=r"f\.yaml: faults\[0\]\.when\.start: 'soon' is not a bound"):
        parse_bound("soon", "f.yaml: faults[0].when.start")


def _doc(**fault: object) -> dict:
    base = {
        "kind": "error_burst",
        "what": "x",
        "where": {"wallet.provider": "walletly"},
        "error_rate": 0.3,
        "error_type": "wallet_timeout",
    }
    return {"name": "t", "description": "d", "faults": [{**base, **fault}]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "meltdown"}, r"t\.yaml: faults\[0\]\.kind: 'meltdown' is not a fault kind"),
        ({"where": {"wallet.vendor": "x"}}, r"faults\[0\]\.where: unknown attribute 'wallet.vendor'"),
        ({"where": {"wallet.provider": "nopay"}}, r"faults\[0\]\.where\.wallet\.provider: 'nopay' does not exist"),
        ({"error_rate": 1.5}, r"faults\[0\]\.error_rate: 1\.5 must be a number in \(0\.0, 1\.0\]"),
        ({"latency_factor": 3}, r"\['latency_factor'\] do not apply to a error_burst fault"),
        ({"error_type": "Wallet Timeout"}, r"error_type: 'Wallet Timeout' must be snake_case"),
        ({"colour": "red"}, r"faults\[0\]: unknown field\(s\) \['colour'\]"),
        ({"kind": "rtp_drift", "misset": "under", "error_rate": None, "error_type": None}, "must name slot.game.id"),
    ],
)
def test_invalid_scenarios_name_file_and_field(change: dict, message: str) -> None:
    doc = _doc(**change)
    doc["faults"][0] = {k: v for k, v in doc["faults"][0].items() if v is not None}
    with pytest.raises(ScenarioError, match=message):
        parse(doc, "t.yaml", Topology())


def test_missing_effect_and_empty_window_are_reported(tmp_path: Path) -> None:
    doc = _doc()
    del doc["faults"][0]["error_rate"]
    with pytest.raises(ScenarioError, match=r"needs \['error_rate'\]"):
        parse(doc, "t.yaml", Topology())
    path = tmp_path / "late.yaml"
    path.write_text(yaml.safe_dump(_doc(when={"start": "80%", "end": "20%"})))
    loaded = scenario.load(path)
    with pytest.raises(ScenarioError, match=r"late\.yaml: faults\[0\]\.when: the window 80%\.\.20% is empty"):
        loaded.resolve(0, 100)
    with pytest.raises(ScenarioError, match="not found; shipped scenarios: baseline"):
        scenario.load("no-such-scenario")


def _generate(name: str, rate: float = 60.0, seed: int = 1):  # type: ignore[no-untyped-def]
    resolved = scenario.load(name).resolve(0, RUN)
    gen = SpinGenerator(rate, seed=seed, scenario=resolved, n_players=3000, shape="flat")
    spins, _ = gen.window(0, RUN)
    return gen, resolved, spins


def _codes(gen: SpinGenerator, spins, attr: str):  # type: ignore[no-untyped-def]
    topo = gen.topology
    return {
        "cloud.region": (spins.region, [r.name for r in topo.regions]),
        "service.instance.id": (spins.instance, [i.id for i in topo.instances]),
        "slot.game.id": (spins.game, list(topo.game_ids)),
        "wallet.provider": (spins.wallet, list(topo.wallet_providers)),
    }[attr]


def _match(gen, spins, where: dict) -> np.ndarray:  # type: ignore[no-untyped-def]
    hit = np.ones(len(spins), dtype=bool)
    for attr, value in where.items():
        if attr == "slot.game.version":
            continue  # one version per game
        codes, values = _codes(gen, spins, attr)
        hit &= codes == values.index(value)
    return hit


def test_wallet_errors_fall_on_the_manifest_provider_inside_the_window() -> None:
    gen, resolved, spins = _generate("wallet-error-burst")
    [fault] = resolved.faults
    inside = fault.active(spins.ts_ns) & ~spins.is_free
    walletly = _match(gen, spins, fault.where)
    timeout = spins.error == gen.error_types.index("wallet_timeout")
    rate_hit = timeout[inside & walletly].mean()
    assert 0.33 < rate_hit < 0.47
    assert timeout[inside & ~walletly].mean() < 0.01 and timeout[~inside & ~spins.is_free].mean() < 0.01
    assert np.array_equal(spins.fault_bits > 0, timeout & inside & walletly & (spins.fault_bits > 0))


def test_latency_regression_only_in_the_manifest_game_and_region() -> None:
    gen, resolved, spins = _generate("latency-regression")
    [fault] = resolved.faults
    ok = spins.error == 0
    target = _match(gen, spins, fault.where)
    inside = fault.active(spins.ts_ns)
    median = {
        k: np.median(spins.duration_ns[ok & m])
        for k, m in {"hit": target & inside, "same_before": target & ~inside, "others_inside": ~target & inside}.items()
    }
    assert median["hit"] > 4 * median["same_before"]
    assert median["others_inside"] < 1.5 * median["same_before"]
    assert np.array_equal(spins.fault_bits == 1, target & inside)


def test_degraded_instance_is_slow_and_failing_alone() -> None:
    gen, resolved, spins = _generate("degraded-instance")
    [fault] = resolved.faults
    target = _match(gen, spins, fault.where)
    inside = fault.active(spins.ts_ns)
    paid = ~spins.is_free
    code = gen.error_types.index("state_save_timeout")
    assert (spins.error[target & inside & paid] == code).mean() > 0.03
    assert (spins.error[~target & inside & paid] == code).mean() < 0.003
    sibling = _match(gen, spins, {"service.instance.id": "slot-server-use1-1"})
    ok = spins.error == 0
    assert np.median(spins.duration_ns[ok & target & inside]) > 2.5 * np.median(spins.duration_ns[ok & sibling])


@pytest.mark.parametrize("name", ["rtp-drift-under", "rtp-drift-over"])
def test_rtp_drift_uses_the_misset_strip_only_for_the_manifest_game_in_its_window(name: str) -> None:
    gen, resolved, spins = _generate(name, rate=30)
    [fault] = resolved.faults
    target = _match(gen, spins, fault.where)
    inside = fault.active(spins.ts_ns)
    direction = fault.effects["misset"]
    assert set(np.unique(spins.misset[target & inside]).tolist()) == {MISSETS.index(direction)}
    assert not spins.misset[~(target & inside)].any()
    game = GAMES[fault.where["slot.game.id"]]
    assert misconfigured(game, direction).intended_version == game.version  # servers keep reporting the version


def test_rtp_drift_moves_the_observed_rtp_in_its_direction() -> None:
    gen, resolved, spins = _generate("rtp-drift-under", rate=150, seed=3)
    [fault] = resolved.faults
    target = _match(gen, spins, fault.where)
    inside = fault.active(spins.ts_ns)

    def rtp(sel: np.ndarray) -> float:  # per unit stake, so a few high rollers do not dominate
        return (spins.win_minor[sel] / spins.stake_minor[sel]).sum() / (~spins.is_free[sel]).sum()

    game = GAMES["lucky-sevens"]
    assert rtp(target & inside) < float(misconfigured(game, "over").theory().rtp)
    assert rtp(target & inside) < rtp(target & ~inside) - 0.01


def test_traffic_drop_thins_the_manifest_region_only() -> None:
    gen, resolved, spins = _generate("traffic-drop", rate=120)
    [fault] = resolved.faults
    target = _match(gen, spins, fault.where)
    inside = fault.active(spins.ts_ns)
    share_inside = (fault.end_ns - fault.start_ns) / RUN
    region_rate_inside = (target & inside).sum() / share_inside
    region_rate_outside = (target & ~inside).sum() / (1 - share_inside)
    assert 0.03 < region_rate_inside / region_rate_outside < 0.2
    others = ((~target & inside).sum() / share_inside) / ((~target & ~inside).sum() / (1 - share_inside))
    assert 0.85 < others < 1.15


def test_two_faults_mark_their_own_spins() -> None:
    gen, resolved, spins = _generate("two-faults", rate=100)
    latency, errors = resolved.faults
    assert latency.kind == "latency_regression" and errors.kind == "error_burst"
    slow = (spins.fault_bits & 1) > 0
    failed = (spins.fault_bits & 2) > 0
    assert slow.any() and failed.any()
    assert np.array_equal(slow, _match(gen, spins, latency.where) & latency.active(spins.ts_ns))
    assert set(np.unique(spins.wallet[failed]).tolist()) == {gen.topology.wallet_providers.index("paynova")}
