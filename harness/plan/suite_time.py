"""How long a suite would take on the planned GPUs, and what that costs: `harness plan --suite`.

The work is the bench's own upper bound (estimate.py): problems x samples x max new tokens,
every generation running to its limit. Two rates turn it into hours, both bounds on speed
from the plan, so neither hour figure is a bound on time (outputs that stop early shorten
the run, an engine below the bound lengthens it):
- batched: the workload decode bound, as many sequences at once as the KV room holds at the
  suite's longest generation (prompts, a few hundred tokens, left out) and no more than the
  suite has generations, on the GPUs the workload needs (sizing.Plan.workload_gpus);
- one at a time: the batch-1 decode bound on the GPUs that hold the weights (the measured
  bandwidth where configs/hardware has one, else the datasheet's).
GPU-hours are the batched hours times those GPUs; dollars use the hardware YAML's price per
GPU-hour, which is an assumption the user sets, and say so.
With `lengths` (`--lengths-from RUN`, lengths.py) each task's generations count at the mean
output length an earlier run of real weights measured (at most the task's limit; tasks the
run lacks at their limit), and the batched rate holds as many sequences of the suite's mean
length as the KV room takes, on the GPUs the plan sized for the longest generation.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from harness.config import configs
from harness.config.configs import HardwareConfig, SuiteConfig
from harness.plan import estimate, sizing
from harness.plan import lengths as plan_lengths
from harness.plan.lengths import Lengths
from harness.plan.sizing import Plan
from harness.results.parts import Estimate


@dataclass(frozen=True)
class SuiteTime:
    """A suite's work and its hours at the plan's two decode bounds."""

    suite: str
    generations: int
    max_new_tokens_total: int  # every generation to its limit
    tasks_of_unknown_size: tuple[str, ...]
    gpus: int  # the batched figure's GPUs
    hours_batched: float | None  # at the workload decode bound (datasheet bandwidth)
    hours_one_at_a_time: float | None  # at the batch-1 decode bound
    one_at_a_time_basis: str  # "measured bandwidth" or "datasheet bandwidth"
    gpu_hours: float | None
    dollars: float | None
    price_per_gpu_hour: float | None
    price_source: str
    expected_new_tokens: int | None = None  # at the measured means (lengths), else None
    lengths: str | None = None  # where the means come from, and what they leave out
    concurrency: int | None = None  # sequences at once behind hours_batched


def longest_generation(suite: SuiteConfig, default_max_tokens: int) -> int:
    """The most new tokens any task of the suite allows (the KV context the plan sizes)."""
    return max((t.max_new_tokens or default_max_tokens for t in suite.tasks),
               default=default_max_tokens)


def plan_suite(model: str, gpu: str, dtype: str | None, context: int | None,
               suite_name: str | None, limit: float | None,
               lengths: Lengths | None = None) -> tuple[Plan, SuiteTime | None]:
    """The plan of `model` on `gpu` and, given a suite, that suite's hours on it: the KV
    context sized is then the suite's longest generation unless `context` says (32,768
    without a suite); with `lengths`, the hours are those of the measured mean lengths."""
    if suite_name is None:
        return sizing.make_plan(model, gpu=gpu, dtype=dtype, context=context or 32768), None
    suite = configs.get_suite(suite_name)
    known = configs.find_model(model)
    default = known.generation.max_new_tokens if known else 32768
    est = estimate.estimate(suite, limit, default, None, "")
    plan = sizing.make_plan(model, gpu=gpu, dtype=dtype,
                            context=context or longest_generation(suite, default),
                            sequences=est.generations or None)
    timed = suite_time(plan, configs.get_hardware(gpu), est, suite.name)
    if lengths is None or not est.generations:
        return plan, timed
    expected, note = plan_lengths.expected_tokens(suite, limit, default, lengths, model)
    mean = max(math.ceil(expected / est.generations), 1)
    at_mean = sizing.make_plan(model, gpu=gpu, dtype=dtype, context=mean,
                               gpus=plan.workload_gpus, sequences=est.generations)
    return plan, suite_time(at_mean, configs.get_hardware(gpu), est, suite.name,
                            tokens=expected, lengths=note)


def as_dict(t: SuiteTime) -> dict[str, Any]:
    """The suite's figures as a JSON-ready dict."""
    return asdict(t)


