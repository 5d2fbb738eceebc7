"""Cost before commitment: what a bench will generate, and for how long, before it starts.

Generations = problems x samples per task (problems from the task YAML's metadata, the
lines of a .jsonl file, or the limit). Tokens are an upper bound: generations x max new
tokens. Time uses the best decode rate known for this model on this hardware: a measured
batch-1 rate from an earlier run here, else the plan's batch-1 bandwidth bound on a GPU.
Batched generation is faster and most outputs stop before the limit, so the hours printed
are an upper bound too; the message says which rate it used.
"""

from __future__ import annotations

import math
from pathlib import Path

from harness.config.configs import SuiteConfig, TaskEntry
from harness.config.places import task_yaml
from harness.results.parts import Estimate
from harness.results.record import Run


def task_problems(entry: TaskEntry) -> int | None:
    """Problems in a task, if known without loading its dataset."""
    if entry.task.endswith(".jsonl"):
        path = Path(entry.task)
        return sum(1 for line in path.open() if line.strip()) if path.exists() else None
    path = Path(entry.task) if entry.task.endswith((".yaml", ".yml")) else \
        task_yaml(entry.task)
    if not path.exists():
        return None
    from lm_eval.tasks._yaml_loader import load_yaml  # knows !function and include

    meta = load_yaml(path, resolve_func=False).get("metadata") or {}
    return meta.get("problems") if isinstance(meta, dict) else None


# how bench names a rate taken from the plan rather than measured: hours at a bound on speed
# bound no time, and describe() says so
PLAN_BOUND = "the plan's batch-1 bandwidth bound"


def generations_per_task(suite: SuiteConfig, limit: float | None
                         ) -> list[tuple[TaskEntry, int | None]]:
    """Each task of the suite with its generations (problems x samples), None where its
    size is unknown without loading the dataset."""
    out: list[tuple[TaskEntry, int | None]] = []
    for entry in suite.tasks:
        n = task_problems(entry)
        if limit is not None and limit < 1:  # lm-eval's fraction of each task
            caps = [math.ceil(n * limit)] if n else []
        else:
            caps = [x for x in (n, entry.limit, limit if limit is not None else suite.limit)
                    if x]
        out.append((entry, min(caps) * entry.samples if caps else None))
    return out


def estimate(suite: SuiteConfig, limit: float | None, default_max_tokens: int,
             rate: float | None, rate_source: str) -> Estimate:
    """Generations, token upper bound and hours at `rate` tokens/s for a suite."""
    generations, tokens, unknown = 0, 0, []
    for entry, count in generations_per_task(suite, limit):
        if count is None:
            unknown.append(entry.task)
            continue
        generations += count
        tokens += count * (entry.max_new_tokens or default_max_tokens)
    hours = tokens / rate / 3600 if rate and tokens else None
    return Estimate(generations=generations, max_new_tokens_total=tokens,
                    decode_tokens_per_s=rate, rate_source=rate_source, hours_at_most=hours,
                    tasks_of_unknown_size=tuple(unknown))


def work(suite: SuiteConfig, default_max_tokens: int = 32768) -> str:
    """A suite's work in a few words for `harness suites`: generations and the new-token
    bound, "-" for a suite of no tasks."""
    if not suite.tasks:
        return "-"
    est = estimate(suite, None, default_max_tokens, None, "")
    unknown = " + tasks of unknown size" if est.tasks_of_unknown_size else ""
    tokens = est.max_new_tokens_total
    amount = f"{tokens / 1e6:,.1f}M" if tokens >= 1e6 else f"{tokens:,}"
    return f"{est.generations:,} generations, at most {amount} new tokens{unknown}"


def known_rate(runs: list[Run], model: str, hardware_label: str) -> float | None:
    """The newest measured batch-1 decode rate of `model` on this hardware, if any."""
    rate = None
    for run in runs:
        if run.model.name == model and run.hardware and run.hardware.label == hardware_label \
                and run.perf:
            rate = run.perf.headline().decode_tokens_per_s or rate
    return rate


def describe(est: Estimate, suite: str, model: str) -> str:
    """One paragraph for the terminal."""
    text = (f"{suite} on {model}: {est.generations:,} generations, at most "
            f"{est.max_new_tokens_total:,} new tokens")
    if est.hours_at_most is not None and est.decode_tokens_per_s and \
            est.rate_source.startswith(PLAN_BOUND):
        text += (f"; at {est.decode_tokens_per_s:,.1f} tokens/s ({est.rate_source}) that "
                 f"is {est.hours_at_most:,.1f} hours to every limit, estimated (a real "
                 "batch-1 rate is below the bound; batching and early stops shorten the run; "
                 "`make plan SUITE=...` gives the batched figure)")
    elif est.hours_at_most is not None and est.decode_tokens_per_s:
        text += (f"; at {est.decode_tokens_per_s:,.1f} tokens/s ({est.rate_source}) that "
                 f"is at most {est.hours_at_most:,.1f} hours (batching and early stops make "
                 "it shorter)")
    else:
        text += "; no decode rate known for this model here yet, so no time estimate"
    if est.tasks_of_unknown_size:
        text += f"; size unknown for {', '.join(est.tasks_of_unknown_size)}"
    return text + "."
