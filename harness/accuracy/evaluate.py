"""Run a suite's tasks through lm-eval and turn its output into run.json fields: the
headline score with its standard error, per-problem scores, generation statistics counted
on the raw generations, and the samples with each generation's extracted answer and verdict.
How a suite entry becomes an lm-eval task is harness.accuracy.tasks.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections import Counter
from pathlib import Path
from typing import Any

from harness.accuracy import tasks as tasks_mod
from harness.accuracy import verdicts
from harness.accuracy.grading import explain
from harness.accuracy.metrics import (  # noqa: F401  (generation_stats: part of this API)
    cuts_prompts,
    generation_stats,
    max_gen_toks,
    prompts_cut,
    task_metrics,
    texts_of,
    token_counter,
)
from harness.config.configs import ModelConfig, SuiteConfig, TaskEntry
from harness.config.suites import PROMPT_ROOM, task_manager
from harness.errors import HarnessError
from harness.results import files


@dataclasses.dataclass(frozen=True)
class Options:
    """lm-eval's own knobs as `harness bench` takes them (--gen_kwargs, --num_fewshot,
    --seed, --include_path; the README maps each lm-eval option to the harness's)."""

    gen_kwargs: dict[str, Any] = dataclasses.field(default_factory=dict)
    num_fewshot: int | None = None
    seed: int | None = None
    include_path: str | None = None
    think: dict[str, Any] | None = None  # grading's think tags as a run recorded them (regrade)
    docs: dict[str, list[dict[str, Any]]] | None = None  # a run's logged problems (regrade)

    def record(self) -> dict[str, Any]:
        """What run.json keeps of them (under generation.settings.lm_eval), if any."""
        out = {"num_fewshot": self.num_fewshot, "seed": self.seed,
               "include_path": self.include_path}
        return {k: v for k, v in out.items() if v is not None}


def _limit(entry: TaskEntry, suite: SuiteConfig, cli: float | None) -> float | None:
    """At most `cli` problems if given, never more than the suite entry's own limit; a
    fraction (0 < cli < 1) is lm-eval's: that share of each task's problems."""
    if cli is not None and cli < 1:
        return cli
    limits = [x for x in (entry.limit, cli if cli is not None else suite.limit) if x]
    return min(limits) if limits else None


def run(lm: Any, suite: SuiteConfig, model: ModelConfig | None, tokenizer: Any,
        limit: float | None, samples_dir: Path,
        identity: dict[str, Any] | None = None, rehearse: bool = False,
        options: Options = Options()) -> dict[str, Any]:
    """Evaluate `lm` on the suite, one lm-eval call per task (each with its own limit);
    write samples; return {"tasks", "generation"} for run.json. With an `identity` (what
    makes two generations interchangeable: model, revision, dtype, backend), finished
    samples are cached on disk and reused by the next run (harness.accuracy.resume). With
    `rehearse`, the suite runs as a rehearsal (harness.accuracy.rehearsal): every generation
    to its limit, no scores, stand-in prompts where a dataset is unavailable. lm-eval's own
    results JSON of all the tasks is written beside run.json (lm_eval_results.json)."""
    try:
        return _run(lm, suite, model, tokenizer, limit, samples_dir, identity, rehearse,
                    options)
    finally:
        verdicts.drop()


