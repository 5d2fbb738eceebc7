"""Output lengths measured by an earlier run, for `harness plan --suite ... --lengths-from RUN`.

A suite's upper bound has every generation run to its limit; reasoning models stop well
before it on most problems, and how far before is a property of the model and the task that
no architecture tells. An earlier bench of the same model (the `quick` suite, an hour on one
GPU) records each task's mean output tokens (run.json's `generation`); the plan then counts
each task's generations at that mean instead of at the limit, and sizes the KV room for
sequences of the mean length. The lengths are measured, the speed is still the plan's bound,
so the hours stay an estimate. Random weights' lengths say nothing about a model and are
refused; a run that generated with a lower limit than the suite's counts at most that limit,
so its means are then a lower bound, and the plan says so. `latest` is the newest run of the
planned model that measured any of the suite's tasks; the bench's announcement uses the same
(announce.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from harness.config.configs import SuiteConfig, TaskEntry
from harness.errors import HarnessError
from harness.plan import estimate
from harness.results.files import results_root
from harness.results.record import RecordError, Run, load_runs, read_run


@dataclass(frozen=True)
class Lengths:
    """Mean output tokens per task, as one run measured them."""

    run_id: str
    model: str
    status: str
    means: dict[str, float]  # task -> mean output tokens of its generations
    limits: dict[str, int | None]  # task -> the run's max new tokens
    hit_rates: dict[str, float | None]  # task -> share of generations that hit that limit

    def mean_for(self, entry: TaskEntry) -> tuple[float, int | None, float | None] | None:
        """(mean, the run's limit, hit rate) for a suite task, None where the run has none."""
        stem = Path(entry.task).stem
        for key in (entry.task, stem, re.sub(r"\W+", "_", stem).strip("_")):
            if key in self.means:
                return self.means[key], self.limits.get(key), self.hit_rates.get(key)
        return None


def run_json(ref: str) -> Path:
    """The run.json that `ref` names: a run directory, a run.json, or a run id under the
    results directory's runs/."""
    given = Path(ref).expanduser()
    for path in (given, given / "run.json", results_root() / "runs" / ref / "run.json"):
        if path.is_file():
            return path
    raise HarnessError(
        f"No run {ref!r}: pass a run directory (results/runs/<run-id>), its run.json, or a "
        f"run id under {results_root() / 'runs'} (`ls {results_root() / 'runs'}`).")


def measured(ref: str, model: str | None = None, suite: SuiteConfig | None = None) -> Lengths:
    """The mean output tokens per task of the run `ref` names, or with "latest" of the newest
    run of `model` that measured any (of `suite`'s tasks, given one); HarnessError where it
    cannot be read, ran random weights, or measured no lengths."""
    if ref == "latest":
        runs = load_runs(results_root(), warn=False)
        found = newest(runs, model, suite) if model else None
        if found is None:
            raise HarnessError(
                f"No run of {model}'s real weights under {results_root() / 'runs'} measured "
                f"output lengths{' of its tasks' if suite else ''}. Run one first (`make "
                f"bench MODEL={model} SUITE=quick`), or pass a run directory or id.")
        return found
    path = run_json(ref)
    try:
        run = read_run(path)
    except (OSError, RecordError, TypeError) as exc:
        raise HarnessError(f"Cannot read {path} as a run: {exc}. Pass another run.") from exc
    if run.model.weights == "random":
        raise HarnessError(
            f"Run {run.run_id} ran random weights of {run.model.name}: how long their outputs "
            "are says nothing about the model's. Pass a run of the real weights (e.g. `make "
            f"bench MODEL={run.model.name} SUITE=quick`).")
    found = from_run(run)
    if found is None:
        raise HarnessError(
            f"Run {run.run_id} recorded no output lengths (a perf-only or failed run). Pass a "
            "run that generated answers, e.g. one of `make bench ... SUITE=quick`.")
    return found


def from_run(run: Run) -> Lengths | None:
    """The lengths a run of real weights measured, None where it measured none."""
    stats = {task: g for task, g in run.generation.items() if g.output_tokens_mean is not None}
    if not stats or run.model.weights == "random":
        return None
    return Lengths(
        run_id=run.run_id, model=run.model.name, status=run.status,
        means={t: float(g.output_tokens_mean or 0) for t, g in stats.items()},
        limits={t: g.max_new_tokens for t, g in stats.items()},
        hit_rates={t: g.hit_max_new_tokens_rate for t, g in stats.items()})


def newest(runs: list[Run], model: str, suite: SuiteConfig | None = None) -> Lengths | None:
    """The lengths of the newest run of `model` (real weights) that measured any (any of
    `suite`'s tasks, given one)."""
    found = [x for x in (from_run(r) for r in runs if r.model.name == model) if x
             and (suite is None or any(x.mean_for(entry) for entry in suite.tasks))]
    return found[-1] if found else None


def expected_tokens(suite: SuiteConfig, limit: float | None, default: int, lengths: Lengths,
                    model: str) -> tuple[int, str]:
    """New tokens with each task at its measured mean (its limit where the run has none),
    and a note that says where the means come from and what they leave out (HarnessError
    where the run measured none of the suite's tasks)."""
    if not any(count and lengths.mean_for(entry)
               for entry, count in estimate.generations_per_task(suite, limit)):
        raise HarnessError(
            f"Run {lengths.run_id} measured none of suite {suite.name}'s tasks (it has "
            f"{', '.join(sorted(lengths.means))}). Pass a run of the same tasks, e.g. of "
            "the quick suite for the reasoning one.")
    total, unmeasured, low = 0.0, [], []
    for entry, count in estimate.generations_per_task(suite, limit):
        cap = entry.max_new_tokens or default
        got = lengths.mean_for(entry) if count else None
        if count and got is None:
            unmeasured.append(entry.task)
        elif count and got is not None:
            _, run_cap, hit = got
            low += [entry.task] if run_cap and run_cap < cap and hit else []
        total += (count or 0) * (min(got[0], cap) if got else cap)
    note = (f"mean output lengths measured in run {lengths.run_id} ({lengths.model}"
            + (f", {lengths.status}" if lengths.status != "complete" else "") + ")"
            + (f", not of {model}" if lengths.model != model else "")
            + (f"; at their limit: {', '.join(unmeasured)} (not in that run)" if unmeasured
               else "")
            + (f"; a lower bound for {', '.join(low)} (that run stopped them at a lower "
               "limit)" if low else ""))
    return round(total), note
