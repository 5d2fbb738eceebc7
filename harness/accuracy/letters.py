"""The option letter a multiple-choice answer chose, in the many ways models write it.

Accepted forms, in the answer part only (after the last </think>), with or without
parentheses, bold, `$...$`, `\\text{}`, `\\mathrm{}` or `\\textbf{}` around the letter, upper
or lower case where the letter cannot be an English word:
- a box: `\\boxed{C}`, `\\boxed{\\text{(C)}}`;
- a statement: "Answer: B", "The answer is: B", "**Answer**: B", "Final answer: (D)",
  "The correct option is D.", "The best choice is **C**.", "Option C is correct";
- a line that is only the letter: "C", "(C)", "C)".
The last explicit choice wins. A final choice that names two different letters ("Answer: B
or C", two boxes with different letters) is no choice: it scores as wrong.
"""

from __future__ import annotations

import re

from harness.accuracy.answers import boxes

_WRAPPER = re.compile(r"\\(?:text|mathrm|textbf|mathbf|mbox|textrm)\s*\{([^{}]*)\}")
_L = r"\(?\s*([A-J])\s*\)?(?![\w'])"  # an upper-case letter, maybe in parentheses
# upper case anywhere; lower case only where it cannot be a word ("the answer is a bit ...")
_LL = r"\(?\s*((?-i:[A-J])(?![\w'])|[a-j](?=\s*(?:[.,;:!)]|$|\s+(?:or|and)\b)))"
_STATEMENTS = (
    # "Answer: B", "The answer is: b", "final answer is (D)", "Answer = C"
    re.compile(r"answer\s*(?:is\s*:?|:|=|would\s+be\s*:?)\s*(?:option\s+|choice\s+)?" + _LL,
               re.IGNORECASE),
    # "The correct option is D", "the best choice is C", "correct answer: (A)"
    re.compile(r"(?:correct|best|right|final)\s+(?:option|choice|answer)\s*"
               r"(?:is\s*:?|:|=|would\s+be)\s*" + _LL, re.IGNORECASE),
    # "Option C is correct", "choice (B) is the right one"
    re.compile(r"(?:option|choice)\s+" + _L + r"\s+is\s+(?:the\s+)?(?:correct|right|best)",
               re.IGNORECASE),
    # a line that is only a letter
    re.compile(r"^\s*" + _L + r"[.)]?\s*$", re.MULTILINE),
)
_ALSO = re.compile(r"^\s*(?:,|/|(?i:or|and)|&)\s*" + _L)  # a second letter, upper case


def _plain(answer: str) -> str:
    """The answer without markup around letters: bold, math delimiters, text wrappers."""
    text = answer.replace("**", "").replace("__", "")
    for _ in range(3):
        text = _WRAPPER.sub(r"\1", text)
    return text.replace("$", "").replace("\\(", "").replace("\\)", "")


def _boxed_letters(text: str, letters: str) -> list[tuple[int, str]]:
    out = []
    pos = 0
    for content in boxes(text):
        pos = text.find(content, pos)
        m = re.fullmatch(r"\(?\s*([A-Ja-j])\s*\)?\.?", content.strip())
        if m and m.group(1).upper() in letters:
            out.append((pos, m.group(1).upper()))
    return out


def extract_letter(answer: str, letters: str = "ABCD") -> str | None:
    """The chosen option letter, or None when there is no choice or the final choice names
    two different letters."""
    text = _plain(answer)
    boxed = _boxed_letters(text, letters)
    if boxed:
        chosen = {letter for _, letter in boxed}
        return boxed[-1][1] if len(chosen) == 1 else None
    found: list[tuple[int, str, int]] = []  # (position, letter, end of the match)
    for pattern in _STATEMENTS:
        for m in pattern.finditer(text):
            letter = m.group(1).upper()
            if letter in letters:
                found.append((m.start(1), letter, m.end()))
    if not found:
        return None
    _, letter, end = max(found)
    also = _ALSO.match(text[end:end + 40])
    if also and also.group(1).upper() != letter:
        return None  # "Answer: B or C" is not a choice
    return letter
