"""Prefill and decode speed of a loaded transformers model.

Method: a prompt of exactly `prompt_tokens` random (seeded) token ids; warm-up runs first
(kernel selection, allocator growth and lazy initialisation would otherwise land in the
first timing); the device is synchronized before each clock read, since CUDA calls return
before the work is done. Time to first token (TTFT) is a generate() of one token; a
generate() of `new_tokens` tokens with EOS suppressed (min_new_tokens) gives the end-to-end
time E2E, and TPOT = (E2E - TTFT) / (new_tokens - 1), the vLLM bench definition. Medians
over repeats are reported, with the raw timings kept.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from harness.config import PerfSettings


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of an empty sequence")
    pos = (len(ordered) - 1) * q / 100.0
    lo, hi = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def summarize(ttft_s: Sequence[float], e2e_s: Sequence[float], prompt_tokens: int,
              new_tokens: int, batch_size: int) -> dict[str, Any]:
    """Turn raw per-repeat timings into the perf fields of run.json (units in the names)."""
    ttft = statistics.median(ttft_s)
    decode_times = [e - t for t, e in zip(ttft_s, e2e_s, strict=True)]
    decode = statistics.median(decode_times)
    steps = max(new_tokens - 1, 1)
    tpot = [d / steps for d in decode_times]
    return {
        "prompt_tokens": prompt_tokens,
        "new_tokens": new_tokens,
        "batch_size": batch_size,
        "repeats": len(ttft_s),
        "ttft_s": ttft,
        "ttft_p90_s": percentile(ttft_s, 90),
        "prefill_tokens_per_s": batch_size * prompt_tokens / ttft,
        "tpot_s": statistics.median(tpot),
        "tpot_p90_s": percentile(tpot, 90),
        "decode_tokens_per_s": batch_size * steps / decode if decode > 0 else None,
        "e2e_s": statistics.median(e2e_s),
        "output_tokens_per_s": batch_size * new_tokens / statistics.median(e2e_s),
        "raw": {"ttft_s": list(ttft_s), "e2e_s": list(e2e_s)},
    }


def _sync(device: str) -> Callable[[], None]:
    if device.startswith("cuda"):
        import torch

        return torch.cuda.synchronize
    return lambda: None


def measure(model: Any, tokenizer: Any, settings: PerfSettings, device: str) -> dict[str, Any]:
    """Time prefill and decode of `model` on `device` as described in the module docstring."""
    import torch

    gen = torch.Generator().manual_seed(0)
    special = set(tokenizer.all_special_ids)
    vocab = [i for i in range(min(len(tokenizer), model.config.vocab_size)) if i not in special]
    picks = torch.randint(0, len(vocab), (settings.batch_size, settings.prompt_tokens),
                          generator=gen)
    input_ids = torch.tensor(vocab)[picks].to(device)
    attention = torch.ones_like(input_ids)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    sync = _sync(device)

    def timed(n: int) -> float:
        sync()
        t0 = time.perf_counter()
        with torch.inference_mode():
            model.generate(input_ids=input_ids, attention_mask=attention, max_new_tokens=n,
                           min_new_tokens=n, do_sample=False, pad_token_id=pad)
        sync()
        return time.perf_counter() - t0

    for _ in range(settings.warmup):
        timed(min(settings.new_tokens, 4))
    ttft, e2e = [], []
    for _ in range(settings.repeats):
        ttft.append(timed(1))
        e2e.append(timed(settings.new_tokens))
    result = summarize(ttft, e2e, settings.prompt_tokens, settings.new_tokens,
                       settings.batch_size)
    result["method"] = ("generate() with EOS suppressed, random prompt tokens, greedy; "
                        f"{settings.warmup} warm-up, median of {settings.repeats}")
    return result
