"""Where the answer is in an answer part without a box (answers.extract_math looks here):
the last "answer is X" / "Answer: X" statement, else the display formula under a "Final
Answer" heading, else the last math expression or number. A statement ends where prose
starts ("7, not 8", "7. Note that ..."); of nested statements the innermost counts ("Final
Answer: The final answer is $x$. I hope it is correct.", the form lm-eval's Minerva prompt
teaches); a stated sentence with one value states that value ("The largest $n$ is 34");
two bare statements of different values one after the other ("Answer: 5\nAnswer: 6") are no
single answer; the math expressions a sentence lists up to the last one are one answer
("$x = 5$ or $x = -3$", and "x = 5 or x = -3" in plain text), and neither a last clause
that only says where the value is reached ("..., attained at $x = 2$.") nor a closing check
of the value ("Note that 12 = 3 * 4.") is part of it. Numbers are read whole (values.py).
"""

from __future__ import annotations

import re

from harness.accuracy.values import NUMBER, clean, last_number, mixed_as_latex, unit_powers_dropped

# "The final answer is X", "Answer: X", "**Final Answer:** X": a statement, not a heading
# ("**Final Answer**" alone on its line) and not prose ("To answer this, ...").
# "The answer must be 7" too, where a number or LaTeX follows ("the answer will be an
# integer" states nothing).
# GSM8K's own marker too, "#### 18", which models trained on its solutions write.
# The brace that closes a wrapper around the words goes too: "\\textbf{Answer:} 5".
_STATED = re.compile(r"(?:(?:final\s+answer|answer)\s*(?:\*\*\s*)?(?:is\s*:?|:|=|"
                     r"(?P<modal>(?:would|must|should|will)\s+be\s*:?))|^\s*####)"
                     r"\s*(?:\}\s*)?(.*)", re.IGNORECASE)


# where a stated answer stops and prose starts: "7. Note that 8 is wrong", "7, not 8",
# "\\frac{1}{2}, which is 0.5", "12 by symmetry", "7 (not 8)", "4, attained at x = 2"; never
# "7 (or 8)", a hedge
_PROSE = re.compile(r"(?<!\d)\.\s+\S|\.(?=\s+[A-Za-z])|[,;]?\s+(?:because|since|as|which|where|"
                    r"but|not|so|by|given|from|when|for|attained|achieved|reached|obtained|"
                    r"occurs|occurring)\b|(?<=\d)\s+\((?!or\b)(?=[A-Za-z]{2,})")


# "7 (or maybe 8)" is "7 or 8", which math-verify reads as the set {7, 8}: no single answer
_HEDGE = re.compile(r"\s*\(\s*or\s+(?:maybe\s+|possibly\s+|perhaps\s+)?([^()]*)\)")


def _prose_cut(value: str) -> str:
    m = _PROSE.search(value)
    return value[:m.start()] if m and m.start() > 0 else value


def stated_answer(answer: str, final: bool = False) -> str | None:
    """The value of the last 'answer is X' / 'Answer: X' statement with a value after it
    (only 'final answer' statements with a number or LaTeX in the value, where `final`).
    Where the line just before is only a statement of another value ("Answer: 5\nAnswer:
    6", nothing between them), both: "5 or 6", no single answer."""
    from harness.accuracy.equivalence import math_equal

    lines = answer.splitlines()
    for at in range(len(lines) - 1, -1, -1):
        value = _line_value(lines[at], final)
        if value is None:
            continue
        alone = at > 0 and _bare(lines[at]) and _bare(lines[at - 1])
        before = _line_value(lines[at - 1], final) if alone else None
        return value if before in (None, value) or math_equal(before, value) else (
            f"{before} or {value}")
    return None


def _bare(line: str) -> bool:
    """Is the line a statement and its value alone ("**Answer:** 5", not "... 12 if ...")?"""
    m = _ONLY_STATED.match(line)
    return bool(m) and not prose_words(line[m.end():])


_ONLY_STATED = re.compile(r"[\s*_#>-]*(?:\\textbf\{)?(?:(?:so|thus|hence|therefore),?\s+)?"
                          r"(?:the\s+)?(?:final\s+)?answer\s*(?:\*\*\s*)?(?:is\b|:|=)",
                          re.IGNORECASE)


