"""Reasoning-aware answer handling on the raw generation.

A reasoning model writes its thinking, closes it with </think>, then answers. The answer is
what follows the last </think>; the opening tag may be missing because the chat template
already wrote it. A generation that never closes its thinking before the token limit is
truncated: it has no answer, scores 0, and is counted as truncated, never graded on the
reasoning (which is what lm-eval's own handling does with an unclosed block).

Math answers are graded with math-verify (equivalent expressions, not strings); multiple
choice by the extracted letter.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Split:
    """A generation cut into reasoning and answer."""

    reasoning: str
    answer: str
    truncated: bool


def split_reasoning(text: str, think_end: str | None = "</think>",
                    think_start: str | None = "<think>", opens_think: bool = True) -> Split:
    """Split at the last `think_end`. Without one, the generation is truncated if thinking
    was open (the template opened it, or the text has `think_start`); otherwise (a model that
    answered without thinking, or no think tags configured) all of it is the answer."""
    if not think_end:
        return Split("", text, False)
    idx = text.rfind(think_end)
    if idx >= 0:
        return Split(text[:idx], text[idx + len(think_end):], False)
    if opens_think or (think_start and think_start in text):
        return Split(text, "", True)
    return Split("", text, False)


def last_boxed(text: str) -> str | None:
    """Content of the last \\boxed{...} (or \\fbox{...}), nested braces included."""
    starts = [m.end() for m in re.finditer(r"\\(?:boxed|fbox)\s*\{", text)]
    if not starts:
        return None
    i, depth = starts[-1], 1
    for j in range(i, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return text[i:j].strip()
    return None  # unbalanced: the box never closed


_FINAL = re.compile(r"(?:final answer|answer)\s*(?:is|:)?\s*\$?([^\n$]+?)\$?\s*(?:\.|$)",
                    re.IGNORECASE | re.MULTILINE)
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def extract_math(answer: str) -> str | None:
    """The final answer: the last \\boxed{}, else an 'answer is/Answer:' line, else the last
    number."""
    boxed = last_boxed(answer)
    if boxed is not None:
        return boxed
    finals = _FINAL.findall(answer)
    if finals:
        return finals[-1].strip()
    numbers = _NUMBER.findall(answer)
    return numbers[-1].replace(",", "") if numbers else None


def math_equal(predicted: str | None, gold: str) -> bool:
    """True when math-verify finds the two answers equivalent (1/2 = 0.5 = \\frac{2}{4})."""
    if predicted is None or not predicted.strip():
        return False
    from math_verify import parse, verify

    predicted = predicted.strip().rstrip(".")
    gold_parsed = parse(f"\\boxed{{{gold}}}")
    pred_parsed = parse(f"\\boxed{{{predicted}}}")
    if not gold_parsed or not pred_parsed:
        return predicted.strip() == gold.strip()
    return bool(verify(gold_parsed, pred_parsed))


_LETTER_PATTERNS = (
    re.compile(r"\\boxed\{\s*\(?([A-J])\)?\s*\}"),
    re.compile(r"answer\s*(?:is|:)\s*\**\s*\(?([A-J])\)?\b", re.IGNORECASE),
    re.compile(r"^\s*\(?([A-J])\)?\s*[.)]?\s*$", re.MULTILINE),
)


def extract_letter(answer: str, letters: str = "ABCD") -> str | None:
    """The chosen option letter: a boxed letter, an 'Answer: X' line, or a line that is just
    the letter; the last match of the first pattern that matches."""
    for pattern in _LETTER_PATTERNS:
        found = [m for m in pattern.findall(answer) if m in letters]
        if found:
            return found[-1]
    return None


def majority(values: list[str | None]) -> str | None:
    """The most common non-empty answer (first seen wins a tie), for cons@n."""
    counts = Counter(v for v in values if v)
    if not counts:
        return None
    best = max(counts.values())
    return next(v for v in values if v and counts[v] == best)


def flat_results(results: list[Any]) -> list[str]:
    """lm-eval passes [filtered_resps of the doc's request]; with keep_all that is a list of
    the n samples, with take_first a single string."""
    out: list[str] = []
    for r in results:
        out.extend(str(x) for x in (r if isinstance(r, list) else [r]))
    return out


_FENCE = re.compile(r"```[ \t]*(\w*)[^\n]*\n(.*?)```", re.DOTALL)


def extract_code(answer: str, language: str = "python") -> str | None:
    """The last fenced code block in the language asked for (or without a language tag);
    an unclosed last fence counts up to the end of the text."""
    blocks = [code for lang, code in _FENCE.findall(answer) if lang.lower() in ("", language)]
    if blocks:
        return blocks[-1]
    start = answer.rfind("```" + language)
    return answer[start + 3 + len(language):].lstrip("\n") if start >= 0 else None
