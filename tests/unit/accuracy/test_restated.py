"""A value restated in another unit (restated.py): the one the question asks for, else the
first; hedges are left alone."""

from __future__ import annotations

import pytest

from harness.accuracy.labels import asked_words
from harness.accuracy.restated import one_of_restated


@pytest.mark.parametrize(("answer", "question", "kept"), [
    ("It will take 1.5 hours, or 90 minutes.", "How many hours will it take?",
     "It will take 1.5 hours."),
    ("It will take 1.5 hours, or 90 minutes.", "How many minutes will it take?",
     "It will take 90 minutes."),
    ("It will take 1.5 hours, or 90 minutes.", "How long will it take?",
     "It will take 1.5 hours."),
    ("She earns 18 dollars a day, or 126 dollars a week.",
     "How much in dollars does she make every week?", "She earns 126 dollars a week."),
    ("160 minutes, which is 2 hours and 40 minutes.", "How many minutes?", "160 minutes."),
    ("The answer is 45 minutes (3/4 of an hour).", "How many minutes?",
     "The answer is 45 minutes."),
    ("The answer is 1/2 hour, i.e. 30 minutes.", "How many minutes?", "The answer is 30 minutes."),
])
def test_the_amount_asked_for_is_kept(answer: str, question: str, kept: str) -> None:
    assert one_of_restated(answer, asked_words(question)) == kept


@pytest.mark.parametrize("answer", [
    "The answer is 5 apples or 6 apples.", "It is 7 or 8.", "So x = 5 or x = -3.",
    "She has 12 apples.", "It costs $5 (before tax).",
])
def test_hedges_and_single_amounts_are_left_alone(answer: str) -> None:
    assert one_of_restated(answer, frozenset({"how", "many"})) == answer


def test_a_long_answer_is_read_from_its_end() -> None:
    # only the last 600 characters are searched: a degenerate answer costs what they cost
    out = one_of_restated("1 hours, or " * 5000 + "2 minutes", frozenset())
    assert out.endswith("1 hours") and len(out) < len("1 hours, or " * 5000)