def _line_value(line: str, final: bool) -> str | None:
    for m in reversed(list(_STATED.finditer(line))):
        if final and not m.group().lower().startswith("final"):
            continue
        raw, modal = _innermost(m)
        raw = _CONNECTIVES.sub("", raw)
        value = _sentence_value(clean(_HEDGE.sub(r" or \1", _prose_cut(raw))))
        if value and re.search(r"[\d\\]" if modal or final else r"[\d\\a-zA-Z]", value):
            return value
    return None


# words between "the answer is" and its value: "The final answer is therefore 42"
_CONNECTIVES = re.compile(r"^\s*(?:(?:therefore|thus|hence|so|then|now|indeed|clearly|simply|"
                          r"just|exactly|precisely|obviously|definitely|certainly|"
                          r"approximately|about|roughly|around)(?![\w-])[\s,:]*)+", re.IGNORECASE)


# before a nested statement, a few words only: "The final answer is", "So the answer is"
_LEAD_IN = re.compile(r"[\s*_]*(?:[A-Za-z]+\s+){0,3}")


def _innermost(m: re.Match[str]) -> tuple[str, bool]:
    """The stated text and whether a modal states it, from the innermost of nested statements:
    "Final Answer: The final answer is $x$. I hope it is correct." (the form lm-eval's Minerva
    prompt teaches) states x, where only words come before the inner one."""
    raw, modal = m.group(2), m.group("modal")
    for _ in range(3):
        inner = _STATED.search(raw, 0, 80)
        if inner is None or not _LEAD_IN.fullmatch(raw, 0, inner.start()):
            break
        raw, modal = raw[inner.start(2):], inner.group("modal")
    return raw, bool(modal)


# words of a sentence, not of a formula: names of functions and "and"/"or" between values
# do not count ("sin x + cos x", "6 and 8")
_WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{2,}(?![A-Za-z])")
_NOT_PROSE = {"and", "or", "sin", "cos", "tan", "cot", "sec", "csc", "log", "ln", "exp",
              "lim", "max", "min", "gcd", "lcm", "mod", "det", "pi", "sqrt", "frac"}


def _sentence_value(value: str) -> str:
    """A stated sentence's one value: "Final Answer: The volume is 120" states 120, "Jane
    started 3 hours ago" 3. A sentence with several values ("the roots are 2 and 3", "it is
    either 7 or 8") stays whole, as does a formula or a name ("Evelyn", "6 and 8")."""
    if prose_words(value) < 2 or re.search(r"\bor\b", value, re.IGNORECASE):
        return value
    # its values: math spans, and outside them words with a digit or a command
    # ("\\frac{3}{4}" is one value, "\\text{Evelyn}" another)
    spans = [g for m in _MATH.finditer(value) for g in m.groups() if g is not None]
    values = ([s for s in spans if re.search(r"[\d\\]", s)]
              + [w for w in _MATH.sub(" ", value).split() if re.search(r"[\d\\]", w)])
    return (last_value(value) or value) if len(values) == 1 else value


def prose_words(value: str) -> int:
    """How many words of prose: "The volume is 120" has three, a formula or a number none."""
    return len([w for w in _WORD.findall(value) if w.lower() not in _NOT_PROSE])


# inline or display math, each kind bounded so that unclosed delimiters cost linear time
_MATH = re.compile(r"\$\$(.{1,800}?)\$\$|\\\[(.{1,800}?)\\\]|\\\((.{1,800}?)\\\)"
                   r"|\$([^$]{1,800}?)\$", re.DOTALL)


# at the end, a clause that says where the answer is reached: "The minimum value is $4$,
# attained at $x = 2$." is 4 (the verbs of an extremum only: "it first exceeds 100 when
# $n = 5$" may well be asking for 5)
_PLACE_TAIL = re.compile(r"[,;]?\s*(?:(?:which|that|this|and\s+(?:this|it))\s+)?"
                         r"(?:(?:is|are|was|being)\s+)?(?:attained|achieved|reached|obtained|"
                         r"occurs|occurring)\s+(?:at|when|for|if)\b[^\n]{0,120}\Z", re.IGNORECASE)


