"""An accuracy run's workload bound on a known GPU (harness.plan.kv_budget.run_bound)."""

from __future__ import annotations

import pytest

from harness.config.configs import get_hardware
from harness.plan.kv_budget import run_bound, workload_bound


def test_the_bound_reads_weights_once_and_the_live_kv_of_every_sequence() -> None:
    hw = get_hardware("h100-80gb")
    bw = hw.measured.bandwidth_bytes_per_s if hw.measured else hw.bandwidth_bytes_per_s
    out = run_bound(hw, 64e9, 262_144, 5, 4096, 32.8e9, 250.0)
    step = 64e9 + 5 * 4096 * 262_144
    assert out["bound_tokens_per_s"] == pytest.approx(5 * bw / step)
    assert out["fraction_of_bound"] == pytest.approx(250.0 / out["bound_tokens_per_s"])
    assert "5 sequences" in out["bound_basis"] and hw.label in out["bound_basis"]
    assert run_bound(hw, 64e9, 262_144, 5, 4096, 32.8e9, None)["fraction_of_bound"] is None


def test_compute_caps_the_bound_at_large_batches() -> None:
    tiny = workload_bound(1e6, 1, 10_000, 1, 3e12, 1e15, 1e9)
    assert tiny == pytest.approx(1e15 / 2e9)


def test_an_accuracy_run_takes_its_bound_from_the_backends_traffic() -> None:
    from types import SimpleNamespace

    from harness.perf import bounds, workload
    from harness.results.parts import Workload

    traffic = bounds.Traffic(decode_bytes=6_000_000_000, decode_params=3_000_000_000,
                             prefill_params=2_900_000_000)
    backend = SimpleNamespace(traffic=lambda: traffic)
    run = SimpleNamespace(
        backend={"kv_bytes": 10 * 2**30, "kv_tokens": 40_960,
                 "max_sequences_at_full_length": 4},
        hardware=SimpleNamespace(accelerator="NVIDIA H100 80GB HBM3"))
    work = Workload(seconds=100.0, output_tokens=80_000, answers=10, correct=5.0,
                    output_tokens_per_s=800.0)
    out = workload.with_bound(work, run, backend)
    hw = get_hardware("h100-80gb")
    bw = hw.measured.bandwidth_bytes_per_s if hw.measured else hw.bandwidth_bytes_per_s
    kv_per_token = 10 * 2**30 / 40_960
    step = 6e9 + 4 * 4000 * kv_per_token  # 4 sequences, KV averaging half of 8,000 tokens
    assert out.bound_tokens_per_s == pytest.approx(4 * bw / step)
    assert out.fraction_of_bound == pytest.approx(800.0 / out.bound_tokens_per_s)
    # an engine that cannot say what a step reads (no traffic()) gets no bound
    assert workload.with_bound(work, run, SimpleNamespace()) == work
