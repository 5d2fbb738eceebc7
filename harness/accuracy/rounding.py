"""Decimals in answers: how finely math-verify compares them, and an exact value that a
decimal beside it rounds.

math-verify compares decimals after rounding both to 6 decimal places, whatever their size,
so that 0.000067 equalled a gold .0000672 (MATH-500) and 3e-7 equalled 1e-7. `places` makes
that rounding relative: one more place for each zero after the point of the smallest decimal
on either side (.0000672: 10 places), so two decimals agree to about 6 significant digits, as
math-verify's rounding means them to for numbers near 1 (0.333333 is still 1/3; 3.141593
is still pi, a value with no decimal in it).
"""

from __future__ import annotations

import math
from typing import Any

_MOST_PLACES = 15  # math-verify's numeric precision: places past it are noise


def places(*parsed: tuple[Any, ...]) -> int:
    """The decimal places to round to before comparing the parsed answers (their sympy
    values): 6, and one more for each leading zero of the smallest decimal among them."""
    from sympy import Float

    smallest = math.inf
    for values in parsed:
        for value in values:
            try:  # a sympy value or matrix; math-verify's parse also gives the string
                floats = value.atoms(Float)
            except (AttributeError, TypeError):
                continue
            smallest = min([smallest, *(abs(float(f)) for f in floats if float(f) != 0)])
    if not math.isfinite(smallest) or smallest >= 0.1:
        return 6
    return min(_MOST_PLACES, 6 + math.ceil(-math.log10(smallest)) - 1)


def exact_of_rounded(parsed: Any) -> Any:
    """The exact side of "exact = decimal" ("\\frac{3}{56} = 0.0536", which math-verify reads
    as its right side) where the decimal rounds it (within 1%); None for anything else."""
    from sympy import Eq, Float

    if not isinstance(parsed, Eq) or parsed.free_symbols:
        return None
    exact, rounded = parsed.lhs, parsed.rhs
    if not isinstance(rounded, Float) or isinstance(exact, Float) or not exact.is_number:
        return None
    try:
        value = complex(exact.evalf())
    except (TypeError, ValueError):
        return None
    off = abs(value - float(rounded))
    return exact if off <= 0.01 * abs(value) or off < 5e-4 else None
