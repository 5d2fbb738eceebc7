"""Random weights of a real architecture: the tokenizer a rehearsal uses, and the directory an
engine that loads from files (vLLM) needs.

The hf backend builds the model in memory from the YAML's architecture and needs no file.
vLLM reads a directory (or a hub id): with load_format="dummy" it takes config.json and the
tokenizer from there and fills the weights with random values itself. Online, the backend
passes the hub id, so vLLM reads the checkpoint's own config.json, quantization included.
Offline, where a hub id cannot be fetched, `architecture_dir` writes a directory of its own:
the hub's config.json where the local Hugging Face cache has it, else the architecture of the
model's YAML (or of the config given with --model), and a tokenizer (`rehearsal_tokenizer`).
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from harness.errors import HarnessError
from harness.models import ResolvedModel, cache_dir, cache_key, publish_dir, resolve


def _revision(model: ResolvedModel) -> str | None:
    return model.config.source.revision if model.config else None


def rehearsal_tokenizer(model: ResolvedModel, vocab_size: int | None) -> tuple[Any, str]:
    """(tokenizer, where it came from) for random weights: the model's own where the local
    cache has it, else the bundled tiny-random's (SmolLM2's, 49,152 ids), whose ids every
    architecture here accepts (one with fewer than `vocab_size` stops with what to do); the
    second value goes into run.json."""
    from transformers import AutoTokenizer

    hub = model.hub_id
    if hub:
        try:
            tokenizer = AutoTokenizer.from_pretrained(
                hub, revision=_revision(model), local_files_only=True,
                trust_remote_code=model.trust_remote_code)
            return tokenizer, f"{hub}'s own (found in the local cache)"
        except (OSError, ValueError):
            pass
    tokenizer = AutoTokenizer.from_pretrained(resolve("tiny-random").path)
    if vocab_size is not None and len(tokenizer) > vocab_size:
        raise HarnessError(f"The stand-in tokenizer has {len(tokenizer):,} ids and this "
                           f"architecture only {vocab_size:,}: put the model's own tokenizer in "
                           "the Hugging Face cache to rehearse it.")
    return tokenizer, (f"stand-in: SmolLM2's ({hub or model.name}'s own is not cached here); "
                       "token counts differ from the model's for the same text")


def _cached_hub_config(model: ResolvedModel) -> dict[str, Any] | None:
    """The hub's config.json of `model` where the local Hugging Face cache has it."""
    from huggingface_hub import try_to_load_from_cache

    if not model.hub_id:
        return None
    found = try_to_load_from_cache(model.hub_id, "config.json", revision=_revision(model))
    return json.loads(Path(found).read_text()) if isinstance(found, str) else None


def architecture_dir(model: ResolvedModel) -> tuple[Path, str, str]:
    """(directory, where its config.json came from, where its tokenizer came from): the
    architecture of `model` with a tokenizer and no weights, written once to the harness
    cache. An FP8 model whose config has no quantization config stops here: vLLM would fill
    it in bf16, twice the bytes of the real checkpoint."""
    from harness.plan.sizing import load_architecture

    config = _cached_hub_config(model)
    if config is not None:
        origin = "the hub's config.json (found in the local cache)"
    else:
        label, hf_config = load_architecture(model.config.name if model.config else model.name)
        config, origin = hf_config.to_dict(), f"the architecture in {label}"
    if model.dtype.startswith("float8") and "quantization_config" not in config:
        raise HarnessError(
            f"Random weights of {model.name} on vLLM while offline: the model is FP8, and "
            f"{origin} has no quantization config, so vLLM would fill it in bf16 (twice the "
            "memory of the real checkpoint). Fetch the checkpoint's config.json once where "
            "there is network (`hf download <hub id> config.json`) so the local cache has it, "
            "or run online.")
    tokenizer, tokenizer_origin = rehearsal_tokenizer(model, config.get("vocab_size"))
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", model.name.replace("/", "--")).strip("-.")[-80:]
    out = cache_dir() / "models" / f"{name}-architecture-{cache_key(config, tokenizer_origin)}"
    if not (out / "config.json").exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=out.parent))
        try:
            tokenizer.save_pretrained(tmp)
            (tmp / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True))
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        publish_dir(tmp, out)
    return out, origin, tokenizer_origin
