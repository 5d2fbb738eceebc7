"""Are two math answers the same? math-verify decides, and cons@n votes by its verdict.

Gold answers are never normalised by hand: each is parsed by math-verify as LaTeX, as
written in the dataset (tuples, intervals, sets, unions, several roots, `\\text{}` answers,
degrees, percents and thousands separators are all its business); only notations it
misreads are respelled first, on either side, keeping their value (accuracy/notation.py
names them). Two numbers written with their bases ("52_8", "(2516)_8", "4210_{5}") are
compared by value, since math-verify drops a subscript ("52_9" was "52_8"); a number without
one against a gold with one is math-verify's (the base the question asked for). Values
given to variables out of the order of their names ("y = -2, x = 1") are put in that order
first, on either side (readings.assignments_in_order): math-verify pairs them as written. A
predicted answer is parsed the same way, and an inequality predicted for an interval gold is
compared as the set it describes (`-2 \\le x \\le 7` is `[-2, 7]`: math-verify's
allow_set_relation_comp; "x < 0 or x > 1" is the union of the two). A gold that names option
letters (MATH's multiple-choice answers: `\\text{(C)}`, `\\text{A, C}`) is compared as the
set of letters the prediction names ("C", "(C) 42", "C, A"), which math-verify reads as
different strings. If math-verify cannot parse one of the two, the verdict is an exact
string match of the two, so an unparseable answer is never passed by accident.

math-verify reads `i` as a symbol, real or not by how the answer is spaced (a lone `i`, as in
`2 i` or `\\frac45 i`, makes every symbol of the answer non-real; `2i` does not), so `2 i`
differed from `2i`, `\\frac{3+4i}{5}` from `\\frac35 + \\frac45 i`, and `e^{i\\pi/4}`, `1/i`
or `(1+i)^2` from their rectangular forms. Where math-verify finds two answers different and
one of them has a free `i`, they are compared once more on one footing: `i` the imaginary
unit and every other symbol a plain complex one (not real, or `z = 1 + 2i` would be false
by sympy's own reckoning). Two words (`\\text{Emily}`, read as products of letters) are not
compared again.

Some answers have two readings, math-verify's and another a reader could take, and where
the two sides differ both are tried (readings.py): a percent (0.18 is right for a gold
`18\\%` and `25\\%` for a gold `\\frac14`, while a bare 18 is never 0.18; graders derived
from Qwen2.5-Math's accept that too, and 1800, with `include_percentage`), a scale word
(`2\\text{ million}` is 2 and 2000000), number words ("five"), scientific notation ("3e5")
and "all real numbers".

cons@n (majority vote) groups the n extracted answers by equivalence, not by spelling, so
`0.5`, `\\dfrac{1}{2}` and `1/2` are one vote. The largest group wins. When several groups tie
for largest, the vote is scored as the share of the tied groups that are correct: the
expected score of breaking the tie at random, the same whatever order the samples came in.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from harness.accuracy.boxes import unwrapped
from harness.accuracy.clock import same_time
from harness.accuracy.notation import readable, variables_kept
from harness.accuracy.readings import assignments_in_order, lettered_option, other_reading
from harness.accuracy.rounding import exact_of_rounded, places

# an answer statement's trailing unit or words do not make a parse fail: "42 apples" is 42
_LEADING_NUMBER = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:/\d+)?")


@functools.lru_cache(maxsize=65536)
def _parse(text: str) -> tuple[Any, ...]:
    from math_verify import parse

    text = assignments_in_order(variables_kept(readable(text.strip())))
    if not text:
        return ()
    for wrapped in (f"${text}$", f"\\boxed{{{text}}}"):
        parsed = parse(wrapped, parsing_timeout=5)
        if parsed:
            return tuple(parsed)
    number = _LEADING_NUMBER.match(text)
    return tuple(parse(f"${number.group(0)}$", parsing_timeout=5)) if number else ()


@functools.lru_cache(maxsize=65536)
def math_equal(predicted: str | None, gold: str, angles: bool = True,
               times: bool = False) -> bool:
    """True when math-verify finds the two answers equivalent (1/2 = 0.5 = \\frac{2}{4});
    `angles`: an angle in degrees may equal one in radians (False where the question asked
    for one unit: readings.angle_unit_asked); `times`: the question asks for a time of day,
    so "9:30" is a time, not a ratio (clock.time_asked)."""
    if predicted is None or not predicted.strip():
        return False
    try:
        return _math_equal(predicted, gold, angles, times)
    except Exception as exc:  # noqa: BLE001 - a verdict for every answer, whatever sympy does
        # a grading error must not lose a run after its last generation: the pair is compared
        # as written, as an unparseable answer is, and the log names it
        logging.getLogger(__name__).warning("math_equal(%r, %r) raised %s: compared as strings",
                                            predicted[:200], gold[:200], exc)
        return predicted.strip() == gold.strip()


# longer than any answer of the benchmarks here (a matrix runs to a few hundred characters):
# a degenerate answer part ("Answer: Answer: ..." to the token limit) is compared as written,
# since math-verify's parse alone spends its seconds-long timeout on such text, twice
LONGEST_ANSWER = 1000


def _math_equal(predicted: str, gold: str, angles: bool, times: bool) -> bool:
    from math_verify import verify

    if len(predicted) > LONGEST_ANSWER:
        return predicted.strip() == gold.strip()
    if _same_text(predicted, gold):  # "\\text{June } 20" and "\\text{June 20}"
        return True
    timed = same_time(predicted, gold, times)  # "4 a.m." is not "4 p.m.", nor 3:10 "9:30"
    if timed is not None:
        return timed
    based = _in_base(predicted), _in_base(gold)
    if None not in based:  # "52_8" and "52_9": math-verify drops both subscripts
        return based[0] == based[1]
    options = _option_letters(gold)
    if options is not None:  # "\\text{(C)}", "\\text{A, C}": the letters chosen, as a set
        lettered = lettered_option(predicted)  # "\\textbf{(C)}\\ 42": its letter
        chosen = _option_letters(predicted) or (frozenset(lettered[0]) if lettered else None)
        if chosen is not None:
            return chosen == options
    gold_parsed, pred_parsed = _parse(gold), _parse(predicted)
    if not gold_parsed or not pred_parsed:
        return predicted.strip() == gold.strip()
    if verify(list(gold_parsed), list(pred_parsed), timeout_seconds=5,
              allow_set_relation_comp=True, float_rounding=places(gold_parsed, pred_parsed)):
        return True
    union = _relations_as_set(pred_parsed[0])
    if union is not None and verify(gold_parsed[0], union, timeout_seconds=5):
        return True
    union = _relations_as_set(gold_parsed[0])  # a gold written as relations, the same way
    if union is not None and verify(union, pred_parsed[0], timeout_seconds=5):
        return True
    exact = exact_of_rounded(pred_parsed[0])  # "\\frac{3}{56} = 0.0536": the exact value
    if exact is not None and verify(gold_parsed[0], exact, timeout_seconds=5):
        return True
    return (_equal_as_complex(gold_parsed[0], pred_parsed[0])
            or _equal_by_other_reading(predicted, gold, angles, times))


# a whole number with its base as a subscript: "52_8", "4210_{5}", "(2516)_8", "1A_{16}"
_BASED = re.compile(r"\(?(\d[0-9A-Za-z]{0,63})\)?_\{?(\d{1,2})\}?")


def _in_base(text: str) -> int | None:
    """The value of a number written with its base ("52_8": 42), or None where it is not
    written so, or its digits are no number in that base."""
    m = _BASED.fullmatch(unwrapped(text).strip())
    try:
        return int(m.group(1), int(m.group(2))) if m else None
    except ValueError:
        return None


_TEXT = re.compile(r"\\(?:text|textrm|textbf|mathrm|mbox)\s*\{")


def _same_text(predicted: str, gold: str) -> bool:
    """Where either side has words in a text wrapper: the same words, whatever the spaces,
    wrappers and case ("\\text{June } 20", "11:00 \\text{ a.m.}"). math-verify reads such
    words as products of letters, which two spellings of one date never equal."""
    if not (_TEXT.search(predicted) or _TEXT.search(gold)):
        return False
    return _spelled(predicted) == _spelled(gold)


def _spelled(text: str) -> str:
    """Words compared as spelled: spaces, thin spaces, case and a leading article aside ("an
    ellipse"), "p.m." as "pm", and a plural of a longer word as its singular ("no
    solutions", "Tuesdays"; not "odds", "less")."""
    words = re.sub(r"^(?:an?|the)\s+(?=[a-z])", "", _unwrapped(text).lower())
    words = re.sub(r"(?<=[a-z]{3}[a-rt-z])s\b", "", words)
    spelled = re.sub(r"\s+|\\[,;:!]", "", words)
    return re.sub(r"(?<![a-z])([ap])\.m\.?(?![a-z])", r"\1m", spelled)


def _equal_by_other_reading(predicted: str, gold: str, angles: bool, times: bool) -> bool:
    """Where one side has a second reading (readings.py: a percent, a scale word, number
    words, scientific notation, an angle in degrees), that reading against the other side."""
    pred_other, gold_other = other_reading(predicted, angles), other_reading(gold, angles)
    return bool((pred_other and math_equal(pred_other, gold, angles, times))
                or (gold_other and math_equal(predicted, gold_other, angles, times)))


def _equal_as_complex(gold: Any, predicted: Any) -> bool:
    """The two parses equal once a free `i` is the imaginary unit and other symbols carry no
    assumptions (False where neither has an `i`, both are words, or that cannot be built)."""
    from math_verify import verify
    from sympy import Basic, I, Symbol

    def symbols(parsed: Any) -> set[Any]:
        return {s for s in getattr(parsed, "free_symbols", ()) if type(s) is Symbol}

    if not (isinstance(gold, Basic) and isinstance(predicted, Basic)):
        return False  # math-verify kept one side as a string: "\\sqrt\\[..."
    if not any(s.name == "i" for s in symbols(gold) | symbols(predicted)):
        return False
    if _word(gold) and _word(predicted):
        return False
    try:
        gold, predicted = (p.xreplace({s: I if s.name == "i" else Symbol(s.name)
                                       for s in symbols(p)}) for p in (gold, predicted))
    except (TypeError, ValueError):  # "i < 3": a relation sympy will not build on I
        return False
    return bool(verify(gold, predicted, timeout_seconds=5, allow_set_relation_comp=True))


def _word(parsed: Any) -> bool:
    """A name math-verify read as a product of letters ("Emily": E*m*i*l*y)."""
    from sympy import E, Mul, Symbol

    return isinstance(parsed, Symbol) or (
        isinstance(parsed, Mul) and all(a == E or isinstance(a, Symbol) for a in parsed.args))


_LETTER_LIST = re.compile(r"\(?([A-J])\)?(?:\s*(?:,|\\,|and|;)?\s*\(?([A-J])\)?)*")


def _unwrapped(text: str) -> str:
    return unwrapped(text).replace("\\ ", " ").replace("~", " ").strip().rstrip(".")


def _option_letters(text: str) -> frozenset[str] | None:
    """The option letters an answer names ("\\text{(C)}", "A, C", "\\text{(A), (C)}"), or
    None where it is not only letters. MATH's multiple-choice golds are written this way,
    and math-verify reads "A, C" beside "\\text{A, C}" as different."""
    plain = _unwrapped(text)
    if not _LETTER_LIST.fullmatch(plain):
        return None
    return frozenset(re.findall(r"[A-J]", plain))


def _relations_as_set(parsed: Any) -> Any:
    """"x < 0 or x > 1" (math-verify: the set {x < 0, x > 1}) as the set of x it describes,
    (-oo, 0) U (1, oo); None for anything else."""
    from sympy import FiniteSet, Poly, Union
    from sympy.core.relational import Relational
    from sympy.polys.polyerrors import PolynomialError

    if not isinstance(parsed, FiniteSet) or len(parsed) < 2:
        return None
    if not all(isinstance(r, Relational) for r in parsed.args):
        return None
    symbols = set().union(*(r.free_symbols for r in parsed.args))
    if len(symbols) != 1:
        return None
    (x,) = symbols
    try:
        # linear sides only: solving what a model wrote has no time limit out here
        if any(not (r.lhs - r.rhs).is_polynomial(x) or Poly(r.lhs - r.rhs, x).degree() > 1
               for r in parsed.args):
            return None
        return Union(*(r.as_set() for r in parsed.args))
    except (NotImplementedError, TypeError, ValueError, PolynomialError):
        return None


def vote(values: list[str | None], same: Any = math_equal) -> list[list[str]]:
    """The answers grouped by `same` (the first member of a group stands for it), largest
    group first; groups of equal size keep the order of their first member."""
    groups: list[list[str]] = []
    for v in values:
        if not v:
            continue
        for group in groups:
            if same(v, group[0]):
                group.append(v)
                break
        else:
            groups.append([v])
    return sorted(groups, key=len, reverse=True)


def consensus_score(values: list[str | None], correct: Any, same: Any = math_equal) -> float:
    """cons@n of one problem: 1 if the largest group of equivalent answers is correct, 0 if
    not, and the share of correct groups among those tied for largest."""
    groups = vote(values, same)
    if not groups:
        return 0.0
    tied = [g for g in groups if len(g) == len(groups[0])]
    return sum(bool(correct(g[0])) for g in tied) / len(tied)
