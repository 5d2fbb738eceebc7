"""Second readings of a math answer: where math-verify's reading of a whole answer is one
of two a reader could take, equivalence.py also tries the other.

- A percent: math-verify reads `18\\%` as 18 (right where "what percent?" was asked and 18
  answered); it is 0.18 as well. A bare 18 is never 0.18.
- A scale word: `2\\text{ million}` (values.py writes "2 million" so) is 2 to math-verify
  (right where the question counts in millions) and 2000000 as well; a bare 2 is never
  2000000.
- Number words: "five", `\\text{Twenty-three}`, "one hundred and five" (Qwen2.5-Math's grader
  converts them too); "five apples" and "five six" are no number. Not word2number's
  word_to_num (which lm-eval installs, and Qwen's grader calls): it skips words it does not
  know and adds what is left, so "five apples" is 5, "five six" 11 and "nineteen ninety" 109.
- Scientific notation as programs write it: "3e5", "1.2E-4" (math-verify: 3 * e * 5).
- "all real numbers": the interval of them; "infinity", "negative infinity": the infinities
  ("infinitely many", "an infinite number of solutions": infinity).
- An angle in degrees: math-verify reads `60^\\circ` as 60 (right where degrees were asked
  and 60 answered); it is \\frac{\\pi}{3} radians as well, so a gold in radians and an answer
  marked in degrees (or the other way round) that name the same angle agree, unless the
  question asks for one unit ("in radians", "the degree measure": `angle_unit_asked`), where
  an answer in the other fails, as it does for MATH's own grader. A bare 60 is never
  \\frac{\\pi}{3}: without its mark a number is no angle in degrees.
- A lettered option with its value, "\\textbf{(C)}\\ 12" (AMC's way): the value, 12, for a gold
  written as a value (a gold written as a letter is matched by letter in equivalence.py).
"""

from __future__ import annotations

import re

from harness.accuracy.boxes import unwrapped
from harness.accuracy.notation import DEGREE_MARK, radians

# a whole answer that is a number of percent: "18\\%", "12.5 %"
# (`\d+(?:\.\d+)?|\.\d+`, not `\d*\.?\d+`: that splits a long run of digits every way it can
# before it fails, quadratic time on a degenerate answer of thousands of them)
_NUMERAL = r"([-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-−]?(?:\d+(?:\.\d+)?|\.\d+))"
_PERCENT = re.compile(r"\s*" + _NUMERAL + r"\s*\\?%\s*")
# a number with a scale word: "2\\text{ million}", "\\$1.5 \\text{billion}" (values.py writes
# "2 million" so)
_SCALED = re.compile(r"\s*(?:\\?\$\s*)?" + _NUMERAL + r"\s*(?:\\[,;: ]\s*)?"
                     r"\\(?:text|mbox|mathrm)\s*\{\s*((?i:thousand|million|billion|trillion))s?\s*\}\s*")
_POWERS = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12}
# "3e5", "1.2E-4": a program's scientific notation (math-verify: 3 * e * 5)
_SCIENTIFIC = re.compile(r"\s*([-−]?\d+(?:\.\d+)?)[eE]([-+]?\d+)\s*")
# "(C) 12", "\\textbf{(C)}\\ 12": one option letter in brackets, then its value
# (a second value after a comma, slash or "or" is a list or a hedge, no option's value)
_OPTION_VALUE = re.compile(r"\(([A-J])\)\s*(?![,;/|]|(?i:or|and)\b)(\S.*)", re.S)
# a whole answer that is an angle in degrees: "60^\\circ", "22.5°", "90 \\text{ degrees}"
_DEGREES = re.compile(r"\s*" + _NUMERAL + r"\s*(?:" + DEGREE_MARK + r"|(?:\\[,;: ]\s*)?"
                      r"(?:\\(?:text|mbox|mathrm)\s*\{\s*degrees?\s*\}|degrees?))\s*")
# infinity in words: "infinity", "\\text{positive infinity}", "negative infinity"
_INFINITY = re.compile(r"(?i)(?:(positive|plus)\s+|(negative|minus)\s+)?infinity|"
                       r"(?:there\s+are\s+)?(?:infinitely\s+many|an\s+infinite\s+number)"
                       r"(?:\s+(?:of\s+)?[a-z]+)?")
_ALL_REALS = re.compile(r"(?i)(?:the set of )?all real(?: numbers)?|all reals|every real number")
_NO_SOLUTION = re.compile(r"(?i)(?:there\s+(?:is|are)\s+)?no\s+(?:real\s+)?solutions?")


