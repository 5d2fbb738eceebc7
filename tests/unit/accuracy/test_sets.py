"""Sets of reals respelled as intervals (sets.py), on the spellings alone."""

from __future__ import annotations

import pytest

from harness.accuracy.sets import sets_written_out


@pytest.mark.parametrize(("text", "written"), [
    ("\\mathbb{R}^+", "(0, \\infty)"),
    ("\\mathbb R_{>0}", "(0, \\infty)"),
    ("ℝ^+", "(0, \\infty)"),
    ("\\mathbb{R}_{\\geq 0}", "[0, \\infty)"),
    ("\\mathbb{R}^{+}_{0}", "[0, \\infty)"),
    ("\\mathbb{R}_0^+", "[0, \\infty)"),
    ("\\mathbb{R}^-", "(-\\infty, 0)"),
    ("\\mathbb{R}_{\\le 0}", "(-\\infty, 0]"),
    ("\\mathbb{R}^+ \\cup \\{0\\}", "(0, \\infty) \\cup \\{0\\}"),
    ("\\mathbb{R} - \\{1\\}", "\\mathbb{R} \\setminus \\{1\\}"),
    ("x \\in \\mathbb{R}, x \\neq 1", "x \\neq 1"),
    ("\\{x \\mid x > 0\\}", "x > 0"),
    ("]1,5[", "(1, 5)"),
    ("[1,5[", "[1, 5)"),
    ("]-\\infty, 2]", "(-\\infty, 2]"),
    ("\\left]1,5\\right[", "(1, 5)"),
    ("]-\\infty, -2[ \\cup ]2, +\\infty[", "(-\\infty, -2) \\cup (2, +\\infty)"),
    ("]0, \\frac{\\pi}{2}[", "(0, \\frac{\\pi}{2})"),
    ("\\geq 5", "x \\geq 5"),
    ("> 5", "x > 5"),
    ("≤ 3", "x ≤ 3"),
])
def test_spellings_become_intervals(text: str, written: str) -> None:
    assert sets_written_out(text) == written


@pytest.mark.parametrize("text", [
    "[1,5]", "[0,1] , [2,3]", "[1,2] \\cup [3,4]", "\\mathbb{R}^{-1}", "\\mathbb{R}^2",
    "x \\in \\mathbb{R}, y > 2", "x_{[1]}, y_{[2]}", "\\mathbb{R}",
])
def test_other_text_is_left_as_it_is(text: str) -> None:
    assert sets_written_out(text) == text


def test_degenerate_text_costs_little() -> None:
    for text in ("]" + " a" * 1000, "[a" * 1000, "]{" * 1000, "] a, " * 400):
        assert sets_written_out(text)  # returns; a quadratic pattern would take minutes