# at the end, a clause that gives the reason for the value before it in its sentence: "The
# smallest such n is 7, since 6 fails." is 7, "so x = 3 because 2x = 6." is 3
_REASON_TAIL = re.compile(r"(?<=[\d$})\]])[^\S\n]*[,;]?[^\S\n]+(?:since|because)\b[^\n.!?]{0,150}"
                          r"[.!?]?\s*\Z", re.IGNORECASE)

# ... or that rules out another value after it: "So there are 12 ways, not 10." is 12, as
# are "12 (not 10)", "12 rather than 10", "12 and not 10"
_NEGATED_TAIL = re.compile(r"[^\S\n]*[,;]?[^\S\n]*\(?[^\S\n]*(?:(?:and|but)\s+)?"
                           r"(?:not|rather\s+than|instead\s+of)\s+[^\n.!?()]{0,80}\)?[.!?]?\s*\Z",
                           re.IGNORECASE)


def last_value(answer: str, place_asked: bool = False) -> str | None:
    """Where nothing states the answer: the last math expression ("so we get $x = \\frac38$"),
    with those it ends a list of ("$x = 5$ or $x = -3$"), unless a number comes after it in
    the text, else the last number, with the LaTeX word it is part of where it is one
    ("we get \\frac{3}{8}."), leaving out a last clause that only says where it is reached
    ("..., attained at $x = 2$."), where a value comes before that clause and the question
    does not ask for that place (`place_asked`), and a closing check
    that names the value before it ("The result is 12. Note that 12 = 3 * 4." is 12, not 4;
    "Check: ..." that concludes, "So n = 3", is read). One variable's values listed in plain
    text ("So x = 5 or x = -3.") are all of them. A bare number scan would take 8 from
    \\frac{3}{8}."""
    # "12 cm^2": the 2 is no value; "1 1/2 hours": one value, not 1/2
    answer = mixed_as_latex(unit_powers_dropped(answer))
    before = answer
    for _ in range(0 if place_asked else 3):  # "..., attained at $x = 2$, at $y = 3$": a few
        tail = _PLACE_TAIL.search(before, max(0, len(before) - 200))
        if tail is None or tail.start() == 0:
            break
        before = before[:tail.start()]
    for tail_rule in (_REASON_TAIL, _NEGATED_TAIL):
        tail = tail_rule.search(before, max(0, len(before) - 200))
        if tail is not None:
            before = before[:tail.start()]
    value = (before is not answer and _last_value(before)) or _last_value(answer)
    check = _CHECK_TAIL.search(answer, max(0, len(answer) - 400))
    if check is None or check.start() == 0:
        return value
    # "The result is 12. Note that 12 = 3 * 4.": a closing check of the value read before
    # it (which it names), not a new value
    tail = answer[check.start():]
    if _CONCLUSION.search(tail):
        return value  # "Let's check each n: ... So n = 3.": the check concludes
    checked = _last_value(answer[:check.start()])
    named = {clean(n) for n in NUMBER.findall(tail)}
    return checked if checked is not None and checked in named else value


# at the end, a check of the answer, from the start of its sentence or line: "Note that
# 12 = 3 * 4.", "Check: 2*5 - 3 = 7.", "Let me verify: ..."
_CHECK_TAIL = re.compile(r"(?:^|(?<=[.!?])[^\S\n]+)[*_(\s]*(?:note\s+that|note:|check(?:ing)?\b|"
                         r"verif(?:y|ying|ication)\b|sanity\s+check|double[- ]check(?:ing)?|"
                         r"(?:let(?:'s|\s+me|\s+us)|we\s+can|to)\s+(?:double[- ])?"
                         r"(?:check|verify|confirm)\b)[\s\S]*\Z", re.IGNORECASE | re.MULTILINE)


_CONCLUSION = re.compile(r"(?:^|[.!?:]\s+)(?:so|thus|therefore|hence|the\s+answer)\b",
                         re.IGNORECASE | re.MULTILINE)