def _run(lm: Any, suite: SuiteConfig, model: ModelConfig | None, tokenizer: Any,
         limit: float | None, samples_dir: Path, identity: dict[str, Any] | None,
         rehearse: bool, options: Options) -> dict[str, Any]:
    from lm_eval import simple_evaluate

    from harness.accuracy import resume

    if identity is not None:
        from harness.models import cache_dir

        name = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]
        resume.enable(lm, identity, resume.SampleCache(cache_dir() / "samples" / f"{name}.jsonl"),
                      tokenizer)
    else:  # --no-resume and rehearsals: progress all the same, nothing cached
        resume.enable(lm, {}, resume.NoCache(), tokenizer)

    sampling = {**tasks_mod.sampling_kwargs(suite, model), **options.gen_kwargs}
    chat = model.chat if model else None
    think = options.think or tasks_mod.think_settings(model, tokenizer, bool(
        chat is None or chat.use_chat_template or getattr(lm, "chat_only", False)))
    if getattr(lm, "stopped_short", None) is not None:  # a server's shortened budgets
        think = {**think, "stopped_short": lm.stopped_short}
    tasks: dict[str, Any] = {}
    generation: dict[str, Any] = {"settings": {**sampling, **(
        {"lm_eval": options.record()} if options.record() else {}), "grading": {
            k: v for k, v in think.items() if k in ("think_end", "think_start", "opens_think")}}}
    native: dict[str, Any] = {}  # lm-eval's own results JSON, merged over the tasks
    for entry in suite.tasks:
        verdicts.keep()  # each generation graded once, for the score and the samples file
        if entry.max_new_tokens is None and model is not None:
            entry = dataclasses.replace(entry, max_new_tokens=model.generation.max_new_tokens)
        if "max_gen_toks" in options.gen_kwargs:  # the user's --gen_kwargs win
            entry = dataclasses.replace(entry, max_new_tokens=options.gen_kwargs["max_gen_toks"])
        spec = tasks_mod.task_spec(entry, sampling, think, tokenizer, rehearse,
                                   options.include_path)
        if (isinstance(spec, dict) and spec.get("task") in (options.docs or {})
                and not (options.num_fewshot or spec.get("num_fewshot"))):
            spec = tasks_mod.from_logged_docs(spec, options.docs[spec["task"]])
        manager = task_manager(options.include_path, tasks_mod.needs_index(spec))
        _check_context(lm, spec, entry)
        usage_before = dict(getattr(lm, "usage", None) or {})
        tokens_before = getattr(lm, "generated_tokens", None)
        prompts = "the task's own"

        call = {"model": lm, "limit": _limit(entry, suite, limit), "log_samples": True,
                "apply_chat_template": bool(chat is None or chat.use_chat_template
                                            or getattr(lm, "chat_only", False)),
                "system_instruction": chat.system_prompt if chat else None,
                "task_manager": manager, "bootstrap_iters": 0 if rehearse else 1000,
                "num_fewshot": options.num_fewshot}
        if options.seed is not None:
            call.update(random_seed=options.seed, numpy_random_seed=options.seed,
                        torch_random_seed=options.seed, fewshot_random_seed=options.seed)
        try:
            out = simple_evaluate(tasks=[spec], **call)
        except KeyError as exc:
            from harness.config.checks import did_you_mean
            from harness.config.places import names

            known = names("tasks") + list(manager.all_tasks)
            raise HarnessError(f"lm-eval does not know task {exc}."
                               f"{did_you_mean(str(entry.task), known)} Use a task name from "
                               "configs/tasks/ or `lm_eval --tasks list`, a task YAML, or a "
                               ".jsonl problem file.") from exc
        except HarnessError:
            raise
        except Exception as exc:
            error = dataset_error(spec, exc, manager)
            if not (rehearse and isinstance(error, DatasetUnavailable)):
                raise error from exc
            from harness.accuracy.rehearsal import STAND_IN, stand_in

            assert isinstance(spec, dict)  # a rehearsal refuses lm-eval's registered names
            spec = stand_in(spec, entry)
            prompts = f"stand-in: {STAND_IN.name} problems ({error.dataset} is not available here)"
            out = simple_evaluate(tasks=[spec], **call)
        _merge_native(native, out)
        for name, metrics in out["results"].items():
            samples = out["samples"].get(name, [])
            if rehearse:
                from harness.accuracy.rehearsal import stats

                after = getattr(lm, "generated_tokens", None)
                engine = after - tokens_before if after is not None and \
                    tokens_before is not None else None
                files.write_jsonl(samples_dir / f"{name}.jsonl", samples)
                cfg = out.get("configs", {}).get(name, {})
                generation[name] = stats(samples, max_gen_toks(cfg), engine, prompts)
                _note_cut(generation[name], lm, samples, max_gen_toks(cfg), name)
                continue
            if isinstance(spec, dict):
                for sample in samples:  # the extracted answer and verdict of each generation
                    sample["graded"] = explain(spec.get("process_results"), sample["doc"],
                                               texts_of(sample))
            files.write_jsonl(samples_dir / f"{name}.jsonl", samples)
            cfg = out.get("configs", {}).get(name, {})
            tasks[name] = task_metrics(name, metrics, samples, cfg)
            usage = _usage_delta(lm, usage_before)
            generation[name] = generation_stats(samples, tokenizer, max_gen_toks(cfg), think,
                                                tasks[name], usage)
            _note_cut(generation[name], lm, samples, max_gen_toks(cfg), name)
            for key, field in (("prompts_refused", "prompts_refused"),
                               ("budget_cut", "stopped_by_server_context")):
                if usage and usage.get(key) is not None:  # a served model's (chat_lm.py)
                    generation[name][field] = usage[key]
            if identity is not None:  # what came from an earlier, cut run's samples
                from harness.accuracy.resume import reused_part

                generation[name].update(reused_part(samples, identity,
                                                    getattr(lm, "reused_keys", Counter()),
                                                    token_counter(tokenizer)))
    if native:
        files.write_json(samples_dir.parent / "lm_eval_results.json", native)
    return {"tasks": tasks, "generation": generation}


def _merge_native(into: dict[str, Any], out: dict[str, Any]) -> None:
    """Add one simple_evaluate's output (without its samples) to lm-eval's results JSON."""
    for key, value in out.items():
        if key == "samples":
            continue
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            into[key].update(value)
        else:
            into[key] = value


