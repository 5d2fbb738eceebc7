"""LiveCodeBench grading on problems written in its format (the dataset is on the hub)."""

from __future__ import annotations

import base64
import json
import pickle
import time
import zlib

import pytest

from harness.accuracy import grading, lcb
from harness.accuracy.tasks import task_spec
from harness.config.configs import TaskEntry

R1 = {"think_end": "</think>", "think_start": "<think>", "opens_think": True}


def private(tests: list[dict]) -> str:
    return base64.b64encode(zlib.compress(pickle.dumps(json.dumps(tests)))).decode()


STDIN_DOC = {
    "question_content": "Read two integers and print their sum.", "starter_code": "",
    "tests": json.dumps([{"input": "1 2\n", "output": "3\n", "testtype": "stdin"},
                         {"input": "10 -4\n", "output": "6", "testtype": "stdin"}]),
    "func_name": "",
}
FUNC_DOC = {
    "question_content": "Return the indices of two numbers adding to target.",
    "starter_code": "class Solution:\n    def twoSum(self, nums, target):\n        ",
    "tests": json.dumps([{"input": "[2,7,11,15]\n9", "output": "[0, 1]",
                          "testtype": "functional"}]),
    "func_name": "twoSum",
}
TWO_SUM = ("class Solution:\n    def twoSum(self, nums, target):\n"
           "        seen = {}\n        for i, n in enumerate(nums):\n"
           "            if target - n in seen:\n                return [seen[target - n], i]\n"
           "            seen[n] = i\n")


def test_tests_decode_from_json_or_the_compressed_pickle() -> None:
    tests = [{"input": "1", "output": "2", "testtype": "stdin"}]
    assert lcb.decode_tests(json.dumps(tests)) == tests
    assert lcb.decode_tests(private(tests)) == tests


def test_prompts_follow_livecodebench() -> None:
    assert "Read the inputs from stdin" in lcb.doc_to_text(STDIN_DOC)
    assert "starter code" in lcb.doc_to_text(FUNC_DOC) and "twoSum" in lcb.doc_to_text(FUNC_DOC)


def test_stdin_and_functional_grading() -> None:
    good = "</think>```python\na, b = map(int, input().split())\nprint(a + b)\n```"
    wrong = "</think>```python\na, b = map(int, input().split())\nprint(a - b)\n```"
    out = lcb.process_results(STDIN_DOC, [[good, wrong, "no closing tag"]], **R1)
    assert out["pass@1"] == 1 / 3 and out["truncated"] == 1 / 3
    graded = grading.explain(lcb.process_results, STDIN_DOC, [good, wrong])
    assert graded[0]["correct"] and not graded[1]["correct"]
    assert graded[1]["status"].startswith("test 0")
    assert lcb.process_results(FUNC_DOC, [[f"</think>```python\n{TWO_SUM}```"]], **R1) == \
        {"pass@1": 1.0, "truncated": 0.0}


def test_the_program_is_the_block_that_reads_input() -> None:
    """A check of the solution's function with the sample written in, after the program, is
    not the program (the last block alone would read no input and print 3 for every test)."""
    program = ("```python\ndef add(a, b):\n    return a + b\n\n"
               "a, b = map(int, input().split())\nprint(add(a, b))\n```")
    check = "Checking the sample:\n```python\nprint(add(1, 2))  # 3\n```"
    graded = grading.explain(lcb.process_results, STDIN_DOC, [f"</think>{program}\n{check}"])
    assert graded[0]["correct"], graded[0]
    # where no block reads input, the last one is still the program, as before
    only = "</think>```python\nprint(1)\n```\n```python\nprint(3)\n```"
    assert grading.explain(lcb.process_results, STDIN_DOC, [only])[0]["extracted"] == \
        "print(3)\n"


@pytest.mark.parametrize("code,reads", [
    ("x = input()", True), ("import sys\ndata = sys.stdin.read()", True),
    ("from sys import stdin\nn = int(stdin.readline())", True),
    ("print(*open(0))", True), ("import os\nos.read(0, 10)", True),
    ("import fileinput\nfor line in fileinput.input(): pass", True),
    ("print(add(1, 2))", False), ("user_input = 5\nprint(user_input)", False),
    ("f = open(0.5)", False),
])
def test_reads_input(code: str, reads: bool) -> None:
    from harness.accuracy.code_blocks import reads_input

    assert reads_input(code) is reads


