"""The code of a code answer: which fenced block of the answer part is the solution.

The last fenced block tagged with the language (`python`, `python3`, `py`, any case), else the
last untagged one, since an untagged block after the solution is usually its sample input or
output; where the problem names a function, the last block that defines it, since a usage
example after the solution is not the solution; where the program reads its input, the last
block that reads standard input, since a check with the sample's values written in is not
the program. An unclosed last fence (a generation that
stopped inside it) counts up to the end of the text. Fences are ``` or ~~~, and a closing one
ends its line (Markdown's rule), so a fence inside a string of the code closes nothing
(LiveCodeBench's own extraction cuts `print("```")` there); an indented fence
(inside a Markdown list item) has its indentation taken off every line of its block, as
Markdown reads it (Python refuses top-level code that starts indented, and LiveCodeBench's
own extraction leaves it so). A HumanEval answer that fences nothing is read around its
function (`unfenced_code`), as EvalPlus's sanitizer reads raw text.
"""

from __future__ import annotations

import ast
import re

# an opening fence and its tag: "```python", "~~~py", "Here it is:```python3"
_OPEN = re.compile(r"(```|~~~)[ \t]*([\w+#.-]*)")


def blocks(text: str) -> list[tuple[str, str, bool, int]]:
    """(tag, code, closed, where its fence starts) of every fenced block, in order. A block
    opens at the first fence after the last one closed, its code starts on the next line,
    and it closes at the first line that ends with its fence ("```" alone, or after the
    last code on the line, as models sometimes write it; Markdown's rule that a closing
    fence ends its line), so the fence inside `print("```")` or `s = "~~~"` closes nothing;
    unclosed, it runs to the end of the text. One pass over the lines: a degenerate answer
    of thousands of fences costs linear time."""
    found: list[tuple[str, str, bool, int]] = []
    pos = 0
    while (m := _OPEN.search(text, pos)) is not None:
        fence, tag = m.group(1), m.group(2)
        start = text.find("\n", m.end()) + 1
        if start == 0:  # a fence on the last line: a block with nothing in it
            found.append((tag, "", False, m.start()))
            break
        closing = _closing(text, start, fence)
        if closing is None:
            found.append((tag, text[start:], False, m.start()))
            break
        found.append((tag, text[start:closing[0]], True, m.start()))
        pos = closing[1]
    return found


def _closing(text: str, start: int, fence: str) -> tuple[int, int] | None:
    """(where the closing fence starts, where its line ends) of the first line from `start`
    that ends with `fence` (spaces and a \\r after it allowed), or None."""
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end].rstrip(" \t\r")
        run = len(line) - len(line.rstrip("`~"))  # the fence characters the line ends with
        at = line.find(fence, len(line) - run) if run >= 3 else -1
        if at >= 0:
            return start + at, end
        start = end + 1
    return None


# the tags models put on Python fences
_ALIASES = {"python": ("python", "python3", "py", "py3")}


def defines_function(code: str, name: str) -> bool:
    """Does `code` hold a `def name(` (a method too)?"""
    return re.search(rf"^\s*(?:async\s+)?def\s+{re.escape(name)}\s*\(", code,
                     re.MULTILINE) is not None


def _content(text: str, fence: int, block: str) -> str:
    """A fenced block's code, less the indentation of its opening fence where the fence is
    indented (inside a Markdown list item), as Markdown reads it; a body's own indentation
    (HumanEval code that continues the prompt) stays."""
    indent = text[text.rfind("\n", 0, fence) + 1:fence]
    if not indent or indent.strip():
        return block
    return re.sub(rf"^[ \t]{{0,{len(indent)}}}", "", block, flags=re.MULTILINE)


# what reads standard input in Python: input(), sys.stdin, open(0), os.read(0, ...), fileinput
_READS_INPUT = re.compile(r"\binput\s*\(|\bstdin\b|\bopen\s*\(\s*0\s*[,)]|\bos\.read\s*\(\s*0\b|"
                          r"\bfileinput\b")


