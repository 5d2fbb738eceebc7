"""The notations written out before math-verify parses an answer or a gold."""

from __future__ import annotations

import pytest

from harness.accuracy.notation import latex_symbols, readable, variables_kept
from harness.accuracy.readings import assignments_in_order


@pytest.mark.parametrize("text, expected", [
    ("0.\\overline{54}", "\\frac{54}{99}"),
    ("0.1\\overline{6}", "\\frac{15}{90}"),
    ("-1.\\dot{3}", "-\\frac{12}{9}"),
    ("\\varnothing", "\\emptyset"),
    ("\\frac\\pi2", "\\frac{\\pi}2"),
    ("\\dfrac\\pi{4}", "\\dfrac{\\pi}{4}"),
    ("\\frac{\\frac\\pi2}{3}", "\\frac{\\frac{\\pi}2}{3}"),
    ("\\sqrt[3]\\pi + 1", "\\sqrt[3]{\\pi} + 1"),
    ("\\left(\\frac\\pi2, 3\\right)", "\\left(\\frac{\\pi}2, 3\\right)"),
    ("\\mathbf{\\frac{1}{2}}", "\\frac{1}{2}"),
    ("\\boldsymbol{\\underline{5}}", "5"),
    ("\\color{red}7", "7"),
    ("\\textcolor{blue}{(1, 2)}", "(1, 2)"),
    ("{(1, 2)}", "(1, 2)"),
    ("\\color{red}{\\{1, 2\\}}", "\\{1, 2\\}"),
    ("1 - \\frac{1}{\\mathrm{e}}", "1 - \\frac{1}{e}"),  # a gold's roman e, read as a unit
    ("3 + 2\\text{i}", "3 + 2i"),
    ("2√3", "2\\sqrt{3}"),
    ("\\left. \\frac{1}{2} \\right.", " \\frac{1}{2} "),
])
def test_a_misread_notation_is_written_out(text: str, expected: str) -> None:
    assert readable(text) == expected


@pytest.mark.parametrize("text", [
    "\\frac123",  # math-verify reads 1/23 and is left to
    "\\sqrt12", "\\frac{1}{2}", "\\sqrt{x+1}", "3.25", "\\frac{", "\\frac", "\\sqrt[3",
    "\\fraction", "0.5\\overline", "\\frac12}", "\\mathbf 5", "\\underline{", "\\mathbfx{5}",
    "{1}{2}", "\\{1, 2\\}",
])
def test_everything_else_is_left_as_written(text: str) -> None:
    assert readable(text) == text


@pytest.mark.parametrize("text", [
    "\\frac{" * 10000,  # unclosed groups: 35 s when every one was matched to the end
    "1" * 5000 + "." + "2" * 5000 + "\\overline{3}",  # past int()'s 4,300 digits: raised
])
def test_a_degenerate_answer_is_left_as_written(text: str) -> None:
    assert readable(text) == text


def test_a_long_repeating_part_is_not_cut() -> None:
    # 101 digits before the point are more than the pattern reads: left whole, never a
    # fraction of the last 100 digits
    text = "1" * 101 + ".\\overline{3}"
    assert readable(text) == text


@pytest.mark.parametrize("text, expected", [
    ("2ab", "2{a}{b}"),
    ("\\frac{1}{2} b h", "\\frac{1}{2} {b} {h}"),
    ("\\frac{1}{3}\\pi r^2 h", "\\frac{1}{3}\\pi r^2 {h}"),
    ("\\sqrt{3}s", "\\sqrt{3}{s}"),
    ("x = 2 t", "x = 2 {t}"),
    ("2x + 5 m", "2x + 5 {m}"),  # a variable before it: m is one too
])
def test_letters_math_verify_would_drop_as_a_unit_are_kept_as_variables(
        text: str, expected: str) -> None:
    assert variables_kept(text) == expected


@pytest.mark.parametrize("text", [
    "5 m", "x = 5 s", "5\\sqrt{2} h", "5cm", "3 kg", "12 \\text{ cm}^2", "21st", "2xy", "1+2i",
])
def test_a_unit_after_a_number_alone_and_letters_math_verify_keeps_are_left(text: str) -> None:
    assert variables_kept(text) == text


@pytest.mark.parametrize("text, expected", [
    ("２０２４", "2024"), ("－５", "-5"), ("x = –5", "x = -5"), ("(–2, 3)", "(-2, 3)"),
    ("–\\frac{1}{2}", "-\\frac{1}{2}"),
    ("1–5", "1–5"), ("a–b", "a–b"), ("the answer – 42", "the answer – 42"),  # ranges, prose
])
def test_full_width_digits_and_a_dash_against_a_number(text: str, expected: str) -> None:
    assert latex_symbols(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("\\frac{20,000}{\\pi}", "\\frac{20000}{\\pi}"), ("2^{1,000}", "2^{1000}"),
    ("\\frac{20{,}000}{\\pi}", "\\frac{20000}{\\pi}"), ("\\sqrt{1,000,000}", "\\sqrt{1000000}"),
    ("10\\,000\\pi", "10000\\pi"), ("9{:}30", "9:30"), ("3\\colon 2", "3: 2"),
    ("\\num{1000}", "1000"), ("\\SI{5}{\\meter}", "5\\text{ meter}"),
    ("\\qty{9.8}{\\meter\\per\\second}", "9.8\\text{ meter per second}"),
    # a set, a subscript and an interval keep their commas
    ("\\{1,000\\}", "\\{1,000\\}"), ("a_{1,100}", "a_{1,100}"), ("(1,000)", "(1,000)"),
])
def test_digit_groups_inside_latex_and_braced_colons(text: str, expected: str) -> None:
    assert latex_symbols(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("y = -2, x = 1", "x = 1, y = -2"),
    ("b = 3 \\text{ and } a = \\frac{1}{2}", "a = \\frac{1}{2}, b = 3"),
    ("x_{10} = 3, x_2 = 4", "x_2 = 4, x_{10} = 3"),
    ("x = 1, y = -2", "x = 1, y = -2"),  # in order already: as written
    ("5 = n", "n = 5"), ("\\frac{1}{2} = p", "p = \\frac{1}{2}"), ("x + 1 = y", "x + 1 = y"),
    ("y = 1 or y = 2", "y = 1 or y = 2"), ("x = 1, x = 2", "x = 1, x = 2"),
    ("(x, y) = (1, -2)", "(x, y) = (1, -2)"), ("y \\le 2, x = 1", "y \\le 2, x = 1"),
])
def test_values_given_to_variables_are_read_in_the_order_of_the_variables(
        text: str, expected: str) -> None:
    assert assignments_in_order(text) == expected
