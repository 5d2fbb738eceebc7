"""Prefill and decode speed of a loaded transformers model, as a sweep of scenarios.

Method: prompts of exactly N random (seeded) token ids; warm-up runs of the point's full
output length first (kernel selection, compilation, allocator growth at every cache length and
lazy initialisation would otherwise land in the first timing); the device is synchronized
before each clock read, since CUDA calls return before the work is done. TTFT is a generate()
of one token; a generate() of `new_tokens` with EOS suppressed (min_new_tokens) gives E2E, and
TPOT = (E2E - TTFT) / (new_tokens - 1), the vLLM bench definition. Medians over repeats, with
p90 and the raw timings kept. Energy is a window over the timed runs only (steady state: no
warm-up or compilation inside): the TTFT runs of a prefill point (joules per prompt token), the
E2E runs of a decode point (joules per output token, the prefill of each request included).
An out-of-memory at one point is recorded as such and the sweep goes on; memory is freed
between points.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from harness.config.configs import PerfSettings

VARIANTS = ("eager", "static-cache", "static-cache+compile")


def variant_kwargs(name: str, device: str) -> dict[str, Any]:
    """generate() arguments of a variant: "eager" (dynamic KV cache, no compilation),
    "static-cache" (pre-allocated KV cache, compilation off) or "static-cache+compile"
    (transformers compiles the forward pass; on CPU only when asked, as here)."""
    if name == "eager":
        return {}
    if name == "static-cache":
        return {"cache_implementation": "static", "disable_compile": True}
    if name == "static-cache+compile":
        from transformers import CompileConfig

        cfg = CompileConfig()
        cfg._compile_all_devices = not device.startswith("cuda") or None
        return {"cache_implementation": "static", "compile_config": cfg}
    raise ValueError(f"unknown perf variant {name!r} (known: {', '.join(VARIANTS)})")


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
    """Turn raw per-repeat timings into perf fields (units in the names)."""
    ttft = statistics.median(ttft_s)
    decode_times = [e - t for t, e in zip(ttft_s, e2e_s, strict=True)]
    decode = statistics.median(decode_times)
    steps = max(new_tokens - 1, 1)
    tpot = [d / steps for d in decode_times]
    return {
        "prompt_tokens": prompt_tokens, "new_tokens": new_tokens, "batch_size": batch_size,
        "repeats": len(ttft_s), "ttft_s": ttft, "ttft_p90_s": percentile(ttft_s, 90),
        "prefill_tokens_per_s": batch_size * prompt_tokens / ttft,
        "tpot_s": statistics.median(tpot), "tpot_p90_s": percentile(tpot, 90),
        "decode_tokens_per_s": batch_size * steps / decode if decode > 0 else None,
        "e2e_s": statistics.median(e2e_s),
        "output_tokens_per_s": batch_size * new_tokens / statistics.median(e2e_s),
        "raw": {"ttft_s": list(ttft_s), "e2e_s": list(e2e_s)},
    }


def is_oom(exc: BaseException) -> bool:
    """True for CUDA out-of-memory errors and failed CPU allocations."""
    import torch

    text = str(exc).lower()
    return isinstance(exc, torch.OutOfMemoryError) or (
        isinstance(exc, RuntimeError) and ("out of memory" in text or "can't allocate" in text))


def free_memory(device: str) -> None:
    """Release what a finished point held before the next one starts."""
    gc.collect()
    if device.startswith("cuda"):
        import torch

        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


class Runner:
    """Times generate() on random prompts for one model, device and variant."""

    def __init__(self, model: Any, tokenizer: Any, device: str, variant: str) -> None:
        self.model, self.device = model, device
        self.kwargs = variant_kwargs(variant, device)
        cfg = model.config
        special = set(tokenizer.all_special_ids) if tokenizer is not None else \
            {i for i in (cfg.bos_token_id, cfg.eos_token_id, cfg.pad_token_id) if i is not None}
        size = min(len(tokenizer), cfg.vocab_size) if tokenizer is not None else cfg.vocab_size
        self.vocab = [i for i in range(size) if i not in special]
        eos = cfg.eos_token_id if cfg.eos_token_id is not None else 0
        self.pad = tokenizer.pad_token_id if tokenizer is not None and \
            tokenizer.pad_token_id is not None else (eos[0] if isinstance(eos, list) else eos)
        self.static = self.kwargs.get("cache_implementation") == "static"
        self.cache_len: int | None = None

    def begin_point(self, prompt: int, new: int) -> None:
        """Size the static KV cache for this point: prompt + the point's longest output."""
        self.cache_len = prompt + new

    def timed(self, prompt: int, batch: int, new: int, sync: Callable[[], None]) -> float:
        """Seconds for one generate() of exactly `new` tokens after a `prompt`-token prompt."""
        import torch

        gen = torch.Generator().manual_seed(prompt * 1000 + batch)
        picks = torch.randint(0, len(self.vocab), (batch, prompt), generator=gen)
        ids = torch.tensor(self.vocab)[picks].to(self.device)
        if self.static and self.cache_len:
            # transformers sizes a static cache at the longest length any earlier generate()
            # asked for (to spare recompiles): left alone, the 16k-token prefill point would
            # make every later decode point allocate, and attend over, a 16k-token cache.
            # One length per point also keeps a compiled decode step valid across its calls.
            self.model._previous_max_cache_length = self.cache_len
        sync()
        t0 = time.perf_counter()
        with torch.inference_mode():
            self.model.generate(input_ids=ids, attention_mask=torch.ones_like(ids),
                                max_new_tokens=new, min_new_tokens=new, do_sample=False,
                                pad_token_id=self.pad, **self.kwargs)
        sync()
        return time.perf_counter() - t0


