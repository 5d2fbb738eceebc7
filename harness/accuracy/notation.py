"""LaTeX notations math-verify misreads, written out before an answer or a gold is parsed.

Each rewrite keeps the value and changes only the spelling, so it applies to both sides:
- a repeating decimal (`0.\\overline{54}`, `0.1\\dot{6}`) as its exact fraction: math-verify
  reads it as its whole part, 0, so that any two repeating decimals and 0 were equal;
- `\\varnothing` as `\\emptyset` (math-verify: a symbol named varnothing), and the invisible
  delimiters `\\left.`, `\\right.` dropped (math-verify: no parse);
- TeX's unbraced arguments after a control word (`\\frac\\pi2`, `\\dfrac\\pi{4}`,
  `\\sqrt\\pi`) braced: math-verify splits them into `\\frac{\\}{p}i2`, which does not parse,
  so the verdict fell back to comparing strings.
- bold, underline and colour around an answer (`\\mathbf{\\frac{1}{2}}`, `\\boldsymbol{5}`,
  `\\underline{7}`, `\\color{red}{7}`) dropped: math-verify reads `\\mathbf{5}` but not one
  with a command inside, nor the others; and braces around the whole answer (`{(1, 2)}`);
- a vector written as a matrix of one column (`\\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}`,
  MATH's way), of one row (`\\begin{pmatrix} 2 & -1 \\end{pmatrix}`) or in angle brackets
  (`\\langle 2, -1 \\rangle`) as the tuple of its entries, `(2, -1)`, the way a model may
  write it (math-verify alone finds a matrix and a tuple never equal, and does not read
  angle brackets);
- a trigonometric function of degrees (`\\sin 60^\\circ`, `\\cos(30°)`) with its angle in
  radians: math-verify drops the degree sign, so that `\\sin 60^\\circ` was sin(60 radians).
- sets of reals as models write them (set-builder notation, `\\mathbb{R}^+`, `]1, 5[`) as
  the intervals they are (sets.py);
- (`variables_kept`, for math-verify's parse only) letters that end an answer and are
  variables (`2ab`, `\\frac{1}{2} b h`) each in braces: math-verify drops them as a unit, so
  that `\\frac{1}{2} b h` was 1/2.
`latex_symbols` writes Unicode math as LaTeX ("12√3", "∞", "2·3"), and i and e in roman type
as plain i and e (math-verify drops `\\mathrm{i}` as a unit, so 1+2\\mathrm{i} was 3), and a
number in a text wrapper as the number (`\\text{033}` was the string "033", not 33): on a
model's whole answer part before its answer is taken, and on both sides before they are
parsed (a gold `1 - \\frac{1}{\\mathrm{e}}` was read as 0 until then).
"""

from __future__ import annotations

import re

from harness.accuracy.sets import sets_written_out
from harness.accuracy.values import SHORT_UNITS

# 0.\overline{54}, 1.2\dot{3}, .\bar{6}: digits, a point, digits, then the repeating ones
_REPEATING = re.compile(r"(?<![\d.])(\d{0,100})\.(\d{0,100})\\(?:overline|bar|dot)\s*"
                        r"\{\s*(\d{1,100})\s*\}")
# longer than any final answer: such a text is left as it is, so that a degenerate one
# ("\\frac{" twenty thousand times) costs no more than reading it
_LONGEST = 2000
_ROOT_OR_FRACTION = re.compile(r"\\(?:[dt]?frac|sqrt)(?![A-Za-z])")
_CONTROL_WORD = re.compile(r"\\[A-Za-z]+")
_EMPHASIS = re.compile(r"\\(?:mathbf|boldsymbol|bm|pmb|textbf|underline)(?![A-Za-z])\s*(?=\{)"
                       r"|\\textcolor\s*\{[^{}]*\}\s*(?=\{)|\\color\s*\{[^{}]*\}")


# Unicode math that math-verify does not read (it reads π, ≤ and °): as LaTeX
_SYMBOLS = {"∞": r"\infty ", "·": r"\cdot ", "×": r"\times ", "÷": r"\div ", "±": r"\pm ",
            "≠": r"\neq ", "−": "-", "²": "^2", "³": "^3",
            # vulgar fractions ("½ cup"), braced so that "1½" stays a mixed number
            "½": r"\frac{1}{2}", "⅓": r"\frac{1}{3}", "⅔": r"\frac{2}{3}", "¼": r"\frac{1}{4}",
            "¾": r"\frac{3}{4}", "⅕": r"\frac{1}{5}", "⅛": r"\frac{1}{8}"}
