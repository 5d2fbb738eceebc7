"""Which amount of an answer without a box the question asks for, where its last sentence
gives more than one.

- A value restated in another unit: "It takes 1.5 hours, or 90 minutes.", "160 minutes,
  which is 2 hours and 40 minutes", "45 minutes (3/4 of an hour)", "18 dollars a day, or
  126 dollars a week". Read as it stood, such an answer was its last number (90, 40, the
  3/4's 4, 126), or a statement cut at its comma ("1/2 hour, i.e"). A reader takes one of
  the two: the one whose words the question's asking sentence holds ("How many minutes
  ...?": 90; "How much does she make every day?": 18 dollars a day), and, where the question
  favours neither, the first, which the second only restates. Only a restatement in other
  words counts: "7 or 8" and "5 apples or 6 apples" are hedges (no single answer), and they
  are left as they are (`one_of_restated`).
- Where nothing states the answer, a last sentence with several amounts ("Kylar needs to
  pay $64 for 16 glasses.", "She has 5 apples left after giving 3 apples away."): the one
  whose words the asking sentence holds most ("How much does he need to pay?": $64, a sum
  of money; "How many apples does she have left?": 5), where exactly one does; otherwise
  the last number, as before (`amount_asked`).
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


# an amount in a sentence: a number, maybe of money, and up to three words after it (not a
# preposition, which starts the next phrase: "$64 for 16 glasses")
_IN_SENTENCE = re.compile(r"(\$\s*)?(?<![\w.,/])(\d+(?:,\d{3})*(?:\.\d+)?)(?![\d/^])"
                          r"((?:[^\S\n]+(?!(?:and|or|for|to|in|of|at|by|with|from|after)\b)"
                          r"[A-Za-z]{2,}){0,3})")
# words that say nothing of what an amount counts
_PLAIN = frozenset("how many much what which the a an is are was were does do did will would "
                   "can could should he she they it his her their there in of to for and or "
                   "be have has had total".split())
_MONEY = frozenset({"dollar", "cent"})


def amount_asked(answer: str, asked: frozenset[str]) -> str | None:
    """The amount of the answer's last sentence that the question asks for, where it has
    several and one fits the question's asking sentence (`asked`: labels.asked_words) better
    than the others (more of its words; a sum of money where "how much" asks no other
    unit); None otherwise. For an answer part with no box and no statement."""
    sentence = re.split(r"(?<=[.!?])\s+|\n", answer.strip()[-400:].rstrip(".!? "))[-1]
    amounts = list(_IN_SENTENCE.finditer(sentence))
    if len(amounts) < 2 or re.search(r"[=+*/×\\]", sentence):  # a calculation, not prose
        return None
    wanted = {w.removesuffix("s") for w in asked} - _PLAIN
    money_asked = "much" in asked and not wanted & _MONEY

    def fit(m: re.Match[str]) -> int:
        words = _words(m.group(3)) - _PLAIN
        money = bool(m.group(1)) or bool(words & _MONEY)
        return len(words & wanted) + int(money and money_asked)

    fits = [fit(m) for m in amounts]
    best = max(fits)
    if best == 0 or fits.count(best) > 1:
        return None
    return amounts[fits.index(best)].group(2).replace(",", "")
