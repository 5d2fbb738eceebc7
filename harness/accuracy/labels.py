"""Boxes named by what they hold, and the one the question asked for.

An answer may box more than the question asked: "The area is \\boxed{12} square units and the
perimeter is \\boxed{14} units." Several boxes are otherwise one answer (boxes.final_boxes: a
list such as "\\boxed{-2} and \\boxed{1}"), so that answer to "What is the area?" read as the
pair (12, 14) and scored wrong, where a grader that takes the last box would read 14 and
score it wrong too. Here, where every box of the final answer is named by a word of its own
("the area is", "perimeter $=$", "the length of the side is"; after a word that names
nothing, what it is of: "the number of ways is" names ways), and exactly one of those words
is in the sentence of the question that asks ("What is the area of the rectangle?", "Find
its radius."), that box is the answer. Boxes named by a variable (`x = \\boxed{3}`), by no
word, or by a word that says nothing ("the answer is", "the value is") keep the rule of
final_boxes, as do boxes whose words the question names more than once or not at all.
"""

from __future__ import annotations

import re

# the word that names a box, right before it in its sentence: "the area is", "perimeter =",
# "the length of the shorter side is", "radius: "; after a word that names nothing, what it
# is of ("the number of ways is": ways)
_NAMED = re.compile(r"\b([A-Za-z]{2,})(?:\s+of\s+(?:the\s+)?(?:([A-Za-z]{2,})\b)?[^.$=\n]{0,40}?)?"
                    r"\s*(?:is|are|equals|=|:)\s*\$*\s*(?:\\\(|\\\[)?\s*\Z", re.IGNORECASE)
# words that name no quantity of their own
_EMPTY = frozenset("answer answers value values result results it this that which there "
                   "number total final solution solutions".split())
# the sentence of a question that asks: a question mark, or an imperative
_ASKING = re.compile(r"[^.?!\n]*\?|(?:^|(?<=[.!\n]))\s*(?:find|compute|determine|calculate|"
                     r"evaluate|what|how|which|give|state)\b[^.?!\n]*", re.IGNORECASE)


def asked_words(question: str) -> frozenset[str]:
    """The words of the question's last asking sentence, in lower case (of the whole question
    where no sentence asks)."""
    question = question[-2000:]  # the asking is at the end (as boxes.asks_for_place reads)
    asking = _ASKING.findall(question)
    return frozenset(re.findall(r"[a-z]{2,}", (asking[-1] if asking else question).lower()))


def _name(text: str, start: int, before: int) -> str | None:
    """The word that names the box at `start` (from `before` on, within its sentence)."""
    window = text[max(before, start - 80):start]
    window = re.split(r"(?<=[.!?])\s|\n", window)[-1]
    m = _NAMED.search(window)
    if not m:
        return None
    word = m.group(1).lower()  # "the number of ways is": ways
    word = (m.group(2) or "").lower() if word in _EMPTY else word
    return word if word and word not in _EMPTY else None


def asked_box(text: str, spans: list[tuple[int, int, str]], asked: frozenset[str]
              ) -> list[tuple[int, int, str]]:
    """`spans` (the boxes of the final answer) cut to the one the question asked for, where
    every box is named by a word of its own and exactly one of those words is asked."""
    if len(spans) < 2 or not asked:
        return spans
    names = [_name(text, span[0], spans[i - 1][1] if i else 0) for i, span in enumerate(spans)]
    if None in names or len(set(names)) < len(names):
        return spans
    hits = [span for span, name in zip(spans, names, strict=True) if name in asked]
    return hits if len(hits) == 1 else spans
