"""Suites: the typed suite YAML, and how a --suite value becomes one. A value is a suite
name, a suite YAML, a task YAML, a .jsonl problem file, a task name lm-eval knows (tasks
under --include_path too), or several of these joined by commas, run as one suite."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.config.checks import check_problems, did_you_mean
from harness.config.places import locate, names
from harness.config.yamlio import ConfigError, at_least, build, read_yaml

# Prompt tokens to leave room for beside a task's max new tokens where an engine's length is
# chosen or advised: QwQ-32B's evaluations took about 8k of prompt and 32k of generation, 40k
# in all (QwenLM/Qwen3 issue #1227, the Qwen team's answer); 40,960 is its config.json's length
PROMPT_ROOM = 8192


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


def suite_names() -> list[str]:
    """Names of the suites under configs/suites/."""
    return names("suites")


def load_suite_config(path: Path, include_path: str | None = None) -> SuiteConfig:
    """Load and validate one suite YAML."""
    data = read_yaml(path)
    for key in ("name", "description", "tasks"):
        if key not in data:
            raise ConfigError(f"{path}: missing required key {key!r}.")
    cfg = build(SuiteConfig, data, str(path))
    for entry in cfg.tasks:
        _check_task(entry.task, path, include_path)
        too_large = [k for k in entry.pass_at if k > entry.samples or k < 1]
        if too_large:
            raise ConfigError(
                f"{path}: task {entry.task} asks for pass@{too_large[0]} with {entry.samples} "
                f"sample(s) per problem; pass@k needs 1 <= k <= samples (the unbiased "
                f"estimator draws k of the n samples). Set samples: {max(entry.pass_at)} or "
                "more, or drop that k.")
    return dataclasses.replace(cfg, path=str(path))


def _check_task(task: str, suite: Path, include_path: str | None = None) -> None:
    """A suite entry names a problem file, a task YAML, one of configs/tasks/ or a task
    lm-eval knows (asked last: building lm-eval's task index takes seconds)."""
    if task.endswith(".jsonl"):
        check_problems(Path(task))
    elif task.endswith((".yaml", ".yml")):
        if not Path(task).is_file():
            raise ConfigError(f"{suite}: task file {task} does not exist.")
    elif locate("tasks", task) is None and not _lm_eval_knows(task, include_path):
        ours = names("tasks")
        raise ConfigError(
            f"{suite}: unknown task {task!r}.{did_you_mean(task, ours)} Tasks of this project: "
            f"{', '.join(sorted(ours))}; or a task name from `lm_eval --tasks list`, a task "
            "YAML path, or a .jsonl problem file.")


def get_suite(name: str, include_path: str | None = None) -> SuiteConfig:
    """A suite by name, or built around one task: a suite YAML path, an lm-eval task YAML
    path, a .jsonl problem file (question, answer, optional id), or a task name lm-eval
    knows (with `include_path`, its tasks too); several joined by commas make one suite.
    Anything else is an error that lists the known suites."""
    if not name.strip():
        raise ConfigError(f"--suite is empty: give a suite name ({', '.join(suite_names())}), "
                          "a suite or task YAML, a .jsonl file or an lm-eval task name.")
    if "," in name:
        return _joined([get_suite(part.strip(), include_path)
                        for part in name.split(",")])
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
        return load_suite_config(path, include_path)
    if not name.endswith((".yaml", ".yml")) and _lm_eval_knows(name, include_path):
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


def _joined(parts: list[SuiteConfig]) -> SuiteConfig:
    """Several suites or tasks as one run (lm-eval's `--tasks a,b`): their tasks in order,
    the first part's sampling, batch size and perf settings."""
    if not parts:
        raise ConfigError("--suite names nothing between its commas.")
    first = parts[0]
    tasks = tuple(t for p in parts for t in p.tasks)
    seen = [t.task for t in tasks]
    if len(set(seen)) < len(seen):
        twice = next(t for t in seen if seen.count(t) > 1)
        raise ConfigError(f"--suite names task {twice!r} twice; name each task once.")
    return dataclasses.replace(first, name="+".join(p.name for p in parts), tasks=tasks,
                               description="; ".join(p.description for p in parts),
                               limit=None, path=",".join(p.path for p in parts))


def _lm_eval_knows(task: str, include_path: str | None = None) -> bool:
    return task in task_manager(include_path).all_tasks


def task_manager(include_path: str | None = None, defaults: bool = True) -> Any:
    """lm-eval's TaskManager over its own tasks (unless not `defaults`) and `include_path`,
    built once per process while the files under `include_path` stay as they were: with
    lm-eval's defaults its index holds ~15,000 task, group and tag names and took 10-12 s
    to build on the 2-core development VM, and every bench built one, the test suite some
    forty. The manager holds only that index; every task it loads is built anew."""
    return _manager(include_path, defaults, _listing(include_path))


@functools.lru_cache(maxsize=4)
def _manager(include_path: str | None, defaults: bool,
             listing: tuple[tuple[str, int, int], ...]) -> Any:
    from lm_eval.tasks import TaskManager

    return TaskManager(include_path=include_path, include_defaults=defaults)


def _listing(include_path: str | None) -> tuple[tuple[str, int, int], ...]:
    """(path, mtime, size) of every file under `include_path`: an edited YAML is a new key."""
    if not include_path:
        return ()
    found = []
    for path in sorted(Path(include_path).rglob("*")):
        if path.is_file():
            stat = path.stat()
            found.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(found)
