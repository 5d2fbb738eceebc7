"""A math answer's Chinese answer words and punctuation as English, which QwQ and the R1
distills drift into: "答案是5，不是6。" reads as "The answer is 5, not 6." and states 5, where
the last number was 6. Only the words that frame an answer (answer, not, because, so,
check) and full-width punctuation; the digits and LaTeX are left as written (NFKC would also
make "x²" into "x2"). The words that choose an option letter are here too, for letters.py.
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


# a statement in Chinese, which QwQ and the R1 distills drift into: "答案是 C", "正确答案：B",
# "答案选 D", "正确选项是 C", "选项 D", "故选 D" (the full-width colon and letters are made
# plain by NFKC first)
_LETTER_WORDS = (
    (re.compile(r"(?:正确|最终)?答案\s*(?:是|为|应该?是|(?:应该?)?选(?!项))"), " answer is "),
    (re.compile(r"(?:正确|最终)?答案"), " answer"),
    (re.compile(r"(?:正确|最终)选项\s*(?:是|为|应该?是)"), " correct option is "),
    (re.compile(r"选项"), " option "),
    # a conclusion's choice, "故选C", "所以选D", "应选B" (a bare 选 may be negated: "不选A")
    (re.compile(r"(?:所以|因此|故|因而|综上所述?)[，,]?\s*(?:应该?)?选择?"), " the answer is "),
    (re.compile(r"(?<![不所以此故而述])应该?选择?(?!项)"), " the answer is "),
    (re.compile(r"我们?\s*(?:会|将)?选择?(?!项)"), " I choose "),
    # "选项B正确", "B是正确的": that option is correct
    (re.compile(r"(?<=[A-J])\s*(?:是|为)?(?:正确的?|对的)(?!答案|选项)"), " is correct "))


def letters_in_english(answer: str) -> str:
    """`answer` with the Chinese words that choose an option letter written in English
    ("答案是 C" as " answer is C"), for letters.py (after NFKC, which makes "：" plain)."""
    for pattern, english in _LETTER_WORDS:
        answer = pattern.sub(english, answer)
    return answer
