"""The boxes of an answer part: which \\boxed{} (\\fbox{}, \\framebox{}) values make its final
answer.

Several boxes are one answer (a set or tuple: "\\boxed{-2} and \\boxed{1}"), except that a box
the text then takes back ("\\boxed{6}. Wait, actually it is \\boxed{7}") and a box the words
before it reject ("\\boxed{2}, not \\boxed{3}") are no part of it. Boxes are found in one pass
over the braces, so a degenerate answer of thousands of unclosed boxes costs linear time.
"""

from __future__ import annotations

import re

from harness.accuracy.labels import asked_box

# LaTeX's text and font wrappers around an answer or a letter: \\text{(C)}, \\mathrm{A}
WRAPPER = re.compile(r"\\(?:text|textrm|textbf|mathrm|mathbf|mbox)\s*\{([^{}]*)\}")


def unwrapped(text: str) -> str:
    """`text` with its text and font wrappers (up to three deep) replaced by their content."""
    for _ in range(3):
        text = WRAPPER.sub(r"\1", text)
    return text


def boxes(text: str) -> list[str]:
    """Contents of every \\boxed{...} (\\fbox{...}, \\framebox{...}) in order, nested braces
    included; a box that never closes is left out."""
    return [content for _, _, content in _box_spans(text)]


# \\boxed{}, \\fbox{} and \\framebox[width][position]{}: the same box in LaTeX
_BOX = re.compile(r"\\(?:boxed|fbox|framebox(?:\s*\[[^\]\[{}]{0,40}\]){0,2})\s*\{")


