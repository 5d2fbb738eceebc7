"""LiveCodeBench code generation: prompt, test decoding and grading in the sandbox.

Problems come from the hub dataset livecodebench/code_generation_lite (its JSONL files, read
directly: `datasets` no longer runs the dataset's loading script), kept when their contest
date falls in the window of the published evaluations (the DeepSeek-R1 paper: 2024-08-01 to
2025-01-31). Tests are public plus private (stored base64(zlib(pickle(json)))). Two kinds:
"stdin" (the program reads input and prints the output; compared line by line, tokens
stripped) and "functional" (the starter code's Solution method is called with the JSON
arguments and its result compared as JSON). A problem is solved when every test passes;
pass@1 is the mean over samples, as in the published evaluations.

As LiveCodeBench's own grader (lcb_runner/evaluation/testing_util.py) does, every program
runs after the star imports of the standard modules competitive code leans on (`typing`
among them: LeetCode starter code writes `List[int]` without importing it) and with a
recursion limit of 50,000 (a `from __future__` import is kept first, where Python needs it);
stdin output is compared as its grader does: the whole output stripped, then split at
newlines (a blank line inside it counts), each line stripped; lines match when equal, or when
all their tokens are decimals and equal as decimals ("1.0" and "1"), never by other rules;
a stdin program that ends through SystemExit, whatever its status, has ended normally, as
under LiveCodeBench's grader, which catches it (EXIT_AS_LCB).
"""

from __future__ import annotations

import base64
import json
import logging
import math
import pickle
import re
import zlib
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from harness.accuracy.answers import cut, flat_results
from harness.accuracy.code_blocks import extract_code
from harness.accuracy.programs import CHILD_LOOP, PARENT
from harness.accuracy.sandbox import Limits, run_program
from harness.accuracy.stats import scores
from harness.accuracy.verdicts import remembered

WINDOW = ("2024-08-01", "2025-02-01")  # DeepSeek-R1 paper: 2024-08 to 2025-01

PROMPT = ("You will be given a question (problem specification) and will generate a correct "
          "Python program that matches the specification and passes all tests.\n\n"
          "Question: {question}\n\n")
STARTER = ("You will use the following starter code to write the solution to the problem "
           "and enclose your code within delimiters.\n```python\n{starter}\n```\n\n")
STDIN = ("Read the inputs from stdin solve the problem and write the answer to stdout (do not "
         "directly test on the sample inputs). Enclose your code within delimiters as follows. "
         "Ensure that when the python program runs, it reads the inputs, runs the algorithm and "
         "writes output to STDOUT.\n```python\n# YOUR CODE HERE\n```\n\n")


def doc_to_text(doc: dict[str, Any]) -> str:
    """The LiveCodeBench prompt for one problem."""
    text = PROMPT.format(question=doc["question_content"])
    starter = (doc.get("starter_code") or "").strip()
    return text + (STARTER.format(starter=starter) if starter else STDIN)


def decode_tests(blob: str) -> list[dict[str, Any]]:
    """Test cases from their JSON, or from the base64(zlib(pickle(json))) of private tests.
    (The pickle comes from the dataset, as in LiveCodeBench's own loader; it holds a str.)"""
    try:
        return json.loads(blob)
    except json.JSONDecodeError:
        inner = pickle.loads(zlib.decompress(base64.b64decode(blob)))  # noqa: S301
        if isinstance(inner, (bytes, bytearray)):
            inner = inner.decode("utf-8", errors="replace")
        return json.loads(inner) if isinstance(inner, str) else inner


NO_NUMPY = ("Note: the sandbox's Python has no numpy, which LiveCodeBench's own grader runs "
            "programs beside (its environment has torch): a solution that imports it fails "
            "here. Install it for that Python (Debian/Ubuntu: `sudo apt-get install "
            "python3-numpy`) to grade as LiveCodeBench does.")


