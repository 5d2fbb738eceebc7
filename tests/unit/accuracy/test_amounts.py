"""Amounts of an unboxed answer (amounts.py): a value restated in another unit is the one the
question asks for, else the first, hedges left alone; of a last sentence's amounts, the one
the question asks for."""

from __future__ import annotations

import pytest

from harness.accuracy.amounts import amount_asked, one_of_restated
from harness.accuracy.labels import asked_words


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


@pytest.mark.parametrize(("answer", "question", "amount"), [
    ("Kylar needs to pay $64 for 16 glasses.", "How much does he need to pay for them?", "64"),
    ("He can buy 16 glasses for $64.", "How many glasses can he buy?", "16"),
    ("She has 5 apples left after giving 3 apples away.", "How many apples does she have left?",
     "5"),
    ("It took 7 days to read 1,400 pages.", "How many pages did she read?", "1400"),
    # the question favours none, or one amount alone, or a calculation: the last number's rule
    ("There are 20 students and 4 teachers.", "How many people are there?", None),
    ("The difference is 3 years between 5 years and 8 years.", "How many years?", None),
    ("She has 5 apples.", "How many apples?", None),
    ("12 * 3 = 36 dollars.", "How much did she spend?", None),
])
def test_of_a_last_sentences_amounts_the_one_asked(answer: str, question: str,
                                                   amount: str | None) -> None:
    assert amount_asked(answer, asked_words(question)) == amount
