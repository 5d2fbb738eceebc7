"""lm-eval glue for reasoning tasks: the functions the project's task YAMLs name.

Every sample of a problem reaches `process_*` (the `keep_all` filter replaces lm-eval's
default take-first), which grades each on its answer part only (answers.py) and returns
pass@1 (mean over the samples), cons@n (majority vote) and the truncation rate. The harness
binds the model's think tags to these functions before lm-eval sees the task (tasks.py).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from typing import Any

from harness.accuracy import lcb
from harness.accuracy.answers import cut, extract_math, flat_results
from harness.accuracy.boxes import asks_for_place
from harness.accuracy.clock import time_asked
from harness.accuracy.code_blocks import around, blocks, extract_code, unfenced_code
from harness.accuracy.equivalence import consensus_score, math_equal
from harness.accuracy.helpers import with_helpers
from harness.accuracy.labels import asked_words
from harness.accuracy.letters import eliminated, extract_letter
from harness.accuracy.options import option_named
from harness.accuracy.programs import code_program
from harness.accuracy.readings import angle_unit_asked, counts_none
from harness.accuracy.stats import scores
from harness.accuracy.verdicts import remembered

Think = dict[str, Any]  # think_end, think_start, opens_think, at_limit


def keep_all(resps: list[list[str]], docs: list[dict[str, Any]]) -> list[list[str]]:
    """A filter that keeps every sample (lm-eval keeps only the first by default)."""
    return resps


def _gold_math(doc: dict[str, Any], field: str) -> str:
    """The gold answer as the dataset writes it (GSM8K's after '####'), never edited."""
    return str(doc[field]).split("####")[-1].strip()


def _question(doc: dict[str, Any]) -> str:
    return next((str(doc[k]) for k in ("problem", "Problem", "question") if doc.get(k)), "")


def _angles(doc: dict[str, Any]) -> bool:
    """Whether an angle in degrees may equal one in radians: not where the question asks for
    one unit ("Express your answer in radians.")."""
    return angle_unit_asked(_question(doc)) is None


def _same(doc: dict[str, Any]) -> Callable[[str, str], bool]:
    """math_equal as the question reads it: the unit of angle asked, a time of day asked,
    "none" where it asks how many and the gold is 0."""
    question = _question(doc)
    angles, times = _angles(doc), time_asked(question)
    return lambda a, b: math_equal(a, b, angles, times) or counts_none(a, b, question)


def _right(doc: dict[str, Any], answer_field: str) -> Callable[[str | None], bool]:
    """Whether an extracted answer equals the gold."""
    gold, same = _gold_math(doc, answer_field), _same(doc)
    return lambda picked: picked is not None and same(picked, gold)


@remembered
def grade_math(doc: dict[str, Any], texts: list[str], answer_field: str = "answer",
               **think: Any) -> list[dict[str, Any]]:
    """Per generation: the answer extracted after </think>, truncation, and the verdict."""
    right, question = _right(doc, answer_field), _question(doc)
    place_asked = asks_for_place(question)  # "For what value of $x$ is f smallest?"
    asked = asked_words(question)  # "What is the area?": the box named "area"
    out = []
    for text in texts:
        split, truncated = cut(text, **think)
        picked = None if split.truncated else extract_math(split.answer, place_asked, asked)
        out.append({"extracted": picked, "truncated": truncated, "correct": right(picked)})
    return out


def process_math(doc: dict[str, Any], results: list[str], answer_field: str = "answer",
                 ks: tuple[int, ...] = (), **think: Any) -> dict[str, float]:
    """Grade n generations of a math problem with math-verify."""
    graded = grade_math(doc, flat_results(results), answer_field, **think)
    cons = consensus_score([g["extracted"] for g in graded], _right(doc, answer_field),
                           same=_same(doc))
    return scores([float(g["correct"]) for g in graded], cons,
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


@remembered
def grade_mc(doc: dict[str, Any], texts: list[str], **think: Any) -> list[dict[str, Any]]:
    """Per generation: the letter extracted after </think> (where it names none, the letter
    of the option whose text it states: "Answer: 4.5 eV", else the one it leaves when it
    rules out the others), truncation, and the verdict."""
    options = {letter: str(doc[f"choice_{letter.lower()}"]) for letter in "ABCD"
               if f"choice_{letter.lower()}" in doc}
    letters = "".join(options) or "ABCD"
    out = []
    for text in texts:
        split, truncated = cut(text, **think)
        picked = None if split.truncated else (extract_letter(split.answer)
                                                or option_named(split.answer, options)
                                                or eliminated(split.answer, letters))
        out.append({"extracted": picked, "truncated": truncated,
                    "correct": picked == doc["gold"]})
    return out


def process_mc(doc: dict[str, Any], results: list[str], ks: tuple[int, ...] = (),
               **think: Any) -> dict[str, float]:
    """Grade n generations of a multiple-choice question by the extracted letter."""
    graded = grade_mc(doc, flat_results(results), **think)
    cons = consensus_score([g["extracted"] for g in graded], lambda v: v == doc["gold"],
                           same=str.__eq__)
    return scores([float(g["correct"]) for g in graded], cons,
                  sum(g["truncated"] for g in graded), ks)


@remembered
def grade_ifeval(doc: dict[str, Any], texts: list[str], **think: Any) -> list[dict[str, Any]]:
    """Per generation: lm-eval's IFEval checks on the answer only (the reasoning may break any
    instruction it likes), the instructions it did not follow (strict), truncation, and the
    verdict (prompt-level strict: every instruction followed). A truncated generation
    follows no instruction. The answer is stripped first, as a chat API's response is: after
    </think> it starts with blank lines, and IFEval's loose accuracy drops the response's
    first line (an intro such as "Sure, here it is:"), which would then be an empty one."""
    from lm_eval.tasks.ifeval.utils import process_results

    ids = list(doc.get("instruction_id_list") or [])
    out = []
    for text in texts:
        split, truncated = cut(text, **think)
        if split.truncated:
            checks: dict[str, Any] = {"prompt_level_strict_acc": False,
                                      "inst_level_strict_acc": [False] * len(ids),
                                      "prompt_level_loose_acc": False,
                                      "inst_level_loose_acc": [False] * len(ids)}
        else:
            checks = process_results(doc, [split.answer.strip()])
        out.append({"truncated": truncated, "correct": bool(checks["prompt_level_strict_acc"]),
                    "not_followed": [i for i, ok in zip(ids, checks["inst_level_strict_acc"],
                                                        strict=False) if not ok],
                    "checks": checks})
    return out


def process_ifeval(doc: dict[str, Any], results: list[str], ks: tuple[int, ...] = (),
                   **think: Any) -> dict[str, Any]:
    """IFEval over every sample of a prompt (grade_ifeval): prompt-level accuracies are the
    mean over the samples, instruction-level lists hold each sample's instructions in turn
    (so their aggregate is the mean over samples too), and `truncated` is the share cut."""
    graded = grade_ifeval(doc, flat_results(results), **think)
    out: dict[str, Any] = {}
    for level in ("strict", "loose"):
        out[f"prompt_level_{level}_acc"] = sum(
            float(g["checks"][f"prompt_level_{level}_acc"]) for g in graded) / len(graded)
        out[f"inst_level_{level}_acc"] = [bool(ok) for g in graded
                                          for ok in g["checks"][f"inst_level_{level}_acc"]]
    out["truncated"] = sum(float(g["truncated"]) for g in graded) / len(graded)
    return out


def agg_inst_level_acc(items: list[list[bool]]) -> float:
    """Instruction-level accuracy: all instructions of all prompts, flattened."""
    flat = [x for item in items for x in item]
    return sum(flat) / len(flat) if flat else 0.0


@remembered
def grade_code(doc: dict[str, Any], texts: list[str], **think: Any) -> list[dict[str, Any]]:
    """Per generation: the code extracted after </think>, truncation, the sandbox's verdict."""
    from harness.accuracy.sandbox import Limits, run_many

    cuts = [cut(text, **think) for text in texts]
    codes = [None if s.truncated else _code(s.answer, doc["entry_point"]) for s, _ in cuts]
    runnable = [i for i, c in enumerate(codes) if c]
    outcomes = run_many([code_program(doc, codes[i] or "") for i in runnable],
                        Limits(wall_s=10.0, cpu_s=10), must_finish=True)
    by_index = dict(zip(runnable, outcomes, strict=True))
    out = []
    for i, ((_, truncated), code) in enumerate(zip(cuts, codes, strict=True)):
        outcome = by_index.get(i)
        out.append({"extracted": code, "truncated": truncated,
                    "correct": bool(outcome and outcome.passed),
                    "status": outcome.status if outcome else "no code",
                    "output_tail": outcome.stdout[-500:] if outcome else ""})
    return out


def _code(answer: str, entry: str) -> str | None:
    """The solution's fenced block, with the helpers it calls from the answer's other blocks
    (helpers.py); where the answer fences nothing, its code as written around `def entry(`
    (EvalPlus reads raw text so; LiveCodeBench, whose own extraction needs a fence, keeps to
    fences: lcb.py)."""
    code = extract_code(answer, defines=entry)
    if code:
        return with_helpers(code, around(answer, code))
    return None if blocks(answer) else unfenced_code(answer, entry)


def process_code(doc: dict[str, Any], results: list[str], ks: tuple[int, ...] = (),
                 **think: Any) -> dict[str, float]:
    """Grade n generations of a HumanEval problem by running its tests in the sandbox."""
    graded = grade_code(doc, flat_results(results), **think)
    out = scores([float(g["correct"]) for g in graded], False,
                 sum(g["truncated"] for g in graded), ks)
    del out["cons@n"]  # no majority vote over programs
    return out


def explain(process: Any, doc: dict[str, Any], texts: list[str]) -> list[dict[str, Any]] | None:
    """What a grading function (as bound by the harness) saw in each generation, for the
    samples file; None for graders without a per-generation verdict (lm-eval's own)."""
    func = getattr(process, "func", process)
    kwargs = {k: v for k, v in getattr(process, "keywords", {}).items() if k != "ks"}
    if func is process_math:
        return grade_math(doc, texts, **kwargs)
    if func is process_math_answer_field:
        return grade_math(doc, texts, answer_field="Answer", **kwargs)
    if func is process_mc:
        return grade_mc(doc, texts, **kwargs)
    if func is process_code:
        return grade_code(doc, texts, **kwargs)
    if func is process_ifeval:
        return [{k: v for k, v in g.items() if k != "checks"}
                for g in grade_ifeval(doc, texts, **kwargs)]
    if func is lcb.process_results:
        return lcb.grade(doc, texts, **kwargs)
    return None