def reads_input(code: str) -> bool:
    """Does `code` read standard input (`input()`, `sys.stdin`, `open(0)`, ...)?"""
    return _READS_INPUT.search(code) is not None


def extract_code(answer: str, language: str = "python", defines: str | None = None,
                 stdin: bool = False) -> str | None:
    """The solution's code block: the last fenced block tagged with the language (`python`,
    `python3`, `py`, any case), else the last untagged one, since an untagged block after
    the solution is usually its sample input or output; with `defines`, the last block that
    defines that function where one does (a usage example after the solution is not the
    solution); with `stdin` (a program that reads its input), the last block that reads
    standard input where one does (a check of a helper with the sample's values after the
    program is not the program). An unclosed last fence counts up to the end of the text."""
    tags = _ALIASES.get(language, (language,))
    found = blocks(answer)
    tagged = [_content(answer, at, code) for tag, code, _, at in found if tag.lower() in tags]
    # an unclosed untagged block is no solution: a sample input the generation stopped in
    plain = [_content(answer, at, code) for tag, code, closed, at in found
             if not tag and closed]
    wanted = ((lambda b: defines_function(b, defines)) if defines
              else reads_input if stdin else None)
    ordered = ([[b for b in group if wanted(b)] for group in (tagged, plain)]
               if wanted else []) + [tagged, plain]
    return next((group[-1] for group in ordered if group), None)


def around(answer: str, code: str, language: str = "python") -> list[str]:
    """The answer's other blocks that may be `language` (tagged so, or untagged and closed),
    as `extract_code` reads them, around the block `code`: those before it, nearest first,
    then those after it."""
    tags = _ALIASES.get(language, (language,))
    found = [_content(answer, at, block) for tag, block, closed, at in blocks(answer)
             if tag.lower() in tags or (not tag and closed)]
    at = max((i for i, block in enumerate(found) if block == code), default=len(found))
    return found[:at][::-1] + found[at + 1:]


# a top-level line that can be Python where no fence marks the code: a definition, an import,
# a decorator, a comment, an assignment, a main guard (prose starts otherwise, or fails to
# parse and is cut off below)
_CODE_LINE = re.compile(r"(?:(?:async\s+)?def\s|class\s|import\s+[\w.]|from\s+[\w.]+\s+import\b|@|#"
                        r"|if\s+__name__\b|[A-Za-z_][\w.]*\s*(?::[^=\n]+)?=(?!=))")
# no answer's code runs longer: a degenerate answer costs at most this many parses
_MOST_LINES = 400


def unfenced_code(answer: str, defines: str) -> str | None:
    """Where an answer fences no code: the lines around its last top-level `def defines(`
    that are code (definitions, imports, assignments before it; its body and what follows
    up to the first line of prose), cut back from the end until they parse, as EvalPlus's
    sanitizer reads raw text. None where no such function parses."""
    lines = answer.splitlines()
    heads = [i for i, line in enumerate(lines)
             if re.match(rf"(?:async\s+)?def\s+{re.escape(defines)}\s*\(", line)]
    if not heads:
        return None
    start = end = heads[-1]
    while start > 0 and _is_code(lines[start - 1]):
        start -= 1
    while end + 1 < len(lines) and _is_code(lines[end + 1]):
        end += 1
    for first in dict.fromkeys((start, heads[-1])):  # with what came before, then without
        for last in range(min(end, first + _MOST_LINES), heads[-1], -1):
            code = "\n".join(lines[first:last + 1]).strip("\n") + "\n"
            try:
                ast.parse(code)
            except (SyntaxError, ValueError):
                continue
            return code if defines_function(code, defines) else None
    return None


def _is_code(line: str) -> bool:
    return not line.strip() or line[:1] in " \t" or _CODE_LINE.match(line) is not None