def _last_value(answer: str) -> str | None:
    numbers = list(NUMBER.finditer(answer))
    # an expression with a number or a command; any at all where the text has no number
    # ("$x = B$")
    spans = [m for m in _MATH.finditer(answer) if not numbers
             or re.search(r"[\d\\]", next(g for g in m.groups() if g is not None))]
    if spans and (not numbers or numbers[-1].start() < spans[-1].end()):
        listed = [spans[-1]]  # "$x = 5$ or $x = -3$", "$2$, $3$ and $5$": one answer
        while len(listed) < len(spans) and _LISTED.fullmatch(
                answer, spans[-len(listed) - 1].end(), listed[0].start()):
            listed.insert(0, spans[-len(listed) - 1])
        values = [clean(next(g for g in m.groups() if g is not None)) for m in listed]
        return ", ".join(dict.fromkeys(v for v in values if v)) or None
    if not numbers:
        return None
    listed_eqs = _plain_equations(answer, numbers[-1])
    if listed_eqs:
        return listed_eqs
    # LaTeX written without delimiters: the number's whole word ("\\frac{3}{8}", "10^3")
    start, end = numbers[-1].start(), numbers[-1].end()
    start = max(answer.rfind(" ", 0, start), answer.rfind("\n", 0, start)) + 1
    end += len(re.match(r"\S*", answer[end:end + 200]).group())
    word = clean(answer[start:end]) if end - start <= 200 else ""
    for joined in _COLON_JOINED.finditer(answer, max(0, start - 12), numbers[-1].end() + 8):
        if joined.start() <= numbers[-1].start() and joined.end() >= numbers[-1].end():
            return re.sub(r"\s+", " ", joined.group())  # "3:2", "9:30 a.m.", "4 PM": whole
    # "25π square units" is 25π (math-verify reads π); "or 37.5%." keeps its percent, whose
    # other reading is 0.375 (readings.py)
    if re.search(r"[\\{}^π%]", word):
        return word
    # "1.5 million people": the scale word kept, as a stated answer's is (values.clean)
    scale = _SCALE_AFTER.match(answer, numbers[-1].end())
    number = last_number(answer)
    return f"{number}\\text{{ {scale.group(1).lower()}}}" if scale and number else number


_LISTED = re.compile(r"\s*[,;]?\s*(?:(?:and|or)\s+)?", re.IGNORECASE)  # between listed values
# "x = 5", "x=-3": one variable set to a number, in plain text
_PLAIN_EQ = re.compile(r"(?<![\w\\])([A-Za-z])\s*=\s*(" + NUMBER.pattern + ")")


def _plain_equations(answer: str, last: re.Match[str]) -> str | None:
    """"So x = 5 or x = -3.": where the last number ends a list of one variable's values in
    plain text, the values ("5, -3"), as "$x = 5$ or $x = -3$" is read; None otherwise."""
    found = [m for m in _PLAIN_EQ.finditer(answer, max(0, last.start() - 300), last.end() + 1)]
    if not found or found[-1].end(2) != last.end():
        return None
    listed = [found[-1]]
    for m in reversed(found[:-1]):
        if m.group(1) != listed[0].group(1) or not _LISTED.fullmatch(
                answer, m.end(), listed[0].start()):
            break
        listed.insert(0, m)
    values = dict.fromkeys(clean(m.group(2)) for m in listed)
    return ", ".join(values) if len(listed) > 1 else None


# a ratio or a time written in plain text ("3:2", "1:2:3", "9:30 a.m.", "4 PM"), whose last
# number alone would be 2, 30 or 4
_COLON_JOINED = re.compile(r"(?<![\d:.,])\d{1,4}(?::\d{1,4})+(?![\d:])(?:\s?[ap]\.?m\b\.?)?|"
                           r"(?<![\d:.,])\d{1,2}\s?[ap]\.?m\b\.?", re.IGNORECASE)
_SCALE_AFTER = re.compile(r"\s+((?i:thousand|million|billion|trillion))s?\b")


# "**Final Answer**", "## Final Answer", "Final answer:" alone on its line
_HEADING = re.compile(r"^[#*_\s]*final\s+answer[*_:\s]*$", re.IGNORECASE | re.MULTILINE)
_DISPLAY = re.compile(r"\$\$(.{1,800}?)\$\$|\\\[(.{1,800}?)\\\]", re.DOTALL)


def headed_display(answer: str) -> str | None:
    """The first display formula under the last "Final Answer" heading: "**Final Answer**
    \\[ \\frac{3}{8} \\] This is because 8 outcomes ..." is 3/8, where the last number is 8."""
    heads = list(_HEADING.finditer(answer))
    shown = _DISPLAY.search(answer, heads[-1].end()) if heads else None
    if shown is None:
        return None
    return clean(next(g for g in shown.groups() if g is not None)) or None
