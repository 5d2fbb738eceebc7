"""The option letter a multiple-choice answer chose, in the many ways models write it.

Accepted forms, in the answer part only (after the last </think>), with or without
parentheses, brackets or braces, bold, `$...$`, `\\text{}`, `\\mathrm{}` or `\\textbf{}` around
the letter, upper or lower case where the letter cannot be an English word:
- a box: `\\boxed{C}`, `\\boxed{\\text{(C)}}`, `\\boxed{B. 4.5 eV}`, `\\boxed{B (4.5 eV)}`;
- JSON or quotes: `{"answer": "C"}` (QwQ-32B's model card asks for this form), "Answer: 'C'",
  `{"answer": "(C)"}`, `{"answer": "C. 4.5 eV"}`;
- a statement: "Answer: B", "The answer is: B", "**Answer**: B", "Final answer: (D)",
  "Final: B", "The answer must be A", "Answer: I think C", "The correct option is D.", "The best
  choice is **C**.", "Option C is correct", "The answer is for sure D", "B is correct",
  "B is the answer", "I choose B", "which corresponds to choice C", "..., i.e. option A",
  "Option B: 4.5 eV is the answer", "So it must be D", "It's B.", "Answer: 2 (option B)",
  "Answer - B", "So, B.", "C is wrong. Therefore B.", "Between A and B, I think B.";
- a line that is only the letter: "C", "(C)", "C)", or a short line ending in one: "Thus, (D).";
  an answer that is only the letter may be lower case ("a", "(b)"): it cannot be a word there.
- full-width forms ("Answer：Ｄ") and Chinese answer words ("答案是 C", "正确答案：B", "故选 D"),
  which QwQ and the R1 distills sometimes drift into, read as their plain English forms.
The last explicit choice wins; the weaker forms ("B is correct", "I choose B", "corresponds
to choice C", "it must be D", "It's B.", "(option B)", "Thus, (D).", "So, B.", "I think
B.", "which is option C", "..., i.e. B.", "only D satisfies both") count only where no
answer statement, box or lone letter is there, since an explanation after "Answer: B" may
discuss the other options, or after a statement that the words after it take back ("The
answer is B. Wait, no, it's D.", the words of boxes.CORRECTION), and no option said to be
correct under a condition ("option A is correct only if ...": "only", "if", "unless",
"provided", "assuming", "as long as", "in the case") is chosen; last of all, an answer
whose last line is one option written out ("C. 4.5 eV", not a list of them, nor of
letters: "(A)(B)(C)(D)"); and, where nothing else chooses (nor an option's text:
options.py), the one option left when the others are all ruled out ("Options A, B and D
are incorrect": `eliminated`). A final choice that names two different letters ("Answer: B or
C", "Answer: A B C D", "Answer: A; B", "Answer: A–D", "Answer: A (and B)", "Answer: B, but
it could be C", "Answer: B (or possibly C)", "Answer: A|B", "A (B also works)", two boxes
with different letters, two answer statements with different letters and nothing between
them) is no choice: it scores as wrong, unless the text between them takes the first back
("\\boxed{B}. Wait, actually it is \\boxed{C}" chooses C) or states the answer ("\\boxed{A}
fails, so the answer is \\boxed{C}"; boxes.final_boxes).
"""

from __future__ import annotations

import re
import unicodedata

from harness.accuracy.answers import squeeze
from harness.accuracy.boxes import CORRECTION, final_boxes, unwrapped
from harness.accuracy.chinese import letters_in_english

_L = r"[(\[{]?\s*([A-J])\s*[)\]}]?(?![\w'])"  # an upper-case letter, maybe in brackets
# upper case anywhere; lower case only where it cannot be a word ("the answer is a bit ...")
_LL = r"[(\[{<]?\s*((?-i:[A-J])(?![\w'])|[a-j](?=\s*(?:[.,;:!)\]}]|$|\s+(?:or|and)\b)))"
_UPPER = r"(?<![\w'])\(?\s*((?-i:[A-J]))\s*\)?(?![\w'])"  # upper case only, a word alone
# what must not follow "is correct": a condition ("only in vacuum", "if", "unless", ...)
_UNQUALIFIED = (r"(?![^\S\n]*,?[^\S\n]*(?:only|if|unless|provided|assuming|as\s+long\s+as|"
                r"in\s+(?:the\s+)?case)\b)")
