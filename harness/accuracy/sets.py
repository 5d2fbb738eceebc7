"""Sets of real numbers as models write them, respelled as the intervals math-verify reads.

Each rewrite keeps the set and changes only its spelling, so it applies to the answer and
the gold alike (notation.readable):
- set-builder notation over one variable, "\\{x \\mid x > 0\\}" or
  "\\{x \\in \\mathbb{R} : x \\ne 1\\}", as its condition: math-verify compares a relation
  ("x > 0") with an interval as the set it describes, but reads the braces as a set of one
  relation;
- the positive and negative reals, `\\mathbb{R}^+`, `\\mathbb{R}_{>0}`, `\\mathbb{R}_{\\geq 0}`
  (and `ℝ`), as their intervals: math-verify reads `\\mathbb{R}` alone but keeps these as
  strings. `\\mathbb{R}^+` is (0, ∞), as in most English textbooks; where zero is meant to
  belong, `\\mathbb{R}_{\\ge 0}` or `\\mathbb{R}_0^+` says so;
- `\\backslash` between sets, and a minus after the reals, as `\\setminus`
  (`\\mathbb{R} \\backslash \\{1\\}`, `\\mathbb{R} - \\{1\\}`), and "x \\in \\mathbb{R}, x \\ne 1"
  as its condition;
- a bound without its variable (`\\geq 5`, `> 5`) as a relation of one, `x \\geq 5`:
  math-verify reads the number alone, so that `\\boxed{\\geq 5}` was right for a gold 5;
- ISO 31-11's reversed brackets for open ends, common in French and German schooling:
  `]1, 5[` is (1, 5), `[1, 5[` is [1, 5), `]-\\infty, 2]` is (-∞, 2].
"""

from __future__ import annotations

import re

# "\\{x \\mid x > 0\\}", "\\{x \\in \\mathbb{R} : x \\ne 1\\}": the condition, over one variable
_SET_BUILDER = re.compile(r"\\\{\s*([a-zA-Z])\s*(?:\\in\s*\\mathbb\s*\{?R\}?\s*)?"
                          r"(?:\\mid|\\vert|\||:|\\colon)\s*((?:[^{}|]|\{[^{}]*\})*?\1"
                          r"(?:[^{}|]|\{[^{}]*\})*?)\s*\\\}")
# the reals with a sign or a bound: "\\mathbb{R}^+", "\\mathbb R_{>0}", "\\mathbb{R}_{\\geq 0}",
# "\\mathbb{R}^{+}_{0}", "\\mathbb{R}_0^+"
_REALS = r"(?:\\mathbb\s*\{\s*R\s*\}|\\mathbb\s*R(?![A-Za-z])|ℝ)"
_SIGN = r"(?:\^\s*\{?\s*([+-])(?!\s*[\d.])(?:\s*\})?|_\s*\{?\s*([+-])(?!\s*[\d.])(?:\s*\})?)"
_BOUND = r"_\s*\{\s*(>|<|\\geq?|\\leq?|\\ge(?:qslant)?|\\le(?:qslant)?|≥|≤)\s*0\s*\}"
_ZERO = r"_\s*\{?\s*0\s*\}?"
_SIGNED_REALS = re.compile(_REALS + r"\s*(?:(?:" + _ZERO + r"\s*)?" + _SIGN + r"(?:\s*" + _ZERO
                           + r")?|" + _BOUND + r")")
# "\\mathbb{R} - \\{1\\}": a set difference written with a minus
_REALS_MINUS = re.compile("(" + _REALS + r")\s*-\s*(?=\\\{)")
# "x \\in \\mathbb{R}, x \\neq 1": the reals, then a condition on the same variable
_REALS_THEN = re.compile(r"\s*([A-Za-z])\s*\\in\s*" + _REALS + r"\s*(?:[,:;]|\\mid|\|"
                         r"|\\text\s*\{\s*(?:and|with|such that|where)\s*\})\s*(?=\1\b)")
# a relation with no left side: "\\geq 5", "> 5", "≤ 3"
# (not a vector in angle brackets, "<1, 2>")
_BOUND_ALONE = re.compile(r"\s*(?=(?:\\g(?:eq?|eqslant)|\\l(?:eq?|eqslant)|\\neq?|>|≥|≤"
                          r"|<(?![^<>]*>))(?![A-Za-z]))")
# an interval with a reversed bracket at an open end: "]1, 5[", "[1, 5[", "]-\\infty, 2]"
_END = r"[^\[\]()\{\};,\s](?:[^\[\]()\{\};,]|\{[^{}]*\})*?"
_ISO_INTERVAL = re.compile(r"(?:\\left\s*)?([\[\]])\s*(" + _END + r")\s*[,;]\s*(" + _END
                           + r")\s*(?:\\right\s*)?([\[\]])")


def _signed_interval(m: re.Match[str]) -> str:
    """The interval of the reals that `m` (a match of _SIGNED_REALS) names."""
    sign, bound = m.group(1) or m.group(2), m.group(3)
    if sign:
        positive, closed = sign == "+", bool(re.search(r"_\s*\{?\s*0", m.group()))
    else:
        positive, closed = bound.startswith((">", "\\g", "≥")), bound not in (">", "<")
    if positive:
        return "[0, \\infty)" if closed else "(0, \\infty)"
    return "(-\\infty, 0]" if closed else "(-\\infty, 0)"


def _iso_interval(m: re.Match[str]) -> str:
    """`]a, b[`-style brackets as round ones where an end is open; `[a, b]` left alone."""
    left, right = m.group(1), m.group(4)
    if left == "[" and right == "]":
        return m.group()
    return ("(" if left == "]" else "[") + f"{m.group(2)}, {m.group(3)}" + (
        ")" if right == "[" else "]")


def sets_written_out(text: str) -> str:
    """`text` with the spellings of sets above written as intervals and conditions."""
    if "\\{" in text:
        text = _SET_BUILDER.sub(r"\2", text)
    if "R" in text or "ℝ" in text:
        text = _SIGNED_REALS.sub(_signed_interval, text)
        text = _REALS_MINUS.sub(r"\1 \\setminus ", text)
        condition = _REALS_THEN.match(text)
        text = text[condition.end():] if condition else text
    if _BOUND_ALONE.match(text):
        text = "x " + text.lstrip()
    text = text.replace("\\backslash", "\\setminus ")
    if "]" in text or "[" in text:
        text = _ISO_INTERVAL.sub(_iso_interval, text)
    return text
