"""Confidence intervals for comparing two models, and the verdicts a statistician draws.

Scores are in points (0..100). Two runs on the same problems are compared problem by problem
(a paired t interval on the per-problem differences: it removes the spread between easy and
hard problems, which two independent intervals would count twice). Otherwise the two scores
are compared with their standard errors (Welch's t interval). Quantiles come from scipy.

Non-inferiority ("a is comparable to b" with a margin m): supported when the whole 95%
interval of a - b lies above -m, refuted when it lies below -m, inconclusive otherwise. Not
detecting a difference is not evidence of parity. Superiority ("a beats b"): supported when
the interval lies above 0, refuted when it lies below 0, inconclusive otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

LEVEL = 0.95


def t_quantile(df: float) -> float:
    """The two-sided 95% quantile of Student's t with df degrees of freedom."""
    from scipy.stats import t

    return float(t.ppf(0.5 + LEVEL / 2, df)) if df > 0 else math.inf


@dataclass(frozen=True)
class Interval:
    """A difference a - b (points) with its 95% interval and how it was obtained."""

    diff: float
    low: float
    high: float
    n: int  # problems compared (paired), or the smaller of the two problem counts
    sd: float | None  # paired: spread of per-problem differences, in points
    method: str

    @property
    def half(self) -> float:
        return (self.high - self.low) / 2


def paired(a: dict[str, float], b: dict[str, float]) -> Interval | None:
    """Paired t interval of a - b over the problems both scored (per-problem scores 0..1)."""
    common = sorted(set(a) & set(b))
    n = len(common)
    if n < 2:
        return None
    diffs = [100 * (a[k] - b[k]) for k in common]
    mean = sum(diffs) / n
    sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (n - 1))
    half = t_quantile(n - 1) * sd / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, n, sd,
                    f"paired t interval over {n} common problems")


def unpaired(va: float, se_a: float, na: int, vb: float, se_b: float, nb: int) -> Interval:
    """Welch's t interval of a - b from two scores (0..1) and their standard errors."""
    diff = 100 * (va - vb)
    var = (100 * se_a) ** 2 + (100 * se_b) ** 2
    denom = ((100 * se_a) ** 4 / max(na - 1, 1)) + ((100 * se_b) ** 4 / max(nb - 1, 1))
    df = var ** 2 / denom if denom else max(min(na, nb) - 1, 1)
    half = t_quantile(df) * math.sqrt(var)
    return Interval(diff, diff - half, diff + half, min(na, nb), None,
                    f"Welch t interval (df {df:.0f}), runs on different problems")


def non_inferiority(iv: Interval, margin: float) -> str:
    """supported / refuted / inconclusive for 'a is no worse than b by more than margin'."""
    if iv.low > -margin:
        return "supported"
    if iv.high < -margin:
        return "refuted"
    return "inconclusive"


def superiority(iv: Interval) -> str:
    """supported / refuted / inconclusive for 'a scores higher than b'."""
    if iv.low > 0:
        return "supported"
    if iv.high < 0:
        return "refuted"
    return "inconclusive"


def problems_to_decide(iv: Interval, bound: float) -> int | None:
    """Problems that would put the interval wholly on one side of `bound` at the observed
    mean and spread (normal approximation); None when the mean sits on the bound."""
    distance = abs(iv.diff - bound)
    if distance == 0:
        return None
    sd = iv.sd if iv.sd is not None else iv.half / t_quantile(max(iv.n - 1, 1)) * \
        math.sqrt(iv.n)
    return max(iv.n, math.ceil((1.96 * sd / distance) ** 2))


def count_interval(count: float, se: float) -> tuple[float, float]:
    """95% interval of a count of correct answers from its standard error (never below 0)."""
    return max(count - 1.96 * se, 0.0), count + 1.96 * se


def ratio_interval(ratio: float, rel_se_a: float, rel_se_b: float) -> tuple[float, float]:
    """95% interval of a ratio of two costs per correct answer whose only uncertainty is the
    correct-answer counts (relative standard errors), on the log scale (delta method)."""
    spread = 1.96 * math.sqrt(rel_se_a ** 2 + rel_se_b ** 2)
    return ratio * math.exp(-spread), ratio * math.exp(spread)