def _box_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, content) of every closed box, in order. One pass over the braces: a
    degenerate answer of thousands of unclosed boxes must not take quadratic time."""
    opens = {m.end() - 1: m.start() for m in _BOX.finditer(text)}
    stack: list[tuple[int, int | None]] = []
    found: list[tuple[int, int, str]] = []
    for m in re.finditer(r"[{}]", text):
        if m.group() == "{":
            stack.append((m.end(), opens.get(m.start())))
        elif stack:
            start, box_start = stack.pop()
            if box_start is not None:
                found.append((box_start, m.end(), text[start:m.start()].strip()))
    return sorted(found)


# between two boxes, words that take the first back: "\\boxed{6}. Wait, actually it is
# \\boxed{7}" answers 7, not the set {6, 7}; so do "Hold on, I miscounted", "on second
# thought", "is not right; let me reconsider", "recounting gives"
CORRECTION = re.compile(r"\b(?:wait|actually|correction|mistake|wrong|incorrect|error|"
                        r"re-?check(?:ing)?|oops|hmm+|reconsider(?:ing)?|hold\s+on|"
                        r"on\s+second\s+thoughts?|scratch\s+that|not\s+(?:right|correct)|"
                        r"double[- ]?check(?:ing)?|let\s+me\s+redo|"
                        r"(?:mis|re-?|over|under)(?:count|calculat|comput)\w*|misread\w*)\b"
                        r"|\bno\s*[,.!;]", re.IGNORECASE)


# right before a box, words that reject it: "\\boxed{2}, not \\boxed{3}"
_REJECTED = re.compile(r"\b(?:not|rather\s+than|instead\s+of)\s*\$*\s*\Z", re.IGNORECASE)


# right before a box, words that make it where the answer is reached, not the answer: "the
# minimum is \\boxed{4}, attained at $x = \\boxed{2}$", "\\boxed{10} when \\boxed{a = 3}"
_WHERE = re.compile(r"(?:\b(?:at|when|where|for|if)\s+\$*\s*\\?[A-Za-z]+(?:_\{?\w+\}?)?"
                    r"\s*=|\b(?:attained|achieved|reached|occurs|obtained|happens)\s+"
                    r"(?:at|when|for|if)(?:\s+\$*\s*\\?[A-Za-z]+(?:_\{?\w+\}?)?\s*=)?)"
                    r"\s*\$*\s*\Z", re.IGNORECASE)


# between two boxes, only a sign or words that make the second an approximation of the
# first: "\\boxed{2\\sqrt{2}} \\approx \\boxed{2.83}" (an equal value written twice,
# "\\boxed{50\\%} = \\boxed{0.5}", is one answer by equivalence: answers.extract_math)
_APPROXIMATED = re.compile(r"[\s$,(]*(?:\\approx|\\simeq|\\sim|≈|(?:(?:which|that)\s+is\s+|or\s+)?"
                           r"(?:approximately|about|roughly|around))[\s$,:]*", re.IGNORECASE)


# an answer statement or heading between boxes: the boxes after it are the answer, those
# before it partial results ("up to 2000 there are \\boxed{285}, so the answer is \\boxed{143}")
_MARKER = re.compile(r"\b(?:final\s+answer|answer)\b\s*(?:\*\*\s*)?(?::|=|is\b|"
                     r"(?:would|must|should|will)\s+be\b)|^[#*_ \t]*final\s+answer\b|"
                     r"\bfinal\s*:",
                     re.IGNORECASE | re.MULTILINE)


# between boxes or right after the last, words that make the last box a total of the ones
# before: "\\boxed{12} for the first case and \\boxed{18} for the second, so in total
# \\boxed{30}", "..., so \\boxed{30} altogether"
_TOTAL = (r"\b(?:in\s+total|altogether|all\s+together|in\s+all\b|overall|combined|grand\s+total|"
          r"sum\s+(?:is|of\s+(?:these|them|all))|adding\s+(?:these|them|up|everything))")
_TOTAL_BETWEEN = re.compile(_TOTAL, re.IGNORECASE)
_TOTAL_AFTER = re.compile(r"[\s$.,]*\\?\)?[\s$]*(?:\w+\s+){0,2}?" + _TOTAL, re.IGNORECASE)


# between boxes, a conclusion that combines values into the box after it: "\\boxed{\\frac{25}{8}},
# so $m + n = \\boxed{33}$" is 33 (the problem asks for m + n), "area \\boxed{12}, perimeter
# \\boxed{14}, so the ratio is $\\frac{12}{14} = \\boxed{\\frac67}$" is 6/7; "x = \\boxed{2}, so
# y = \\boxed{3}", no values combined, stays a list
_CONCLUDING = re.compile(r"\b(?:so|thus|therefore|hence|giving|gives|then)\b", re.IGNORECASE)
# values combined: an operator between them, a LaTeX command with an argument ("\\frac{12}{14}
# ="), or a number ("2 \\cdot 7 ="); a subscript is no number ("so $x_2 = $" names a value)
_COMBINED = re.compile(r"[\w}]\s*[-+*/^]\s*[\w\\{]|\\[A-Za-z]+\s*\{|\d")
_SUBSCRIPT = re.compile(r"_\s*(?:\{[^{}]*\}|\w)")


# between boxes, a conclusion that names the values before it as one tuple: "$a = \\boxed{-2}$
# and $b = \\boxed{1}$, i.e. $(a, b) = \\boxed{(-2, 1)}$" is the pair
_NAME = r"\\?[A-Za-z]+(?:_\{?\w+\}?)?"
_AS_TUPLE = re.compile(r"(?:\b(?:so|thus|therefore|hence|giving|gives|namely|that\s+is)|"
                       r"\bi\.\s?e\.)[\s,:$]*(?:\\left)?\(\s*" + _NAME + r"(?:\s*,\s*" + _NAME
                       + r")+\s*(?:\\right)?\)\s*\Z", re.IGNORECASE)


def _derived(between: str) -> bool:
    """Does the text between two boxes end on a conclusion that combines values ("so $m + n
    = ") or names them as one tuple ("i.e. $(a, b) = ")? Checked back from the "=", so a
    long run of words costs linear time."""
    equals = between.rstrip(" $")
    if not equals.endswith("="):
        return False
    if _AS_TUPLE.search(equals, max(0, len(equals) - 101), len(equals) - 1):
        return True
    left = equals[max(0, len(equals) - 101):-1]
    words = list(_CONCLUDING.finditer(left))
    rest = left[words[-1].end():] if words else ""
    return (bool(rest) and not re.search(r"\.\s|\n", rest)
            and bool(_COMBINED.search(_SUBSCRIPT.sub("", rest))))


# before a box, in its sentence: a counterfactual, "if negative values were allowed, the
# answer would be \\boxed{-1}", "had order mattered, it would be", "otherwise, ... would be",
# "if we counted ordered pairs, it'd be"
_COUNTERFACTUAL = re.compile(r"(?:\bif\b[^.!?\n]{0,150}?\b(?:were|had)\b|\bhad\s+\w+\s+"
                             r"(?:been|mattered|meant|asked|intended|wanted)\b|\botherwise\b|"
                             r"\bif\s+(?:the\s+)?(?:question|problem)\s+(?:meant|intended|asked|"
                             r"wanted)\b|\bif\s+instead\b|\bif\s+(?:we|one|you)\s+(?:also\s+)?"
                             r"(?:consider(?:ed)?|count(?:ed)?|includ(?:e|ed)|allow(?:ed)?|"
                             r"ignor(?:e|ed)|assum(?:e|ed))\b)"
                             r"[^.!?\n]{0,150}?(?:\bwould\b|'d\b)[^.!?\n]{0,80}\Z", re.IGNORECASE)


def _counterfactual(text: str, start: int) -> bool:
    return _COUNTERFACTUAL.search(text, max(0, start - 300), start) is not None


# a question that asks where an extremum is reached, not its value: "For what value of $x$
# is ... a minimum?", "At which point does ... attain its maximum?", "Find the value of $x$
# that minimizes ...": there the boxes of the place are the answer
_ASKS_PLACE = re.compile(
    r"\b(?:for|at)\s+(?:what|which)\s+(?:\w+\s+){0,3}?(?:values?|points?|numbers?|integers?|"
    r"\$?[a-z]\$?)\b[^.?]{0,150}?\b(?:minimum|maximum|minimi[sz]ed|maximi[sz]ed|smallest|"
    r"largest|greatest|least)\b|\b(?:what|which)\s+(?:\w+\s+){0,2}?values?\s+of\s+\$?\\?\w+"
    r"\$?\s+(?:minimi[sz]es|maximi[sz]es)\b|\bfind\s+(?:the\s+)?(?:values?|points?)\s+"
    r"(?:of\s+\$?\\?\w+\$?\s+)?(?:that|which|where|at\s+which|for\s+which)\s+[^.?]{0,80}?"
    r"(?:minimi[sz]|maximi[sz]|minimum|maximum)", re.IGNORECASE)


def asks_for_place(question: str) -> bool:
    """Does the question ask where an extremum is reached ("For what value of $x$ is f
    smallest?"), so that a box the answer marks as that place is the answer? Only its last
    sentence is read, the one that asks ("Let $x$ be the number for which f is smallest.
    What is f(x)?" asks for the value)."""
    asked = re.split(r"(?<=[.?!])\s+(?=[A-Z])", question.strip()[-2000:])[-1]
    return _ASKS_PLACE.search(asked) is not None


def final_boxes(text: str, place_asked: bool = False, asked: frozenset[str] = frozenset()
                ) -> list[str]:
    """The boxes of the final answer: every box (several are one answer, "\\boxed{-2} and
    \\boxed{1}"), but only those after the last box that the text then corrects or the last
    answer statement between boxes introduces ("... \\boxed{285}, so the answer is
    \\boxed{143}" is 143) or a total sums up ("..., so in total \\boxed{30}") or a
    conclusion combines ("\\boxed{\\frac{25}{8}}, so $m + n = \\boxed{33}$"), none that
    the words before it reject ("\\boxed{2}, not \\boxed{3}") or make where the answer is
    reached ("\\boxed{4}, attained at x = \\boxed{2}", with the boxes listed after it, unless
    every box is such a place: _without_places), none that only approximate the box
    before them ("\\boxed{2\\sqrt{2}} \\approx \\boxed{2.83}" is 2\\sqrt{2}), and none after
    the first that a counterfactual brings in ("\\boxed{1}. If negative values were allowed,
    the answer would be \\boxed{-1}." is 1); of boxes each named by a word, the one whose
    word the question `asked` (labels.asked_box: "the area is \\boxed{12}, the perimeter is
    \\boxed{14}" answers "What is the area?" with 12)."""
    spans = _box_spans(text)
    spans = spans[:1] + [span for span in spans[1:] if not _counterfactual(text, span[0])]
    first = 0
    for i in range(1, len(spans)):
        if (CORRECTION.search(text, spans[i - 1][1], spans[i][0])
                or _MARKER.search(text, spans[i - 1][1], spans[i][0])
                or _TOTAL_BETWEEN.search(text, spans[i - 1][1], spans[i][0])
                or _derived(text[spans[i - 1][1]:spans[i][0]])):
            first = i
    if len(spans) > 1 and _TOTAL_AFTER.match(text[spans[-1][1]:spans[-1][1] + 60]):
        first = len(spans) - 1
    kept = [span for i, span in enumerate(spans[first:], first)
            if i == first or not _APPROXIMATED.fullmatch(text, spans[i - 1][1], span[0])]
    kept = [span for span in kept if not _REJECTED.search(text[max(0, span[0] - 40):span[0]])]
    kept = asked_box(text, _without_places(text, kept, place_asked), asked)
    return [content for _, _, content in kept]


# between two boxes of one list: "$x = \\boxed{2}$ and $y = \\boxed{3}$", "\\boxed{2}, \\boxed{3}"
# (each run of spaces and dollars follows a word or a sign: two runs side by side would take
# cubic time to fail on a long run of them)
_LISTED = re.compile(r"[\s$,;]*(?:(?:and|or)\b[\s$]*)?(?:\\?[A-Za-z]+(?:_\{?\w+\}?)?\s*=[\s$]*)?",
                     re.IGNORECASE)


def _without_places(text: str, spans: list[tuple[int, int, str]], place_asked: bool = False
                    ) -> list[tuple[int, int, str]]:
    """`spans` less the lists of boxes that say where the answer is reached ("\\boxed{4},
    attained at $x = \\boxed{2}$ and $y = \\boxed{3}$" is 4): a list whose first box has such
    words before it, where some other list has none ("where $m = \\boxed{2}$ and $b =
    \\boxed{3}$" alone stays the answer). Where the question asks for the place
    (`place_asked`: asks_for_place), the lists of places are the answer instead."""
    runs: list[list[tuple[int, int, str]]] = []
    for span in spans:
        if runs and _LISTED.fullmatch(text, runs[-1][-1][1], span[0]):
            runs[-1].append(span)
        else:
            runs.append([span])
    places = [bool(_WHERE.search(text[max(0, run[0][0] - 40):run[0][0]])) for run in runs]
    answers = [run for run, place in zip(runs, places, strict=True) if place == place_asked]
    return [span for run in (answers or runs) for span in run]


# right after the last box, a second value offered beside it: "\\boxed{5} (or 6)",
# "\\boxed{5} \\quad (\\text{or } 6)", "\\boxed{5}, or possibly 6"
_HEDGE_AFTER = re.compile(r"\s*\$*\s*(?:\\[,;:!]|\\q?quad|~|\s)*[,;]?\s*\(?\s*(?:\\text\s*\{\s*)?"
                          r"or\s+(?:maybe\s+|possibly\s+|perhaps\s+)?(?:\}\s*)?\$?\s*"
                          r"([-−]?[\d\\][^()$\n]{0,40}?)\s*\$?\s*[).,;]*\s*(?:\n|$)")


def hedge_after_last_box(text: str) -> str | None:
    """The value offered after the answer's last box ("\\boxed{5} (or 6)" offers 6), or
    None. The caller decides whether it restates the box ("(or 0.5)" after 1/2) or hedges."""
    spans = _box_spans(text)
    m = _HEDGE_AFTER.match(text, spans[-1][1]) if spans else None
    return m.group(1).strip() if m else None


def after_last_box(text: str) -> str:
    """The text after the last closed box ("" where there is none)."""
    spans = _box_spans(text)
    return text[spans[-1][1]:] if spans else ""


def last_boxed(text: str) -> str | None:
    """Content of the last closed \\boxed{...}, or None."""
    found = boxes(text)
    return found[-1] if found else None


# the same hedge inside a box: "5 \\text{ (or 3)}", "5 \\text{ or 3}", "5 \\lor 3", which
# math-verify reads as 5 (the text dropped) or as 3; spelled "5 \\text{ or } 3", it is {3, 5}
_BOXED_HEDGE = re.compile(r"\\text\s*\{\s*\(?\s*or\s+(?:maybe\s+|possibly\s+|perhaps\s+)?"
                          r"([^{}()]*?)\s*\)?\s*\}|\\(?:lor|vee)(?![A-Za-z])")


def boxed_hedge_spelled(value: str) -> str:
    """A hedge inside a box spelled as math-verify reads a set: "5 \\text{ or } 3"."""
    return _BOXED_HEDGE.sub(lambda m: r" \text{ or } " + (m.group(1) or ""), value).strip()


def distinct_values(values: list[str]) -> list[str]:
    """The boxes' values with repeats dropped: the same value spelled alike or, for a few
    boxes, spelled differently ("(1,2)" and "(1, 2)", "\\frac{1}{2}" and "\\dfrac12"): one
    answer written twice is not a tuple of two. Many different boxes are compared as written
    (every pair through math-verify would cost quadratic time)."""
    from harness.accuracy.equivalence import math_equal

    spelled = list(dict.fromkeys(values))
    if len(spelled) > 4:
        return spelled
    out: list[str] = []
    for value in spelled:
        if not any(math_equal(value, kept) for kept in out):
            out.append(value)
    return out
