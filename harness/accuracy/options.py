"""An option named by its text, not its letter: "Answer: 4.5 eV", "\\boxed{\\frac{1}{2}}" for a
multiple-choice question whose options include "4.5 eV" and "$\\frac{1}{2}$".

Used only where no letter is chosen (letters.extract_letter). The stated text (the last box,
the last "answer is" statement) names an option where, as written, it is that option's text
(without case, spaces, LaTeX's spacing, math delimiters and the like), or its number where
the option is a number with a unit ("Answer: 4.5" for "4.5 eV"), or the same value in another
spelling with the same unit if it states one ("\\boxed{0.5}" for "$\\frac{1}{2}$",
"0.002 M" for "$2 \\times 10^{-3}$ M", math-verify's equivalence: equivalence.math_equal),
and no other option is named so.
"""

from __future__ import annotations

import re

from harness.accuracy.boxes import final_boxes, unwrapped
from harness.accuracy.letters import plain
from harness.accuracy.notation import readable

# "Answer: 4.5 eV", "The answer is 4.5 eV.", "the answer would be 4.5 eV": the stated text,
# to the end of its line
_STATED_TEXT = re.compile(r"answer\s*(?:(?:is|(?:would|should|must)\s+be)\s*:?|:)\s*(\S[^\n]*)",
                          re.IGNORECASE)


def option_named(answer: str, options: dict[str, str]) -> str | None:
    """Where no letter is chosen: the letter of the option whose text the answer states
    ("Answer: 4.5 eV", "\\boxed{4.5 eV}"; compared without case, spaces, LaTeX's spacing,
    math delimiters, braces around a power ("10^{-4}" is "10^-4"), the spelling of a fraction
    ("\\dfrac12" is "\\frac{1}{2}") or a final full stop), or whose number it states where the
    option is a number and its unit if any ("Answer: 4.5" for "4.5 eV", "3.0" for "3"), or
    whose value it states in another spelling (`_same_value`: "0.5" for "$\\frac{1}{2}$").
    None unless exactly one option is named so."""
    text = plain(answer)
    stated = [m.group(1) for m in _STATED_TEXT.finditer(text)]
    candidates = final_boxes(text)[-1:] + stated[-1:]
    for candidate in candidates:
        key = _normal(candidate)
        hits = {letter for letter, option in options.items() if option and _normal(option) == key}
        if not hits and re.fullmatch(r"-?\d+(?:\.\d+)?", key):
            # "Answer: 4.5" for "4.5 eV", "3.0" for "3": the option's number, its unit only
            hits = {letter for letter, option in options.items()
                    if (m := _MEASURE.fullmatch(_normal(option or "")))
                    and float(m.group(1)) == float(key)}
        if not hits and key:  # "0.5" for "$\\frac{1}{2}$", "0.002 M" for "2 \\times 10^{-3} M"
            hits = {letter for letter, option in options.items()
                    if option and _same_value(candidate, option)}
        if len(hits) == 1 and key:
            return hits.pop()
    return None


# a unit after a value: words (not LaTeX's control words), powers and slashes to the end
_UNIT = re.compile(r"(?<![\\A-Za-z])(?![eE][-+]?\d)[A-Za-zµμΩÅ°%][A-Za-zµμΩÅ°%/^·\d{}\s-]*$")


def _value_and_unit(text: str) -> tuple[str, str]:
    """A value and its unit, "2 \\times 10^{-3} M" as ("2 \\times 10^{-3}", "M")."""
    text = unwrapped(text).replace("$", "").replace("\\(", "").replace("\\)", "")
    text = re.sub(r"\\[ ,;:!]|~", " ", text).strip().rstrip(".").strip()
    unit = _UNIT.search(text)
    if unit is None or not re.search(r"\d", text[:unit.start()]):
        return text, ""
    return text[:unit.start()].strip(), re.sub(r"\s+", "", unit.group())


def _same_value(candidate: str, option: str) -> bool:
    """Whether the two state the same number: equal values, and the same unit where the
    candidate states one (an option's unit may be left out)."""
    from harness.accuracy.equivalence import math_equal

    value, unit = _value_and_unit(candidate)
    option_value, option_unit = _value_and_unit(option)
    if not re.search(r"\d", value) or (unit and unit != option_unit):
        return False
    return math_equal(value, option_value)


# an option that is one number, and its unit if any (a square or cube allowed): "3", "4.5ev",
# "12kg/m^3" once normalised (no spaces); never "2\\times10^3m"
_MEASURE = re.compile(r"(-?\d+(?:\.\d+)?)(?:(?:\\,|\\;|~)?(?:\\text\{|\\mathrm\{)?[a-zµμ°Ω%/]"
                      r"(?:[^\d]|\^\{?[23]\}?)*)?")


def _normal(text: str) -> str:
    """An option's or a statement's text for comparison."""
    text = unwrapped(text).replace("$", "").replace("\\(", "").replace("\\)", "")
    text = readable(re.sub(r"\\[ ,;:!]|~", " ", text))  # LaTeX's spaces; "\\frac\\pi2" braced
    text = re.sub(r"\\[dt]frac(?![A-Za-z])", r"\\frac", text)
    text = re.sub(r"\\frac\s*(\w)\s*(\w)", r"\\frac{\1}{\2}", text)  # "\\frac12" as "\\frac{1}{2}"
    text = re.sub(r"([\^_])\{([^{}]+)\}", r"\1\2", text)  # "10^{-4}" as "10^-4"
    return re.sub(r"\s+", "", text).rstrip(".").lower()
