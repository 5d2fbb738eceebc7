"""Prefill and decode speed of a loaded transformers model, as a sweep of scenarios.

Method: prompts of exactly N random (seeded) token ids; warm-up runs of the point's full
output length first (kernel selection, compilation, allocator growth at every cache length and
lazy initialisation would otherwise land in the first timing); the device is synchronized
before each clock read, since CUDA calls return before the work is done. Prefill is one
forward pass over the prompt (logits of the last position only, as generate() computes them).
Decode is one generate() of `new_tokens` with EOS suppressed (min_new_tokens), each token
stamped as it reaches the host (a streamer; generate() copies every token to the host, which
synchronizes the device): TTFT is the first token's stamp, TPOT = (last - first) / (tokens -
1), ITL the gaps between stamps and E2E the whole call, all from the same call (the vLLM bench
definitions), so no figure comes from subtracting two separate runs. Medians over repeats,
with p90 and the raw stamps kept. Energy is a window over the timed runs only (steady state:
no warm-up or compilation inside): the forward passes of a prefill point (joules per prompt
token), the generate() calls of a decode point (joules per output token, the prefill of each
request included). The machine's 1-minute load average is read before and after each point.
An out-of-memory at one point is recorded as such and the sweep goes on; memory is freed
between points.
"""

from __future__ import annotations

import gc
import inspect
import os
import statistics
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from harness.config.configs import PerfSettings
from harness.perf.latency import (
    STREAMER,
    Stamps,
    TokenClock,
    percentile,
    summarize,
    summarize_separate,
)

VARIANTS = ("eager", "static-cache", "static-cache+compile", "graph-loop")  # the last:
# harness.perf.graph_loop, a decode loop of the harness's own rather than generate() arguments


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
    if name == "graph-loop":
        raise ValueError("graph-loop is a runner of its own (harness.perf.graph_loop)")
    raise ValueError(f"unknown perf variant {name!r} (known: {', '.join(VARIANTS)})")


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
        params = inspect.signature(model.forward).parameters
        self._last_logits = {"logits_to_keep": 1} if "logits_to_keep" in params else {}

    def begin_point(self, prompt: int, new: int) -> None:
        """Size the static KV cache for this point: prompt + the point's longest output."""
        self.cache_len = prompt + new

    def _prompt(self, prompt: int, batch: int) -> Any:
        import torch

        gen = torch.Generator().manual_seed(prompt * 1000 + batch)
        picks = torch.randint(0, len(self.vocab), (batch, prompt), generator=gen)
        return torch.tensor(self.vocab)[picks].to(self.device)

    def prefill(self, prompt: int, batch: int, sync: Callable[[], None]) -> float:
        """Seconds for one forward pass over a `prompt`-token prompt (the KV cache built, the
        last position's logits computed), as generate()'s prefill does it."""
        import torch

        ids = self._prompt(prompt, batch)
        sync()
        t0 = time.perf_counter()
        with torch.inference_mode():
            self.model(input_ids=ids, attention_mask=torch.ones_like(ids), use_cache=True,
                       **self._last_logits)
        sync()
        return time.perf_counter() - t0

    def stamped(self, prompt: int, batch: int, new: int, sync: Callable[[], None]) -> Stamps:
        """One generate() of exactly `new` tokens, each token stamped as it arrives."""
        clock = TokenClock()
        start, end = self._generate(prompt, batch, new, sync, clock)
        return Stamps(start, tuple(clock.times), end)

    def timed(self, prompt: int, batch: int, new: int, sync: Callable[[], None]) -> float:
        """Seconds for one generate() of exactly `new` tokens after a `prompt`-token prompt."""
        start, end = self._generate(prompt, batch, new, sync, None)
        return end - start

    def _generate(self, prompt: int, batch: int, new: int, sync: Callable[[], None],
                  streamer: TokenClock | None) -> tuple[float, float]:
        import torch

        ids = self._prompt(prompt, batch)
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
                                pad_token_id=self.pad, streamer=streamer, **self.kwargs)
        sync()
        return t0, time.perf_counter()


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


def point(runner: Any, kind: str, prompt: int, batch: int, settings: PerfSettings,
          max_positions: int | None,
          window: AbstractContextManager[Any] | None = None) -> dict[str, Any]:
    """One perf point: prefill (forward passes) or decode (generate() calls), with its
    status. `window` (an energy meter) is entered around the runs `window_tokens` counts.
    An engine's runner without `prefill`/`stamped` is timed the older way (separate calls)."""
    new = 1 if kind == "prefill" else settings.new_tokens
    base = {"kind": kind, "prompt_tokens": prompt, "batch_size": batch, "new_tokens": new,
            "load_avg_1m_start": _load()}
    # A forward pass over the prompt feeds `prompt` positions; generate() (decode, or an
    # engine's one-token prefill) must also fit its output: vLLM refuses prompt + max_tokens
    # past max_model_len, so a prompt of exactly the context is a prefill point, not decode.
    needed = prompt if kind == "prefill" and hasattr(runner, "prefill") else prompt + new
    if max_positions and needed > max_positions:
        return {**base, "status": "skipped",
                "reason": f"{needed} tokens exceed the model's {max_positions} positions"}
    sync = sync_for(runner.device)
    if hasattr(runner, "begin_point"):
        runner.begin_point(prompt, new)
    window = window if window is not None else nullcontext()
    try:
        out = _prefill(runner, prompt, batch, settings, sync, window) if kind == "prefill" \
            else _decode(runner, prompt, batch, new, settings, sync, window)
    except Exception as exc:
        if not is_oom(exc):
            raise
        return {**base, "status": "oom", "reason": str(exc).splitlines()[0][:300]}
    return {**base, "status": "ok", **out, "load_avg_1m_end": _load()}


def _prefill(runner: Any, prompt: int, batch: int, settings: PerfSettings,
             sync: Callable[[], None], window: AbstractContextManager[Any]) -> dict[str, Any]:
    if not hasattr(runner, "prefill"):  # an engine without a bare forward: TTFT of 1 token
        for _ in range(settings.warmup):
            runner.timed(prompt, batch, 1, sync)
        with window:
            times = [runner.timed(prompt, batch, 1, sync) for _ in range(settings.repeats)]
        how = "time to first token of a 1-token generation"
    else:
        for _ in range(settings.warmup):
            runner.prefill(prompt, batch, sync)
        with window:
            times = [runner.prefill(prompt, batch, sync) for _ in range(settings.repeats)]
        how = "one forward pass over the prompt"
    t = statistics.median(times)
    return {"repeats": len(times), "prefill_s": t, "prefill_p90_s": percentile(times, 90),
            "prefill_tokens_per_s": batch * prompt / t, "timing": how,
            "raw": {"prefill_s": times}}


def _decode(runner: Any, prompt: int, batch: int, new: int, settings: PerfSettings,
            sync: Callable[[], None], window: AbstractContextManager[Any]) -> dict[str, Any]:
    for _ in range(settings.warmup):
        runner.timed(prompt, batch, new, sync)
    if hasattr(runner, "stamped"):
        with window:
            calls = [runner.stamped(prompt, batch, new, sync) for _ in range(settings.repeats)]
        return summarize(calls, prompt, new, batch, getattr(runner, "stamping", STREAMER))
    ttft = [runner.timed(prompt, batch, 1, sync) for _ in range(settings.repeats)]
    with window:
        e2e = [runner.timed(prompt, batch, new, sync) for _ in range(settings.repeats)]
    return summarize_separate(ttft, e2e, prompt, new, batch)


def _load() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None
