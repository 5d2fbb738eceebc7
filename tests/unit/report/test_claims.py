"""Claim rules on a fresh clone (no runs) and on fixture runs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from harness.report import claims
from harness.results import files
from harness.results.parts import ModelInfo
from harness.results.record import Run

pytest.importorskip("torch")


def by_id(verdicts: list[claims.Verdict]) -> dict[str, claims.Verdict]:
    return {v.id: v for v in verdicts}


def fixture_run(root: Path, model: str, task: str, value: float, stderr: float, n: int,
                joules: float | None = None, seconds: float = 3600.0,
                tokens: int = 100_000) -> Run:
    run_dir = files.new_run_dir(root, model, "reasoning")
    run = {
        "schema_version": 1, "run_id": run_dir.name, "status": "complete",
        "model": {"name": model, "weights": "real"}, "suite": {"name": "reasoning"},
        "hardware": {"accelerator": "NVIDIA H100 80GB HBM3", "accelerator_count": 1,
                     "label": "1x NVIDIA H100 80GB HBM3"},
        "tasks": {task: {"metric": "exact_match", "value": value, "stderr": stderr,
                         "n_docs": n, "samples_per_doc": 1}},
        "generation": {task: {"output_tokens_total": tokens}},
        "energy": {"joules": joules, "accuracy": {"seconds": seconds}},
    }
    files.write_json(run_dir / "run.json", run)
    return Run.from_json(run)


def test_fresh_clone_verdicts(tmp_path: Path) -> None:
    verdicts = by_id(claims.rebuild(tmp_path))
    params = verdicts["one-fifth-parameters"]
    assert params.verdict == "refuted"
    assert "0.049" in params.summary and "1/20" in params.summary and "0.872" in params.summary
    assert verdicts["less-compute"].verdict == "partly"
    for cid in ("reasoning-parity", "energy-efficiency", "cost-efficiency"):
        assert verdicts[cid].verdict == "not yet measured"
        assert verdicts[cid].settle and "make bench MODEL=qwq-32b" in verdicts[cid].settle
    md = (tmp_path / "CLAIMS.md").read_text()
    assert "**Verdict: refuted.**" in md and "To settle it" in md
    # AIME24's 30 problems cannot tell a 0.3-point gap apart: about 20 points are needed.
    aime = next(r for r in verdicts["reasoning-parity"].evidence if r["benchmark"] == "aime24")
    assert aime["gap a-b"] == "-0.3" and 19 < float(aime["smallest detectable gap"]) < 22
    assert "published" in aime["provenance"]


def test_accuracy_rule_on_fixture_runs(tmp_path: Path) -> None:
    runs = [fixture_run(tmp_path, "qwq-32b", "aime24", 0.78, 0.07, 30),
            fixture_run(tmp_path, "deepseek-r1", "aime24", 0.80, 0.07, 30)]
    v = by_id(claims.evaluate(claims.load_claims(), runs))["reasoning-parity"]
    assert v.verdict == "supported" and "1 of 1" in v.summary
    measured = [r for r in v.evidence if r["provenance"].startswith("measured")]
    assert measured and measured[0]["qwq-32b"] == "78.0"

    runs = [fixture_run(tmp_path, "qwq-32b", "aime24", 0.40, 0.01, 30),
            fixture_run(tmp_path, "deepseek-r1", "aime24", 0.80, 0.01, 30)]
    v = by_id(claims.evaluate(claims.load_claims(), runs))["reasoning-parity"]
    assert v.verdict == "refuted"


def test_efficiency_with_r1_estimated(tmp_path: Path) -> None:
    # 50 correct of 100, 1 MJ over one hour on one H100, 100k output tokens.
    run = fixture_run(tmp_path, "qwq-32b", "aime24", 0.5, 0.05, 100, joules=1.0e6)
    v = by_id(claims.evaluate(claims.load_claims(), [run]))
    energy = v["energy-efficiency"]
    assert energy.verdict.endswith("(b estimated)")
    assert energy.evidence[0]["qwq-32b"] == "20,000"  # 1e6 J / 50 correct
    # R1: 2000 tokens per correct answer at the bound of 8 H200s, 8 x 700 W
    tok_s = 8 * 4.8e12 / 36_625_603_584
    expected = 2000 / tok_s * 8 * 700
    assert float(energy.evidence[0]["deepseek-r1"].replace(",", "")) == pytest.approx(expected,
                                                                                    rel=1e-2)
    assert "estimated" in energy.evidence[0]["provenance"]
    cost = v["cost-efficiency"]
    assert float(cost.evidence[0]["qwq-32b"]) == pytest.approx(3.00 / 50)  # $3 per H100-hour


def test_runs_with_random_weights_or_failures_are_ignored(tmp_path: Path) -> None:
    run = fixture_run(tmp_path, "qwq-32b", "aime24", 0.5, 0.05, 100, joules=1.0e6)
    random_run = dataclasses.replace(run, model=ModelInfo(name="qwq-32b", weights="random"))
    failed = dataclasses.replace(run, status="failed")
    assert claims.latest_run([random_run, failed], "qwq-32b") is None
    assert claims.latest_run([run], "qwq-32b", need_energy=True) is run
