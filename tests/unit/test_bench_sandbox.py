"""A code suite needs the jail: without bubblewrap the bench stops before loading anything,
unless the weaker layers are accepted, which run.json and the tables then say."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import bench
from harness.accuracy import jail, sandbox
from harness.bench import BenchOptions, run_bench
from harness.config.configs import get_suite
from harness.errors import HarnessError


def test_a_code_suite_without_bubblewrap_stops_with_the_install_command(
        results_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jail, "bwrap_works", lambda: False)
    with pytest.raises(HarnessError, match="runs model-written code.*apt-get install"):
        run_bench(BenchOptions(model="tiny-random", suite="humaneval", limit=1))
    assert not (results_dir / "runs").exists()  # nothing was started


def test_a_jail_that_cannot_run_a_good_program_stops_the_bench(
        results_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """bubblewrap is there but the jail fails (here: a process cap too small for bwrap
    itself): every sample would score 0, so the bench stops, saying what happened."""
    real = sandbox.self_test
    monkeypatch.setattr(sandbox, "self_test", lambda: real(sandbox.Limits(processes=1)))
    with pytest.raises(HarnessError, match="known-good test program.*Creating new namespace"):
        run_bench(BenchOptions(model="tiny-random", suite="humaneval", limit=1))
    assert not (results_dir / "runs").exists()


def test_accepting_the_weak_layers_is_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jail, "bwrap_works", lambda: False)
    opts = BenchOptions(model="tiny-random", suite="humaneval", allow_weak_sandbox=True)
    try:
        mode, python = bench._sandbox(get_suite("humaneval"), opts)
        assert mode == "weak" and python and python[0].isdigit()
    finally:
        sandbox.allow_weak(False)
    assert bench._sandbox(get_suite("default"), opts) == (None, None)  # no code, no jail
    random = BenchOptions(model="tiny-random", suite="humaneval", weights="random")
    assert bench._sandbox(get_suite("humaneval"), random) == (None, None)  # a rehearsal


def test_the_jail_s_numpy_is_recorded_and_its_absence_said_for_livecodebench(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """LiveCodeBench's own grader runs programs beside numpy (its environment has torch):
    the Python version recorded says whether the jail's has it, and a code suite says what a
    missing one costs."""
    opts = BenchOptions(model="tiny-random", suite="code")
    _, python = bench._sandbox(get_suite("code"), opts)
    assert python[0].isdigit() and (", numpy " in python or python.endswith(", no numpy"))
    monkeypatch.setattr(sandbox, "self_test", lambda: "3.11.2, no numpy")
    bench._sandbox(get_suite("code"), opts)
    assert "has no numpy" in capsys.readouterr().err
    bench._sandbox(get_suite("humaneval"), opts)  # no LiveCodeBench: nothing to say
    assert "numpy" not in capsys.readouterr().err


def test_the_table_marks_scores_graded_in_the_weak_sandbox() -> None:
    from harness.report.tables import rows
    from harness.results.parts import ModelInfo, TaskScore
    from harness.results.record import Run

    run = Run(status="complete", model=ModelInfo(name="m", weights="real"), sandbox="weak",
              tasks={"humaneval": TaskScore(metric="pass@1", value=0.5)})
    assert rows([run])[0]["task"] == "humaneval (weak sandbox)"


def test_the_sandbox_benchmark_runs() -> None:
    """benchmarks/sandbox_humaneval.py, whose figures the README quotes, on 3 problems."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "benchmarks/sandbox_humaneval.py", "--rounds", "1",
                           "--limit", "3"], cwd=root, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "bubblewrap jail: 3/3 passed" in done.stdout
    assert "older layers (weak): 3/3 passed" in done.stdout
