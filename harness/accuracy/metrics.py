"""What a task's logged samples say: the headline metric with its standard error and the
per-problem scores (for paired comparisons), and output-length statistics counted on the raw
generations (re-tokenized)."""

from __future__ import annotations

import statistics
from typing import Any

import numpy

from harness.accuracy.answers import split_reasoning
from harness.errors import HarnessError

# The metric a task's score is, first found in this order. math_verify before exact_match:
# lm-eval's minerva_math tasks report both, and their exact_match looks only for "The final
# answer is X" (their few-shot format), so it scores a boxed answer 0.
HEADLINE = ("pass@1", "prompt_level_strict_acc", "math_verify", "exact_match", "acc")


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


def max_gen_toks(task_cfg: dict[str, Any]) -> int | None:
    gen = task_cfg.get("generation_kwargs") or {}
    return gen.get("max_gen_toks")


def token_counter(tokenizer: Any) -> Any:
    """A function giving the output tokens of one text (re-tokenized, no special tokens), or
    None without a local tokenizer."""
    if tokenizer is None:
        return None
    return lambda text: len(tokenizer(text, add_special_tokens=False)["input_ids"]) \
        if text else 0


def texts_of(sample: dict[str, Any]) -> list[str]:
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
        n = sum(len(texts_of(s)) for s in samples)
        if server and server.get("responses") == n:
            total = server["completion_tokens"]
            return {"n_generations": n, "output_tokens_total": total,
                    "output_tokens_mean": total / n if n else None,
                    "counted_by": "the server's usage field", "max_new_tokens": max_tokens}
        return {"n_generations": n, "output_tokens_total": None,
                "reason": "no local tokenizer for this model, and the server's usage covers "
                          f"{(server or {}).get('responses', 0)} of {n} generations (the rest "
                          "came from the sample cache or had no usage)"}

    count = token_counter(tokenizer)
    counts, reasoning, answer, unclosed, truncated = [], [], [], 0, 0
    for text in (t for s in samples for t in texts_of(s)):
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


def prompts_cut(lm: Any, samples: list[dict[str, Any]], max_tokens: int | None) -> int | None:
    """How many of a task's prompts the model could not hold beside `max_tokens` new tokens.
    lm-eval's local models (HFLM, the harness's continuous batching built on it, and its vLLM
    model) then cut the prompt from the left so that prompt + max new tokens fit the model's
    length: the model never saw the start of the question, and only a warning in the log (none
    at all on the continuous-batching path) said so. None where nothing is cut here (a served
    model: the server decides) or the limit is unknown."""
    if not max_tokens or not cuts_prompts(lm):
        return None
    room = int(lm.max_length) - int(max_tokens)
    cut = 0
    for sample in samples:
        args = sample.get("arguments") or []
        if args and isinstance(args[0], (list, tuple)) and args[0]:
            cut += len(lm.tok_encode(str(args[0][0]))) > room
    return cut


def cuts_prompts(lm: Any) -> bool:
    """Whether `lm` is one of lm-eval's local models, which cut a prompt that does not fit."""
    from lm_eval.models.huggingface import HFLM

    # lm-eval's VLLM by name (importing it imports vllm) among the classes of `lm`, which
    # may be a subclass of it (the harness's, vllm_engine.py)
    return isinstance(lm, HFLM) or any(c.__module__ == "lm_eval.models.vllm_causallms"
                                       for c in type(lm).__mro__)
