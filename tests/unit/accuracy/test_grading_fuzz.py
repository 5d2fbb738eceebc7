"""Whatever a model writes, grading ends with a verdict: random answer parts made of the
pieces real answers are made of (boxes, statements, LaTeX, Unicode, stray delimiters) go
through the math and multiple-choice graders against golds of every kind. An exception here
is a run lost after its last generation (a malformed answer against a complex gold crashed
math_equal until this test)."""

from __future__ import annotations

import random

import pytest

from harness.accuracy import grading

PIECES = [
    "\\boxed{", "}", "{", "$", "$$", "\\(", "\\)", "\\[", "\\]", "Answer:", "The final answer is",
    "####", " ", "\n", "1", "000", ".", ",", "-", "\\frac", "\\sqrt", "\\text{", "million", "%",
    "\\%", "i", "e", "\\mathrm{e}", "\\overline{3}", "0.", "x", "=", "or", "and", "(", ")", "[",
    "]", "\\pmod{7}", "\\bmod", "A", "B", "(C)", "\\infty", "\\cup", "^", "_", "\\pi", "√", "·",
    "−", "\x00", "😀", "''", '"', "therefore", "The volume is", "\\\\", "&", "\\begin{pmatrix}",
    "\\end{pmatrix}", "\\le", "<", "\\neq", "\\{", "\\}", "2i", "\\mathbf{", "\\color{red}",
    "\\dot{6}", "\\varnothing", "Wait, actually", "not", "</think>",
]
GOLDS = ["1000", "\\frac12", "(1,2)", "3", "2000000", "i", "1+2i", "\\text{(C)}", "18\\%",
         "[-2,7]", "(-\\infty,0)\\cup(0,\\infty)", "\\text{Evelyn}", "0.\\overline{3}"]
R1 = {"think_end": "</think>", "think_start": "<think>", "opens_think": False}


def _answers(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 60))) for _ in range(n)]


@pytest.mark.parametrize("gold", GOLDS)
def test_random_answers_always_get_a_math_verdict(gold: str) -> None:
    texts = _answers(GOLDS.index(gold), 40)
    out = grading.process_math({"answer": gold}, [texts], **R1)
    assert 0.0 <= out["pass@1"] <= 1.0


def test_random_answers_always_get_a_letter_verdict() -> None:
    out = grading.process_mc({"gold": "C"}, [_answers(1, 200)], **R1)
    assert 0.0 <= out["pass@1"] <= 1.0
