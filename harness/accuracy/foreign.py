"""lm-eval's own tasks under the suite's protocol: a task name lm-eval knows, or a task YAML
whose grader is not one of the harness's.

A task name is run from its YAML (found in lm-eval's task index), so the suite's token limit,
the model card's sampling and --gen_kwargs apply to it as to the project's tasks; passed to
lm-eval by name, the task kept its own settings (lm-eval's default of 256 new tokens and
greedy decoding for many), while run.json recorded the suite's. Groups, tags and tasks
written as Python classes can only run by name: a warning says which settings they ignore.

Such a task grades the answer only: a filter step put first in each of its filter pipelines
hands its grader the text after the model's last think tag, and nothing (an empty answer)
for a generation whose thinking never closed, so reasoning is never graded as the answer.
For a model that thinks, the task's stop strings are dropped, except end tokens such as
"</s>" or "<|im_end|>": they were written to stop a base model before it starts the next
few-shot question ("Q:", "Problem:"), and thinking writes such words, which would end the
generation inside its reasoning (the model's end-of-sequence token still stops it).
lm-eval's code tasks (marked unsafe_code: they run model-written code on the host) are
refused: the harness runs such code only in its jail (sandbox.py).
Its grader sees one generation per problem (lm-eval's filters end by taking the first), so
more than one sample per problem, and pass@k, are refused for it: they would be generated
and then thrown away.
"""

from __future__ import annotations

import inspect
import logging
import re
from pathlib import Path
from typing import Any

from harness.accuracy.answers import split_reasoning
from harness.config.configs import TaskEntry
from harness.errors import HarnessError

log = logging.getLogger(__name__)

THINK_KEYS = ("think_end", "think_start", "opens_think")
SPECIAL = re.compile(r"<[^<>\s]+>")  # "</s>", "<|im_end|>": an end token, never in reasoning


def task_yaml(name: str, include_path: str | None = None) -> Path | None:
    """The YAML of a single task lm-eval knows by `name`; None for a group, a tag, a task
    written as a Python class, or a name it does not know."""
    from harness.config.suites import task_manager

    entry = task_manager(include_path).task_index.get(name)
    path = getattr(entry, "yaml_path", None)
    kind = getattr(getattr(entry, "kind", None), "name", "")
    if kind != "TASK" or path is None or "class" in (getattr(entry, "cfg", None) or {}):
        return None
    return Path(path)


_warned: set[str] = set()


def by_name(entry: TaskEntry) -> str:
    """A task that runs by name: say (once) what of the suite it cannot take."""
    if entry.task not in _warned:
        _warned.add(entry.task)
        log.warning("%s runs as lm-eval defines it (a group, a tag or a Python task class): the "
                    "suite's samples, token limit and sampling settings do not reach it, and "
                    "a generated answer is graded whole, reasoning included.", entry.task)
    one_sample(entry)
    return entry.task


def check_safe(path: Path, entry: TaskEntry) -> None:
    """Refuse a task YAML that lm-eval marks unsafe_code, read before its functions are
    imported (lm-eval's code metric loads `evaluate`'s code_eval on import)."""
    from lm_eval.tasks._yaml_loader import load_yaml

    if load_yaml(path, resolve_func=False).get("unsafe_code"):
        raise HarnessError(
            f"Task {entry.task} is one of lm-eval's code tasks, which run model-written code "
            "on this machine outside any sandbox (lm-eval marks them unsafe_code). The "
            "harness runs such code only in its jail: use SUITE=humaneval or SUITE=code "
            "(HumanEval and LiveCodeBench, graded in bubblewrap).")


def takes_think(process_results: Any) -> bool:
    """Whether a task's grading function is one of the harness's: it takes the think tags."""
    if not callable(process_results):
        return False
    try:
        params = inspect.signature(process_results).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.kind is p.VAR_KEYWORD or p.name == "think_end" for p in params)


_ONE_SAMPLE = ("Task {task} is graded by lm-eval's own grader, which scores one generation "
               "per problem (its filters take the first), so {samples} samples per problem, "
               "or pass@k, would be generated and thrown away. Set `samples: 1` and drop "
               "`pass_at` for it, or use a task whose grader is the harness's (configs/tasks/, "
               "a .jsonl problem file) for pass@1 over several samples. A task whose own "
               "YAML sets `repeats` (lm-eval's self-consistency tasks) keeps them at "
               "samples: 1.")


def one_sample(entry: TaskEntry) -> None:
    """Refuse more than one sample per problem (or pass@k) for a grader that takes one."""
    if entry.samples > 1 or any(k > 1 for k in entry.pass_at):
        raise HarnessError(_ONE_SAMPLE.format(task=entry.task, samples=entry.samples))


def answer_only(cfg: dict[str, Any], entry: TaskEntry, think: dict[str, Any] | None
                ) -> dict[str, Any]:
    """`cfg` (a generated-answer task of lm-eval's, not the harness's grader) with the
    answer-only filter first in each filter pipeline and, for a thinking model, no stop
    strings but end tokens; refused with more than one sample per problem."""
    one_sample(entry)
    tags = {k: v for k, v in (think or {}).items() if k in THINK_KEYS}
    if not tags.get("think_end"):
        return cfg
    gen = dict(cfg.get("generation_kwargs") or {})
    until = gen.get("until") or []
    until = [until] if isinstance(until, str) else list(until)
    kept = [stop for stop in until if SPECIAL.fullmatch(str(stop))]
    if kept != until:
        log.info("%s: stop strings %s dropped for a thinking model (its reasoning may write "
                 "them); special tokens kept: %s", entry.task,
                 [s for s in until if s not in kept], kept)
        cfg["generation_kwargs"] = {**gen, "until": kept}
    step = {"function": AnswerOnly, "think": tags}
    pipelines = cfg.get("filter_list") or [{"name": "none",
                                            "filter": [{"function": "take_first"}]}]
    cfg["filter_list"] = [{**p, "filter": [step, *list(p.get("filter") or [])]}
                          for p in pipelines]
    return cfg


class AnswerOnly:
    """A filter step (lm-eval's Filter interface): each generation's answer part, "" where its
    thinking never closed."""

    def __init__(self, think: dict[str, Any]) -> None:
        self.think = think

    def apply(self, resps: list[list[str]], docs: list[dict[str, Any]]) -> list[list[str]]:
        """The answer of every generation of every problem, in order."""
        out = []
        for group in resps:
            splits = [split_reasoning(str(text), **self.think) for text in group]
            out.append(["" if s.truncated else s.answer for s in splits])
        return out
