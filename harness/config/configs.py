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

from harness.config.checks import check_problems, did_you_mean
from harness.config.hardware import HardwareConfig
from harness.config.places import ROOT, SHIPPED, locate, names  # noqa: E402, F401
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


@dataclass(frozen=True)
class TaskEntry:
    """One task of a suite: an lm-eval task name (or one of configs/tasks/)."""

    task: str
    samples: int = field(default=1, metadata=at_least(1))
    max_new_tokens: int | None = field(default=None, metadata=at_least(1))
    limit: int | None = field(default=None, metadata=at_least(1))
    pass_at: tuple[int, ...] = ()  # k values for the unbiased pass@k, besides pass@1


@dataclass(frozen=True)
class PerfSettings:
    """Perf scenarios: prefill at several prompt lengths (batch 1), decode at several batch
    sizes (fixed prompt and output length, EOS ignored), for each attention/cache variant."""

    enabled: bool = True
    prefill_lengths: tuple[int, ...] = field(default=(128,), metadata=at_least(1))
    decode_batch_sizes: tuple[int, ...] = field(default=(1,), metadata=at_least(1))
    decode_prompt_tokens: int = field(default=128, metadata=at_least(1))
    new_tokens: int = field(default=32, metadata=at_least(1))
    repeats: int = field(default=3, metadata=at_least(1))
    warmup: int = field(default=1, metadata=at_least(0))
    variants: tuple[str, ...] = ("eager",)


@dataclass(frozen=True)
class SuiteConfig:
    """A named set of tasks plus perf settings (configs/suites/<name>.yaml)."""

    name: str
    description: str
    tasks: tuple[TaskEntry, ...] = ()
    sampling: str = "model"  # "model": the model card's settings; "greedy": do_sample off
    batch_size: int = field(default=8, metadata=at_least(1))
    limit: int | None = field(default=None, metadata=at_least(1))
    perf: PerfSettings = field(default_factory=PerfSettings)
    path: str = ""


def _names(kind: str) -> list[str]:
    return names(kind)


def model_names() -> list[str]:
    """Names of the models under configs/models/."""
    return _names("models")


def suite_names() -> list[str]:
    """Names of the suites under configs/suites/."""
    return _names("suites")


def load_model_config(path: Path) -> ModelConfig:
    """Load and validate one model YAML."""
    data = read_yaml(path)
    for key in ("name", "description", "source", "architecture"):
        if key not in data:
            raise ConfigError(f"{path}: missing required key {key!r}.")
    cfg = build(ModelConfig, data, str(path))
    return dataclasses.replace(cfg, path=str(path))


def load_suite_config(path: Path) -> SuiteConfig:
    """Load and validate one suite YAML."""
    data = read_yaml(path)
    for key in ("name", "description", "tasks"):
        if key not in data:
            raise ConfigError(f"{path}: missing required key {key!r}.")
    cfg = build(SuiteConfig, data, str(path))
    for entry in cfg.tasks:
        _check_task(entry.task, path)
        too_large = [k for k in entry.pass_at if k > entry.samples or k < 1]
        if too_large:
            raise ConfigError(
                f"{path}: task {entry.task} asks for pass@{too_large[0]} with {entry.samples} "
                f"sample(s) per problem; pass@k needs 1 <= k <= samples (the unbiased "
                f"estimator draws k of the n samples). Set samples: {max(entry.pass_at)} or "
                "more, or drop that k.")
    return dataclasses.replace(cfg, path=str(path))


def _check_task(task: str, suite: Path) -> None:
    """A suite entry names a problem file, a task YAML, one of configs/tasks/ or a task
    lm-eval knows (asked last: building lm-eval's task index takes seconds)."""
    if task.endswith(".jsonl"):
        check_problems(Path(task))
    elif task.endswith((".yaml", ".yml")):
        if not Path(task).is_file():
            raise ConfigError(f"{suite}: task file {task} does not exist.")
    elif locate("tasks", task) is None and not _lm_eval_knows(task):
        ours = names("tasks")
        raise ConfigError(
            f"{suite}: unknown task {task!r}.{did_you_mean(task, ours)} Tasks of this project: "
            f"{', '.join(sorted(ours))}; or a task name from `lm_eval --tasks list`, a task "
            "YAML path, or a .jsonl problem file.")


def hardware_names() -> list[str]:
    """Names of the accelerators under configs/hardware/."""
    return _names("hardware")


GPU_ALIASES = {"H100": "h100-80gb", "H200": "h200-141gb", "A100": "a100-80gb"}


def hardware_name(accelerator: str | None) -> str | None:
    """The configs/hardware name for a GPU name such as 'NVIDIA H100 80GB HBM3'."""
    upper = (accelerator or "").upper()
    return next((hw for key, hw in GPU_ALIASES.items() if key in upper), None)


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


def get_model(name: str) -> ModelConfig:
    """The model config called `name`; raises ConfigError if there is none."""
    path = locate("models", name)
    if path is None:
        raise ConfigError(f"No model config named {name!r}.{did_you_mean(name, model_names())}")
    return load_model_config(path)


def get_suite(name: str) -> SuiteConfig:
    """A suite by name, or built around one task: a suite YAML path, an lm-eval task YAML
    path, a .jsonl problem file (question, answer, optional id), or a task name lm-eval
    knows. Anything else is an error that lists the known suites."""
    if name.endswith(".jsonl"):
        return _single_task_suite(name, Path(name).stem)
    is_file = name.endswith((".yaml", ".yml"))
    path = Path(name) if is_file else locate("suites", name)
    if is_file and not path.is_file():
        raise ConfigError(f"Suite file {name} does not exist. Pass the path of a suite or "
                          f"task YAML, or a suite name ({', '.join(suite_names())}).")
    if path is not None:
        if is_file and "task" in read_yaml(path, any_tag=True):
            return _single_task_suite(str(path), path.stem)
        return load_suite_config(path)
    if not name.endswith((".yaml", ".yml")) and _lm_eval_knows(name):
        return _single_task_suite(name, name)
    raise ConfigError(
        f"Unknown suite {name!r}.{did_you_mean(name, suite_names())} Known suites: "
        f"{', '.join(suite_names())}. Pass one of these "
        "names, the path of a suite or lm-eval task YAML, a .jsonl file of problems (fields "
        "question, answer, optional id), or a task name lm-eval knows."
    )


def _single_task_suite(task: str, name: str) -> SuiteConfig:
    if task.endswith(".jsonl"):
        check_problems(Path(task))
    return SuiteConfig(name=name, description=f"the single task {task}",
                       tasks=(TaskEntry(task=task),), sampling="model", path=task)


def _lm_eval_knows(task: str) -> bool:
    from lm_eval.tasks import TaskManager

    return task in TaskManager().all_tasks