# "probably", "I think", "for sure": words a statement may carry before its letter
_FILLER = (r"(?:(?:most\s+)?likely\s+|probably\s+|clearly\s+|therefore\s+|thus\s+|"
           r"definitely\s+|certainly\s+|surely\s+|indeed\s+|for\s+sure\s*,?\s+|"
           r"I\s+(?:think|believe)\s+)?")
_STATEMENTS = (
    # "Answer: B", "The answer is: b", "final answer is (D)", "Answer = C", "the answer must
    # be A", "Answer: I think C"
    re.compile(r"answer\s*(?:is\s*:?|:|=|[-–—]\s|(?:would|must|should|will|has\s+to)\s+be\s*:?)\s*"
               + _FILLER + r"(?:option\s+|choice\s+)?" + _LL, re.IGNORECASE),
    # "The correct option is D", "the best choice is C", "correct answer: (A)", "the most
    # plausible option is C", "the remaining option is B", "Selected option: B"
    re.compile(r"(?:correct|best|right|final|plausible|likely|appropriate|accurate|valid|"
               r"remaining|selected|chosen)\s+(?:option|choice|answer|one)\s*"
               r"(?:is\s*:?|:|=|would\s+be)\s*(?:option\s+|choice\s+)?" + _LL, re.IGNORECASE),
    # "Option C is correct", "choice (B) is the right one"; not "option A is correct only
    # if ...", which explains another option after the choice
    re.compile(r"(?:option|choice)\s+" + _L + r"\s+is\s+(?:the\s+)?(?:correct|right|best)"
               + _UNQUALIFIED, re.IGNORECASE),
    # a line that is only a letter
    re.compile(r"^\s*" + _L + r"[.)]?\s*$", re.MULTILINE),
    re.compile(r"\bfinal\s*(?:\*\*\s*)?:\s*(?:\*\*\s*)?" + _FILLER  # "Final: B", "**Final:** C"
               + r"(?:option\s+|choice\s+)?" + _LL, re.IGNORECASE),
)
# Weaker forms, used only where none of the above is in the answer part: an explanation
# after "Answer: B" may well say "A is correct for ..., but".
_WEAKER = (
    # "I choose B", "we select option (C)", "I'll go with D"
    re.compile(r"\b(?:I|we)(?:'ll|\s+will|'d|\s+would)?\s+(?:choose|pick|select|go\s+with)\s+"
               r"(?:option\s+|choice\s+|answer\s+)?" + _LL, re.IGNORECASE),
    # "B is correct", "(C) is the right answer", "B is the answer"
    re.compile(_UPPER + r"\s+is\s+(?:the\s+)?(?:(?:correct|right|best)\b|answer\b)"
               + _UNQUALIFIED, re.IGNORECASE),
    # "which corresponds to choice C", "this matches option (B)", "..., which is option C",
    # "..., i.e. option A"
    re.compile(r"(?:corresponds\s+to|matches|points\s+to|consistent\s+with|which\s+is|"
               r"\bi\.\s?e\.,?|\bthat\s+is,|\bnamely,?)\s+(?:option|choice|answer)\s+" + _LL,
               re.IGNORECASE),
    # "the correct option is 4.5 eV, i.e. B.": "i.e." and a letter alone, ending its line
    re.compile(r"(?:\bi\.\s?e\.,?|\bthat\s+is,|\bnamely,?)[^\S\n]+\(?((?-i:[A-J]))\)?[.!]?"
               r"[^\S\n]*$", re.IGNORECASE | re.MULTILINE),
    # "Among the options, only D satisfies both", "only option (B) fits"
    re.compile(r"\bonly\s+(?:option\s+|choice\s+)?" + _UPPER + r"\s+(?:satisfies|fits|works|"
               r"matches|holds|survives|remains|is\s+(?:consistent|possible|valid))\b",
               re.IGNORECASE),
    # "Option B: 4.5 eV is the answer", "Choice C: 12 is correct"
    re.compile(r"(?:option|choice)\s+" + _L + r"(?:[^.\n]|\.\d){0,80}?\bis\s+(?:the\s+)?"
               r"(?:(?:correct|right|best)\b|(?:correct\s+|right\s+|best\s+)?answer\b)"
               + _UNQUALIFIED, re.IGNORECASE),
    # "So it must be D.", "this has to be (C)"
    re.compile(r"\b(?:it|this|that)\s+(?:must|should|has\s+to|would)\s+be\s+" + _LL,
               re.IGNORECASE),
    # "Answer: 2 (option B)", "4.5 eV (choice C)"
    re.compile(r"\(\s*(?:option|choice)\s+" + _L + r"\s*\)", re.IGNORECASE),
    # "The answer is not A. It's B.": a line that ends on "it's B"
    re.compile(r"\b(?:it|that)(?:'s|\s+is)\s+(?:option\s+|choice\s+)?\(?((?-i:[A-J]))\)?"
               r"[.!]?[ \t]*$", re.IGNORECASE | re.MULTILINE),
    # "Thus, (D)." : a short last word in parentheses; "So, B.": a conclusion and a letter
    re.compile(r"^[^\n()]{0,30}?\(\s*((?-i:[A-J]))\s*\)\s*\.?\s*$", re.MULTILINE),
    # ... also where it ends a line after a sentence: "C is wrong. Therefore B."
    re.compile(r"(?:^[^\S\n]*|(?<=[.!?;])[^\S\n]+)(?:so|thus|hence|therefore)[^\S\n]*[,:]?[^\S\n]*"
               r"(?:option\s+|choice\s+)?((?-i:[A-J]))[^\S\n]*[.!]?[^\S\n]*$",
               re.IGNORECASE | re.MULTILINE),
    # "Between A and B, I think B.": a belief that ends a line on a letter
    re.compile(r"\bI\s+(?:think|believe|guess|would\s+say|'d\s+say)\s+(?:it(?:'s|\s+is)\s+)?"
               r"(?:option\s+|choice\s+)?\(?((?-i:[A-J]))\)?[.!]?[^\S\n]*$",
               re.IGNORECASE | re.MULTILINE),
)
# "C. 4.5 eV", "(B) 4.5 eV", "C: 4.5 eV": the letter, then the option's text
_OPTION_LINE = re.compile(r"[(\[]?\s*((?-i:[A-J]))\s*(?:[).\]]\s*[:-]?|[:-])\s*\S.{0,120}")
# a second letter, upper case: "B or C", "(B), (C)", "(A) and also (C)" (the match of the
# first letter ends before its closing bracket); not one said to be wrong: "B (and C is wrong)"
_ALSO = re.compile(r"^[)\]}]?\s*\(?\s*(?:,|/|\||\+|(?i:or|and)(?:\s+(?i:also|maybe|possibly))?|&)"
                   r"\s*" + _L + r"(?!\s+(?i:is|are)\s+(?:not\b|wrong|incorrect|false|ruled))")
