"""Whatever a model writes, grading ends with a verdict: random answer parts made of the
pieces real answers are made of (boxes, statements, LaTeX, Unicode, stray delimiters) go
through the math and multiple-choice graders against golds of every kind. math_equal turns
an error inside it into a string comparison and a warning, so that a run is never lost after
its last generation; here no such warning may appear (a malformed answer against a complex
gold raised inside it until this test)."""

from __future__ import annotations

import logging
import random

import pytest

from harness.accuracy import equivalence, grading

PIECES = [
    "\\boxed{", "}", "{", "$", "$$", "\\(", "\\)", "\\[", "\\]", "Answer:", "The final answer is",
    "####", " ", "\n", "1", "000", ".", ",", "-", "\\frac", "\\sqrt", "\\text{", "million", "%",
    "\\%", "i", "e", "\\mathrm{e}", "\\overline{3}", "0.", "x", "=", "or", "and", "(", ")", "[",
    "]", "\\pmod{7}", "\\bmod", "A", "B", "(C)", "\\infty", "\\cup", "^", "_", "\\pi", "√", "·",
    "−", "\x00", "😀", "''", '"', "therefore", "The volume is", "\\\\", "&", "\\begin{pmatrix}",
    "\\end{pmatrix}", "\\le", "<", "\\neq", "\\{", "\\}", "2i", "\\mathbf{", "\\color{red}",
    "\\dot{6}", "\\varnothing", "Wait, actually", "not", "</think>",
    # times, ratios, Chinese answer words, siunitx, digit groups, assignments (2026-12-07)
    ":", "{:}", "30", "a.m.", "PM", "noon", "答案是", "，", "。", "不是", "\\num{", "\\SI{",
    "{,}", "\\,", "y=", "x=", "seventy-three", "if we consider", "it'd be",
    # sets of reals, expressions the question asks for (2026-12-07)
    "\\mathbb{R}", "^+", "_{\\geq 0}", "\\backslash", "m+n", "m + n =", ", so", "ℝ",
    " hours", ", or ", " minutes", " dollars a day", "i.e.", "which is", "0.000067",
    " glasses", " for ", "\\geq", " or more",
]
GOLDS = ["1000", "\\frac12", "(1,2)", "3", "2000000", "i", "1+2i", "\\text{(C)}", "18\\%",
         "[-2,7]", "(-\\infty,0)\\cup(0,\\infty)", "\\text{Evelyn}", "0.\\overline{3}",
         "4 \\text{ p.m.}", "9:30", "3:2", "\\text{no solution}", "(0,\\infty)", "[1,5)"]
# questions whose asking the graders read: none, an expression asked, a word asked
QUESTIONS = ["", "The probability is $\\frac{m}{n}$. Find $m+n$.", "What is the area?",
             "How many minutes will it take?", "How much does he need to pay for them?"]
R1 = {"think_end": "</think>", "think_start": "<think>", "opens_think": False}


def _answers(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 60))) for _ in range(n)]


@pytest.mark.parametrize("gold", GOLDS)
def test_random_answers_always_get_a_math_verdict(gold: str,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    texts = _answers(GOLDS.index(gold), 40)
    with caplog.at_level(logging.WARNING, logger=equivalence.__name__):
        doc = {"answer": gold, "problem": QUESTIONS[GOLDS.index(gold) % len(QUESTIONS)]}
        out = grading.process_math(doc, [texts], **R1)
    assert 0.0 <= out["pass@1"] <= 1.0
    assert not caplog.records, caplog.records[0].getMessage() if caplog.records else ""


def test_an_error_inside_math_equal_is_a_string_comparison_and_a_warning(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(predicted: str, gold: str, angles: bool, times: bool) -> bool:
        raise AttributeError("'str' object has no attribute 'xreplace'")

    monkeypatch.setattr(equivalence, "_math_equal", broken)
    equivalence.math_equal.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger=equivalence.__name__):
            assert equivalence.math_equal("x \\neq", "x \\neq")
            assert not equivalence.math_equal("0.5", "\\frac12")
    finally:
        equivalence.math_equal.cache_clear()
    assert "xreplace" in caplog.records[0].getMessage()


def test_random_answers_always_get_a_letter_verdict() -> None:
    doc = {"gold": "C", "choice_a": "1", "choice_b": "$\\frac12$", "choice_c": "\\text{A}",
           "choice_d": ""}
    out = grading.process_mc(doc, [_answers(1, 200)], **R1)
    assert 0.0 <= out["pass@1"] <= 1.0


def test_a_degenerate_answer_is_compared_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """math-verify's parse spends seconds on thousands of characters of junk: never called."""
    def parse(text: str) -> tuple[object, ...]:
        raise AssertionError(f"parsed {len(text)} characters")

    monkeypatch.setattr(equivalence, "_parse", parse)
    equivalence.math_equal.cache_clear()
    try:
        out = grading.process_math({"answer": "7"}, [["</think>Answer:" + "(1," * 400]], **R1)
        assert out["pass@1"] == 0.0
    finally:
        equivalence.math_equal.cache_clear()
