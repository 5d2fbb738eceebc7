"""The harness as a user installs it: a wheel built from this checkout, installed into a
fresh virtual environment, run from a directory outside the checkout. The wheel must carry
the configs (models, suites, tasks, GPUs) as package data; the libraries it depends on are
taken from the project's environment (a path line in the new venv, so its pip never
downloads torch again), while the harness itself can only come from the wheel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from harness.config.places import ROOT

pytest.importorskip("torch")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """bin/ of a fresh venv holding the wheel."""
    base = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                    "--no-build-isolation", "-w", str(base / "dist"), "-q"], check=True,
                   capture_output=True)
    (wheel,) = (base / "dist").glob("harness-*.whl")
    env_dir = base / "venv"
    venv.create(env_dir, with_pip=False)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(env_dir),
                                                    "platbase": str(env_dir)}))
    # the project's libraries, appended after the venv's own site-packages
    (site / "project-libraries.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(env_dir / "bin" / "python"),
                    "install", "--no-deps", "-q", str(wheel)], check=True, capture_output=True)
    return env_dir / "bin"


def run(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("HARNESS_RESULTS", "HARNESS_CONFIGS", "PYTHONPATH")}
    return subprocess.run([str(bin_dir / "harness"), *args], cwd=cwd, env=env, text=True,
                          capture_output=True, timeout=600)


def test_the_installed_harness_runs_from_anywhere(installed: Path, tmp_path: Path) -> None:
    where = run(installed, tmp_path, "--help")
    assert where.returncode == 0
    probe = subprocess.run([str(installed / "python"), "-c",
                            "import harness, harness.config.places as p; "
                            "print(harness.__file__); print(p.SHIPPED); print(p.CHECKOUT)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True)
    module, shipped, checkout = probe.stdout.split()
    assert str(installed.parent) in module and str(ROOT) not in module
    assert shipped.endswith("harness/shipped") and checkout == "False"

    models = run(installed, tmp_path, "models")
    assert models.returncode == 0 and "qwq-32b" in models.stdout and "tiny-random" in models.stdout
    plan = run(installed, tmp_path, "plan", "--model", "qwq-32b", "--gpu", "h100-80gb", "--json")
    assert plan.returncode == 0, plan.stderr
    assert json.loads(plan.stdout)["gpus_to_hold_weights"] == 1

    bench = run(installed, tmp_path, "bench", "--model", "tiny-random", "--limit", "1",
                "--no-perf")
    assert bench.returncode == 0, bench.stderr[-2000:]
    (record,) = (tmp_path / "results" / "runs").glob("*/run.json")  # ./results, documented
    data = json.loads(record.read_text())
    assert data["status"] == "complete" and data["tasks"]
    assert data["versions"]["harness"] == "0.1.0" and data["versions"]["harness_git_sha"] is None
