"""Helpers a solution left in another block of its answer (accuracy/helpers.py)."""

from __future__ import annotations

from harness.accuracy.code_blocks import around
from harness.accuracy.helpers import with_helpers

SOLUTION = "def count_primes(n):\n    return sum(1 for k in range(n) if is_prime(k))\n"
HELPER = ("import math\n\ndef is_prime(k):\n    if k < 2:\n        return False\n"
          "    return all(k % d for d in range(2, isqrt(k) + 1))\n\nprint(is_prime(7))\n")


def test_the_helper_and_what_it_uses_come_before_the_solution() -> None:
    code = with_helpers(SOLUTION, [HELPER, "from math import isqrt\n"])
    assert code.index("from math import isqrt") < code.index("def is_prime")
    assert code.index("def is_prime") < code.index("def count_primes")
    assert "print(" not in code and "import math\n" not in code  # neither is used


def test_a_solution_that_lacks_nothing_or_does_not_parse_is_as_written() -> None:
    assert with_helpers(SOLUTION, []) == SOLUTION
    assert with_helpers("def f(:\n", [HELPER]) == "def f(:\n"
    own = "def is_prime(k):\n    return True\n\n" + SOLUTION
    assert with_helpers(own, [HELPER]) == own


def test_a_name_only_bound_inside_another_function_is_not_a_definition() -> None:
    code = with_helpers("def f(x):\n    return MOD * x\n",
                        ["def g():\n    MOD = 3\n", "MOD = 10**9 + 7\nprint(f(2))\n"])
    assert code.startswith("MOD = 10 ** 9 + 7") and "def g" not in code


def test_the_blocks_around_the_solution_nearest_first() -> None:
    answer = ("```python\na = 1\n```\n```\nb = 2\n```\n```python\nsolution = 3\n```\n"
              "```text\nnot python\n```\n```py\nc = 4\n```")
    assert around(answer, "solution = 3\n") == ["b = 2\n", "a = 1\n", "c = 4\n"]
