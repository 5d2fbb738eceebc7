"""Accuracy generation with continuous batching: lm-eval's HFLM with its generate_until on
transformers' ContinuousBatchingManager (paged KV cache) instead of padded fixed batches.

Every request of a task is submitted at once; the engine runs as many sequences as its KV
blocks hold and starts a new one as soon as one finishes, so no step is spent on sequences
that have already stopped. Each generation is handed to lm-eval's cache hook (the harness's
sample cache, harness.accuracy.resume) the moment it finishes, so a kill loses only what was
in flight. Requests are grouped by their generation settings (one manager per group), so each
task's sampling settings and max new tokens are honoured. The finish reason of every request
(`stop`: EOS or a stop string; `length`: the token limit) is counted. Scoring, prompts and
loglikelihood requests stay HFLM's.

The KV budget is sized from memory (harness.plan.kv_budget): on a GPU from what is free after
the weights are loaded, on a CPU from a share of the memory available.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections import Counter, defaultdict
from typing import Any

from lm_eval.models.huggingface import HFLM

from harness.errors import HarnessError
from harness.plan import kv_budget, params

PATH = "continuous batching (transformers ContinuousBatchingManager, paged KV cache)"
PAGE_TOKENS = 256
GPU_KV_SHARE = 0.85  # of the memory free after the weights: the rest for activations
CPU_KV_BYTES = 2e9  # CPU runs: at most this much for KV (a laptop shares its memory)


def kv_plan(model: Any, device: str, prompt_tokens: int, max_new_tokens: int
            ) -> kv_budget.Budget:
    """The KV budget on this device for sequences of prompt + max new tokens."""
    import torch

    elem = next(model.parameters()).element_size()
    per_token = params.kv_bytes_per_token(model.config) // params.KV_BYTES * elem
    if device.startswith("cuda"):
        free, _ = torch.cuda.mem_get_info()
        free_bytes = free * GPU_KV_SHARE
    else:
        import psutil

        free_bytes = min(CPU_KV_BYTES, psutil.virtual_memory().available * 0.25)
    return kv_budget.kv_budget(free_bytes, per_token, prompt_tokens, max_new_tokens,
                               PAGE_TOKENS)


class ContinuousLM(HFLM):
    """HFLM whose generate_until runs on transformers' continuous batching."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.finish_reasons: Counter[str] = Counter()
        self.budget: kv_budget.Budget | None = None
        self.peak_running = 0  # most sequences seen decoding at once
        self.generated_tokens = 0  # the engine's own count, over every request

    def generate_until(self, requests: list[Any], disable_tqdm: bool = False) -> list[str]:
        """Generate every request, grouped by generation settings; see the module docstring."""
        from lm_eval.models.utils import handle_stop_sequences, normalize_gen_kwargs

        eos = self.tok_decode(self.eot_token_id, skip_special_tokens=False)
        groups: dict[str, list[int]] = defaultdict(list)
        for i, req in enumerate(requests):
            groups[json.dumps(req.args[1], sort_keys=True, default=str)].append(i)
        out: list[str] = [""] * len(requests)
        for idxs in groups.values():
            gen_kwargs = requests[idxs[0]].args[1]
            kwargs = normalize_gen_kwargs(gen_kwargs, self.max_gen_toks)
            until = handle_stop_sequences(kwargs.pop("until", None), eos=eos)
            max_new = int(kwargs.pop("max_gen_toks"))
            min_new = int(kwargs.pop("min_new_tokens", 0) or 0)
            if min_new and min_new < max_new:
                raise HarnessError("The continuous-batching engine can suppress EOS only for "
                                   "a whole generation (min_new_tokens = max_gen_toks); use "
                                   "--backend-arg generation=static for other minimums.")
            if min_new:  # a rehearsal: every generation runs to its limit
                until = []
            prompts = [self.tok_encode(requests[i].args[0],
                                       left_truncate_len=self.max_length - max_new)
                       for i in idxs]
            texts = self._run_group(prompts, max_new, kwargs, until,
                                    [requests[i].args for i in idxs], to_limit=bool(min_new))
            for i, text in zip(idxs, texts, strict=True):
                out[i] = text
        return out

    def _run_group(self, prompts: list[list[int]], max_new: int, kwargs: dict[str, Any],
                   until: list[str], args: list[tuple[str, dict[str, Any]]],
                   to_limit: bool = False) -> list[str]:
        from transformers import ContinuousBatchingConfig, GenerationConfig

        budget = kv_plan(self.model, str(self.device), max(len(p) for p in prompts), max_new)
        sample = bool(kwargs.get("do_sample")) and kwargs.get("temperature", 1.0) > 0
        settings = {k: kwargs[k] for k in ("temperature", "top_p", "top_k", "min_p")
                    if sample and k in kwargs}
        gen_config = GenerationConfig(
            max_new_tokens=max_new, do_sample=sample, **settings,
            eos_token_id=-1 if to_limit else (stop_ids(self.tokenizer, self.model) or -1),
            pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id)
        # never more blocks than every request at its longest needs: the engine's bookkeeping
        # grows with the block count (a tiny model's 2 GB would be millions of blocks)
        needed = len(prompts) * math.ceil(budget.sequence_tokens / PAGE_TOKENS)
        blocks = min(budget.blocks, needed)
        budget = dataclasses.replace(
            budget, blocks=blocks, tokens=blocks * PAGE_TOKENS,
            concurrency=blocks // math.ceil(budget.sequence_tokens / PAGE_TOKENS))
        if self.budget is None or budget.tokens >= self.budget.tokens:  # run.json: the largest
            self.budget = budget
        sizes = {"num_blocks": blocks, "max_batch_tokens": max(PAGE_TOKENS,
                                                                min(2048, budget.tokens))}
        try:
            cb_config = ContinuousBatchingConfig(page_size=PAGE_TOKENS, **sizes)
        except TypeError:  # transformers before 5.23 calls the page a block
            cb_config = ContinuousBatchingConfig(block_size=PAGE_TOKENS, **sizes)
        manager = self.model.init_continuous_batching(generation_config=gen_config,
                                                      continuous_batching_config=cb_config)
        texts: dict[str, str] = {}
        spans: list[tuple[float, float]] = []
        manager.start()
        try:
            ids = {manager.add_request(p, request_id=f"r{n}", max_new_tokens=max_new): n
                   for n, p in enumerate(prompts)}
            while len(texts) < len(prompts):
                result = manager.get_result(timeout=1.0)
                if result is None:
                    if not manager.is_running():
                        raise HarnessError("The continuous-batching engine stopped before "
                                           "finishing every request; run again (finished "
                                           "samples are kept), or use --backend-arg "
                                           "generation=static.")
                    continue
                if result.error:
                    raise HarnessError(f"Continuous batching failed on a request: "
                                       f"{result.error}")
                n = ids[result.request_id]
                tokens = result.generated_tokens
                self.generated_tokens += len(tokens)
                spans.append(tuple(getattr(result, "lifespan", (-1, -1))))
                self.finish_reasons["length" if len(tokens) >= max_new else "stop"] += 1
                text = self.tok_decode(tokens)
                cut = min((text.find(s) for s in until if s and s in text), default=-1)
                text = text[:cut] if cut >= 0 else text
                texts[result.request_id] = text
                self.cache_hook.add_partial("generate_until", args[n], text)
        finally:
            manager.stop(block=True)
        self.peak_running = max(self.peak_running, most_at_once(spans))
        return [texts[f"r{n}"] for n in range(len(prompts))]

    def describe(self) -> dict[str, Any]:
        """What run.json records about the path: KV blocks, tokens, sequences at once."""
        b = self.budget
        return {"generation_path": PATH, "kv_page_tokens": PAGE_TOKENS,
                "kv_blocks": b.blocks if b else None, "kv_tokens": b.tokens if b else None,
                "kv_bytes": b.tokens * b.kv_bytes_per_token if b else None,
                "max_sequences_at_full_length": b.concurrency if b else None,
                "sequences_at_once_reached": self.peak_running or None,
                "finish_reasons": dict(self.finish_reasons)}


def stop_ids(tokenizer: Any, model: Any) -> list[int]:
    """Every token that ends a generation: the tokenizer's EOS and each of the model's
    generation_config.json (QwQ-32B's lists <|im_end|> and <|endoftext|>; its tokenizer names
    only the first, so a generation ending in the second would run on to the token limit)."""
    ids = [tokenizer.eos_token_id]
    config = getattr(model, "generation_config", None)
    listed = getattr(config, "eos_token_id", None)
    ids += listed if isinstance(listed, (list, tuple)) else [listed]
    return list(dict.fromkeys(int(i) for i in ids if i is not None and int(i) >= 0))


def most_at_once(spans: list[tuple[float, float]]) -> int:
    """The most requests running at the same time, from each one's (start, end) of decoding
    (0 where the engine does not report them)."""
    edges = sorted([(start, 1) for start, end in spans if 0 <= start <= end]
                   + [(end, -1) for start, end in spans if 0 <= start <= end],
                   key=lambda e: (e[0], e[1]))  # an end before a start at the same instant
    running = peak = 0
    for _, step in edges:
        running += step
        peak = max(peak, running)
    return peak


def available(model: Any) -> bool:
    """Whether the installed transformers offers continuous batching for this model."""
    try:
        from transformers import ContinuousBatchingConfig  # noqa: F401
    except ImportError:
        return False
    return hasattr(model, "init_continuous_batching")
