"""The context vLLM reserves KV cache for: as long as its memory allows, and never a start
that fails for want of it.

vLLM refuses to start unless one sequence of `max_model_len` tokens fits in the KV cache
left beside the weights, and `max_model_len` defaults to the model's own length: 131,072 for
the R1 distills, where one sequence of a 32B distill needs 32 GiB of KV, more than an 80 GB
GPU has left beside 65 GB of weights. Where `max_model_len` is not given, the harness asks
for vLLM's auto-fit (`max_model_len=-1`, `--max-model-len auto` in `vllm serve`; vLLM since
its PR #29431): the model's own length where its KV fits, else the longest that does, found
by vLLM from the memory it measured after loading the weights. An estimate made here, before
vLLM has measured anything, can only be wrong one way or the other: too long and the engine
does not start, too short and prompts are cut that would have fit. The length vLLM settles
on is recorded (backend.max_model_len) and checked like any other: a task whose new tokens
do not fit it stops with what to do, and a prompt longer than what is left beside them is
cut by lm-eval and counted (generation.<task>.prompts_cut). The memory vLLM allocates for
the KV cache is set by gpu_memory_utilization (or kv_cache_memory_bytes), not by
max_model_len (its V1 engine), so a longer max_model_len takes nothing from the batch.

Where this vLLM has no auto-fit, or lm-eval runs data parallel replicas (no engine in this
process to ask what it fitted), the harness asks instead for the bench's longest sequence
where the model's length is known (the config.json vLLM will read, where it is on this
machine, else the model's YAML), never more than the model's own: the suite's longest
generation plus PROMPT_ROOM tokens of prompt, or the perf sweep's longest sequence if that
is longer. run.json records the choice (backend.max_model_len_basis).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.config.configs import SuiteConfig
from harness.config.suites import PROMPT_ROOM
from harness.models import ResolvedModel


def perf_context(suite: SuiteConfig) -> int:
    """The longest sequence the perf sweep makes: a prefill prompt and its one token, or a
    decode prompt and its new tokens."""
    perf = suite.perf
    return max(max(perf.prefill_lengths, default=0) + 1,
               perf.decode_prompt_tokens + perf.new_tokens)


def own_length(model: ResolvedModel) -> int | None:
    """The model's max_position_embeddings: from the config.json of its directory (or the
    config.json given as the model), or of the hub's copy in the local cache (what vLLM
    reads), else from its YAML; None if unknown."""
    found: Any = None
    where = Path(model.path or model.name).expanduser()  # random weights: the name says
    local = where if where.suffix == ".json" else where / "config.json"
    if local.is_file():
        found = local
    elif model.hub_id:
        from huggingface_hub import try_to_load_from_cache

        found = try_to_load_from_cache(model.hub_id, "config.json", revision=model.revision)
    if isinstance(found, (str, Path)):
        try:
            value = json.loads(Path(found).read_text()).get("max_position_embeddings")
            if isinstance(value, int):
                return value
        except (OSError, ValueError):
            pass
    value = model.config.architecture.get("max_position_embeddings") if model.config else None
    return int(value) if isinstance(value, int) else None


AUTO_FIT = -1  # vLLM's max_model_len for "the longest that fits" (`--max-model-len auto`)


def auto_fit_supported() -> bool:
    """Does the installed vLLM fit max_model_len to its KV memory when asked for -1? Looked
    up by the function that does it (vLLM has no flag to ask), so a vLLM that renames it is
    sized the older way, never asked for a length it would reject."""
    try:
        from vllm.v1.core import kv_cache_utils
    except Exception:  # noqa: BLE001 - any vLLM that fails this import has no auto-fit
        return False
    return hasattr(kv_cache_utils, "_auto_fit_max_model_len")


def sized_args(args: dict[str, Any], model: ResolvedModel, suite: SuiteConfig,
               gen_kwargs: dict[str, Any], perf: bool, auto_fit: bool | None = None
               ) -> tuple[dict[str, Any], str | None]:
    """`args` with the max_model_len to ask vLLM for (see the module docstring), and what it
    rests on; `args` unchanged (and None) where the user gave one, or, without auto-fit, where
    the model's length is not known or the bench needs all of it. `auto_fit`: whether this
    vLLM has it (None: look it up)."""
    if "max_model_len" in args:
        return args, None
    own = own_length(model)
    need = _need(model, suite, gen_kwargs, perf)
    replicas = int(args.get("data_parallel_size", 1))
    if replicas <= 1 and (auto_fit_supported() if auto_fit is None else auto_fit):
        longest = f"{need[0]:,} tokens ({need[1]})" if need else \
            "not known here (a task's own limit, which only lm-eval reads)"
        return ({**args, "max_model_len": AUTO_FIT},
                f"vLLM's auto-fit: the longest context its KV cache memory holds, at most the "
                f"model's own{f' {own:,}' if own else ''}; this bench's longest sequence is "
                f"{longest}")
    if not own or need is None or need[0] >= own:
        return args, None
    return ({**args, "max_model_len": need[0]},
            f"{need[0]:,} tokens: {need[1]}; the model allows {own:,} (this vLLM has no "
            "auto-fit, and a max_model_len whose KV does not fit beside the weights stops "
            "the engine)")


def _need(model: ResolvedModel, suite: SuiteConfig, gen_kwargs: dict[str, Any],
          perf: bool) -> tuple[int, str] | None:
    """The bench's longest sequence and what it is made of; None where a task's limit is
    its own, unknown until lm-eval loads it."""
    default = model.config.generation.max_new_tokens if model.config else None
    override = gen_kwargs.get("max_gen_toks")
    limits = [override or t.max_new_tokens or default for t in suite.tasks]
    if None in limits:
        return None
    longest = max((int(x) for x in limits if x is not None), default=0)
    parts = [f"the suite's longest generation ({longest:,}) + {PROMPT_ROOM:,} prompt tokens"] \
        if suite.tasks else []
    need = longest + PROMPT_ROOM if suite.tasks else 0
    if perf and perf_context(suite) > need:
        need = perf_context(suite)
        parts = [f"the perf sweep's longest sequence ({need:,})"]
    return (need, parts[0]) if need else None