# the window's problems as LiveCodeBench's own runner counts them (its pull request #71 scores
# pass@1 0.16308243727598568 over the window at 16 samples: 45.5/279)
WINDOW_PROBLEMS = 279


def process_docs(dataset: Any) -> Any:
    """Keep the problems of the evaluation window; decode their tests once. A window of
    another size than the published evaluations' is said in the log: its scores do not
    compare with theirs."""
    window = dataset.filter(lambda d: WINDOW[0] <= str(d["contest_date"])[:10] < WINDOW[1])
    if len(window) != WINDOW_PROBLEMS:
        logging.getLogger(__name__).warning(
            "LiveCodeBench: %d problems in the window %s to %s of this dataset, where the "
            "published evaluations (the DeepSeek-R1 paper, the Qwen blog) had %d: scores "
            "will not compare exactly with theirs.", len(window), WINDOW[0], WINDOW[1],
            WINDOW_PROBLEMS)

    def prepare(doc: dict[str, Any]) -> dict[str, Any]:
        tests = decode_tests(doc["public_test_cases"]) + decode_tests(doc["private_test_cases"])
        meta = json.loads(doc.get("metadata") or "{}")
        return {"tests": json.dumps(tests), "func_name": meta.get("func_name") or ""}

    return window.map(prepare)


# the modules LiveCodeBench's grader star-imports (and imports by name) before each program
_MODULES = ("string", "re", "datetime", "collections", "heapq", "bisect", "copy", "math",
            "random", "statistics", "itertools", "functools", "operator", "io", "sys", "json",
            "builtins", "typing")
HEADER = ("".join(f"from {m} import *\n" for m in _MODULES)
          + "".join(f"import {m}\n" for m in _MODULES if m != "builtins")
          + "sys.setrecursionlimit(50000)\n\n")


# LiveCodeBench runs a stdin program as a function and catches SystemExit, so one that prints
# its answer and then calls sys.exit(1) or exit("done") passes there. Registered before the
# program's own exit handlers, this one runs after them and ends such an exit with status 0;
# an uncaught exception (the interpreter has set sys.last_value) keeps its status 1.
EXIT_AS_LCB = """\
import atexit as _harness_atexit
def _harness_exit_ok():
    import os, sys
    if not hasattr(sys, "last_value") and not hasattr(sys, "last_exc"):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
_harness_atexit.register(_harness_exit_ok)
"""


def with_header(code: str, exits_as_lcb: bool = False) -> str:
    """The program after the header (and, for a stdin program, EXIT_AS_LCB); its
    `from __future__` imports stay first, where Python requires them (the header would
    otherwise make them a SyntaxError)."""
    future = re.findall(r"^from __future__ import [^\n]*\n?", code, re.MULTILINE)
    rest = re.sub(r"^from __future__ import [^\n]*\n?", "", code, flags=re.MULTILINE)
    return ("".join(line.rstrip("\n") + "\n" for line in future)
            + (EXIT_AS_LCB if exits_as_lcb else "") + HEADER + rest)


def _functional_program(code: str, func_name: str, tests: list[dict[str, Any]],
                        per_test_s: float) -> str:
    """One program for every functional test of a problem: the model's code runs in a child
    process (programs.py) and answers calls of its Solution method; the tests' process holds
    the arguments and expected values, compares the JSON of each result with them, and stops
    at the first failure. LiveCodeBench's grader turns a tuple result into a list; the JSON
    round trip does that at every depth."""
    cases = [[[json.loads(line) for line in t["input"].split("\n") if line.strip()],
              json.loads(t["output"])] for t in tests]
    child = (f"{with_header(code)}\n{CHILD_LOOP}\n"
             f"_harness_serve(lambda *args: getattr(Solution(), {func_name!r})(*args))\n")
    return (f"{PARENT}\nimport json\n\n"
            f"_call = _harness_remote({child!r}, timeout={per_test_s!r})\n"
            f"for _i, (_args, _want) in enumerate(json.loads({json.dumps(cases)!r})):\n"
            "    try:\n"
            "        _got = _call(*_args)\n"
            "        _same = json.loads(json.dumps(_got)) == _want\n"
            "    except Exception as _exc:\n"
            "        raise SystemExit(f'test {_i}: {type(_exc).__name__}: {_exc}')\n"
            "    if not _same:\n"
            "        raise SystemExit(f'test {_i}: wrong answer: {_got!r:.200}')\n")


