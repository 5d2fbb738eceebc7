"""Memory by budget: how many sequences a KV cache holds, and the speed that allows.

A reasoning workload is sized by KV memory, not by a batch size: each sequence holds KV for
its prompt and everything it has generated, up to prompt + max new tokens. The cache is
carved into fixed blocks (as paged engines do); the blocks that fit in the memory left after
the weights, at the worst case of every sequence at full length, decide how many sequences
run at once. With nothing loaded yet, the memory left comes from the plan (the GPU's memory,
measured where on file, at 90% use minus the weights).

The workload's bound: every decode step reads the weights once plus the live KV of every
running sequence, and emits one token per sequence. With c sequences whose KV averages L
tokens (prompt plus half the output, over a sequence's life), output tokens/s <= c x
bandwidth / (weight bytes + c x L x KV bytes per token), and <= FLOP/s / (2 x parameters
per token). Attention FLOPs are left out, so it is an upper bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from harness.config.configs import HardwareConfig
from harness.errors import HarnessError

BLOCK_TOKENS = 256  # tokens per KV block (vLLM uses 16; a coarse block wastes < 1 per sequence)


@dataclass(frozen=True)
class Budget:
    """The KV cache chosen for a workload: blocks, tokens and sequences at once."""

    free_bytes: float  # memory for KV after the weights (and any reserve)
    kv_bytes_per_token: int
    block_tokens: int
    blocks: int
    tokens: int
    sequence_tokens: int  # prompt + max new tokens: one sequence at its longest
    concurrency: int  # sequences that fit at their longest, all at once


def kv_budget(free_bytes: float, kv_bytes_per_token: int, prompt_tokens: int,
              max_new_tokens: int, block_tokens: int = BLOCK_TOKENS) -> Budget:
    """The KV budget in `free_bytes`; HarnessError when not even one sequence fits, naming
    the longest that would."""
    block_bytes = block_tokens * kv_bytes_per_token
    blocks = int(max(free_bytes, 0.0) // block_bytes)
    tokens = blocks * block_tokens
    longest = prompt_tokens + max_new_tokens
    per_sequence = math.ceil(longest / block_tokens)
    concurrency = blocks // per_sequence
    if concurrency < 1:
        fits = tokens - prompt_tokens
        raise HarnessError(
            f"The KV cache does not fit: one sequence of {prompt_tokens:,} prompt + "
            f"{max_new_tokens:,} new tokens needs {longest * kv_bytes_per_token / 1e9:.2f} GB "
            f"of KV, and {max(free_bytes, 0) / 1e9:.2f} GB are free beside the weights. The "
            f"longest that fits is {max(tokens, 0):,} tokens in all"
            + (f", i.e. at most {fits:,} new tokens after this prompt" if fits > 0 else "")
            + ". Lower the suite's max_new_tokens, or use a GPU with more memory (or more "
              "GPUs with the vllm backend).")
    return Budget(free_bytes, kv_bytes_per_token, block_tokens, blocks, tokens, longest,
                  concurrency)


def workload_bound(weight_read_bytes: float, kv_bytes_per_token: int, concurrency: int,
                   mean_kv_tokens: float, bandwidth: float, flops: float | None,
                   params_per_token: float) -> float:
    """Most output tokens/s for `concurrency` sequences whose live KV averages
    `mean_kv_tokens` tokens (see the module docstring)."""
    step_bytes = weight_read_bytes + concurrency * mean_kv_tokens * kv_bytes_per_token
    memory_bound = concurrency * bandwidth / step_bytes
    compute_bound = flops / (2 * params_per_token) if flops else math.inf
    return min(memory_bound, compute_bound)


def run_bound(hw: HardwareConfig, weight_bytes: float, kv_bytes_per_token: float,
              sequences: int, mean_kv_tokens: float, parameters: float,
              reached_tokens_per_s: float | None) -> dict[str, Any]:
    """An accuracy run's bound on `hw` and the fraction of it the run reached: `sequences`
    at once (the KV room at the suite's lengths, or fewer requests), each step reading the
    weights once plus the live KV (prompts left out, so the bound is high, not low)."""
    measured = hw.measured.bandwidth_bytes_per_s if hw.measured else None
    bandwidth = measured or hw.bandwidth_bytes_per_s
    bound = workload_bound(weight_bytes, int(kv_bytes_per_token), sequences, mean_kv_tokens,
                           bandwidth, hw.bf16_flops, parameters)
    source = "measured copy bandwidth" if measured else "datasheet bandwidth"
    return {"bound_tokens_per_s": bound,
            "fraction_of_bound": reached_tokens_per_s / bound if reached_tokens_per_s else None,
            "bound_basis": f"{sequences} sequences at once with {mean_kv_tokens:,.0f} tokens "
                           f"of KV each on average, {bandwidth / 1e12:.2f} TB/s ({source}) "
                           f"of {hw.label}, weights read once per step"}