# full-width digits and signs, as a model writing Chinese may put them ("２", "－５")
_FULL_WIDTH = str.maketrans({chr(0xFF10 + d): str(d) for d in range(10)}
                            | {"－": "-", "＋": "+", "．": ".", "／": "/"})
# an en or figure dash against a number where no range can be ("–5", "x = –5", "(–2, 3)"): a
# minus sign; "1–5" and a dash in prose ("the answer – 42") stay
_DASH_MINUS = re.compile(r"(?<![\w)\]}])[–‒](?=[\d.\\])")
# a number with thousands separators as a whole argument ("\\frac{20,000}{\\pi}", "2^{1,000}"):
# math-verify reads it as a pair and gives up, or drops it; not a set ("\\{1,000\\}") and
# not a subscript, which may index a row and a column
# "10\\,000", "1~000": LaTeX spaces between groups of three digits, which math-verify reads
# as a product (10 * 000); applied before an answer is taken and to both sides
_GROUP_SPACE = re.compile(r"(?<=\d)(?:\\[,;: ]|~)(?=\d{3}(?!\d))")
_BRACED_THOUSANDS = re.compile(r"(?<![\\_])\{\s*(-?\d{1,3}(?:(?:,|\{,\})\d{3})+(?:\.\d+)?)\s*\}")
# siunitx: "\\num{1000}" is 1000, "\\SI{5}{\\meter}" and "\\qty{5}{m}" are 5 and a unit
_SIUNITX = re.compile(r"\\(?:num|SI|qty)\s*\{([^{}]*)\}(?:\s*\{((?:[^{}]|\{[^{}]*\})*)\})?")


def _siunitx_written_out(m: re.Match[str]) -> str:
    """A siunitx number as its number, and its unit's macros as words in a text wrapper."""
    unit = re.sub(r"\\([A-Za-z]+)", r" \1", m.group(2) or "").replace("{", "").replace("}", "")
    unit = " ".join(unit.split())
    return m.group(1) + (f"\\text{{ {unit}}}" if unit else "")


_ROOT = re.compile(r"√\s*(\d+(?:\.\d+)?|[A-Za-z]|\{[^{}]*\}|\([^()]*\))")
# i and e in roman type: math-verify reads `\mathrm{i}` as a unit and drops it (1+2\mathrm{i}
# read as 3, 2\mathrm{e} as 2)
_ROMAN = re.compile(r"\\(?:mathrm|text|textrm|mathit|rm)\s*\{\s*([ie])\s*\}|\{\\rm\s+([ie])\}")
_OTHER_I = re.compile(r"\\imath\b|ⅈ")
# a number in a text wrapper, "\text{033}": math-verify keeps it as the string "033", which
# equals no other spelling of 33
_TEXT_NUMBER = re.compile(r"\\(?:text|textrm|textnormal|mathrm)\s*\{\s*(-?\d+(?:\.\d+)?)\s*\}")


def latex_symbols(text: str) -> str:
    """`text` with "12√3", "√(x+1)", "∞", "2·3" written as LaTeX, `\\mathrm{i}`, `\\mathrm{e}`
    as i, e, `\\text{033}` as 033, full-width digits ("２") as digits, a dash before a
    number ("–5") as a minus sign, a braced colon ("9{:}30", "3\\colon 2") as a colon, LaTeX
    spaces between digit groups (`10\\,000\\pi`; math-verify: 10 * 0 * pi) dropped, a braced
    number's thousands separators (`\\frac{20,000}{\\pi}`, `\\frac{20{,}000}{\\pi}`) too, and
    siunitx's `\\num{1000}`, `\\SI{5}{\\meter}` as 1000 and `5\\text{ meter}`."""
    text = text.replace("{:}", ":").replace("\\colon", ":")
    if "\\num" in text or "\\SI" in text or "\\qty" in text:
        text = _SIUNITX.sub(_siunitx_written_out, text)
    text = _BRACED_THOUSANDS.sub(lambda m: "{" + re.sub(r"\{,\}|,", "", m.group(1)) + "}",
                                 _GROUP_SPACE.sub("", text))
    text = _ROOT.sub(lambda m: r"\sqrt{" + m.group(1).strip("{}()") + "}", text)
    text = _OTHER_I.sub("i", _ROMAN.sub(lambda m: m.group(1) or m.group(2), text))
    text = _TEXT_NUMBER.sub(r"\1", _DASH_MINUS.sub("-", text.translate(_FULL_WIDTH)))
    return re.sub("[" + "".join(_SYMBOLS) + "]", lambda m: _SYMBOLS[m.group()], text)


