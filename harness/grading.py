"""lm-eval glue for reasoning tasks: the functions the project's task YAMLs name.

Every sample of a problem reaches `process_*` (the `keep_all` filter replaces lm-eval's
default take-first), which grades each on its answer part only (harness.answers) and returns
pass@1 (mean over the samples), cons@n (majority vote) and the truncation rate. The harness
binds the model's think tags to these functions before lm-eval sees the task (accuracy.py).
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

from harness.answers import (
    extract_letter,
    extract_math,
    majority,
    math_equal,
    split_reasoning,
)
from harness.stats import pass_at_k

Think = dict[str, Any]  # think_end, think_start, opens_think


def keep_all(resps: list[list[str]], docs: list[dict[str, Any]]) -> list[list[str]]:
    """A filter that keeps every sample (lm-eval keeps only the first by default)."""
    return resps


def _flat(results: list[Any]) -> list[str]:
    """lm-eval passes [filtered_resps of the doc's request]; with keep_all that is a list of
    the n samples, with take_first a single string."""
    out: list[str] = []
    for r in results:
        out.extend(str(x) for x in (r if isinstance(r, list) else [r]))
    return out


def _gold_math(doc: dict[str, Any], field: str) -> str:
    return str(doc[field]).split("####")[-1].strip().replace(",", "")


def _scores(correct: list[float], cons: bool, truncated: int,
            ks: tuple[int, ...]) -> dict[str, float]:
    n = len(correct)
    out = {"pass@1": sum(correct) / n, "cons@n": float(cons), "truncated": truncated / n}
    for k in ks:  # the unbiased estimator; k larger than n cannot be estimated: counted as n
        out[f"pass@{k}"] = pass_at_k(n, int(sum(correct)), min(k, n))
    return out


def grade_math(doc: dict[str, Any], texts: list[str], answer_field: str = "answer",
               **think: Any) -> list[dict[str, Any]]:
    """Per generation: the answer extracted after </think>, truncation, and the verdict."""
    gold = _gold_math(doc, answer_field)
    out = []
    for text in texts:
        split = split_reasoning(text, **think)
        picked = None if split.truncated else extract_math(split.answer)
        out.append({"extracted": picked, "truncated": split.truncated,
                    "correct": picked is not None and math_equal(picked, gold)})
    return out


def process_math(doc: dict[str, Any], results: list[str], answer_field: str = "answer",
                 ks: tuple[int, ...] = (), **think: Any) -> dict[str, float]:
    """Grade n generations of a math problem with math-verify."""
    graded = grade_math(doc, _flat(results), answer_field, **think)
    vote = majority([g["extracted"] for g in graded])
    cons = vote is not None and math_equal(vote, _gold_math(doc, answer_field))
    return _scores([float(g["correct"]) for g in graded], cons,
                   sum(g["truncated"] for g in graded), ks)


def process_math_answer_field(doc: dict[str, Any], results: list[str],
                              **kwargs: Any) -> dict[str, float]:
    """process_math for datasets whose answer column is 'Answer' (AIME 2024)."""
    return process_math(doc, results, answer_field="Answer", **kwargs)


def process_gpqa_docs(dataset: Any) -> Any:
    """Put the four options of each GPQA question in an order fixed by the question's hash
    (the same for every model and run), and record the correct letter."""

    def shuffle(doc: dict[str, Any]) -> dict[str, Any]:
        options = [doc["Correct Answer"], doc["Incorrect Answer 1"], doc["Incorrect Answer 2"],
                   doc["Incorrect Answer 3"]]
        seed = int(hashlib.sha256(doc["Question"].encode()).hexdigest()[:8], 16)
        order = list(range(4))
        random.Random(seed).shuffle(order)
        opts = [options[i].strip() for i in order]
        return {"choice_a": opts[0], "choice_b": opts[1], "choice_c": opts[2],
                "choice_d": opts[3], "gold": "ABCD"[order.index(0)]}

    return dataset.map(shuffle)


def grade_mc(doc: dict[str, Any], texts: list[str], **think: Any) -> list[dict[str, Any]]:
    """Per generation: the letter extracted after </think>, truncation, and the verdict."""
    out = []
    for text in texts:
        split = split_reasoning(text, **think)
        picked = None if split.truncated else extract_letter(split.answer)
        out.append({"extracted": picked, "truncated": split.truncated,
                    "correct": picked == doc["gold"]})
    return out


def process_mc(doc: dict[str, Any], results: list[str], ks: tuple[int, ...] = (),
               **think: Any) -> dict[str, float]:
    """Grade n generations of a multiple-choice question by the extracted letter."""
    graded = grade_mc(doc, _flat(results), **think)
    cons = majority([g["extracted"] for g in graded]) == doc["gold"]
    return _scores([float(g["correct"]) for g in graded], cons,
                   sum(g["truncated"] for g in graded), ks)


def process_ifeval(doc: dict[str, Any], results: list[str], ks: tuple[int, ...] = (),
                   **think: Any) -> dict[str, Any]:
    """IFEval graded on the answer only: the reasoning may break any instruction it likes.
    A truncated generation follows no instruction."""
    from lm_eval.tasks.ifeval.utils import process_results

    split = split_reasoning(_flat(results)[0], **think)
    if split.truncated:
        n = len(doc["instruction_id_list"])
        out: dict[str, Any] = {"prompt_level_strict_acc": False,
                               "inst_level_strict_acc": [False] * n,
                               "prompt_level_loose_acc": False,
                               "inst_level_loose_acc": [False] * n}
    else:
        out = process_results(doc, [split.answer])
    out["truncated"] = float(split.truncated)
    return out


def agg_inst_level_acc(items: list[list[bool]]) -> float:
    """Instruction-level accuracy: all instructions of all prompts, flattened."""
    flat = [x for item in items for x in item]
    return sum(flat) / len(flat) if flat else 0.0


def explain(process: Any, doc: dict[str, Any], texts: list[str]) -> list[dict[str, Any]] | None:
    """What a grading function (as bound by the harness) saw in each generation, for the
    samples file; None for graders without a per-generation verdict (IFEval, lm-eval's)."""
    func = getattr(process, "func", process)
    kwargs = {k: v for k, v in getattr(process, "keywords", {}).items() if k != "ks"}
    if func is process_math:
        return grade_math(doc, texts, **kwargs)
    if func is process_math_answer_field:
        return grade_math(doc, texts, answer_field="Answer", **kwargs)
    if func is process_mc:
        return grade_mc(doc, texts, **kwargs)
    return None
