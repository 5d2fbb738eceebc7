"""How model-written code becomes the program that tests it (HumanEval; LiveCodeBench's
functional tests use the same two processes, lcb.py).

The tests compare results with `==`, so a result whose class says it equals anything (an
`__eq__` that returns True, a subclass of int or list with one) would pass every assert, and
code that runs beside the tests can read their expected values (from the program's source,
or from the caller's frame) or replace what compares them. All pass under HumanEval's own
harness. Here the model's code runs in a second process inside the same jail and the tests
call it through a pipe: only values marshal can carry cross (numbers, strings, bytes, None,
and tuples, lists, sets and dicts of them; NumPy scalars as the numbers they equal), so an
object of the model's own class is an error, and the tests' process holds the expected
values; it is undumpable, so the code (same user id) cannot read them from its memory
either. Every canonical solution of the 164 passes this way.
"""

from __future__ import annotations

import ast
from typing import Any

from harness.accuracy.code_blocks import defines_function
from harness.accuracy.helpers import names_bound, names_read

# The tests' side: the function under test is a proxy to a second process that holds the
# model's code. Values cross as marshal data (only builtin types can), framed by length.
# The tests' process makes itself undumpable first: the code under test runs under the same
# user id, and could otherwise read (or write) the tests from /proc/<parent>/mem. With a
# `timeout`, a call that has not answered in that many seconds fails.
PARENT = """\
import marshal as _marshal, os as _os, select as _select, subprocess as _subprocess, sys as _sys

try:
    import ctypes as _ctypes
    if _ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0) != 0:  # PR_SET_DUMPABLE, 0
        raise OSError(_ctypes.get_errno(), "prctl")
except (ImportError, AttributeError, OSError) as _exc:
    raise SystemExit(f"[harness] cannot keep the tests' memory from the code: {_exc}")


def _harness_remote(child_source, timeout=None):
    down_r, down_w = _os.pipe()
    up_r, up_w = _os.pipe()
    child = _subprocess.Popen([_sys.executable, "-I", "-c", child_source, str(down_r),
                               str(up_w)], pass_fds=(down_r, up_w), stdin=_subprocess.DEVNULL)
    _os.close(down_r)
    _os.close(up_w)
    down, up = _os.fdopen(down_w, "wb"), _os.fdopen(up_r, "rb")

    def call(*args, **kwargs):
        data = _marshal.dumps((args, kwargs))
        down.write(len(data).to_bytes(8, "big") + data)
        down.flush()
        if timeout is not None and not _select.select([up], [], [], timeout)[0]:
            child.kill()
            raise TimeoutError(f"the call took more than {timeout} s")
        head = up.read(8)
        if len(head) < 8:
            raise RuntimeError("the code under test died (its output is above)")
        status, value = _marshal.loads(up.read(int.from_bytes(head, "big")))
        if status != "ok":
            raise RuntimeError(value)
        return value

    return call
"""

# The model's side: its code, then a loop that answers the calls. A result marshal cannot
# carry (an object of the model's own class, say one equal to everything) is an error. NumPy
# scalars, alone or inside lists, tuples, sets and dicts, cross as the Python numbers they
# equal (np.float64(2.0) == 2.0 passes under HumanEval's and LiveCodeBench's own graders,
# and numpy code returns them): `.item()` can only give a plain value, which the tests'
# side then compares as any other. NumPy arrays are not made lists (their `==` gives no
# verdict under those graders either); marshal sends their buffer, as bytes.
CHILD_LOOP = """

def _harness_plain(value):
    kind = type(value)
    if kind in (list, tuple, set, frozenset):
        return kind(_harness_plain(v) for v in value)
    if kind is dict:
        return {_harness_plain(k): _harness_plain(v) for k, v in value.items()}
    if kind.__module__ == "numpy" and kind.__name__ != "ndarray" and hasattr(value, "item"):
        return value.item()
    return value


def _harness_serve(function):
    import marshal, os, sys
    down, up = os.fdopen(int(sys.argv[1]), "rb"), os.fdopen(int(sys.argv[2]), "wb")
    while True:
        head = down.read(8)
        if len(head) < 8:
            return
        args, kwargs = marshal.loads(down.read(int.from_bytes(head, "big")))
        try:
            result = function(*args, **kwargs)
        except BaseException as exc:  # the tests' side fails the test with this
            data = marshal.dumps(("error", f"{type(exc).__name__}: {str(exc)[:300]}"))
        else:
            try:
                try:
                    data = marshal.dumps(("ok", result))
                except ValueError:
                    data = marshal.dumps(("ok", _harness_plain(result)))
            except Exception:  # the model's own .item() may raise anything
                data = marshal.dumps(("error", f"returned a {type(result).__name__}, "
                                               "not a plain value"))
        up.write(len(data).to_bytes(8, "big") + data)
        up.flush()
"""