# the mark of an angle in degrees: "^\circ", "^{\circ}", "°", "\degree"
DEGREE_MARK = r"(?:\^\s*(?:\{\s*\\circ\s*\}|\\circ)|°|\\degree\b)"


def radians(degrees: str) -> str:
    """An angle of `degrees` (a number as written) in radians, as LaTeX."""
    return f"\\frac{{{degrees}\\pi}}{{180}}"


# a trigonometric function of an angle in degrees, "\sin 60^\circ", "\cos^2(30°)": math-verify
# drops the degree sign and takes the sine of 60 radians
# (each run of spaces belongs to one part alone, so a long one costs linear time)
_TRIG_DEGREES = re.compile(r"(\\(?:sin|cos|tan|cot|sec|csc))\s*(\^\s*(?:\{[^{}]*\}|\d)\s*)?"
                           r"([({]\s*)?(-?\d+(?:\.\d+)?)\s*" + DEGREE_MARK + r"\s*([)}]?)")


def _in_radians(m: re.Match[str]) -> str:
    if bool(m.group(3)) != bool(m.group(5)):  # "(60^\circ": not one argument, left alone
        return m.group(0)
    power = (m.group(2) or "").strip()
    return f"{m.group(1)}{power}\\left({radians(m.group(4))}\\right)"


# a matrix of one column, MATH's way of writing a vector, or of one row
_COLUMN = re.compile(r"\\begin\{([pbBvV]?matrix)\}([^{}]*(?:\{[^{}]*\}[^{}]*)*?)\\end\{\1\}")


_ANGLE_BRACKETS = re.compile(r"\\[lr]angle(?![A-Za-z])")  # <2, -1>, a vector too


def _column_as_tuple(m: re.Match[str]) -> str:
    rows = [e.strip() for e in m.group(2).split("\\\\")]
    rows = rows[:-1] if rows and not rows[-1] else rows  # a final "\\"
    if len(rows) == 1 and "&" in rows[0]:  # one row: "-7 & 16 & 5"
        rows = [e.strip() for e in rows[0].split("&")]
    elif any("&" in row for row in rows):  # a matrix of several columns stays one
        return m.group()
    return "(" + ", ".join(rows) + ")" if len(rows) > 1 and all(rows) else m.group()


def readable(text: str) -> str:
    """`text` with the notations above written so that math-verify reads their value."""
    if len(text) > _LONGEST:
        return text
    text = sets_written_out(text.strip())
    text = _COLUMN.sub(_column_as_tuple, _TRIG_DEGREES.sub(_in_radians, latex_symbols(text)))
    text = _ANGLE_BRACKETS.sub(lambda m: "(" if m.group() == "\\langle" else ")", text)
    if re.fullmatch(r"\s*[<⟨][^<>⟨⟩]*,[^<>⟨⟩]*[>⟩]\s*", text):  # "<2, -1>", "⟨2, -1⟩": a vector
        text = "(" + text.strip()[1:-1] + ")"
    text = _REPEATING.sub(_repeating_as_fraction, text)
    text = text.replace("\\varnothing", "\\emptyset")
    text = re.sub(r"\\[hv]space\*?\s*\{[^{}]*\}", " ", text)  # spacing, math-verify: no parse
    if "\\left." in text:  # "\\right." whose stop a box's cleaning took as a full stop too
        text = re.sub(r"\\left\.|\\right(?:\.|\s*$)", "", text)
    text = _braced_arguments(_emphasis_dropped(text)) if "\\" in text else text
    return _outer_group_dropped(text)


# the letters that end an answer, in words of one or two ("2ab", "\\frac{1}{2} b h", after a
# digit, a brace or a space): math-verify drops them as a unit from a list that holds letters
# variables are named by and patterns such as "b ." that match any letter after a space, so
# that `\\frac{1}{2} b h` was 1/2 and `\\frac{1}{3}\\pi r^2 h` a cone without its height
_LAST_LETTERS = re.compile(r"(?:(?<=[\d}])|(?<=\s))(?:[A-Za-z]{1,2}(?![A-Za-z])\s*)+$")
_ORDINAL_ENDS = frozenset({"st", "nd", "rd", "th"})
_SPACED_UNITS = frozenset("msgh")  # "5 m", "3 s", "10 g", "2 h" after a number alone


