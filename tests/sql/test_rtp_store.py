"""RTP status on the real engine: figures recomputed here from the spins inserted."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from spinscope.catalog import Catalog, load_catalog
from spinscope.rtp.status import rtp_plan, rtp_status
from tests.sql.spans import Spin, insert_spins

T = datetime.now(UTC).replace(tzinfo=None, microsecond=0) - timedelta(hours=2)
CATALOG = (
    "games:\n  - {id: g, version: '1', rtp: '0.9600', std_dev: '0.3'}\n"
    "  - {id: wild, version: '1', rtp: '0.9600', std_dev: '40'}\n"
)


def config(tmp_path: Path) -> Catalog:
    (tmp_path / "games.yaml").write_text(CATALOG)
    return load_catalog(tmp_path / "games.yaml")


def test_observed_rtp_band_and_z_recomputed_independently(store_client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bets = [Decimal("1.00"), Decimal("2.00"), Decimal("1.00"), Decimal("4.00")] * 25
    wins = [Decimal("0"), Decimal("3.00"), Decimal("0.50"), Decimal("2.00")] * 25
    spins = [
        Spin(f"s{i}", T + timedelta(seconds=i), bet=str(b), win=str(w), game_id="g", game_version="1")
        for i, (b, w) in enumerate(zip(bets, wins, strict=True))
    ]
    spins.append(Spin("failed", T, bet="100", win="0", game_id="g", game_version="1", error_type="wallet_timeout"))
    spins.append(Spin("u", T, bet="1", win="1", game_id="unknown", game_version="9"))
    insert_spins(store_client, spins)
    rows = {
        r["game_id"]: r
        for r in rtp_status(store_client, T - timedelta(hours=1), T + timedelta(hours=1), config(tmp_path))
    }
    g = rows["g"]
    sb, sw, sbb = sum(bets), sum(wins), sum(b * b for b in bets)  # the failed spin moved no money
    n_eff = float(sb) ** 2 / float(sbb)
    observed = float(sw / sb)
    z = (observed - 0.96) * math.sqrt(n_eff) / 0.3
    half = 1.959963984540054 * 0.3 / math.sqrt(n_eff)
    assert g["spins"] == 100
    assert math.isclose(g["n_eff"], n_eff, rel_tol=1e-12)
    assert math.isclose(g["observed_rtp"], observed, rel_tol=1e-12)
    assert math.isclose(g["z"], z, rel_tol=1e-9)
    assert math.isclose(g["band_low"], 0.96 - half, rel_tol=1e-9)
    # One tested version: Holm at 0.001 and BH at 0.05 are the plain two-sided tests at those levels.
    expected = (
        ("drift", "holm")
        if abs(z) > 3.2905267314919255
        else ("watch", "bh")
        if abs(z) > 1.959963984540054
        else ("ok", "bh")
    )
    assert (g["theoretical_rtp"], g["reference"]) == (Decimal("0.96"), "catalog")
    assert g["family_streams"] == 1  # the CUSUM family: g's one currency; "unknown" has no reference
    assert (g["state"], g["window_control"]) == expected
    assert (rows["unknown"]["state"], rows["unknown"]["theoretical_rtp"], rows["unknown"]["z"]) == (
        "no_reference",
        None,
        None,
    )


def test_a_heavy_tailed_game_with_few_spins_is_low_volume_not_tested(store_client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # sigma 40: the band is narrower than +-10 points only after (1.96 * 40 / 0.1)^2 ~ 615k effective spins.
    insert_spins(
        store_client,
        [Spin(f"w{i}", T, bet="1", win="500" if i == 0 else "0", game_id="wild", game_version="1") for i in range(200)],
    )
    row = rtp_status(store_client, T - timedelta(hours=1), T + timedelta(hours=1), config(tmp_path))[0]
    assert (row["state"], row["control"], row["window_state"]) == ("low_volume", None, "low_volume")
    assert math.isclose(row["min_n_eff"], (1.959963984540054 * 40 / 0.1) ** 2)


def test_plan_uses_the_catalog_sigma(store_client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = rtp_plan(store_client, "g", Decimal("0.01"), config(tmp_path))
    expected = math.ceil(((1.959963984540054 + 0.8416212335729143) * 0.3 / 0.01) ** 2)
    assert result["plans"][0]["effective_spins"] == expected
