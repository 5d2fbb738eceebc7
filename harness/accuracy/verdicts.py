"""Each generation graded once per task: the verdicts behind a task's score are the ones its
samples file shows.

lm-eval calls a task's `process_results` for the score, and the harness then asks the same
graders for each generation's verdict to write beside it (grading.explain). Graded twice,
a model-written program ran twice in the sandbox (LiveCodeBench runs one jail per test),
and a verdict that depends on time (a program near its time limit, math-verify's timeout)
could differ between the score and the samples file. While a task is evaluated
(`keep()` ... `drop()`, evaluate.py), a grader wrapped by `remembered` grades each distinct
generation of a problem once and answers again from what it found; outside, it grades
afresh every time.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

Grader = Callable[..., list[dict[str, Any]]]

_kept: dict[tuple[str, str, str], dict[str, Any]] | None = None


def keep() -> None:
    """Start remembering verdicts, forgetting any from before (one task at a time)."""
    global _kept
    _kept = {}


def drop() -> None:
    """Stop remembering verdicts."""
    global _kept
    _kept = None


# fields that name a problem within its task (HumanEval, LiveCodeBench, MATH-500, IFEval, a
# problem file): a LiveCodeBench problem's tests run to megabytes, too much to hash twice
_IDS = ("task_id", "question_id", "unique_id", "id", "key")


def _problem(doc: dict[str, Any]) -> str:
    for name in _IDS:
        value = doc.get(name)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return f"{name}={value}"
    text = json.dumps(doc, sort_keys=True, default=str)
    return hashlib.sha256(text.encode(errors="replace")).hexdigest()


def remembered(grader: Grader) -> Grader:
    """`grader(doc, texts, ...)` (one verdict per text), answering from the verdicts kept."""

    @functools.wraps(grader)
    def grade(doc: dict[str, Any], texts: list[str], *args: Any, **kwargs: Any
              ) -> list[dict[str, Any]]:
        kept = _kept
        if kept is None:
            return grader(doc, texts, *args, **kwargs)
        problem = _problem(doc)
        keys = [(grader.__qualname__, problem, text) for text in texts]
        new = list(dict.fromkeys(k for k in keys if k not in kept))
        if new:
            found = grader(doc, [k[2] for k in new], *args, **kwargs)
            kept.update(zip(new, found, strict=True))
        return [kept[k] for k in keys]

    return grade