def code_program(doc: dict[str, Any], code: str) -> str:
    """The HumanEval program: the problem's tests run against the model's code.

    Code that defines the entry function follows the whole prompt, so the prompt's imports
    and helper functions are there even where the model left them out (its own definitions
    come later and win), with its top-level example calls, prints and asserts taken out
    (`definitions_only`), as EvalPlus's sanitizer does. Code without that definition is a
    body: it continues the prompt. That code runs in a process of its own, which the tests
    call through a pipe: only plain values cross, and the tests (their expected values, their
    frames) are never in the process that runs the model's code."""
    entry = doc["entry_point"]
    if defines_function(code, entry):
        body = f"{doc['prompt']}    pass\n\n\n{definitions_only(code)}"
    else:
        body = doc["prompt"] + code
    child = f"{body}\n{CHILD_LOOP}\n_harness_serve({entry})\n"
    # the entry's name is the proxy too: some tests call it by name (HumanEval/33)
    return (f"{PARENT}\n{doc['prompt']}    pass\n\n\n{doc['test']}\n\n"
            f"{entry} = _harness_remote({child!r})\ncheck({entry})\n")


def definitions_only(code: str) -> str:
    """`code` without its top-level statements that only run something (calls, prints,
    asserts, loops, `if __name__ == "__main__":` blocks) and without the assignments nothing
    kept reads (an example's `nums = list(map(int, input().split()))`, which would wait for
    input); imports, functions, classes and the assignments they use stay, as EvalPlus's
    sanitizer keeps them. Code that does not parse is returned as it is (it fails anyway)."""
    try:
        tree = ast.parse(code)
        run_only = (ast.Expr, ast.For, ast.AsyncFor, ast.While, ast.Assert, ast.If)
        keep = [node for node in tree.body if not isinstance(node, run_only)
                or (isinstance(node, ast.If) and not _is_main_guard(node))]
        return ast.unparse(ast.Module(body=_read_assignments(keep), type_ignores=[])) + "\n"
    except (SyntaxError, ValueError, RecursionError):
        return code


def _read_assignments(body: list[ast.stmt]) -> list[ast.stmt]:
    """`body` without the assignments whose names no other statement kept reads."""
    assigns = (ast.Assign, ast.AnnAssign, ast.AugAssign)
    kept = [node for node in body if not isinstance(node, assigns)]
    left = [node for node in body if isinstance(node, assigns)]
    while left:
        read = set().union(*(names_read(node) for node in kept))
        used = [node for node in left if names_bound(node) & read
                or (isinstance(node, ast.AugAssign) and _target_name(node) in read)]
        if not used:
            break
        kept += used
        left = [node for node in left if node not in used]
    return [node for node in body if node in kept]


def _target_name(node: ast.AugAssign) -> str | None:
    return node.target.id if isinstance(node.target, ast.Name) else None


def _is_main_guard(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name)
            and test.left.id == "__name__")
