"""Times of day compared as times (accuracy/clock.py), through math_equal and the grader."""

from __future__ import annotations

import pytest

from harness.accuracy.clock import clock, same_time, time_asked
from harness.accuracy.equivalence import math_equal


@pytest.mark.parametrize("text,minutes_of_day,on_face", [
    ("4 \\text{ p.m.}", 16 * 60, 4 * 60),
    ("\\text{11:40 a.m.}", 11 * 60 + 40, 11 * 60 + 40),
    ("11\\!:\\!40\\,\\text{AM}", 11 * 60 + 40, 11 * 60 + 40),
    ("9{:}30", None, 9 * 60 + 30),
    ("16:00", 16 * 60, 4 * 60),
    ("12:00 \\text{ a.m.}", 0, 0),
    ("12 \\text{ noon}", 12 * 60, 0),
    ("\\text{midnight}", 0, 0),
    ("7 o'clock", None, 7 * 60),
])
def test_a_time_is_read_as_written(text: str, minutes_of_day: int | None,
                                   on_face: int) -> None:
    read = clock(text)
    assert read is not None and read.of_day() == minutes_of_day and read.on_face() == on_face


@pytest.mark.parametrize("text", ["3/2", "13 p.m.", "9:75", "x = 4", "25:00", "3 noon", "4.5"])
def test_what_is_no_time_is_none(text: str) -> None:
    assert clock(text) is None


@pytest.mark.parametrize("predicted,gold,asked,verdict", [
    ("4 \\text{ a.m.}", "4 \\text{ p.m.}", False, False),  # math-verify drops both as units
    ("16:00", "4 \\text{ p.m.}", False, True),
    ("4", "4 \\text{ p.m.}", False, True),  # leaving a.m./p.m. out is not shown wrong by it
    ("5", "4 \\text{ p.m.}", False, False),
    ("3:10", "9:30", True, False),  # math-verify: the ratios 3/10 and 9/30
    ("3:10", "9:30", False, None),  # no time asked: a ratio, math-verify's reading
    ("9:30 \\text{ p.m.}", "9:30", False, True),
    ("12:00 \\text{ a.m.}", "12 \\text{ noon}", False, False),
    ("3:2", "1.5", True, None),  # not a time: one-digit minutes
    ("10:00", "10", True, True), ("9", "9:30", True, False),  # a bare hour where one is asked
    ("10:00", "10", False, None),
])
def test_two_times_are_the_same_minute(predicted: str, gold: str, asked: bool,
                                       verdict: bool | None) -> None:
    assert same_time(predicted, gold, asked) is verdict


@pytest.mark.parametrize("question,asked", [
    ("The train leaves at 9:15. At what time does it arrive?", True),
    ("What time will the clock show 100 minutes after noon?", True),
    ("It is 3 p.m. in London. What is the hour in Tokyo?", True),
    ("What is the angle between the hands of a clock at 2:30?", False),
    ("What is the ratio of boys to girls? Express it as a:b.", False),
    ("By the A.M.-G.M. inequality, find the least ratio $x:y$.", False),
])
def test_a_question_asking_for_a_time(question: str, asked: bool) -> None:
    assert time_asked(question) is asked


def test_a_braced_colon_is_a_colon_in_any_answer() -> None:
    assert math_equal("9:30", "9{:}30") and math_equal("3\\colon 2", "3:2")
    assert math_equal("9:30", "3:10") and not math_equal("9:30", "3:10", times=True)
