"""On a GPU: the bench runs on CUDA and measures energy through NVML (marker `gpu`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.bench import BenchOptions, run_bench

pytestmark = pytest.mark.gpu


def test_tiny_random_bench_on_cuda_measures_energy(results_dir: Path) -> None:
    run_dir = run_bench(BenchOptions(model="tiny-random", suite="default", limit=8,
                                     device="cuda"))
    run = json.loads((run_dir / "run.json").read_text())
    assert run["hardware"]["accelerator"] and run["hardware"]["driver"]
    assert run["memory"]["peak_allocated_bytes"] > 0
    assert run["energy"]["joules"] is not None and run["energy"]["joules"] > 0
    assert run["energy"]["accuracy"]["mean_power_w"] > 10  # an H100 idles near 70 W