# "Answer: A–D", "A through D": a range of letters, to the end of its statement
_RANGE = re.compile(r"^[)\]}]?[^\S\n]*(?:[-–—]|(?i:through|to))[^\S\n]*[(\[]?((?-i:[A-J]))[)\]]?"
                    r"[^\S\n]*[.;]?[^\S\n]*(?:\n|$)")
# "Answer: B, but it could be C", "B (though it might also be D)", "B (or possibly C)",
# "B; maybe C": a hedge names a second
_HEDGED = re.compile(r"^[)\]}]?[\s,;(]*"
                     r"(?:(?i:but|though|although|or)\s+(?i:it|this|the\s+answer)?\s*"
                     r"(?i:could|might|may)\s+(?i:also\s+)?(?i:be\s+)?|(?i:or\s+)?"
                     r"(?i:maybe|possibly|perhaps|probably)\s+)" + _L)
# "Answer: A (B also works)", "A; C is correct too": a second letter that is right as well
_TOO = re.compile(r"^[)\]}]?[\s,;(]*" + _L + r"\s+(?i:(?:is\s+|would\s+be\s+|could\s+be\s+)?"
                  r"(?:also\s+(?:works?|correct|valid|right|possible|acceptable|true)|"
                  r"(?:correct|valid|right|works?)\s+(?:too|as\s+well)))\b")