def variables_kept(text: str) -> str:
    """`text` with the letters that end it in braces of their own (`2{a}{b}`, the same
    product) where math-verify would drop them as a unit but they are variables. A unit stays
    as it is: a short unit (`5cm`, `3 kg`), an ordinal's ending, or one of m, s, g, h after a
    space and a number with no variable in it (`5\\sqrt{2} m`, `x = 2 h`)."""
    last = _LAST_LETTERS.search(text) if len(text) <= _LONGEST else None
    if not last or not _dropped_as_unit(text):
        return text
    head, words = text[:last.start()], last.group().split()
    if len(words) == 1:
        word = words[0]
        value = _CONTROL_WORD.sub("", re.split(r"=|\\approx", head)[-1])  # its variables
        if (word.lower() in SHORT_UNITS or word in _ORDINAL_ENDS
                or (word in _SPACED_UNITS and head[-1:].isspace()
                    and not re.search("[A-Za-z]", value))):
            return text
    return head + re.sub(r"[A-Za-z]", lambda m: f"{{{m.group()}}}", last.group())


def _dropped_as_unit(text: str) -> bool:
    """Whether math-verify's own normalisation drops something from `text` as a unit."""
    from latex2sympy2_extended import NormalizationConfig, normalize_latex

    return (normalize_latex(text, NormalizationConfig(units=True, boxed="none"))
            != normalize_latex(text, NormalizationConfig(units=False, boxed="none")))


def _outer_group_dropped(text: str) -> str:
    """"{(1, 2)}" as "(1, 2)": braces around the whole answer group nothing (math-verify
    reads "{5}" but not a tuple or set inside them)."""
    for _ in range(3):
        stripped = text.strip()
        group, end = _argument(stripped, 0) if stripped.startswith("{") else (None, 0)
        if group is None or end != len(stripped):
            return text
        text = group[1:-1]
    return text


def _emphasis_dropped(text: str) -> str:
    """`text` without bold, underline and colour: each wrapper's group by its content."""
    for _ in range(3):  # \\mathbf{\\underline{5}}
        out, at = [], 0
        for m in _EMPHASIS.finditer(text):
            if m.start() < at:
                continue
            if m.group().startswith("\\color"):  # colours what follows: the switch alone goes
                out.append(text[at:m.start()])
                at = m.end()
                continue
            group, end = _argument(text, m.end())
            if group is not None:  # an unclosed one stays as it is
                out += [text[at:m.start()], group[1:-1]]
                at = end
        if not out:
            return text
        text = "".join(out) + text[at:]
    return text


def _repeating_as_fraction(m: re.Match[str]) -> str:
    whole, fixed, repeating = m.group(1) or "0", m.group(2), m.group(3)
    numerator = int(whole + fixed + repeating) - int(whole + fixed)
    return f"\\frac{{{numerator}}}{{{10 ** len(fixed) * (10 ** len(repeating) - 1)}}}"


def _braced_arguments(text: str) -> str:
    """Each `\\frac` and `\\sqrt` whose argument is a control word (`\\pi`) with it in
    braces, as TeX reads it, inside groups too; the rest is left as it is."""
    out: list[str] = []
    at = 0
    for m in _ROOT_OR_FRACTION.finditer(text):
        if m.start() < at:
            continue  # inside an argument already copied
        end = m.end()
        if m.group().endswith("sqrt") and text.startswith("[", end):  # \sqrt[3]{x}
            if "]" not in text[end:]:
                continue
            end = text.index("]", end) + 1
        head, args, changed = text[m.start():end], [], False
        for _ in range(2 if m.group().endswith("frac") else 1):
            arg, end = _argument(text, end)
            if arg is None:
                break
            if arg.startswith("{"):
                inner = _braced_arguments(arg[1:-1])
                changed |= inner != arg[1:-1]
                arg = "{" + inner + "}"
            elif arg.startswith("\\"):
                changed, arg = True, "{" + arg + "}"
            args.append(arg)  # a lone character stays as math-verify reads it (\\frac123: 1/23)
        else:
            if changed:
                out.append(text[at:m.start()] + head + "".join(args))
                at = end
    out.append(text[at:])
    return "".join(out)


def _argument(text: str, at: int) -> tuple[str | None, int]:
    """The TeX argument that starts at `at` (spaces skipped) and where it ends."""
    while at < len(text) and text[at] == " ":
        at += 1
    if at >= len(text) or text[at] in "}])^_&":
        return None, at
    if text[at] == "{":
        depth = 0
        for j in range(at, len(text)):
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            if depth == 0:
                return text[at:j + 1], j + 1
        return None, at
    word = _CONTROL_WORD.match(text, at)
    if word:
        return word.group(), word.end()
    return text[at], at + 1