def window_tokens(p: dict[str, Any]) -> int:
    """Tokens behind a finished point's energy window: prompt tokens for prefill, output
    tokens for decode (see the module's method)."""
    per_run = p["prompt_tokens"] if p["kind"] == "prefill" else p["new_tokens"]
    return p["batch_size"] * per_run * p["repeats"]


def sync_for(device: str) -> Callable[[], None]:
    """A function that waits for the device to finish queued work."""
    if device.startswith("cuda"):
        import torch

        return torch.cuda.synchronize
    return lambda: None


def point(runner: Runner, kind: str, prompt: int, batch: int, settings: PerfSettings,
          max_positions: int | None,
          window: AbstractContextManager[Any] | None = None) -> dict[str, Any]:
    """One perf point: prefill (TTFT only) or decode (TTFT and E2E), with its status.
    `window` (an energy meter) is entered around the runs `window_tokens` counts."""
    new = 1 if kind == "prefill" else settings.new_tokens
    base = {"kind": kind, "prompt_tokens": prompt, "batch_size": batch, "new_tokens": new}
    if max_positions and prompt + new > max_positions:
        return {**base, "status": "skipped",
                "reason": f"{prompt + new} tokens exceed the model's {max_positions} positions"}
    sync = sync_for(runner.device)
    if hasattr(runner, "begin_point"):
        runner.begin_point(prompt, new)
    try:
        for _ in range(settings.warmup):
            runner.timed(prompt, batch, new, sync)
        ttft: list[float] = []
        e2e: list[float] = []
        with window if window is not None and kind == "prefill" else nullcontext():
            ttft = [runner.timed(prompt, batch, 1, sync) for _ in range(settings.repeats)]
        if kind == "decode":
            with window if window is not None else nullcontext():
                e2e = [runner.timed(prompt, batch, new, sync) for _ in range(settings.repeats)]
    except Exception as exc:
        if not is_oom(exc):
            raise
        return {**base, "status": "oom", "reason": str(exc).splitlines()[0][:300]}
    if kind == "prefill":
        t = statistics.median(ttft)
        return {**base, "status": "ok", "repeats": len(ttft), "ttft_s": t,
                "ttft_p90_s": percentile(ttft, 90), "prefill_tokens_per_s": batch * prompt / t,
                "raw": {"ttft_s": ttft}}
    return {**base, "status": "ok", **summarize(ttft, e2e, prompt, new, batch)}
