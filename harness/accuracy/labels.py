"""Boxes named by what they hold, and the one the question asked for.

An answer may box more than the question asked: "The area is \\boxed{12} square units and the
perimeter is \\boxed{14} units." Several boxes are otherwise one answer (boxes.final_boxes: a
list such as "\\boxed{-2} and \\boxed{1}"), so that answer to "What is the area?" read as the
pair (12, 14) and scored wrong, where a grader that takes the last box would read 14 and
score it wrong too. Here, where every box of the final answer is named by a word of its own
("the area is", "perimeter $=$", "the length of the side is"; after a word that names
nothing, what it is of: "the number of ways is" names ways), and exactly one of those words
is in the sentence of the question that asks ("What is the area of the rectangle?", "Find
its radius."), that box is the answer. A box may also be named by the expression it is the
value of ("$m + n = 9 + 64 = \\boxed{73}$", "$N = \\boxed{5104}$"): that name is asked where
the question's asking sentence asks for that expression itself ("Find $m+n$.", "What is
the value of $x + y$?"), so that "the probability is \\boxed{\\frac{9}{64}} and $m + n =
\\boxed{73}$" answers 73, and "$N = \\boxed{5104}$, so the remainder is \\boxed{104}" answers
"Find the remainder when $N$ is divided by 1000." with 104. The box named by the asked
expression is the answer whatever the other boxes hold ("\\boxed{\\frac{9}{64}} \\\\ m+n =
\\boxed{73}"). Boxes named by no word or expression, or by a word that says nothing ("the
answer is", "the value is") keep the rule of final_boxes, as do boxes whose names the
question asks more than once or not at all.
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
# the expression a box is the value of, the first side of its chain of equalities:
# "$m + n = 9 + 64 = ", "so m+n = ", "Q + R = ", "BD^2 = "
_LHS = (r"(?:^|(?<=[\s$(,;]))((?:\\[A-Za-z]+|[A-Z]{1,3}(?![A-Za-z])|[a-z](?![A-Za-z])"
        r"|[\d+\-*/^_{}()' ])+?)\s*=")
_EXPRESSION = re.compile(_LHS + r"[^=$]*?(?:=[^=$]*?)*\Z")
# the last line of an answer that ends giving an expression a number: "Answer: 9/64, so
# m+n = 73.", "so $m + n = 9 + 64 = 73$."
_ENDS_EQUAL = re.compile(_LHS + r"(?:[^=\n]*?=)*\s*\$?\s*(-?\d+(?:\.\d+)?)\s*\$?\s*[.!]?[*\s]*\Z")
# what an asking sentence asks for itself: "Find $m+n$.", "What is the value of $x + y$?"
_ASKS_EXPRESSION = re.compile(r"(?:find|compute|determine|calculate|evaluate|give|what\s+is)"
                              r"\s+(?:the\s+value\s+of\s+)?(?:\$([^$]{1,80})\$|\\\(([^$]{1,80}?)"
                              r"\\\))\s*[.?]?\s*\Z", re.IGNORECASE)
# the sentence of a question that asks: a question mark, or an imperative
_ASKING = re.compile(r"[^.?!\n]*\?|(?:^|(?<=[.!\n]))\s*(?:find|compute|determine|calculate|"
                     r"evaluate|what|how|which|give|state)\b[^.?!\n]*", re.IGNORECASE)


def asked_words(question: str) -> frozenset[str]:
    """The words of the question's last asking sentence, in lower case (of the whole question
    where no sentence asks), and the expression it asks for itself ("Find $m+n$."), as
    `_expression_name` writes it."""
    question = question[-2000:]  # the asking is at the end (as boxes.asks_for_place reads)
    asking = _ASKING.findall(question)
    sentence = asking[-1] if asking else question
    words = set(re.findall(r"[a-z]{2,}", sentence.lower()))
    expression = _ASKS_EXPRESSION.search(sentence.strip())
    if expression:
        words.add(_expression_name(expression.group(1) or expression.group(2)))
    return frozenset(words)


def _expression_name(expression: str) -> str:
    """An expression as a name: "$" and its spelling without spaces or braces ("$m+n")."""
    return "$" + re.sub(r"\s|\\[,;!]|\\left|\\right|[{}]", "", expression)


def _name(text: str, start: int, before: int) -> str | None:
    """The word that names the box at `start` (from `before` on, within its sentence)."""
    window = text[max(before, start - 80):start]
    window = re.split(r"(?<=[.!?])\s|\n", window)[-1]
    m = _NAMED.search(window)
    if not m:  # "$m + n = 9 + 64 = ": the expression
        expression = _EXPRESSION.search(window.rstrip("$ ").removesuffix("\\(").rstrip())
        if expression is None or not expression.group(1).strip():
            return None
        return _expression_name(expression.group(1))
    word = m.group(1).lower()  # "the number of ways is": ways
    word = (m.group(2) or "").lower() if word in _EMPTY else word
    return word if word and word not in _EMPTY else None


def asked_box(text: str, spans: list[tuple[int, int, str]], asked: frozenset[str]
              ) -> list[tuple[int, int, str]]:
    """`spans` (the boxes of the final answer) cut to the one the question asked for: the one
    box named by the expression the question asks for, else, where every box is named by a
    word or expression of its own, the one whose name the question's asking sentence holds."""
    if len(spans) < 2 or not asked:
        return spans
    names = [_name(text, span[0], spans[i - 1][1] if i else 0) for i, span in enumerate(spans)]
    # the expression the question asks for itself names its box, whatever the others hold
    asked_expressions = [span for span, name in zip(spans, names, strict=True)
                         if name and name.startswith("$") and name in asked]
    if len(asked_expressions) == 1:
        return asked_expressions
    if None in names or len(set(names)) < len(names):
        return spans
    hits = [span for span, name in zip(spans, names, strict=True) if name in asked]
    return hits if len(hits) == 1 else spans


def asked_value(answer: str, asked: frozenset[str]) -> str | None:
    """The number the answer's last line gives the expression the question asks for ("so
    m+n = 73." for "Find $m+n$."), where a stated answer before it in the line ("Answer:
    9/64, so m+n = 73") is a step on the way; None where it ends otherwise."""
    if not any(name.startswith("$") for name in asked):
        return None
    m = _ENDS_EQUAL.search(answer.rstrip().rsplit("\n", 1)[-1][-300:])
    return m.group(2) if m and _expression_name(m.group(1)) in asked else None
