"""A math answer's value once found, written so that math-verify reads what the model meant.

answers.py finds where the answer is (a box, a statement, the last expression or number);
this module cleans the value it found: the sentence's full stop and dollars, digit groups
(`10\\,000`, `10 000`, `x = 1,000`), a modulus after a residue (`3 \\pmod{7}`), and the
plain words after a number ("18 dollars"), which math-verify reads as a product of
variables; a scale word stays ("2 million" as `2\\text{ million}`: readings.py reads it
both as 2 and as 2000000), and so does a lone two-letter word that is no unit ("4 xy" is a
product). A number is read whole: sign, thousands separators, SI digit groups, decimals
(`.4` too), a fraction a/b and a mixed number ("1 1/2", written `1\\frac{1}{2}` for
math-verify, which reads "1 1/2" as 1 * 1/2).
"""

from __future__ import annotations

import re

from harness.accuracy.boxes import WRAPPER, boxed_hedge_spelled

# SI digit groups, "10 000" (a plain, thin or no-break space): TeX ignores a plain space in
# math, so this is how SI style renders ten thousand, which math-verify reads as 10 * 000 = 0
_SI_GROUPS = r"\d{1,3}(?:[ \u2009\u202f\u00a0]\d{3})+(?![\w-])"
# sign, then thousands, SI groups or plain digits, then decimals; or a decimal that starts at
# its point, ".4" (not "v.4", nor the ".5" of "1.5")
_DECIMAL = (r"[-−]?(?:(?:\d{1,3}(?:,\d{3})+|" + _SI_GROUPS + r"|\d+)(?:\.\d+)?"
           r"|(?<![\w.])\.\d+)")
NUMBER = re.compile(_DECIMAL + r"(?:\s*/\s*\d+)?")


# "18 dollars", "10 meters squared", "8 km/h", "7 cm^2", "9.8 m/s^2": a number followed by
# words only (no LaTeX, operators or other numbers; a unit's power is allowed), whose unit
# math-verify would read as variables (18*d*o*l*l*a*r*s)
_NUMBER_THEN_WORDS = re.compile(r"(" + _DECIMAL + r"(?:/\d+)?)\s+(?!pi\b)"
                                r"(?:[A-Za-z]{2,}|[A-Za-z]/[A-Za-z])"
                                r"(?:[A-Za-z/ ]|\^\{?[23]\}?|[²³])*")


# a value in quotes: 'The final answer is "12 and 13"', escaped or typographic
_QUOTED = re.compile(r"""^\\?["“'](.*?)\\?["”']$""")


def clean(value: str) -> str:
    """A stated or found value without its sentence's full stop, bold and math delimiters,
    with digit groups joined and a modulus or trailing unit words dropped."""
    value = value.strip().replace("**", "").strip()
    for _ in range(2):  # "$\frac{3}{4}$." : the full stop, then the dollars
        value = re.sub(r"[.;,:]+$", "", value).strip()  # sentence end, never a decimal point
        value = _QUOTED.sub(r"\1", value).strip("$").strip()
        value = re.sub(r"^\\[(\[]|\\[)\]]$", "", value).strip()
    return _unit_words_dropped(mixed_as_latex(_digit_groups_joined(value)))


def box_clean(content: str) -> str:
    """A box's content as an answer: a full stop or comma the model put inside the box
    ("\\boxed{\\frac{1}{2}.}") dropped (math-verify fails on it), never LaTeX's "\\;"."""
    content = re.sub(r"(?<!\\)[.,;]+$", "", content.strip()).strip()
    return _unit_words_dropped(mixed_as_latex(_digit_groups_joined(
        boxed_hedge_spelled(content))))


# a mixed number in plain text, "1 1/2", which math-verify reads as 1 * 1/2
_MIXED = re.compile(r"(?<![\d.,/^_{])(\d{1,9})[ \u00a0](\d{1,9})/(\d{1,9})(?![\d/.])")


def mixed_as_latex(text: str) -> str:
    """`text` with each plain mixed number ("1 1/2", its fraction below 1) as LaTeX's
    `1\\frac{1}{2}`, which math-verify reads as 3/2."""
    def latex(m: re.Match[str]) -> str:
        whole, top, bottom = m.groups()
        if not 0 < int(top) < int(bottom):
            return m.group()
        return f"{whole}\\frac{{{top}}}{{{bottom}}}"
    return _MIXED.sub(latex, text) if "/" in text else text


def last_number(answer: str) -> str | None:
    """The last number in the text, whole: sign, thousands separators, SI digit groups,
    decimals, a/b."""
    numbers = NUMBER.findall(answer)
    return re.sub(r"[ \u2009\u202f\u00a0]", "", numbers[-1].replace("−", "-")) if numbers else None


# "10 000", "1 000 000" (SI digit groups). Whole numbers only: "2 3" stays.
_SPACED_GROUPS = re.compile(r"(?<![\d.,])" + _SI_GROUPS + r"(?:\.\d+)?(?![\d.,])")