# what stands between two answer statements that follow each other with no reasoning between
# them ("Answer: A\nAnswer: B", "Option A is correct. Option B is correct."): markup and the
# second statement's own words
_RESTATED = re.compile(r"[\s\W]*(?:(?:the\s+)?(?:final\s+|correct\s+)?(?:answer|option|choice)\s*"
                       r"(?:is\s*)?[:=-]?[\s\W]*)?", re.IGNORECASE)
# "Answer: A B C D", "Answer: A; B": more letters, spaces between, to the end of the line
_LISTED = re.compile(r"[)\]}]?(?:(?:[ \t]*;[ \t]*|[ \t]+)[(\[{]?((?-i:[A-J]))[)\]}]?)+"
                     r"[ \t]*[.;]?[ \t]*(?:\n|$)")


# after a letter, another where its option's text would be: "(A)(B)(C)(D)", "A. B. C. D.",
# "(A) or (B)", "A) B)", which list letters and choose none
_ANOTHER_LETTER = re.compile(r"[)\].:-]?[\s,;/|&]*(?:(?i:or|and)\s+)?[(\[]?\s*[A-J]\s*"
                             r"(?:[)\].:,;]|$)")


# a box's letter and then its option's text in brackets: "B (4.5 eV)", "B \\text{ (4.5 eV)}";
# not "B (or C)", "B (C also works)", which name another letter
_LETTER_THEN_TEXT = re.compile(r"\s*((?-i:[A-J]))\s*\(\s*(?![^()]*\b[A-J]\b)[^()\s][^()]{0,120}\)"
                               r"\s*")
_ALONE = re.compile(r"\s*[(\[{]?\s*([A-Ja-j])\s*[)\]}]?\s*\.?\s*")


# a quoted letter, "C" or 'C', and a quoted key: `{"answer": "C"}`, the form QwQ-32B's model
# card asks multiple-choice answers to take
_QUOTED_LETTER = re.compile(r"[\"'“”‘’`]\s*([A-Ja-j])\s*[\"'“”‘’`]")
_QUOTED_KEY = re.compile(r"[\"'“”]((?i:answer))[\"'“”]\s*:")
# the value of that key written as an option: `"answer": "(C)"`, `"answer": "C. 4.5 eV"`
# (the option's text only after a bracket, full stop or colon: "C or D" stays two letters)
_QUOTED_OPTION = re.compile(r"([\"'“”](?i:answer)[\"'“”]\s*:\s*)[\"'“”‘’]\s*"
                            r"(?:\(\s*([A-Ja-j])\s*\)|\[\s*([A-Ja-j])\s*\]|([A-Ja-j])\s*[.:)])"
                            r"(?:\s+[^\"'“”‘’\n]{0,200})?[\"'“”‘’]")


def plain(answer: str) -> str:
    """The answer without markup around letters: bold, quotes, math delimiters, text
    wrappers; full-width forms ("Answer：Ｄ") as plain ones and Chinese answer words as
    English."""
    text = unicodedata.normalize("NFKC", answer).replace("**", "").replace("__", "")
    text = letters_in_english(text)
    text = _QUOTED_OPTION.sub(lambda m: m.group(1) + (m.group(2) or m.group(3) or m.group(4)),
                              text)
    text = _QUOTED_KEY.sub(r"\1:", _QUOTED_LETTER.sub(r"\1", text))
    text = unwrapped(text)
    return squeeze(text.replace("$", "").replace("\\(", "").replace("\\)", ""))


def _boxed_letters(text: str, letters: str) -> list[tuple[int, str]]:
    out = []
    pos = 0
    for content in final_boxes(text):
        pos = text.find(content, pos)
        m = (re.fullmatch(r"[(\[{]?\s*([A-Ja-j])\s*[)\]}]?\.?", content.strip())
             or _OPTION_LINE.fullmatch(content.strip()) or _LETTER_THEN_TEXT.fullmatch(content))
        if m and m.group(1).upper() in letters:
            out.append((pos, m.group(1).upper()))
    return out


