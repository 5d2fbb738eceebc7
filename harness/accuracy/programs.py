"""How model-written code becomes the program that tests it (HumanEval).

The tests compare results with `==`, so a result whose class says it equals anything (an
`__eq__` that returns True, a subclass of int or list with one) would pass every assert,
under HumanEval's own harness too. PLAIN_RESULTS, run before the model's code and so before
it can replace a builtin, wraps the function under test: each result must be built only of
exact builtin types (numbers, strings, bytes, None, and lists, tuples, sets and dicts of
them), or the call raises. Every canonical solution of the 164 returns such values.
"""

from __future__ import annotations

import ast
from typing import Any

from harness.accuracy.answers import defines_function

PLAIN_RESULTS = """\
def _harness_plain(function, _type=type, _TypeError=TypeError, _dict=dict,
                   _values=(int, float, complex, str, bytes, bool, type(None)),
                   _collections=(list, tuple, set, frozenset)):
    def check(value):
        kind = _type(value)
        if kind in _values:
            return
        if kind in _collections:
            for item in value:
                check(item)
        elif kind is _dict:
            for key, item in _dict.items(value):
                check(key)
                check(item)
        else:
            raise _TypeError("returned a " + kind.__name__ + ", not a plain value")

    def call(*args, **kwargs):
        result = function(*args, **kwargs)
        check(result)
        return result

    return call
"""


def code_program(doc: dict[str, Any], code: str) -> str:
    """The HumanEval program: the problem's tests run against the model's code.

    Code that defines the entry function follows the whole prompt, so the prompt's imports
    and helper functions are there even where the model left them out (its own definitions
    come later and win), with its top-level example calls, prints and asserts taken out
    (`definitions_only`), as EvalPlus's sanitizer does. Code without that definition is a
    body: it continues the prompt. The tests call the function through `_harness_plain`
    (PLAIN_RESULTS), which refuses results that are not plain values."""
    entry = doc["entry_point"]
    if defines_function(code, entry):
        body = f"{doc['prompt']}    pass\n\n\n{definitions_only(code)}"
    else:
        body = doc["prompt"] + code
    return f"{PLAIN_RESULTS}\n{body}\n\n{doc['test']}\n\ncheck(_harness_plain({entry}))\n"


def definitions_only(code: str) -> str:
    """`code` without its top-level statements that only run something (calls, prints,
    asserts, loops, `if __name__ == "__main__":` blocks); imports, functions, classes and
    assignments stay. Code that does not parse is returned as it is (it fails anyway)."""
    try:
        tree = ast.parse(code)
        run_only = (ast.Expr, ast.For, ast.AsyncFor, ast.While, ast.Assert, ast.If)
        keep = [node for node in tree.body if not isinstance(node, run_only)
                or (isinstance(node, ast.If) and not _is_main_guard(node))]
        return ast.unparse(ast.Module(body=keep, type_ignores=[])) + "\n"
    except (SyntaxError, ValueError, RecursionError):
        return code


def _is_main_guard(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name)
            and test.left.id == "__name__")
