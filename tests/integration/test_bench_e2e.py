"""The default bench end to end on CPU: real lm-eval, real model, real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.bench import BenchOptions, run_bench

pytest.importorskip("torch")


def test_default_bench_on_tiny_random(results_dir: Path) -> None:
    first = run_bench(BenchOptions(model="tiny-random", suite="default", limit=3))
    run = json.loads((first / "run.json").read_text())
    assert run["status"] == "complete" and run["schema_version"] == 1
    assert run["model"]["name"] == "tiny-random" and run["model"]["weights"] == "random"
    assert run["hardware"]["device"] == "cpu" and run["hardware"]["accelerator"] is None
    assert run["versions"]["lm_eval"] and run["versions"]["torch"]
    task = run["tasks"]["gsm_mini"]
    assert task["metric"] == "exact_match" and task["n_docs"] == 3
    assert 0.0 <= task["value"] <= 1.0 and task["stderr"] is not None
    gen = run["generation"]["gsm_mini"]
    assert gen["n_generations"] == 3 and gen["output_tokens_total"] > 0
    assert run["perf"]["decode_tokens_per_s"] > 0 and run["perf"]["prefill_tokens_per_s"] > 0
    assert run["memory"]["weights_bytes"] == 4 * run["model"]["parameters"]
    assert run["memory"]["peak_rss_bytes"] > 0
    assert run["energy"]["joules"] is None and "no GPU" in run["energy"]["reason"]
    samples = (first / "samples" / "gsm_mini.jsonl").read_text().splitlines()
    assert len(samples) == 3 and "resps" in json.loads(samples[0])
    table = (results_dir / "COMPARISON.md").read_text()
    assert first.name in table and "tiny-random" in table

    # A second run gets its own directory; the first is left exactly as it was.
    before = (first / "run.json").read_bytes()
    second = run_bench(BenchOptions(model="tiny-random", suite="default", limit=2, perf=False))
    assert second != first and (first / "run.json").read_bytes() == before
    assert json.loads((second / "run.json").read_text())["perf"] is None
    table = (results_dir / "COMPARISON.md").read_text()
    assert first.name in table and second.name in table


def test_smollm2_default_suite_with_a_limit(results_dir: Path) -> None:
    run_dir = run_bench(BenchOptions(model="smollm2-135m", suite="default", limit=4,
                                     batch_size=4))
    run = json.loads((run_dir / "run.json").read_text())
    assert run["status"] == "complete" and run["model"]["weights"] == "real"
    assert run["tasks"]["gsm_mini"]["n_docs"] == 4
    assert run["model"]["parameters"] == 134_515_008
    samples = [json.loads(s) for s in (run_dir / "samples" / "gsm_mini.jsonl").open()]
    # the model really answered: its raw generations are text, and were filtered to numbers
    assert all(s["resps"][0][0].strip() for s in samples)


def test_failed_run_is_recorded_as_failed(results_dir: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from harness import accuracy

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(accuracy, "run", boom)
    with pytest.raises(RuntimeError):
        run_bench(BenchOptions(model="tiny-random", suite="default", limit=1))
    (run_dir,) = (results_dir / "runs").iterdir()
    run = json.loads((run_dir / "run.json").read_text())
    assert run["status"] == "failed" and "disk on fire" in run["error"]