def _check_context(lm: Any, spec: str | dict[str, Any], entry: TaskEntry) -> None:
    """A local model must hold prompt + max new tokens; lm-eval would cut the prompt to
    nothing instead of saying so."""
    gen = spec.get("generation_kwargs") or {} if isinstance(spec, dict) else {}
    limit = gen.get("max_gen_toks")
    served = getattr(lm, "server_context", None)  # the server's max_model_len, where it says
    if served and limit and int(limit) >= served:
        raise HarnessError(
            f"Task {entry.task} asks for up to {int(limit):,} new tokens, and the server runs "
            f"the model with a context of {served:,} tokens (its max_model_len), so it would "
            "refuse every request. Restart it with a longer context (vLLM: --max-model-len "
            f"{int(limit) + PROMPT_ROOM}, room for {PROMPT_ROOM:,} prompt tokens), or lower "
            "the task's new "
            f"tokens below {served:,} (--gen_kwargs max_gen_toks=N, or the suite entry's "
            "max_new_tokens).")
    if cuts_prompts(lm) and limit and int(limit) >= lm.max_length:
        raise HarnessError(
            f"Task {entry.task} asks for up to {int(limit):,} new tokens, and this model holds "
            f"{lm.max_length:,} tokens in all (its max_position_embeddings, or the engine's "
            "max_model_len: on vLLM, the longest its KV cache memory holds unless given), so "
            f"no prompt would fit beside them. Lower the suite entry's max_new_tokens below "
            f"{lm.max_length:,} (leaving room for the prompt), or use a model with a longer "
            "context (on vLLM: more memory for the KV cache, with a higher "
            "gpu_memory_utilization or tensor_parallel_size, or a max_model_len the model "
            "allows).")


def _note_cut(stats: dict[str, Any], lm: Any, samples: list[dict[str, Any]],
              max_tokens: int | None, task: str) -> None:
    """Record (and log) the prompts of `task` cut to fit the model's length."""
    cut = prompts_cut(lm, samples, max_tokens)
    if cut is None:
        return
    stats["prompts_cut"] = cut
    if cut:
        logging.getLogger(__name__).warning(
            "%s: %d of %d prompts were longer than this model's %s tokens minus the task's "
            "%s new tokens, and lost their beginning (lm-eval cuts them from the left), so "
            "those problems were scored on questions the model never fully saw. Lower the "
            "suite entry's max_new_tokens, or use a model with a longer context.", task, cut,
            len(samples), f"{lm.max_length:,}", f"{max_tokens:,}")


def _usage_delta(lm: Any, before: dict[str, int]) -> dict[str, int] | None:
    """What the server reported for this task's requests (openai backend), if anything."""
    after = getattr(lm, "usage", None)
    if not after:
        return None
    return {k: v - before.get(k, 0) for k, v in after.items()}


class DatasetUnavailable(HarnessError):
    """A task's dataset is gated or not on this machine while the hub is out of reach."""

    def __init__(self, message: str, dataset: str) -> None:
        super().__init__(message)
        self.dataset = dataset


def dataset_error(spec: str | dict[str, Any], exc: Exception,
                  manager: Any = None) -> Exception:
    """A missing or gated dataset as a HarnessError that says how to get it (the dataset's
    hub repo, looked up in lm-eval's task index for a task given by name); else `exc`."""
    text = f"{type(exc).__name__}: {exc}"
    dataset = str(spec.get("dataset_path") if isinstance(spec, dict) else
                  _dataset_of(spec, manager) or spec)
    if any(w in text for w in ("gated", "401", "403", "authenticat")):
        return DatasetUnavailable(
            f"Dataset {dataset} is gated: accept its terms on its Hugging Face page, log in "
            "with `hf auth login` (or set HF_TOKEN), and run again.", dataset)
    if any(w in text.lower() for w in ("offline", "couldn't reach", "connection",
                                       "not found in cache", "doesn't exist on the hub")):
        return DatasetUnavailable(
            f"Dataset {dataset} is not in the local cache and the hub cannot be reached "
            f"({text[:200]}). On a machine with network run `hf download --repo-type dataset "
            f"{dataset}` and copy ~/.cache/huggingface here, then run with HF_HUB_OFFLINE=1.",
            dataset)
    return exc


def _dataset_of(task: str, manager: Any) -> str | None:
    """The hub dataset of an lm-eval task known by name (arc_easy -> allenai/ai2_arc)."""
    try:
        from lm_eval.tasks._yaml_loader import load_yaml

        entry = manager.task_index.get(task) if manager is not None else None
        cfg = load_yaml(entry.yaml_path, resolve_func=False, recursive=True) if entry else {}
        return cfg.get("dataset_path")
    except Exception:  # an index lookup must never hide the real error
        return None
