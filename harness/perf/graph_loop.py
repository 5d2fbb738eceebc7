"""The "graph-loop" perf variant: greedy decode in a loop of the harness's own, one CUDA graph
per token with nothing for the host to do in between.

Why: on an H100, a compiled generate() step of qwq-32b at batch 1 left the GPU idle about
4.2 ms of every 30.2 ms (results/gpu/h100-2026-11-23): generate() runs logits processors,
stopping criteria and streamer code in Python between two graph replays, and reads the new
token back to the host each step. Here one compiled step does the forward pass, the argmax
and the advance of the position, all on the device (torch.compile, mode "reduce-overhead":
CUDA graphs); the host only queues the next replay, so the queue stays ahead of the GPU.
Nothing is read back until the last token: the perf points generate exactly `new` tokens
(EOS is not checked, as min_new_tokens does for the other variants), and each token's time
is a CUDA event recorded behind its step, read after the call.

On a CPU the same loop runs eagerly (no graphs to capture), which keeps it testable: its
tokens equal generate()'s, greedy, on the same static cache.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from typing import Any

from harness.perf.latency import Stamps
from harness.perf.timing import Runner

VARIANT = "graph-loop"


def cache_keyword(model: Any) -> str:
    """The forward pass's name for the KV cache: `cache` from transformers 5.24 on (where
    `past_key_values` is deprecated, to be removed in 5.40), `past_key_values` before."""
    params = inspect.signature(model.forward).parameters
    return "cache" if "cache" in params else "past_key_values"


class GraphLoopRunner(Runner):
    """Runner whose decode is the graph loop (prefill stays one forward pass)."""

    def __init__(self, model: Any, tokenizer: Any, device: str) -> None:
        super().__init__(model, tokenizer, device, "eager")
        self.cuda = device.startswith("cuda")
        self._key: tuple[int, int] | None = None
        self._cache: Any = None
        self._step: Callable[..., Any] = self._raw_step
        self._cache_kw = cache_keyword(model)
        self.last_tokens: Any = None  # the last call's tokens (batch, new), for tests

    def _raw_step(self, token: Any, position: Any, cache: Any) -> tuple[Any, Any]:
        logits = self.model(input_ids=token, cache_position=position, use_cache=True,
                            **{self._cache_kw: cache}).logits
        return logits[:, -1, :].argmax(dim=-1, keepdim=True), position + 1

    def _prepare(self, batch: int, length: int) -> None:
        """A static cache for this batch and length (zeroed on reuse), and the step compiled
        for it: a new shape is a new graph."""
        import torch
        from transformers import StaticCache

        if self._key == (batch, length):
            with torch.inference_mode():  # the cache's tensors were made in inference mode
                self._cache.reset()
            return
        self._cache = StaticCache(config=self.model.config, max_cache_len=length)
        self._key = (batch, length)
        if self.cuda:
            self._step = torch.compile(self._raw_step, mode="reduce-overhead", fullgraph=True)

    def stamped(self, prompt: int, batch: int, new: int, sync: Callable[[], None]) -> Stamps:
        """One call of exactly `new` tokens, each stamped when its step finished on the
        device."""
        return self._run(prompt, batch, new, sync)

    def timed(self, prompt: int, batch: int, new: int, sync: Callable[[], None]) -> float:
        """Seconds for one call of exactly `new` tokens after a `prompt`-token prompt."""
        stamps = self._run(prompt, batch, new, sync)
        return stamps.end - stamps.start

    def _run(self, prompt: int, batch: int, new: int, sync: Callable[[], None]) -> Stamps:
        import torch

        ids = self._prompt(prompt, batch)
        self._prepare(batch, self.cache_len or prompt + new)
        events: list[Any] = []
        host: list[float] = []

        def mark() -> None:  # a token is done: an event behind it on the GPU, a clock on CPU
            if self.cuda:
                events.append(torch.cuda.Event(enable_timing=True))
                events[-1].record()
            else:
                host.append(time.perf_counter())

        sync()
        t0 = time.perf_counter()
        start = torch.cuda.Event(enable_timing=True) if self.cuda else None
        if start is not None:
            start.record()
        tokens = []
        with torch.inference_mode():
            position = torch.arange(prompt, device=self.device)
            logits = self.model(input_ids=ids, cache_position=position, use_cache=True,
                                **{self._cache_kw: self._cache}, **self._last_logits).logits
            token = logits[:, -1, :].argmax(dim=-1, keepdim=True)
            position = position[-1:] + 1
            tokens.append(token)
            mark()
            for _ in range(new - 1):
                if self.cuda:  # the previous replay's outputs may be overwritten from here
                    torch.compiler.cudagraph_mark_step_begin()
                token, position = self._step(token, position, self._cache)
                tokens.append(token.clone())
                mark()
        sync()
        end = time.perf_counter()
        self.last_tokens = torch.cat(tokens, dim=1)
        if start is not None:
            host = [t0 + start.elapsed_time(e) / 1e3 for e in events]
        return Stamps(t0, tuple(host), end)