# a question that names the unit of its angle: "Express your answer in radians.", "the degree
# measure of", "how many degrees", "Convert ... to degrees"
_UNIT_ASKED = re.compile(r"\b(?:in|to)\s+(degrees|radians)\b|\b(degree|radian)\s+measure\b|"
                         r"\b(?:how\s+many|number\s+of)\s+(degrees|radians)\b", re.IGNORECASE)


def angle_unit_asked(question: str) -> str | None:
    """"degree" or "radian" where the question asks for its answer in one (the last it
    names: "an angle given in degrees ... in radians" asks radians), else None."""
    found = list(_UNIT_ASKED.finditer(question))
    if not found:
        return None
    unit = next(g for g in found[-1].groups() if g)
    return unit.lower().rstrip("s")


def other_reading(text: str, angles: bool = True) -> str | None:
    """"18\\%" as "\\frac{18}{100}", "2\\text{ million}" as "2\\times10^{6}", "five" as "5",
    "3e5" as "3\\times10^{5}", "all real numbers" as the interval, "no solution" as the empty
    set, "infinity" as `\\infty`, "60^\\circ" as "\\frac{60\\pi}{180}" (unless not `angles`);
    None where the text is none of these."""
    percent, scaled = _PERCENT.fullmatch(text), _SCALED.fullmatch(text)
    m = percent or scaled
    if m is None:
        if _ALL_REALS.fullmatch(unwrapped(text).strip().rstrip(".")):
            return "(-\\infty, \\infty)"
        if _NO_SOLUTION.fullmatch(unwrapped(text).strip().rstrip(".")):
            return "\\emptyset"
        infinity = _INFINITY.fullmatch(unwrapped(text).strip().rstrip("."))
        if infinity:
            return "-\\infty" if infinity.group(2) else "\\infty"
        option = lettered_option(text)
        if option:
            return option[1]
        degrees = _DEGREES.fullmatch(text) if angles else None
        if degrees:
            return radians(degrees.group(1).replace(",", "").replace("−", "-"))
        scientific = _SCIENTIFIC.fullmatch(text)
        if scientific:
            return f"{scientific.group(1)}\\times10^{{{scientific.group(2)}}}"
        return spelled_number(text)
    number = m.group(1).replace(",", "").replace("−", "-")
    return (f"\\frac{{{number}}}{{100}}" if percent
            else f"{number}\\times10^{{{_POWERS[scaled.group(2).lower()]}}}")


def lettered_option(text: str) -> tuple[str, str] | None:
    """The letter and value of "(C) 42", "\\textbf{(C)}\\ 42": one option letter in brackets,
    then its value; None for anything else ("(C) 5, (D) 6" names two)."""
    plain = unwrapped(text).replace("\\ ", " ").replace("~", " ").strip()
    m = _OPTION_VALUE.fullmatch(plain)
    if not m or set(re.findall(r"\(([A-J])\)", plain)) != {m.group(1)}:
        return None
    return m.group(1), m.group(2).strip().rstrip(".")


_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
         "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_WORD_VALUES = {w: n for n, w in enumerate(_ONES)} | {w: 20 + 10 * n for n, w in enumerate(_TENS)}
_SCALE_VALUES = {"thousand": 10**3, "million": 10**6, "billion": 10**9}


def spelled_number(text: str) -> str | None:
    """A whole answer that is a number in words, as digits: "five", "\\text{Twenty-three}",
    "one hundred and five", "minus four"; None for anything else ("five apples", "a few")."""
    words = re.split(r"[\s-]+", unwrapped(text).strip().rstrip(".").lower())
    sign = -1 if words[:1] in (["minus"], ["negative"]) else 1
    words = words[1:] if sign < 0 else words
    total = group = 0
    scale = 10**12  # scale words come largest first: "one thousand one million" is no number
    last = None  # what the previous word was, so "five six" and "twenty ten" are not numbers
    for word in words:
        if word == "and" and last in ("hundred", "scale"):  # "one thousand and five"
            continue
        if word in _WORD_VALUES:
            value = _WORD_VALUES[word]
            if last in ("ones", "teen") or (last == "tens" and not 0 < value < 10):
                return None
            group += value
            last = "tens" if word in _TENS else "teen" if value >= 10 else "ones"
        elif word == "hundred" and last in ("ones", "teen") and group < 100:
            group, last = group * 100, "hundred"
        elif word in _SCALE_VALUES and last not in (None, "scale") and _SCALE_VALUES[word] < scale:
            scale = _SCALE_VALUES[word]
            total, group, last = total + group * scale, 0, "scale"
        else:
            return None
    if last is None or (words and words[-1] == "and"):
        return None
    return str(sign * (total + group))