def _same_line(got: str, want: str) -> bool:
    """LiveCodeBench's rule: equal, or every whitespace-separated token a decimal and the two
    lists of decimals equal ("1.0" and "1"); tokens that are not all decimals must be equal
    as text, whitespace inside the line included."""
    if got == want:
        return True
    try:
        return [Decimal(t) for t in got.split()] == [Decimal(t) for t in want.split()]
    except InvalidOperation:  # a token that is no number, or a signalling NaN compared
        return False


def _lines(text: str) -> list[str]:
    # as LiveCodeBench's get_stripped_lines: a blank line inside the output is a line
    return [line.strip() for line in text.strip().split("\n")]


def _same_output(got: str, want: str) -> bool:
    a, b = _lines(got), _lines(want)
    return len(a) == len(b) and all(_same_line(x, y) for x, y in zip(a, b, strict=True))


TEST_LIMITS = Limits(wall_s=6.0, cpu_s=6)  # per test, as LiveCodeBench's timeout=6


def run_tests(code: str, doc: dict[str, Any], limits: Limits = TEST_LIMITS) -> tuple[bool, str]:
    """(all passed, what happened) for one program on every test of a problem. Functional
    tests run in one jail, each call within `limits.wall_s`; stdin tests one jail each."""
    tests = json.loads(doc["tests"])
    functional = [t for t in tests if t.get("testtype") == "functional"]
    if functional:
        budget = limits.wall_s * len(functional) + 5  # + starting the two interpreters
        out = run_program(_functional_program(code, doc["func_name"], functional,
                                              limits.wall_s),
                          replace(limits, wall_s=budget, cpu_s=math.ceil(budget)),
                          must_finish=True)
        if not out.passed:
            return False, f"{out.status}: {out.stdout[-300:]}"
    for i, test in enumerate(t for t in tests if t.get("testtype") != "functional"):
        # stdout alone is the answer, as LiveCodeBench captures it: stderr (debug prints,
        # an interpreter's warnings) is shown but never compared
        out = run_program(with_header(code, exits_as_lcb=True), limits, stdin=test["input"],
                          separate_stderr=True)
        if not (out.passed and _same_output(out.stdout, test["output"])):
            return False, f"test {i}: {out.status}: {(out.stdout + out.stderr)[-300:]}"
    return True, "all tests passed"


@remembered
def grade(doc: dict[str, Any], texts: list[str], **think: Any) -> list[dict[str, Any]]:
    """Per generation: the code after </think>, truncation, verdict and the first failure."""
    out = []
    for text in texts:
        split, truncated = cut(text, **think)
        func = doc.get("func_name") or None
        code = None if split.truncated else extract_code(split.answer, defines=func,
                                                          stdin=func is None)
        ok, detail = run_tests(code, doc) if code else (False, "no code")
        out.append({"extracted": code, "truncated": truncated, "correct": ok,
                    "status": detail})
    return out


def process_results(doc: dict[str, Any], results: list[Any], ks: tuple[int, ...] = (),
                    **think: Any) -> dict[str, float]:
    """pass@1 (and pass@k asked) of n generations of one LiveCodeBench problem."""
    graded = grade(doc, flat_results(results), **think)
    out = scores([float(g["correct"]) for g in graded], False,
                 sum(g["truncated"] for g in graded), ks)
    del out["cons@n"]
    return out
