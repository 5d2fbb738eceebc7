"""How finely decimals are compared (rounding.places), on math-verify's parses."""

from __future__ import annotations

import pytest

from harness.accuracy.rounding import places


def _parsed(text: str) -> tuple[object, ...]:
    from math_verify import parse

    return tuple(parse(f"${text}$"))


@pytest.mark.parametrize(("gold", "answer", "expected"), [
    ("3", "4", 6),  # no decimal: math-verify's own 6
    ("\\frac{1}{3}", "0.333333", 6),
    ("0.15", "0.150", 6),
    ("0.05", "0.050", 7),
    (".0000672", "0.000067", 10),
    ("0", "0.0", 6),  # a zero decimal has no size
    ("1e-400", "0", 6),
    ("(0.0000672, 1)", "(0.000067, 1)", 10),
    ("10^{-30}", "0.0000000000000000000000000000001", 15),
])
def test_places_follow_the_smallest_decimal(gold: str, answer: str, expected: int) -> None:
    assert places(_parsed(gold), _parsed(answer)) == expected
