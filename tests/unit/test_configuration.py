"""The configuration is read once, validated, and reloaded only into a valid state."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from spinscope.configuration import LiveConfig, load_config, shipped_dir
from spinscope.slo.metric_source import SloSpecError


def copy_of_shipped(tmp_path: Path) -> Path:
    target = tmp_path / "config"
    shutil.copytree(shipped_dir(), target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def test_the_shipped_folder_is_package_data_with_specs_and_catalog() -> None:
    config = load_config()
    assert {s.name for s in config.slos} >= {"spin-availability", "spin-latency"}
    assert ("fortune-tiger", "1.4.0") in config.catalog or config.catalog, "the demo games' catalog ships"
    assert config.directory == shipped_dir()


def test_a_folder_without_slos_names_what_to_pass(tmp_path: Path) -> None:
    with pytest.raises(SloSpecError, match=r"no slos/ folder .* pass --config DIR"):
        load_config(tmp_path)


def test_an_edited_file_is_picked_up_and_a_broken_one_keeps_the_last_good(tmp_path: Path) -> None:
    folder = copy_of_shipped(tmp_path)
    live = LiveConfig.load(folder)
    before = live.get()
    assert before.catalog
    (folder / "games.yaml").write_text("games: []\n")
    assert live.reload()
    assert live.get().catalog == {}
    (folder / "slos" / "broken.yaml").write_text("apiVersion: openslo/v1\nkind: SLO\n")
    assert not live.reload()
    assert live.get().catalog == {} and live.get().slos == before.slos
    assert "broken.yaml" in (live.last_error or "")


def test_get_notices_a_changed_file_without_a_signal(tmp_path: Path) -> None:
    folder = copy_of_shipped(tmp_path)
    live = LiveConfig(load_config(folder), check_every_s=0)
    (folder / "games.yaml").write_text("games: []\n# a different size\n")
    assert live.get().catalog == {}
