"""The context vLLM reserves KV cache for: the bench's longest sequence, not the model's.

vLLM refuses to start unless one sequence of `max_model_len` tokens fits in the KV cache
left beside the weights, and `max_model_len` defaults to the model's own length: 131,072 for
the R1 distills, where one sequence of a 32B distill needs 32 GiB of KV, more than an 80 GB
GPU has left beside 65 GB of weights. A bench knows the longest sequence it will make, so
where `max_model_len` is not given and the model's length is known (the config.json vLLM
will read, where it is on this machine, else the model's YAML), the harness
asks vLLM for that instead, never more than the model's own: the suite's longest generation
plus PROMPT_ROOM tokens of prompt, or the perf sweep's longest sequence if that is longer.
A prompt longer than the room is cut by lm-eval and counted (generation.<task>.prompts_cut);
run.json records the choice (backend.max_model_len_basis).
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


def sized_args(args: dict[str, Any], model: ResolvedModel, suite: SuiteConfig,
               gen_kwargs: dict[str, Any], perf: bool) -> tuple[dict[str, Any], str | None]:
    """`args` with the max_model_len this bench needs (see the module docstring), and what it
    rests on; `args` unchanged (and None) where the user gave one, the model's length is not
    known, or the bench needs all of it."""
    own = None if "max_model_len" in args else own_length(model)
    if not own:
        return args, None
    default = model.config.generation.max_new_tokens if model.config else None
    override = gen_kwargs.get("max_gen_toks")
    limits = [override or t.max_new_tokens or default for t in suite.tasks]
    if None in limits:  # a task's own limit, unknown until lm-eval loads it: ask for none
        return args, None
    longest = max((int(x) for x in limits if x is not None), default=0)
    parts = [f"the suite's longest generation ({longest:,}) + {PROMPT_ROOM:,} prompt tokens"] \
        if suite.tasks else []
    need = longest + PROMPT_ROOM if suite.tasks else 0
    if perf and perf_context(suite) > need:
        need = perf_context(suite)
        parts = [f"the perf sweep's longest sequence ({need:,})"]
    if not need or need >= own:
        return args, None
    return ({**args, "max_model_len": need},
            f"{need:,} tokens: {parts[0]}; the model allows {own:,} (a longer "
            "max_model_len only has vLLM reserve KV for sequences this bench never makes)")