def test_window_filter_and_task_config(caplog: pytest.LogCaptureFixture) -> None:
    import datasets

    rows = [{"contest_date": d, "public_test_cases": json.dumps([]),
             "private_test_cases": private([{"input": "", "output": "", "testtype": "stdin"}]),
             "metadata": json.dumps({"func_name": "f"})}
            for d in ("2024-07-31T00:00:00", "2024-08-01T00:00:00", "2025-01-31T23:00:00",
                      "2025-02-01T00:00:00")]
    kept = lcb.process_docs(datasets.Dataset.from_list(rows))
    assert [r["contest_date"][:10] for r in kept] == ["2024-08-01", "2025-01-31"]
    # 2 problems in the window, not the published evaluations' 279: the log says so
    assert "2 problems in the window" in caplog.text and "279" in caplog.text
    assert kept[0]["func_name"] == "f" and len(json.loads(kept[0]["tests"])) == 1
    spec = task_spec(TaskEntry(task="livecodebench", samples=4), {})
    assert spec["dataset_kwargs"]["data_files"]["test"].startswith("hf://datasets/livecodebench")
    assert spec["repeats"] == 4


def test_programs_run_as_livecodebench_runs_them() -> None:
    """LeetCode starter code types with List without importing it; LiveCodeBench's grader
    star-imports typing, collections, math and more before every program, and compares
    stdout numbers as decimals. A grader without those scores correct programs as wrong."""
    typed = {**FUNC_DOC, "starter_code": "class Solution:\n    def twoSum(self, nums: "
             "List[int], target: int) -> List[int]:\n        "}
    solution = TWO_SUM.replace("def twoSum(self, nums, target):",
                               "def twoSum(self, nums: List[int], target: int) -> List[int]:")
    example = "```python\nprint(Solution().twoSum([3, 3], 6))\n```"
    answer = f"</think>```python\n{solution}```\n\nUsage:\n{example}"
    assert lcb.process_results(typed, [[answer]], **R1)["pass@1"] == 1.0

    halves = {**STDIN_DOC, "tests": json.dumps([
        {"input": "1 2\n", "output": "0.50\n1\n", "testtype": "stdin"}])}
    fmt = ("</think>```python\nfrom __future__ import annotations\n"
           "a, b = map(int, input().split())\nprint({})\nprint(float(b - a))\n```")
    good = fmt.format("a / b")              # 0.5 for 0.50, 1.0 for 1
    wrong = fmt.format("a / b + 0.01")
    counter = ("</think>```python\nc = Counter(input().split())\n"  # collections, unimported
               "print(0.5)\nprint(floor(sqrt(len(c) + 2)) - 1)\n```")  # math, too
    graded = grading.explain(lcb.process_results, halves, [good, wrong, counter])
    assert [g["correct"] for g in graded] == [True, False, True], graded


SOLVE = "</think>```python\n{}```"


@pytest.mark.parametrize("method", [
    "import sys; sys.exit(0)",
    "import os; os._exit(0)",
    # this one passed while the tests compared the result's JSON in the code's own process
    "import json; json.loads = lambda s, **k: type('Y', (), {'__eq__': lambda a, b: True})()"
    "; return None",
    "return type('Y', (list,), {'__eq__': lambda a, b: True})()",
])
def test_methods_that_cheat_fail(method: str) -> None:
    """A method that exits, or returns what is not the answer, fails however it arranges
    the comparison: the tests' process never runs the model's code."""
    cheat = TWO_SUM.replace("seen = {}", method + "\n        seen = {}")
    (graded,) = grading.explain(lcb.process_results, FUNC_DOC, [SOLVE.format(cheat)])
    assert not graded["correct"] and graded["status"].startswith("failed: test 0"), graded


FRAME_CHEAT = """import sys


class Solution:
    def twoSum(self, nums, target):
        frame = sys._getframe(1)
        while frame is not None:  # the expected value sits in a caller's constants
            for value in frame.f_code.co_consts:
                if isinstance(value, tuple) and len(value) == 2:
                    return list(value)
            frame = frame.f_back
        return []
"""


def test_a_method_cannot_read_the_expected_values() -> None:
    """From a caller's frame, or from the memory of the tests' process (/proc/<pid>/mem),
    which runs under the same user id: the tests' process is undumpable."""
    steal = TWO_SUM.replace("seen = {}", "open(f'/proc/{__import__(\"os\").getppid()}/mem', "
                            "'rb').close()\n        seen = {}")
    graded = grading.explain(lcb.process_results, FUNC_DOC,
                             [SOLVE.format(FRAME_CHEAT), SOLVE.format(steal)])
    assert not graded[0]["correct"] and "wrong answer: []" in graded[0]["status"], graded
    assert not graded[1]["correct"] and "PermissionError" in graded[1]["status"], graded


