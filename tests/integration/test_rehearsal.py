"""A rehearsal on tiny-random: the suite's prompts through the real continuous-batching
engine, every generation to its limit, the projection in run.json and no score."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.bench import BenchOptions, run_bench

pytest.importorskip("torch")

SUITE = """\
name: rehearse-two
description: two tasks, one with its own prompts and one on stand-in prompts offline
tasks:
  - {task: gsm_mini, samples: 1, max_new_tokens: 24, limit: 5}
  - {task: math500, samples: 2, max_new_tokens: 16, limit: 3}
sampling: greedy
batch_size: 4
perf:
  enabled: false
"""


@pytest.mark.parametrize("generation", ["continuous", "static"])
def test_a_rehearsal_runs_every_generation_to_its_limit(results_dir: Path, tmp_path: Path,
                                                        generation: str) -> None:
    suite = tmp_path / "rehearse-two.yaml"
    suite.write_text(SUITE)
    run_dir = run_bench(BenchOptions(model="tiny-random", weights="random", suite=str(suite),
                                     backend_args=(("generation", generation),)))
    run = json.loads((run_dir / "run.json").read_text())
    assert run["status"] == "complete"
    assert run["tasks"] == {} and "rehearsal" in run["accuracy_skipped"]
    gen = run["generation"]
    assert {k: (g["n_generations"], g["max_new_tokens"]) for k, g in gen.items()
            if k != "settings"} == {"gsm_mini": (5, 24), "math500": (6, 16)}
    for name in ("gsm_mini", "math500"):
        g = gen[name]
        assert g["hit_max_new_tokens"] == g["n_generations"]
        assert g["output_tokens_total"] == g["n_generations"] * g["max_new_tokens"]
    assert gen["gsm_mini"]["prompts"] == "the task's own"
    # offline (as in CI) MATH-500 is not here, so its rehearsal runs on stand-in prompts
    assert gen["math500"]["prompts"].startswith(("stand-in", "the task's own"))
    rehearsal, work = run["rehearsal"], run["workload"]
    assert rehearsal["generations"] == 11 and rehearsal["output_tokens"] == 5 * 24 + 6 * 16
    assert rehearsal["at_limit"] == 11
    assert work["output_tokens_per_s"] > 0 and work["correct"] == 0
    projection = rehearsal["projection"]
    assert projection["generations"] == 11 and projection["output_tokens"] == 216
    assert projection["hours"] == pytest.approx(216 / work["output_tokens_per_s"] / 3600)
    if generation == "continuous":
        assert run["backend"]["finish_reasons"] == {"length": 11}
        assert gen["gsm_mini"]["counted_by"] == "the engine's generated tokens"
        assert 1 <= rehearsal["sequences_at_once"] <= 6
    assert run["memory"]["peak_rss_bytes"] > 0