def extract_letter(answer: str, letters: str = "ABCD") -> str | None:
    """The chosen option letter, or None when there is no choice or the final choice names
    two different letters."""
    text = plain(answer)
    alone = _ALONE.fullmatch(text)  # the whole answer is one letter, of either case ("a")
    if alone and alone.group(1).upper() in letters:
        return alone.group(1).upper()
    boxed = _boxed_letters(text, letters)
    if boxed:
        chosen = {letter for _, letter in boxed}
        return boxed[-1][1] if len(chosen) == 1 else None
    found = _choices(text, _STATEMENTS, letters) or _choices(text, _WEAKER, letters)
    if not found:
        return _last_line_option(text, letters)
    taken_back = CORRECTION.search(text, found[-1][2])
    if taken_back:  # "The answer is B.\n\nWait, no — it's D.": a weaker form after it counts
        found += [c for c in _choices(text, _WEAKER, letters) if c[0] >= taken_back.end()]
    _, letter, end = found[-1]
    also = (_ALSO.match(text[end:end + 40]) or _HEDGED.match(text[end:end + 80])
            or _TOO.match(text[end:end + 80]))
    listed = _LISTED.match(text[end:end + 40]) or _RANGE.match(text[end:end + 40])
    if (also and also.group(1).upper() != letter) or listed:
        return None  # "Answer: B or C", "Answer: A B C D", "B, but it could be C": no choice
    before = found[-2] if len(found) > 1 else None
    if (before and before[1] != letter and before[2] <= found[-1][0]
            and _RESTATED.fullmatch(text[before[2]:found[-1][0]])):
        return None  # "Answer: A\nAnswer: B": two choices with nothing between them
    return letter


def _choices(text: str, patterns: tuple[re.Pattern[str], ...], letters: str
             ) -> list[tuple[int, str, int]]:
    """(position, letter, end of the match) of every choice the patterns find, in order."""
    found = [(m.start(1), m.group(1).upper(), m.end()) for pattern in patterns
             for m in pattern.finditer(text) if m.group(1).upper() in letters]
    return sorted(found)


def _last_line_option(text: str, letters: str) -> str | None:
    """The answer's last line, where it is one option written out ("C. 4.5 eV") and the line
    before is not one too (a list of the options, which chooses nothing)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    last = _OPTION_LINE.fullmatch(lines[-1]) if lines else None
    if not last or last.group(1) not in letters or _ANOTHER_LETTER.match(lines[-1], last.end(1)):
        return None
    if len(lines) > 1 and _OPTION_LINE.fullmatch(lines[-2]):
        return None
    return last.group(1)


# options ruled out: "Options A, B, and D are incorrect", "A is wrong", "we can rule out B
# and C", "eliminating (A) and (D)"
# (ten letters at most: a list without end, "A, B, A, B, ...", costs linear time, not quadratic)
_LETTERS = r"\(?(?-i:[A-J])\)?(?:\s*(?:,|&|\band\b|\bor\b)\s*(?:and\s+)?\(?(?-i:[A-J])\)?){0,9}"
_RULED_OUT = re.compile(
    r"(?<![\w'])(?:(?:options?|choices?)\s+)?(" + _LETTERS + r")\s+(?:is|are)\s+(?:all\s+|both\s+|"
    r"also\s+|clearly\s+|therefore\s+)?(?:incorrect|wrong|false|invalid|not\s+correct|"
    r"ruled\s+out|eliminated|excluded)\b|\b(?:rule[sd]?\s+out|eliminat(?:e[sd]?|ing)|exclud"
    r"(?:e[sd]?|ing))\s+(?:options?\s+|choices?\s+)?(" + _LETTERS + ")", re.IGNORECASE)


def eliminated(answer: str, letters: str = "ABCD") -> str | None:
    """Where no option is chosen: the one left when the answer rules out every other ("A, B
    and D are incorrect", "A is wrong, B is wrong, D is wrong"), the way a reader takes an
    answer by elimination; None where fewer or all are ruled out."""
    text = plain(answer[-4000:])  # the options are ruled out near the end
    out: set[str] = set()
    for m in _RULED_OUT.finditer(text):
        out |= set(re.findall(r"(?<![A-Za-z])[A-J](?![a-z])", m.group(1) or m.group(2)))
    left = [letter for letter in letters if letter not in out]
    return left[0] if len(left) == 1 and out <= set(letters) else None
