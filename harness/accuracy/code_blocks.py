"""The code of a code answer: which fenced block of the answer part is the solution.

The last fenced block tagged with the language (`python`, `python3`, `py`, any case), else the
last untagged one, since an untagged block after the solution is usually its sample input or
output; where the problem names a function, the last block that defines it, since a usage
example after the solution is not the solution. An unclosed last fence (a generation that
stopped inside it) counts up to the end of the text. Fences are ``` or ~~~, and a closing one
ends its line (Markdown's rule), so a fence inside a string of the code closes nothing
(LiveCodeBench's own extraction cuts `print("```")` there); an indented fence
(inside a Markdown list item) has its indentation taken off every line of its block, as
Markdown reads it (Python refuses top-level code that starts indented, and LiveCodeBench's
own extraction leaves it so).
"""

from __future__ import annotations

import re

# a closing fence ends its line ("```" alone, or after the last code on the line, as models
# sometimes write it): the fence inside `print("```")` or `s = "~~~"` closes nothing
_FENCE = re.compile(r"(?P<fence>```|~~~)[ \t]*([\w+#.-]*)[^\n]*\n(.*?)"
                    r"(?P=fence)[`~]*[ \t\r]*(?=\n|\Z)", re.DOTALL)
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


def extract_code(answer: str, language: str = "python", defines: str | None = None
                 ) -> str | None:
    """The solution's code block: the last fenced block tagged with the language (`python`,
    `python3`, `py`, any case), else the last untagged one, since an untagged block after
    the solution is usually its sample input or output; with `defines`, the last block that
    defines that function where one does (a usage example after the solution is not the
    solution). An unclosed last fence counts up to the end of the text."""
    tags = _ALIASES.get(language, (language,))
    found = list(_FENCE.finditer(answer))
    tagged = [_content(answer, m.start(), m.group(3)) for m in found
              if m.group(2).lower() in tags]
    plain = [_content(answer, m.start(), m.group(3)) for m in found if not m.group(2)]
    rest = answer[found[-1].end():] if found else answer
    opened = re.search(r"(?:```|~~~)[ \t]*([\w+#.-]*)[^\n]*\n?", rest)
    if opened and opened.group(1).lower() in tags:  # an unclosed last fence: the text's end
        tagged.append(_content(rest, opened.start(), rest[opened.end():]))
    ordered = ([[b for b in group if defines_function(b, defines)] for group in (tagged, plain)]
               if defines else []) + [tagged, plain]
    return next((group[-1] for group in ordered if group), None)
