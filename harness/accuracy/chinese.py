"""A math answer's Chinese answer words and punctuation as English, which QwQ and the R1
distills drift into: "答案是5，不是6。" reads as "The answer is 5, not 6." and states 5, where
the last number was 6. Only the words that frame an answer (answer, not, because, so,
check) and full-width punctuation; the digits and LaTeX are left as written (NFKC would also
make "x²" into "x2"). letters.py has the same for option letters.
"""

from __future__ import annotations

import re

_WORDS = ((re.compile(r"(?:最终|正确)?答案\s*(?:是|为|应该?是)\s*[:：]?"), " The answer is "),
          (re.compile(r"(?:最终|正确)?答案\s*[:：]"), " Answer: "),
          (re.compile(r"不是"), " not "), (re.compile(r"因为"), " because "),
          (re.compile(r"所以|因此"), " so "), (re.compile(r"验证|检验|检查"), " Check"))
_PUNCTUATION = str.maketrans({"，": ", ", "。": ". ", "：": ": ", "；": "; ", "！": "! ",
                              "？": "? ", "（": " (", "）": ") "})


def in_english(answer: str) -> str:
    """`answer` with its Chinese answer words and punctuation written in English."""
    if not re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uff1f]", answer):
        return answer
    for pattern, english in _WORDS:
        answer = pattern.sub(english, answer)
    return answer.translate(_PUNCTUATION)