# "x = 1,000": math-verify reads a lone 1,000 as a thousand but this one as x = {0, 1}
_ASSIGNED_THOUSANDS = re.compile(r"([A-Za-z](?:_\{?\w+\}?)?\s*=\s*)(-?\d{1,3}(?:(?:,|\{,\})\d{3})+"
                                 r"(?:\.\d+)?)")


def _digit_groups_joined(value: str) -> str:
    value = _SPACED_GROUPS.sub(lambda m: re.sub(r"[^\d.]", "", m.group()), value)
    assigned = _ASSIGNED_THOUSANDS.fullmatch(value)
    if assigned:
        value = assigned.group(1) + re.sub(r"\{,\}|,", "", assigned.group(2))
    return value


# a residue with its modulus after it: "3 \\pmod{7}" (math-verify: 3 +- 7*d*o),
# "3 \\bmod 7" (7), "3 \\ (\\text{mod } 7)"
_MODULUS = re.compile(r"(?:\\[pb]?mod\s*(?:\{[^{}]*\}|\w+)|"
                      r"\(\s*(?:\\text\{\s*mod\s*\}|\\(?:b|op)?mod\b|mod\b)[^()]*\))$")


def _modulus_dropped(value: str) -> str:
    m = _MODULUS.search(value) if "mod" in value else None
    if not m:
        return value
    end = m.start()
    while end:  # the spaces before it, plain and LaTeX's, in one pass from the end
        if end >= 2 and value[end - 2] == "\\" and value[end - 1] in " ,;":
            end -= 2
        elif value[end - 1].isspace():
            end -= 1
        else:
            break
    return value[:end] if value[:end].strip() else value


# a scale word after the number: "2 million" keeps it, as "2\\text{ million}", which
# math-verify reads as 2 and readings.py also as 2000000
_SCALE = re.compile(r"\s*((?i:thousand|million|billion|trillion))s?\b")


# two-letter units: any other lone two-letter word after a number is a product of two
# variables ("2 ab", "4 xy"), which stays as written
SHORT_UNITS = frozenset("cm mm km nm um kg mg ft in yd mi lb oz hr ms ns ml am pm ev kw mw hz "
                        "cc dm gm yr gb mb kb pa".split())  # compared in lower case: "2 PM", "5 GB"


# a number, its unit and the unit's power in prose: "12 cm^2", "9.8 m/s^2", "$12$ cm$^2$";
# group 1 is what stays (a two-letter word that is no unit, "3 xy^2", keeps its power)
_UNIT_POWER = re.compile(r"(\d\$?[^\S\n]+(?:\\text\{\s*)?"
                         r"(?:(?P<unit>[A-Za-z]{2,8})|[A-Za-z]/[A-Za-z])\}?)"
                         r"[^\S\n]*(?:\$\^\{?[23]\}?\$|\^\{?[23]\}?)(?![\w{])")


def unit_powers_dropped(text: str) -> str:
    """`text` without the power of a unit after a number ("12 cm^2" as "12 cm"), so that the
    power is never read as the last number in it."""
    def drop(m: re.Match[str]) -> str:
        unit = m.group("unit")
        if unit and len(unit) == 2 and unit.lower() not in SHORT_UNITS:
            return m.group(0)
        return m.group(1)
    return _UNIT_POWER.sub(drop, text) if "^" in text else text


# an ordinal, alone or naming what it ranks: "2nd", "3rd place", "21st" (math-verify: 2*n*d)
_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)(?:[^\S\n]+[A-Za-z][A-Za-z ]*)?")


# "5 or more", "3 or fewer apples", "10 and up": a bound, not a number and its unit
_BOUND_WORDS = re.compile(r"\s*(?:or|and)\s+(more|greater|higher|above|over|up|fewer|less|"
                          r"lower|below|under)\b", re.IGNORECASE)
_ABOVE = frozenset("more greater higher above over up".split())


def _unit_words_dropped(value: str) -> str:
    value = _modulus_dropped(value)
    # "\\text{4 inches}": the same inside a text wrapper (math-verify: 4*i*n*c*h*e*s)
    wrapped = WRAPPER.fullmatch(value)
    ordinal = _ORDINAL.fullmatch(wrapped.group(1).strip() if wrapped else value)
    if ordinal:
        return ordinal.group(1)
    words = _NUMBER_THEN_WORDS.fullmatch(wrapped.group(1).strip() if wrapped else value)
    if not words:
        return value
    after = re.sub(r"\^\{?[23]\}?|[²³]", "", words.group(0)[words.end(1):]).strip()
    if re.fullmatch(r"[A-Za-z]{2}", after) and after.lower() not in SHORT_UNITS:
        return value
    bound = _BOUND_WORDS.match(words.group(0), words.end(1))
    if bound:  # "5 or more": no number but a bound, x >= 5
        return f"x \\{'geq' if bound.group(1).lower() in _ABOVE else 'leq'} {words.group(1)}"
    scale = _SCALE.match(words.group(0), words.end(1))
    return words.group(1) + (f"\\text{{ {scale.group(1).lower()}}}" if scale else "")

