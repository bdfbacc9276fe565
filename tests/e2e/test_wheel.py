"""The built wheel, installed (not editable) into a fresh venv, runs on its own: one import name, shipped config.

Dependencies come from the test's own environment through a path file, so the test needs no
registry; the repository is never on the fresh venv's path (commands run from a temporary folder).
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return next(out.glob("spinscope-*.whl"))


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True, timeout=120)
    python = root / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # The dependencies, not the project: path files inside a path added this way are not run, so the
    # test environment's editable spinscope cannot leak in.
    (site / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return root


def test_the_wheel_adds_one_import_name_and_ships_config_and_sql(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"spinscope"}
    for expected in (
        "spinscope/config/games.yaml",
        "spinscope/config/slos/spin-availability.yaml",
        "spinscope/queries/reports/rpt_kpi.sql",
        "spinscope/schema/0010_spins.sql",
        "spinscope/app/main.py",
        "spinscope/sim/scenarios/wallet-error-burst.yaml",
    ):
        assert expected in names


def test_the_installed_wheel_migrates_and_answers_from_its_own_files(venv: Path, tmp_path: Path) -> None:
    spinscope = str(venv / "bin" / "spinscope")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([spinscope, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)

    where = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import spinscope.app, spinscope.configuration as c; print(spinscope.app.__file__);print(c.shipped_dir())",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert where.returncode == 0, where.stderr
    assert all(str(venv) in line for line in where.stdout.split()), where.stdout
    migrated = run("db", "migrate", "--data-dir", str(tmp_path / "data"))
    assert migrated.returncode == 0, migrated.stderr
    status = run("slo", "status", "--json", "--data-dir", str(tmp_path / "data"))
    assert status.returncode == 0, status.stderr
    assert {s["slo"] for s in json.loads(status.stdout)["slos"]} >= {"spin-availability", "spin-latency"}
