"""Scores over several samples per problem: pass@1, pass@k, cons@n, and their errors.

pass@1 of a problem is the mean correctness of its n samples; the task's pass@1 is the mean
over problems, with the standard error across problems (the R1 and QwQ authors' protocol).
pass@k uses the unbiased estimator of Chen et al. (2021): 1 - C(n-c, k) / C(n, k).
cons@n is majority voting: a problem counts when the most common answer is correct.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def pass_at_k(n: int, c: int, k: int) -> float:
    """Probability that at least one of k samples drawn from n (c correct) is correct."""
    if not 0 <= c <= n or not 1 <= k <= n:
        raise ValueError(f"need 0 <= c <= n and 1 <= k <= n, got n={n} c={c} k={k}")
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def mean_and_stderr(values: Sequence[float]) -> tuple[float, float | None]:
    """Mean and standard error of the mean (sample standard deviation / sqrt(n))."""
    if not values:
        raise ValueError("no values")
    m = sum(values) / len(values)
    if len(values) < 2:
        return m, None
    var = sum((v - m) ** 2 for v in values) / (len(values) - 1)
    return m, math.sqrt(var / len(values))


def scores(correct: list[float], cons: float, truncated: int,
           ks: tuple[int, ...]) -> dict[str, float]:
    """pass@1, cons@n, the truncated fraction and pass@k of one problem's n samples. A k
    larger than n cannot be estimated: suites asking for one are refused when loaded."""
    n = len(correct)
    out = {"pass@1": sum(correct) / n, "cons@n": float(cons), "truncated": truncated / n}
    for k in ks:
        out[f"pass@{k}"] = pass_at_k(n, int(sum(correct)), k)
    return out
