"""Each generation is graded once per task: the score and the samples file share a verdict,
and a program runs once in the sandbox, not once for each."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from harness.accuracy import grading, sandbox, verdicts

R1 = {"think_end": "</think>", "think_start": "<think>", "opens_think": True}


@pytest.fixture(autouse=True)
def _forget() -> Any:
    yield
    verdicts.drop()


def test_a_grader_grades_each_distinct_generation_once_while_kept() -> None:
    calls: list[list[str]] = []

    @verdicts.remembered
    def grader(doc: dict[str, Any], texts: list[str]) -> list[dict[str, Any]]:
        calls.append(list(texts))
        return [{"correct": text == doc["answer"]} for text in texts]

    doc = {"answer": "5"}
    assert [g["correct"] for g in grader(doc, ["5", "6"])] == [True, False]
    assert len(calls) == 1 and len(grader(doc, ["5", "6"])) == 2
    assert len(calls) == 2  # outside a task: graded afresh every time
    verdicts.keep()
    grader(doc, ["5", "6", "5"])
    assert calls[-1] == ["5", "6"]  # the repeated generation graded once
    assert [g["correct"] for g in grader(doc, ["6", "5", "7"])] == [False, True, False]
    assert calls[-1] == ["7"] and len(calls) == 4  # only what was new
    grader({"answer": "6"}, ["6"])  # another problem: its own verdicts
    assert calls[-1] == ["6"]
    verdicts.keep()  # the next task starts afresh
    grader(doc, ["5"])
    assert calls[-1] == ["5"] and len(calls) == 6


def test_a_program_runs_once_for_the_score_and_the_samples_file(
        monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[int] = []
    real = sandbox.run_many

    def counted(programs: list[str], *args: Any, **kwargs: Any) -> Any:
        runs.append(len(programs))
        return real(programs, *args, **kwargs)

    monkeypatch.setattr(sandbox, "run_many", counted)
    doc = {"task_id": "t/0", "entry_point": "add", "prompt": "def add(a, b):\n",
           "test": "def check(candidate):\n    assert candidate(2, 3) == 5\n"}
    texts = ["</think>```python\ndef add(a, b):\n    return a + b\n```",
             "</think>```python\ndef add(a, b):\n    return a - b\n```"]
    verdicts.keep()
    score = grading.process_code(doc, [texts], **R1)
    shown = grading.explain(functools.partial(grading.process_code, **R1), doc, texts)
    assert score["pass@1"] == 0.5 and [g["correct"] for g in shown or []] == [True, False]
    assert runs == [2]