def suite_time(plan: Plan, hw: HardwareConfig, est: Estimate, suite: str,
               tokens: int | None = None, lengths: str | None = None) -> SuiteTime:
    """A suite's generations and token bound (`est`), and the hours of `tokens` (default:
    that bound) on `plan`'s GPUs (a plan made for no more sequences at once than the suite
    has generations); `lengths` says where expected `tokens` come from."""
    work = est.max_new_tokens_total if tokens is None else tokens
    batched = plan.workload_bound_tokens_per_s
    hours = work / batched / 3600 if batched and work else None
    one = plan.decode_bound_measured_tokens_per_s or plan.decode_bound_tokens_per_s
    basis = "measured bandwidth" if plan.decode_bound_measured_tokens_per_s else \
        "datasheet bandwidth"
    gpu_hours = hours * plan.workload_gpus if hours is not None else None
    price = hw.price_per_hour
    return SuiteTime(
        suite=suite, generations=est.generations, max_new_tokens_total=est.max_new_tokens_total,
        tasks_of_unknown_size=est.tasks_of_unknown_size, gpus=plan.workload_gpus,
        hours_batched=hours, hours_one_at_a_time=work / one / 3600 if work else None,
        one_at_a_time_basis=basis, gpu_hours=gpu_hours,
        dollars=gpu_hours * price if gpu_hours is not None and price is not None else None,
        price_per_gpu_hour=price, price_source=hw.price_source,
        expected_new_tokens=tokens, lengths=lengths, concurrency=plan.workload_concurrency)


def _hours(h: float) -> str:
    if h < 1:
        return f"{h * 60:,.1f} minutes"
    return f"{h:,.1f} hours" + (f" ({h / 24:,.1f} days)" if h >= 48 else "")


def _amount(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else f"{x:,.2f}"


def rows(t: SuiteTime, plan: Plan) -> list[tuple[str, str]]:
    """The plan table's rows for the suite (label, text)."""
    gpu_label, hold = configs.get_hardware(plan.gpu).label, plan.gpus_to_hold_weights
    unknown = f"; size unknown for {', '.join(t.tasks_of_unknown_size)} (not counted)" \
        if t.tasks_of_unknown_size else ""
    out = [(f"suite {t.suite}", f"{t.generations:,} generations (problems x samples), at most "
            f"{t.max_new_tokens_total:,} new tokens (every generation to its limit){unknown}")]
    if not t.max_new_tokens_total:
        return out + [("suite time", "- (nothing it generates is counted: a perf-only suite, "
                       "or tasks of unknown size)")]
    measured = t.expected_new_tokens is not None
    if measured:
        mean = (t.expected_new_tokens or 0) / max(t.generations, 1)
        out.append(("suite lengths", f"about {t.expected_new_tokens:,} new tokens expected "
                    f"({mean:,.0f} per generation): {t.lengths}"))
    if t.hours_batched is not None:
        cost = f", ${_amount(t.dollars)} at ${t.price_per_gpu_hour:,.2f} per GPU-hour " \
               f"({t.price_source})" if t.dollars is not None else ""
        at = f", {t.concurrency} sequences of the mean length at once" if measured else ""
        out.append(("suite time, batched", f"{_hours(t.hours_batched)} on {t.gpus}x "
                    f"{gpu_label} at the workload decode bound (datasheet bandwidth{at}): "
                    f"{_amount(t.gpu_hours or 0)} GPU-hours{cost}"))
    else:
        out.append(("suite time, batched", "- (no sequence of that length fits)"))
    if t.hours_one_at_a_time is not None:
        out.append(("suite time, one at a time", f"{_hours(t.hours_one_at_a_time)} on {hold}x "
                    f"{gpu_label} at the batch-1 decode bound ({t.one_at_a_time_basis})"))
    out.append(("suite time, basis", "estimated: output lengths measured, speed a bound (an "
                "engine below the bound lengthens the run)" if measured else "estimated: bounds "
                "on speed, not on time (outputs that stop early shorten the run, an engine "
                "below the bound lengthens it; --lengths-from RUN counts each task at the "
                "mean length an earlier run of the model measured)"))
    return out
