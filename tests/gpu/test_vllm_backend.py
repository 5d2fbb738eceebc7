"""On a GPU with vLLM installed: the vllm backend runs accuracy through lm-eval's vllm model
and the perf sweep through vLLM's engine (markers `gpu`; skipped without vllm)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.bench import BenchOptions, run_bench

pytestmark = pytest.mark.gpu


def test_vllm_backend_end_to_end(results_dir: Path) -> None:
    pytest.importorskip("vllm")
    run_dir = run_bench(BenchOptions(
        model="smollm2-135m", suite="default", backend="vllm", limit=8,
        backend_args=(("gpu_memory_utilization", "0.3"), ("max_model_len", "2048"))))
    run = json.loads((run_dir / "run.json").read_text())
    assert run["status"] == "complete" and run["backend"]["name"] == "vllm"
    assert run["backend"]["engine_args"]["gpu_memory_utilization"] == 0.3
    assert run["tasks"]["gsm_mini"]["n_docs"] == 8
    points = run["perf"]["points"]
    assert points and all(p["variant"] == "vllm" and p["status"] == "ok" for p in points)
    decode = [p for p in points if p["kind"] == "decode"]
    assert decode[0]["fraction_of_bound_measured_bw"] > 0
    assert all(p["timing"].endswith("(engine steps)") and
               p["tokens_stamped"] == p["new_tokens"] for p in decode)
    assert run["memory"]["device_peak_bytes"]  # the engine's processes hold the model
    assert run["energy"]["joules"] and run["energy"]["joules"] > 0