def test_functional_results_as_livecodebench_compares_them() -> None:
    """A tuple is a list (LiveCodeBench's grader converts it); a set is not; a slow test
    fails at its own limit, not at the end of every test's."""
    doc = {**FUNC_DOC, "tests": json.dumps([
        {"input": "[2,7,11,15]\n9", "output": "[0, 1]", "testtype": "functional"},
        {"input": "[3,3]\n6", "output": "[0, 1]", "testtype": "functional"}] * 20)}
    as_tuple = TWO_SUM.replace("return [seen[target - n], i]", "return (seen[target - n], i)")
    as_set = TWO_SUM.replace("return [seen[target - n], i]", "return {seen[target - n], i}")
    slow = TWO_SUM.replace("seen = {}", "if target == 6:\n            while True: pass\n"
                           "        seen = {}")
    limits = lcb.Limits(wall_s=2.0, cpu_s=2)
    assert lcb.run_tests(TWO_SUM, doc, limits) == (True, "all tests passed")
    assert lcb.run_tests(as_tuple, doc, limits)[0]
    ok, detail = lcb.run_tests(as_set, doc, limits)
    assert not ok and "test 0: TypeError" in detail
    t0 = time.perf_counter()
    ok, detail = lcb.run_tests(slow, doc, limits)
    assert not ok and "test 1: TimeoutError" in detail, detail
    assert time.perf_counter() - t0 < 20  # test 1's 2 s, not 40 tests' 80 s


@pytest.mark.parametrize("got,want,same", [
    ("3\n", "3", True),
    ("  1 2  \n3\n\n", "1 2\n3", True),          # the whole output and each line stripped
    ("0.50\n1\n", "0.5\n1.0", True),             # decimals
    ("1e2", "100", True),
    ("YES\n\nNO", "YES\nNO", False),             # a blank line inside the output counts
    ("YES\nNO", "YES\n\nNO", False),
    ("YES  NO", "YES NO", False),                # words: only exact equality
    ("1  2", "1 2", True),                       # numbers: as decimals
    ("nan", "nan", True), ("NaN", "NaN 1", False), ("sNaN", "sNaN 1", False),
])
def test_stdin_output_compared_as_livecodebench_does(got: str, want: str, same: bool) -> None:
    assert lcb._same_output(got, want) is same


def test_stdin_programs_are_graded_on_stdout_alone() -> None:
    """Debug prints to stderr (and an interpreter's warnings there, as Python 3.12's
    SyntaxWarning for "\\d" in a plain string) are not output: LiveCodeBench captures stdout."""
    body = "a, b = map(int, input().split())\nprint('a is', a, file=sys.stderr)\nprint({})\n"
    debug = f"</think>```python\nimport sys\n{body.format('a + b')}```"
    wrong = f"</think>```python\nimport sys\n{body.format('a + b, file=sys.stdout); print(0')}```"
    graded = grading.explain(lcb.process_results, STDIN_DOC, [debug, wrong])
    assert [g["correct"] for g in graded] == [True, False], graded
    assert "a is 1" in graded[1]["status"]  # stderr is shown with a failure


def test_stdin_programs_exit_as_livecodebench_lets_them() -> None:
    """LiveCodeBench catches SystemExit: an answer followed by sys.exit(1) or exit("done")
    passes there; an exception, os._exit(1) or a wrong answer still fails."""
    body = "a, b = map(int, input().split())\nprint({})\n{}\n"

    def answer(value: str, end: str) -> str:
        return f"</think>```python\nimport sys, os\n{body.format(value, end)}```"

    texts = [answer("a + b", "sys.exit(1)"), answer("a + b", "exit('done')"),
             answer("a + b", "raise SystemExit(main := 7)"),
             answer("a + b", "import atexit\natexit.register(print, 'late')"),
             answer("a + b", "raise ValueError('after the answer')"),
             answer("a + b", "sys.stdout.flush()\nos._exit(1)"),
             answer("a - b", "sys.exit(0)")]
    graded = grading.explain(lcb.process_results, STDIN_DOC, texts)
    assert [g["correct"] for g in graded] == [True, True, True, False, False, False, False]
    assert "ValueError" in graded[4]["status"]
