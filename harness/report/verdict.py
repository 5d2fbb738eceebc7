"""What every claim rule shares: the Verdict it fills in, and the runs it may rest on."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from harness.results.record import Run

PLAN_PROVENANCE = "estimated from the architecture (harness plan)"


@dataclass
class Verdict:
    """The outcome of one claim: supported, refuted, partly, inconclusive or not yet
    measured, a summary, the evidence rows, and the command that would settle it."""

    id: str
    text: str
    source: str
    verdict: str
    summary: str
    evidence: list[dict[str, str]] = field(default_factory=list)
    settle: str | None = None


def latest_run(runs: list[Run], model: str, tasks: list[str] | None = None,
               need_energy: bool = False) -> Run | None:
    """The newest complete run of `model` with real weights (and the tasks / energy asked)."""
    found = None
    for run in runs:
        if not run.complete_real or run.model.name != model:
            continue
        if tasks and not set(tasks) & set(run.tasks):
            continue
        if need_energy and (run.energy is None or run.energy.joules is None):
            continue
        found = run
    return found


def min_detectable_points(p: float, n: int) -> float:
    """Smallest gap (points) two independent scores of n problems can tell apart at 95%."""
    return 100 * 1.96 * math.sqrt(2 * p * (1 - p) / n)


def combine(outcomes: list[str]) -> str:
    """One verdict from several benchmarks' three-way verdicts."""
    kinds = set(outcomes)
    if len(kinds) == 1:
        return outcomes[0]
    return "partly"


def num(x: float) -> str:
    """A number for a verdict's text: thousands separated above 100, 3 significant below."""
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"
