"""Helpers a HumanEval solution uses but left in another block of its answer.

A model may write a helper in one fenced block ("First, a primality test: ...") and the
function asked for in the next, which calls it. The solution block alone then fails with a
NameError though the answer, read as its writer meant it, is right. So the definitions the
solution's block uses and does not define itself (functions, classes, imports, assigned
names) are taken from the answer's other Python blocks, the nearest before it first, along
with what they in turn use, and put before the solution. Nothing else of those blocks comes
along: their example calls, prints and asserts stay out, as the solution's own do
(programs.definitions_only).

EvalPlus's sanitizer reads one run of valid code and would fail such an answer; a reader
grading by hand would not. LiveCodeBench's own extraction takes one block, and lcb.py keeps
to it.
"""

from __future__ import annotations

import ast
import builtins

_BUILTINS = frozenset(dir(builtins))
_MOST_ROUNDS = 8  # helpers of helpers, this deep at most


def with_helpers(code: str, others: list[str]) -> str:
    """`code` with the top-level definitions it lacks, from `others` (the answer's other
    Python blocks, nearest first), put before it; `code` itself where it lacks nothing,
    does not parse, or no other block defines what it lacks."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError):
        return code
    missing = names_read(tree) - _defined(tree) - _BUILTINS
    if not missing:
        return code
    trees = []
    for block in others:
        try:
            trees.append(ast.parse(block))
        except (SyntaxError, ValueError, RecursionError):
            continue
    taken: list[ast.stmt] = []
    have = _defined(tree)
    for _ in range(_MOST_ROUNDS):
        found = _definitions_of(missing - have, trees)
        if not found:
            break
        taken = found + taken
        have |= set().union(*(names_bound(node) for node in found))
        missing = set().union(*(names_read(n) - _defined(n) for n in found)) - have - _BUILTINS
    if not taken:
        return code
    return ast.unparse(ast.Module(body=taken, type_ignores=[])) + "\n\n\n" + code


def _definitions_of(names: set[str], trees: list[ast.Module]) -> list[ast.stmt]:
    """For each name, its top-level definition in the first tree that has one, in the order
    of that tree."""
    found: list[ast.stmt] = []
    left = set(names)
    for tree in trees:
        for node in tree.body:
            if names_bound(node) & left:
                found.append(node)
                left -= names_bound(node)
        if not left:
            break
    return found


def names_bound(node: ast.stmt) -> set[str]:
    """The names a top-level definition binds: a function's or class's, an import's, an
    assignment's (example calls, prints, loops and asserts bind none taken here)."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Import | ast.ImportFrom):
        return {(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"}
    targets = (node.targets if isinstance(node, ast.Assign)
               else [node.target] if isinstance(node, ast.AnnAssign) else [])
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def names_read(node: ast.AST) -> set[str]:
    """The names `node` reads."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)
            and isinstance(n.ctx, ast.Load)}


def _defined(node: ast.AST) -> set[str]:
    """The names `node` binds anywhere in it: assignments, functions, classes, arguments,
    imports, loop and comprehension variables, exception names."""
    names: set[str] = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            names.add(n.id)
        elif isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(n.name)
        elif isinstance(n, ast.arg):
            names.add(n.arg)
        elif isinstance(n, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in n.names}
        elif isinstance(n, ast.ExceptHandler) and n.name:
            names.add(n.name)
    return names
