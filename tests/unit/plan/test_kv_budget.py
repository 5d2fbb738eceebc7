"""KV budget and workload bound arithmetic on synthetic memory figures."""

from __future__ import annotations

import pytest

from harness.errors import HarnessError
from harness.plan import kv_budget, sizing
from harness.plan import table as plan_table

KIB = 1024


def test_budget_in_blocks_and_sequences() -> None:
    # 10 GB free at 256 KiB per token (QwQ-32B in bf16): 38,146 tokens in 149 full blocks
    b = kv_budget.kv_budget(10e9, 256 * KIB, prompt_tokens=512, max_new_tokens=8192)
    assert b.blocks == int(10e9 // (256 * 256 * KIB)) == 149
    assert b.tokens == 149 * 256 and b.sequence_tokens == 8704
    assert b.concurrency == 149 // 34 == 4  # 8,704 tokens = 34 blocks per sequence


def test_does_not_fit_names_the_longest_that_would() -> None:
    with pytest.raises(HarnessError) as err:
        kv_budget.kv_budget(6.5e9, 256 * KIB, prompt_tokens=512, max_new_tokens=32768)
    text = str(err.value)
    tokens = int(6.5e9 // (256 * 256 * KIB)) * 256
    assert "does not fit" in text and f"{tokens:,} tokens in all" in text
    assert f"at most {tokens - 512:,} new tokens" in text and "max_new_tokens" in text
    with pytest.raises(HarnessError, match="0.00 GB are free"):
        kv_budget.kv_budget(-1e9, 256 * KIB, 512, 1024)


def test_workload_bound_by_hand() -> None:
    # 64 GB of weights, 3.35 TB/s; 8 sequences averaging 4,096 KV tokens of 256 KiB
    kv = 8 * 4096 * 256 * KIB
    bound = kv_budget.workload_bound(64e9, 256 * KIB, 8, 4096, 3.35e12, 989e12, 32.8e9)
    assert bound == pytest.approx(8 * 3.35e12 / (64e9 + kv))
    # one sequence with no KV is the batch-1 bound; a huge batch meets the FLOP/s ceiling
    assert kv_budget.workload_bound(64e9, 0, 1, 0, 3.35e12, None, 1) == pytest.approx(52.34,
                                                                                   rel=1e-3)
    assert kv_budget.workload_bound(1.0, 0, 10**9, 0, 3.35e12, 989e12, 32.8e9) == \
        pytest.approx(989e12 / (2 * 32.8e9))


def test_plan_states_the_workload_bound() -> None:
    p = sizing.make_plan("qwq-32b", "h200-141gb", context=8192)
    assert p.workload_concurrency and p.workload_concurrency > 1
    assert p.decode_bound_tokens_per_s < p.workload_bound_tokens_per_s < \
        p.workload_concurrency * p.decode_bound_tokens_per_s
    # one sequence of 32,768 tokens fits beside QwQ-32B's weights on one H100 (41.9k tokens
    # do), one of 65,536 does not: that workload runs on two, where 5 fit
    one = sizing.make_plan("qwq-32b", "h100-80gb")
    assert (one.workload_concurrency, one.workload_gpus) == (1, 1)
    two = sizing.make_plan("qwq-32b", "h100-80gb", context=65536)
    assert (two.gpus_for_context, two.workload_gpus) == (2, 2)
    room = 2 * 0.9 * 85.017e9 - 2 * 32_763_876_352
    assert two.workload_concurrency == int(room // (256 * 1024 * 256)) // 256 == 5
    assert "5 on 2x NVIDIA H100" in plan_table.render(two)
    # DeepSeek-R1 needs 6 H200s for one such sequence: its workload runs on 8 (tensor
    # parallelism wants a power of two), or on as many as asked; fewer than hold it: none
    r1 = sizing.make_plan("deepseek-r1", "h200-141gb")
    assert r1.workload_gpus == 8 and r1.workload_concurrency and r1.workload_concurrency > 100
    assert sizing.make_plan("deepseek-r1", "h200-141gb", gpus=4).workload_concurrency is None
    assert "sequences of 8,192 tokens at once" in plan_table.render(p)