# the words that end an answer's last sentence after "is", "are", "equals", "was", "be"
_LAST_WORDS = re.compile(r"\b(?:is|are|equals|was|be)\s+((?:[A-Za-z]+[^\S\n-]*-?[^\S\n]*){1,8}?)"
                         r"[^\S\n]*[.!]?[*_\s]*\Z", re.IGNORECASE)


def spelled_at_end(answer: str) -> str | None:
    """A number in words that ends the answer's last sentence ("The number of such pairs is
    seventy-three."), as digits, or infinity ("There are infinitely many."); None where the
    words there are no number. For an answer part with no digit at all, where nothing else
    is read."""
    m = _LAST_WORDS.search(answer[-300:])
    if m is None:
        return None
    infinite = _INFINITY.fullmatch(m.group(1).strip())  # "There are infinitely many pairs."
    if infinite:
        return "-\\infty" if infinite.group(2) else "\\infty"
    return spelled_number(m.group(1))


# "y = -2", "x_1 = 3": one variable given a value, a part of a list of such
_VALUE_FIRST = re.compile(r"\s*([^=]{1,200}?)\s*=\s*([A-Za-z](?:_\{?\w{1,3}\}?)?)\s*")
_ASSIGNMENT = re.compile(r"\s*([A-Za-z](?:_\{?\w{1,3}\}?)?)\s*=\s*([^=]+?)\s*")


def assignments_in_order(text: str) -> str:
    """"x = 1, y = -2" for "y = -2, x = 1": a list of values given to distinct variables,
    sorted by the variable's name, where the list was written in another order; "n = 5" for
    "5 = n" (math-verify takes an equation's right side, n); else `text`.
    math-verify pairs such values in the order written, so "y = -2, x = 1" was (-2, 1) for
    the gold (1, -2) of "the ordered pair (x, y)", and "y = 1, x = -2" right for it."""
    flipped = _VALUE_FIRST.fullmatch(text)
    if flipped and re.search(r"\d", flipped.group(1)) and not re.search(
            r"[A-Za-z]", re.sub(r"\\[A-Za-z]+", "", flipped.group(1))):
        return f"{flipped.group(2)} = {flipped.group(1)}"
    if text.count("=") < 2 or len(text) > 300:
        return text
    parts = _top_level_split(text)
    found = [_ASSIGNMENT.fullmatch(p) for p in parts]
    if not all(found) or len(found) < 2:
        return text
    names = [m.group(1).replace("{", "").replace("}", "") for m in found if m]
    if len(set(names)) < len(names) or names == sorted(names, key=_by_name):
        return text
    pairs = sorted(zip(names, found, strict=True), key=lambda pair: _by_name(pair[0]))
    return ", ".join(f"{m.group(1)} = {m.group(2)}" for _, m in pairs if m)


def _by_name(name: str) -> tuple[str, int]:
    """A variable's place: by letter, then by the number of its subscript (x_2 before x_10)."""
    digits = re.sub(r"\D", "", name)
    return re.sub(r"\d", "", name), int(digits) if digits else -1


def _top_level_split(text: str) -> list[str]:
    """`text` split at the commas (and "and") outside brackets and braces."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [q for p in parts for q in re.split(r"\\text\{\s*and\s*\}|\band\b", p) if q.strip()]


# "none", "there are none", "no real roots", "\\emptyset": nothing, as an answer ("no real
# solutions" too, which other_reading reads as the empty set)
_NONE = re.compile(r"(?i)(?:there\s+(?:is|are)\s+)?(?:none|no\s+(?:real\s+|such\s+|integer\s+)?"
                   r"(?:roots?|values?|ways?|such\s+\w+)|\\emptyset|\\varnothing|∅)")


def counts_none(answer: str, gold: str, question: str) -> bool:
    """Whether `answer` says there are none where the question asks how many and the gold is
    0 ("How many real solutions ...?": "no real solutions", "none"); a reading of its own,
    since elsewhere "none" is no number ("What is the minimum?": "none" is not 0)."""
    if gold.strip() not in ("0", "$0$") or not re.search(r"(?i)\bhow\s+many\b", question[-600:]):
        return False
    text = unwrapped(answer).strip().rstrip(".")
    return _NONE.fullmatch(text) is not None or other_reading(text) == "\\emptyset"
