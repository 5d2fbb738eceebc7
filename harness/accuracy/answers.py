"""Reasoning-aware answer handling on the raw generation: the answer part, then its answer.

A reasoning model writes its thinking, closes it with </think>, then answers. The answer is
what follows the last </think>; the opening tag may be missing because the chat template
already wrote it. A generation that never closes its thinking before the token limit is
truncated: it has no answer, scores 0, and is counted as truncated, never graded on the
reasoning (which is what lm-eval's own handling does with an unclosed block).

Math: every \\boxed{} of the answer part (several boxes with different values are one answer,
a set or tuple, graded as a whole; an equal value boxed twice, "\\boxed{(1,2)}" then
"\\boxed{(1, 2)}", is one value; boxes the text then takes back, "\\boxed{6}. Wait, actually
it is \\boxed{7}", rejects, "\\boxed{2}, not \\boxed{3}", that come before an answer statement
between boxes, "\\boxed{285}, so the answer is \\boxed{143}", or that approximate the box before,
"\\boxed{2\\sqrt{2}} \\approx \\boxed{2.83}", are dropped: boxes.py); without a
box, the last "answer is X" / "Answer: X" statement, else the last math expression or number,
whichever ends later (unboxed.py); a statement of the final answer after the last box, with
a value in it, has the last word over the boxes before it (partial results). The found value
is cleaned by values.py ("18 dollars" is 18, `10 000` is ten thousand). Equivalence is
math-verify's (equivalence.py); letters are letters.py's; code blocks are code_blocks.py's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from harness.accuracy.amounts import amount_asked, one_of_restated
from harness.accuracy.boxes import (
    after_last_box,
    boxes,
    distinct_values,
    final_boxes,
    hedge_after_last_box,
)
from harness.accuracy.chinese import in_english
from harness.accuracy.labels import asked_value
from harness.accuracy.notation import latex_symbols
from harness.accuracy.readings import spelled_at_end
from harness.accuracy.unboxed import headed_display, last_value, prose_words, stated_answer
from harness.accuracy.values import box_clean, clean


@dataclass(frozen=True)
class Split:
    """A generation cut into reasoning and answer."""

    reasoning: str
    answer: str
    truncated: bool


def split_reasoning(text: str, think_end: str | None = "</think>",
                    think_start: str | None = "<think>", opens_think: bool = True) -> Split:
    """Split at the last `think_end`, or at the one before it where nothing but space follows
    the last (a stray closing tag after the answer: "...</think> \\boxed{7}</think>"). Without
    one, the generation is truncated if thinking was open (the template opened it, or the
    text has `think_start`); otherwise (a model that answered without thinking, or no think
    tags configured) all of it is the answer."""
    if not think_end:
        return Split("", text, False)
    idx = text.rfind(think_end)
    if idx >= 0:
        before = text.rfind(think_end, 0, idx) if not text[idx + len(think_end):].strip() else -1
        if before >= 0:
            return Split(text[:before], text[before + len(think_end):idx], False)
        return Split(text[:idx], text[idx + len(think_end):], False)
    if opens_think or (think_start and think_start in text):
        return Split(text, "", True)
    return Split("", text, False)


@dataclass(frozen=True)
class TokenLimit:
    """Did a generation stop at the token limit? Its length in the model's tokens reaches
    `max_tokens` (the same rule generation statistics count hits with), or it is one of
    `stopped_short`: generations a server stopped at what its context left, below the limit
    asked (the openai backend collects them as they arrive)."""

    tokenizer: Any
    max_tokens: int
    stopped_short: Any = None  # a collection of texts, filled while the task generates

    def __call__(self, text: str) -> bool:
        if self.stopped_short and text in self.stopped_short:
            return True
        if self.tokenizer is None:
            return False
        ids = self.tokenizer(text, add_special_tokens=False)["input_ids"] if text else []
        return len(ids) >= self.max_tokens


def cut(text: str, at_limit: Any = None, **think: Any) -> tuple[Split, bool]:
    """The generation's answer part, and whether it is truncated: thinking never closed, or
    the generation stopped at the token limit (whether or not the model uses think tags)."""
    split = split_reasoning(text, **think)
    return split, split.truncated or bool(at_limit and at_limit(text))


def squeeze(text: str) -> str:
    """`text` with every run of white space made one space, or one newline where it holds
    one: the answer regexes put optional spaces beside optional spaces, which takes
    quadratic time on a long run (a degenerate answer of 20,000 spaces took minutes)."""
    return re.sub(r"\s*\n\s*", "\n", re.sub(r"[^\S\n]+", " ", text))


def extract_math(answer: str, place_asked: bool = False, asked: frozenset[str] = frozenset()
                 ) -> str | None:
    """The final answer of a math problem's answer part: its boxes (several different ones
    joined into one comma-separated answer), else a stated answer, else the display formula
    under a "Final Answer" heading, else the last math expression or number. The fallbacks
    are used only where the answer part holds no box. Where the question asks where an
    extremum is reached (`place_asked`: boxes.asks_for_place), the place is the answer, not
    the value reached there; of boxes each named by a word, the one the question `asked`
    (labels.asked_words) names."""
    answer = latex_symbols(squeeze(in_english(answer)))
    found = [box_clean(b) for b in final_boxes(answer, place_asked, asked) if b]
    late = _final_statement_after_boxes(answer) if found else None
    if late is not None:
        return late
    if found:
        hedge = hedge_after_last_box(answer)  # "\\boxed{5} (or 6)": no single answer
        distinct = distinct_values(found + ([clean(hedge)] if hedge else []))
        return distinct[0] if len(distinct) == 1 else ", ".join(distinct)
    if any(boxes(answer)):
        return None  # every box it wrote, it rejected ("it is not \\boxed{3}")
    answer = one_of_restated(answer, asked)  # "1.5 hours, or 90 minutes": the one asked
    stated = stated_answer(answer)
    if stated is not None:  # "Answer: 9/64, so m+n = 73." for "Find $m+n$.": 73
        return asked_value(answer, asked) or stated
    found = (headed_display(answer) or amount_asked(answer, asked)
             or last_value(answer, place_asked))
    # "The number of such pairs is seventy-three.": no digit anywhere, a number in words
    return found if found is not None or re.search(r"\d", answer) else spelled_at_end(answer)


def _final_statement_after_boxes(answer: str) -> str | None:
    """"\\boxed{200} ... The final answer is 10455": a final answer stated after the last box
    has the last word where its value is plain ("... is the pair above" or "(1, 2) units"
    is not, and the boxes stand)."""
    late = stated_answer(after_last_box(answer), final=True)
    return late if late is not None and not prose_words(late) else None


def flat_results(results: list[Any]) -> list[str]:
    """lm-eval passes [filtered_resps of the doc's request]; with keep_all that is a list of
    the n samples, with take_first a single string."""
    out: list[str] = []
    for r in results:
        out.extend(str(x) for x in (r if isinstance(r, list) else [r]))
    return out
