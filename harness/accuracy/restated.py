"""A value restated in another unit, in an answer without a box: "It takes 1.5 hours, or 90
minutes.", "160 minutes, which is 2 hours and 40 minutes", "45 minutes (3/4 of an hour)",
"18 dollars a day, or 126 dollars a week".

Read as it stood, such an answer was its last number (90, 40, the 3/4's 4, 126), or a
statement cut at its comma ("1/2 hour, i.e"). A reader takes one of the two: the one whose
words the question's asking sentence holds ("How many minutes ...?": 90; "How much does
she make every day?": 18 dollars a day), and, where the question favours neither, the first,
which the second only restates. Only a restatement in other words counts: "7 or 8" and "5
apples or 6 apples" are hedges (no single answer), and they are left as they are.
"""

from __future__ import annotations

import re

# a number and the words that say what it counts: "1.5 hours", "$18 a day", "2 hours and 40
# minutes", "3/4 of an hour"
_NUM = r"\$?\s*\d+(?:,\d{3})*(?:\.\d+)?(?:/\d+)?"
_WORDS = (r"(?:of\s+an?\s+)?(?!(?:or|and|is|i\.e)\b)[A-Za-z]{2,}"
          r"(?:\s+(?:a|an|per|each|every)\s+[A-Za-z]{2,})?")
_AMOUNT = rf"({_NUM}\s*{_WORDS}(?:\s+and\s+{_NUM}\s*{_WORDS})?)"
_RESTATED = re.compile(
    rf"(?<![\w.]){_AMOUNT}\s*(?:,?\s+(?:or|i\.\s?e\.,?|that\s+is,?|which\s+is|equivalently)\s+"
    rf"(?:about\s+|approximately\s+|roughly\s+)?{_AMOUNT}|\(\s*(?:i\.\s?e\.,?\s*|or\s+)?"
    rf"{_AMOUNT}\s*\))", re.IGNORECASE)


def _words(amount: str) -> set[str]:
    """The words of an amount, without a plural's s: "2 hours and 40 minutes": hour, minute."""
    return {w.lower().removesuffix("s") for w in re.findall(r"[A-Za-z]{2,}", amount)
            if w.lower() not in ("and", "of", "an", "per", "each", "every")}


def one_of_restated(answer: str, asked: frozenset[str]) -> str:
    """`answer` with its last restatement in another unit cut to the amount the question
    asks for (`asked`: labels.asked_words), else to the first; unchanged where there is none."""
    found = list(_RESTATED.finditer(answer[-600:]))
    if not found:
        return answer
    m = found[-1]
    first, second = m.group(1), m.group(2) or m.group(3)
    if _words(first) == _words(second):  # "5 apples or 6 apples": a hedge, not a restatement
        return answer
    wanted = {w.removesuffix("s") for w in asked}
    keep = second if len(_words(second) & wanted) > len(_words(first) & wanted) else first
    start = len(answer) - len(answer[-600:]) + m.start()
    return answer[:start] + keep + answer[start + len(m.group()):]
