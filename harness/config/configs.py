"""Typed, frozen configuration loaded from the YAML files under configs/.

Every loader rejects keys it does not know, naming the key and the file, so a typo in a
config fails loudly instead of being silently ignored. Malformed YAML is reported with the
file and line.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.config.checks import did_you_mean
from harness.config.hardware import HardwareConfig
from harness.config.places import ROOT, SHIPPED, locate, names  # noqa: F401  (ROOT: API)
from harness.config.suites import (  # noqa: F401  (part of this module's API)
    PerfSettings,
    SuiteConfig,
    TaskEntry,
    get_suite,
    load_suite_config,
    suite_names,
)
from harness.config.yamlio import ConfigError, at_least, build, read_yaml

CONFIGS = SHIPPED  # the shipped configs; every lookup goes through places.locate


@dataclass(frozen=True)
class Source:
    """Where a model's weights come from: the hub, a GGUF inside a package, or random init."""

    kind: str  # "hub" | "gguf-package" | "random" | "local"
    hub_id: str | None = None
    revision: str = "main"
    package: str | None = None
    file: str | None = None
    path: str | None = None
    tokenizer_from: str | None = None
    seed: int = 0


@dataclass(frozen=True)
class Chat:
    """How prompts are wrapped and where the reasoning ends."""

    use_chat_template: bool = True
    system_prompt: str | None = None
    think_start: str | None = None
    think_end: str | None = None
    template_opens_think: bool = False


@dataclass(frozen=True)
class Generation:
    """Sampling settings from the model card (the `source` says which)."""

    do_sample: bool = False
    temperature: float | None = field(default=None, metadata=at_least(0))
    top_p: float | None = field(default=None, metadata=at_least(0))
    top_k: int | None = field(default=None, metadata=at_least(0))
    min_p: float | None = field(default=None, metadata=at_least(0))
    max_new_tokens: int = field(default=256, metadata=at_least(1))
    math_directive: str | None = None
    source: str = ""


@dataclass(frozen=True)
class Published:
    """A score published by a model's authors, with where it was published."""

    benchmark: str
    metric: str
    value: float
    source: str


@dataclass(frozen=True)
class Parameters:
    """Parameter counts (total and, for mixtures of experts, active per token)."""

    total: int = field(metadata=at_least(1))
    active: int | None = None
    note: str = ""
    source: str = ""


@dataclass(frozen=True)
class BackendChoice:
    """The backend a model runs on by default, with its arguments."""

    default: str = "hf"
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelConfig:
    """One model the harness knows by name (configs/models/<name>.yaml)."""

    name: str
    description: str
    source: Source
    architecture: dict[str, Any]
    dtype: str = "bfloat16"
    needs_gpu: bool = False
    trust_remote_code: bool = False
    parameters: Parameters | None = None
    chat: Chat = field(default_factory=Chat)
    generation: Generation = field(default_factory=Generation)
    published: tuple[Published, ...] = ()
    backend: BackendChoice = field(default_factory=BackendChoice)
    path: str = ""  # the YAML it came from


def _names(kind: str) -> list[str]:
    return names(kind)


def model_names() -> list[str]:
    """Names of the models under configs/models/."""
    return _names("models")


def load_model_config(path: Path) -> ModelConfig:
    """Load and validate one model YAML."""
    data = read_yaml(path)
    for key in ("name", "description", "source", "architecture"):
        if key not in data:
            raise ConfigError(f"{path}: missing required key {key!r}.")
    cfg = build(ModelConfig, data, str(path))
    return dataclasses.replace(cfg, path=str(path))


def hardware_names() -> list[str]:
    """Names of the accelerators under configs/hardware/."""
    return _names("hardware")


def hardware_name(accelerator: str | None) -> str | None:
    """The configs/hardware entry of a GPU as torch or NVML names it ('NVIDIA H100 80GB
    HBM3', one of the entry's `device_names`) or as a user declares it (the entry's name or
    label), compared whole (case and spacing aside): the datasheet of an H100 SXM is not an
    H100 PCIe's, nor an A100 80GB's an A100 40GB's, nor an H200's a GH200's. None when no
    entry names it: then a run has no datasheet bounds, only the ones it measures."""
    key = _spelling(accelerator)
    if not key:
        return None
    for name in hardware_names():
        hw = get_hardware(name)
        if key in {_spelling(n) for n in (hw.name, hw.label, *hw.device_names)}:
            return name
    return None


def _spelling(name: str | None) -> str:
    return " ".join((name or "").upper().split())


def get_hardware(name: str) -> HardwareConfig:
    """The accelerator called `name`, with a clear error if unknown."""
    path = locate("hardware", name)
    if path is None:
        raise ConfigError(f"Unknown GPU {name!r}.{did_you_mean(name, hardware_names())} "
                          f"Known: {', '.join(hardware_names())}. Add a "
                          "YAML under configs/hardware/ for another accelerator.")
    cfg = build(HardwareConfig, read_yaml(path), str(path))
    return dataclasses.replace(cfg, path=str(path))


def published_score(model: str, benchmark: str) -> Published | None:
    """The published headline score (pass@1-style, not cons@64) of a known model on a
    benchmark, with its source; None for unknown models or benchmarks."""
    if model not in model_names():
        return None
    return next((p for p in get_model(model).published
                 if p.benchmark == benchmark and p.metric != "cons@64"), None)


def find_model(name: str) -> ModelConfig | None:
    """The model config for a known name or a model YAML path; None for anything else (a hub
    id, a directory, a .gguf file)."""
    if name.endswith((".yaml", ".yml")):
        if not Path(name).is_file():
            raise ConfigError(f"Model YAML {name} does not exist. Pass the path of a model "
                              "YAML (see configs/models/ for the format) or a model name from "
                              "`harness models`.")
        return load_model_config(Path(name))
    return get_model(name) if name in model_names() else None


def known_hub_id(hub_id: str) -> str | None:
    """The known model whose YAML names the hub repository `hub_id` (any case; "@main" or
    the YAML's own revision may follow), if one does."""
    repo, _, rev = hub_id.partition("@")
    if repo.count("/") != 1:
        return None
    for name in model_names():
        source = get_model(name).source
        if source.hub_id and source.hub_id.lower() == repo.lower() and \
                rev in ("", source.revision or "main"):
            return name
    return None


def get_model(name: str) -> ModelConfig:
    """The model config called `name`; raises ConfigError if there is none."""
    path = locate("models", name)
    if path is None:
        raise ConfigError(f"No model config named {name!r}.{did_you_mean(name, model_names())}")
    return load_model_config(path)
