"""Run a suite's tasks through lm-eval and turn its output into run.json fields: the
headline score with its standard error, per-problem scores, generation statistics counted
on the raw generations, and the samples with each generation's extracted answer and verdict.
How a suite entry becomes an lm-eval task is harness.accuracy.tasks.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

import numpy

from harness.accuracy import tasks as tasks_mod
from harness.accuracy.answers import split_reasoning
from harness.accuracy.grading import explain
from harness.config.configs import ModelConfig, SuiteConfig, TaskEntry
from harness.errors import HarnessError
from harness.results import files


def _limit(entry: TaskEntry, suite: SuiteConfig, cli: int | None) -> int | None:
    """At most `cli` problems if given, never more than the suite entry's own limit."""
    limits = [x for x in (entry.limit, cli if cli is not None else suite.limit) if x]
    return min(limits) if limits else None


def run(lm: Any, suite: SuiteConfig, model: ModelConfig | None, tokenizer: Any,
        limit: int | None, samples_dir: Path,
        identity: dict[str, Any] | None = None, rehearse: bool = False) -> dict[str, Any]:
    """Evaluate `lm` on the suite, one lm-eval call per task (each with its own limit);
    write samples; return {"tasks", "generation"} for run.json. With an `identity` (what
    makes two generations interchangeable: model, revision, dtype, backend), finished
    samples are cached on disk and reused by the next run (harness.accuracy.resume). With
    `rehearse`, the suite runs as a rehearsal (harness.accuracy.rehearsal): every generation
    to its limit, no scores, stand-in prompts where a dataset is unavailable."""
    from lm_eval import simple_evaluate
    from lm_eval.tasks import TaskManager

    if identity is not None:
        from harness.accuracy import resume
        from harness.models import cache_dir

        name = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]
        resume.enable(lm, identity, resume.SampleCache(cache_dir() / "samples" / f"{name}.jsonl"),
                      tokenizer)

    sampling = tasks_mod.sampling_kwargs(suite, model)
    think = tasks_mod.think_settings(model)
    chat = model.chat if model else None
    manager = TaskManager()
    tasks: dict[str, Any] = {}
    generation: dict[str, Any] = {"settings": sampling}
    for entry in suite.tasks:
        if entry.max_new_tokens is None and model is not None:
            entry = dataclasses.replace(entry, max_new_tokens=model.generation.max_new_tokens)
        spec = tasks_mod.task_spec(entry, sampling, think, tokenizer, rehearse)
        _check_context(lm, spec, entry)
        usage_before = dict(getattr(lm, "usage", None) or {})
        tokens_before = getattr(lm, "generated_tokens", None)
        prompts = "the task's own"

        call = {"model": lm, "limit": _limit(entry, suite, limit), "log_samples": True,
                "apply_chat_template": bool(chat is None or chat.use_chat_template
                                            or getattr(lm, "chat_only", False)),
                "system_instruction": chat.system_prompt if chat else None,
                "task_manager": manager, "bootstrap_iters": 0 if rehearse else 1000}
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
            error = dataset_error(spec, exc)
            if not (rehearse and isinstance(error, DatasetUnavailable)):
                raise error from exc
            from harness.accuracy.rehearsal import STAND_IN, stand_in

            assert isinstance(spec, dict)  # a rehearsal refuses lm-eval's registered names
            spec = stand_in(spec, entry)
            prompts = f"stand-in: {STAND_IN.name} problems ({error.dataset} is not available here)"
            out = simple_evaluate(tasks=[spec], **call)
        for name, metrics in out["results"].items():
            samples = out["samples"].get(name, [])
            if rehearse:
                from harness.accuracy.rehearsal import stats

                after = getattr(lm, "generated_tokens", None)
                engine = after - tokens_before if after is not None and \
                    tokens_before is not None else None
                files.write_jsonl(samples_dir / f"{name}.jsonl", samples)
                cfg = out.get("configs", {}).get(name, {})
                generation[name] = stats(samples, _max_tokens(cfg), engine, prompts)
                continue
            if isinstance(spec, dict):
                for sample in samples:  # the extracted answer and verdict of each generation
                    sample["graded"] = explain(spec.get("process_results"), sample["doc"],
                                               _texts(sample))
            files.write_jsonl(samples_dir / f"{name}.jsonl", samples)
            cfg = out.get("configs", {}).get(name, {})
            tasks[name] = task_metrics(name, metrics, samples, cfg)
            generation[name] = generation_stats(samples, tokenizer, _max_tokens(cfg), think,
                                                tasks[name], _usage_delta(lm, usage_before))
            if identity is not None:  # what came from an earlier, cut run's samples
                from harness.accuracy.resume import reused_part

                generation[name].update(reused_part(samples, identity,
                                                    getattr(lm, "reused_keys", Counter()),
                                                    _counter(tokenizer)))
    return {"tasks": tasks, "generation": generation}


def _check_context(lm: Any, spec: str | dict[str, Any], entry: TaskEntry) -> None:
    """A local model must hold prompt + max new tokens; lm-eval would cut the prompt to
    nothing instead of saying so."""
    from lm_eval.models.huggingface import HFLM

    gen = spec.get("generation_kwargs") or {} if isinstance(spec, dict) else {}
    limit = gen.get("max_gen_toks")
    if isinstance(lm, HFLM) and limit and int(limit) >= lm.max_length:
        raise HarnessError(
            f"Task {entry.task} asks for up to {int(limit):,} new tokens, and this model holds "
            f"{lm.max_length:,} tokens in all (its max_position_embeddings), so no prompt "
            f"would fit beside them. Lower the suite entry's max_new_tokens below "
            f"{lm.max_length:,} (leaving room for the prompt), or use a model with a longer "
            "context.")


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


