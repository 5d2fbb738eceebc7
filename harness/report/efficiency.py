"""Joules and dollars per output token and per correct answer, measured or estimated.

Measured: the accuracy run's NVML energy and wall time on the GPUs it used, divided by the
output tokens it generated (generation statistics) or the correct answers it scored. Dollars
use the price per GPU-hour in configs/hardware/ (an assumption you set; its source says so).
Estimated (for a model that has no run, e.g. DeepSeek-R1 that needs a cluster): the measured
run's output tokens per correct answer, generated at the other model's batch-1 decode bound
on `n` GPUs drawing their board power. Both halves are optimistic for the estimated side
(no model runs at its bound, and GPUs draw less than board power), and the result says so.
"""

from __future__ import annotations

from harness.config import configs
from harness.config.configs import HardwareConfig
from harness.plan.sizing import Plan
from harness.results.record import Run


def hardware_of(run: Run) -> HardwareConfig | None:
    """The configs/hardware entry for the GPU a run used, if one matches its name."""
    name = configs.hardware_name(run.hardware.accelerator if run.hardware else None)
    return configs.get_hardware(name) if name else None


def run_costs(run: Run) -> dict[str, float | None]:
    """J and $ per output token / per million tokens / per correct answer, for one run, over
    what the run generated itself (samples reused from an earlier run's cache cost this
    run's energy window nothing, so they are left out: harness.perf.workload)."""
    joules = run.energy.joules if run.energy else None
    window = run.energy.accuracy if run.energy else None
    seconds = window.seconds if window else None
    work = run.workload
    tokens, correct = (work.output_tokens, work.correct) if work else \
        (run.output_tokens, run.correct_answers)
    hw = hardware_of(run)
    gpus = (run.hardware.accelerator_count if run.hardware else None) or 0
    dollars = seconds * gpus * hw.price_per_hour / 3600 \
        if hw and hw.price_per_hour and seconds and gpus else None
    return {
        "joules_per_token": joules / tokens if joules is not None and tokens else None,
        "joules_per_correct": joules / correct if joules is not None and correct else None,
        "dollars_per_mtok": dollars / tokens * 1e6 if dollars is not None and tokens else None,
        "dollars_per_correct": dollars / correct if dollars is not None and correct else None,
    }


def measured_per_correct(run: Run, metric: str) -> float | None:
    """joules_per_correct or dollars_per_correct of a run."""
    return run_costs(run)[metric]


def estimate_per_correct(run_a: Run, plan_b: Plan, gpus: int,
                         metric: str) -> tuple[float | None, str]:
    """Model b's cost per correct answer if it needed run_a's tokens per correct answer."""
    hw = configs.get_hardware(plan_b.gpu)
    correct = run_a.correct_answers
    tokens_per_correct = run_a.output_tokens / correct if correct else 0.0
    tok_s = gpus * hw.bandwidth_bytes_per_s / plan_b.decode_bytes_per_token
    seconds = tokens_per_correct / tok_s
    if metric == "joules_per_correct":
        value: float | None = seconds * gpus * hw.power_w
    else:
        value = seconds * gpus * hw.price_per_hour / 3600 if hw.price_per_hour else None
    how = (f"estimated: {tokens_per_correct:.0f} tokens per correct answer (from the measured "
           f"run) at the batch-1 decode bound of {gpus}x {hw.label} ({tok_s:.0f} tok/s), "
           f"{gpus} x {hw.power_w:g} W board power; optimistic for this side")
    return value, how
