"""Run a suite's tasks through lm-eval and turn its output into run.json fields.

A suite task is either one of the project's task YAMLs (configs/tasks/<name>.yaml, or a path
to any lm-eval task YAML) or a task name lm-eval knows. The project's YAMLs are loaded with
lm-eval's own loader (so `!function` works), relative `data_files` are made absolute against
the YAML's directory, and the suite's overrides (max new tokens, samples per problem,
sampling settings from the model card) are applied before lm-eval sees the config.
"""

from __future__ import annotations

import copy
import statistics
from pathlib import Path
from typing import Any

from harness import results
from harness.config import CONFIGS, ModelConfig, SuiteConfig, TaskEntry
from harness.errors import HarnessError
from harness.perf import percentile


def task_spec(entry: TaskEntry, sampling: dict[str, Any]) -> str | dict[str, Any]:
    """The lm-eval task spec for one suite entry: a config dict, or a registered name."""
    path = Path(entry.task) if entry.task.endswith((".yaml", ".yml")) else \
        CONFIGS / "tasks" / f"{entry.task}.yaml"
    if not path.exists():
        if entry.task.endswith((".yaml", ".yml")):
            raise HarnessError(f"Task file {entry.task} does not exist.")
        return entry.task
    from lm_eval.tasks._yaml_loader import load_yaml

    cfg = copy.deepcopy(load_yaml(path))
    files = (cfg.get("dataset_kwargs") or {}).get("data_files")
    if isinstance(files, dict):
        cfg["dataset_kwargs"]["data_files"] = {
            split: str((path.parent / f).resolve()) if not Path(f).is_absolute() else f
            for split, f in files.items()}
    gen = dict(cfg.get("generation_kwargs") or {})
    gen.update(sampling)
    if entry.max_new_tokens:
        gen["max_gen_toks"] = entry.max_new_tokens
    cfg["generation_kwargs"] = gen
    if entry.samples > 1:
        cfg["repeats"] = entry.samples
    return cfg


def sampling_kwargs(suite: SuiteConfig, model: ModelConfig | None) -> dict[str, Any]:
    """Generation settings the suite asks for: greedy, or the model card's sampling."""
    if suite.sampling == "greedy" or model is None or not model.generation.do_sample:
        return {"do_sample": False}
    g = model.generation
    out: dict[str, Any] = {"do_sample": True, "temperature": g.temperature, "top_p": g.top_p}
    if g.top_k is not None:
        out["top_k"] = g.top_k
    if g.min_p:
        out["min_p"] = g.min_p
    return {k: v for k, v in out.items() if v is not None}


def run(lm: Any, suite: SuiteConfig, model: ModelConfig | None, tokenizer: Any,
        limit: int | None, samples_dir: Path) -> dict[str, Any]:
    """Evaluate `lm` on the suite; write samples; return {"tasks", "generation"} for run.json."""
    from lm_eval import simple_evaluate
    from lm_eval.tasks import TaskManager

    sampling = sampling_kwargs(suite, model)
    specs = [task_spec(t, sampling) for t in suite.tasks]
    chat = model.chat if model else None
    try:
        out = simple_evaluate(
            model=lm, tasks=specs, limit=limit if limit is not None else suite.limit,
            log_samples=True, apply_chat_template=bool(chat is None or chat.use_chat_template),
            system_instruction=chat.system_prompt if chat else None,
            task_manager=TaskManager(), bootstrap_iters=1000,
        )
    except KeyError as exc:
        raise HarnessError(f"lm-eval does not know task {exc}. Use a task name from "
                           "`lm_eval --tasks list`, or a task YAML under configs/tasks/.") from exc
    tasks: dict[str, Any] = {}
    generation: dict[str, Any] = {"settings": sampling}
    for name, metrics in out["results"].items():
        samples = out["samples"].get(name, [])
        results.write_jsonl(samples_dir / f"{name}.jsonl", samples)
        tasks[name] = task_metrics(name, metrics, samples, out.get("configs", {}).get(name, {}))
        generation[name] = generation_stats(samples, tokenizer,
                                            _max_tokens(out.get("configs", {}).get(name, {})))
    return {"tasks": tasks, "generation": generation}


def task_metrics(name: str, metrics: dict[str, Any], samples: list[dict[str, Any]],
                 task_cfg: dict[str, Any]) -> dict[str, Any]:
    """The headline metric of one task: {metric, filter, value, stderr, n_docs, ...}."""
    pairs = [(k, v) for k, v in metrics.items()
             if "," in k and "_stderr" not in k and isinstance(v, (int, float))]
    if not pairs:
        raise HarnessError(f"lm-eval returned no metric for task {name}: {metrics}")
    key, value = pairs[0]
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


def generation_stats(samples: list[dict[str, Any]], tokenizer: Any,
                     max_tokens: int | None) -> dict[str, Any]:
    """Output-length statistics counted on the raw generations, before any filtering."""
    counts = []
    for s in samples:
        for resp in s.get("resps", []):
            text = resp[0] if isinstance(resp, list) else resp
            counts.append(len(tokenizer(str(text), add_special_tokens=False)["input_ids"]))
    if not counts:
        return {"n_generations": 0}
    hit = sum(1 for c in counts if max_tokens and c >= max_tokens)
    return {
        "n_generations": len(counts),
        "output_tokens_total": sum(counts),
        "output_tokens_mean": statistics.fmean(counts),
        "output_tokens_median": statistics.median(counts),
        "output_tokens_p90": percentile(counts, 90),
        "output_tokens_max": max(counts),
        "max_new_tokens": max_tokens,
        "hit_max_new_tokens": hit,
        "hit_max_new_tokens_rate": hit / len(counts),
    }