def dataset_error(spec: str | dict[str, Any], exc: Exception) -> Exception:
    """A missing or gated dataset as a HarnessError that says how to get it; else `exc`."""
    text = f"{type(exc).__name__}: {exc}"
    dataset = str(spec.get("dataset_path") if isinstance(spec, dict) else spec)
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


HEADLINE = ("pass@1", "prompt_level_strict_acc", "exact_match", "acc")


def task_metrics(name: str, metrics: dict[str, Any], samples: list[dict[str, Any]],
                 task_cfg: dict[str, Any]) -> dict[str, Any]:
    """The headline metric of one task: {metric, filter, value, stderr, n_docs, ...}."""
    pairs = [(k, v) for k, v in metrics.items()
             if "," in k and "_stderr" not in k and isinstance(v, (int, float))]
    if not pairs:
        raise HarnessError(f"lm-eval returned no metric for task {name}: {metrics}")
    rank = {m: i for i, m in enumerate(HEADLINE)}
    key, value = min(pairs, key=lambda kv: rank.get(kv[0].partition(",")[0], len(rank)))
    metric, _, filt = key.partition(",")
    stderr = metrics.get(f"{metric}_stderr,{filt}")
    return {
        "metric": metric, "filter": filt, "value": float(value),
        "stderr": float(stderr) if isinstance(stderr, (int, float)) else None,
        "n_docs": len(samples) or metrics.get("sample_len"),
        "samples_per_doc": int(task_cfg.get("repeats", 1) or 1),
        "all_metrics": {k: v for k, v in metrics.items() if isinstance(v, (int, float))},
        "per_problem": per_problem(samples, metric),
    }


def per_problem(samples: list[dict[str, Any]], metric: str) -> dict[str, float]:
    """Each problem's score, keyed by the dataset's `id` field or else lm-eval's doc hash,
    so two runs on the same problems can be compared problem by problem."""
    out: dict[str, float] = {}
    for s in samples:
        doc = s.get("doc") if isinstance(s.get("doc"), dict) else {}
        key = str(doc.get("id") or s.get("doc_hash", "")[:16] or s.get("doc_id"))
        if isinstance(s.get(metric), (int, float)):
            out[key] = float(s[metric])
    return out


def _max_tokens(task_cfg: dict[str, Any]) -> int | None:
    gen = task_cfg.get("generation_kwargs") or {}
    return gen.get("max_gen_toks")


def _counter(tokenizer: Any) -> Any:
    """Output tokens of one text, or None without a local tokenizer."""
    if tokenizer is None:
        return None
    return lambda text: len(tokenizer(text, add_special_tokens=False)["input_ids"]) \
        if text else 0


def _texts(sample: dict[str, Any]) -> list[str]:
    """Every raw generation of a logged sample (one per repeat)."""
    out: list[str] = []
    for resp in sample.get("resps", []):
        out.extend(str(t) for t in (resp if isinstance(resp, list) else [resp]))
    return out


def generation_stats(samples: list[dict[str, Any]], tokenizer: Any, max_tokens: int | None,
                     think: dict[str, Any] | None = None,
                     task: dict[str, Any] | None = None,
                     server: dict[str, int] | None = None) -> dict[str, Any]:
    """Output-length statistics counted on the raw generations (lm-eval's logged text, before
    any filtering or think stripping): totals, mean, median, p90, reasoning vs answer tokens,
    how many hit the token limit, how many never closed their thinking, tokens per correct."""
    if tokenizer is None:  # a served model whose tokenizer is not on this machine
        n = sum(len(_texts(s)) for s in samples)
        if server and server.get("responses") == n:
            total = server["completion_tokens"]
            return {"n_generations": n, "output_tokens_total": total,
                    "output_tokens_mean": total / n if n else None,
                    "counted_by": "the server's usage field", "max_new_tokens": max_tokens}
        return {"n_generations": n, "output_tokens_total": None,
                "reason": "no local tokenizer for this model, and the server's usage covers "
                          f"{(server or {}).get('responses', 0)} of {n} generations (the rest "
                          "came from the sample cache or had no usage)"}

    def count(text: str) -> int:
        return len(tokenizer(text, add_special_tokens=False)["input_ids"]) if text else 0

    counts, reasoning, answer, unclosed, truncated = [], [], [], 0, 0
    for text in (t for s in samples for t in _texts(s)):
        counts.append(count(text))
        open_end = False
        if think and think.get("think_end"):
            split = split_reasoning(text, **think)
            open_end = split.truncated
            reasoning.append(count(split.reasoning))
            answer.append(count(split.answer))
        unclosed += open_end
        # the graders' rule (answers.cut): thinking left open, or the token limit reached
        truncated += open_end or bool(max_tokens and counts[-1] >= max_tokens)
    if not counts:
        return {"n_generations": 0}
    hit = sum(1 for c in counts if max_tokens and c >= max_tokens)
    correct = task["value"] * (task.get("n_docs") or 0) * (task.get("samples_per_doc") or 1) \
        if task else 0
    return {
        "n_generations": len(counts),
        "output_tokens_total": sum(counts),
        "output_tokens_mean": statistics.fmean(counts),
        "output_tokens_median": statistics.median(counts),
        "output_tokens_p90": float(numpy.percentile(counts, 90)),
        "output_tokens_max": max(counts),
        "reasoning_tokens_mean": statistics.fmean(reasoning) if reasoning else None,
        "answer_tokens_mean": statistics.fmean(answer) if answer else None,
        "max_new_tokens": max_tokens,
        "hit_max_new_tokens": hit,
        "hit_max_new_tokens_rate": hit / len(counts),
        "unclosed_thinking": unclosed if reasoning else None,
        "truncation_rate": truncated / len(counts),
        "tokens_per_correct": sum(counts) / correct if correct else None,
    }
