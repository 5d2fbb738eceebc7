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

from typing import Any

from harness import config
from harness.config import HardwareConfig
from harness.plan import Plan

ALIASES = {"H100": "h100-80gb", "H200": "h200-141gb", "A100": "a100-80gb"}


def hardware_name(accelerator: str | None) -> str | None:
    """The configs/hardware name for a GPU name such as 'NVIDIA H100 80GB HBM3'."""
    upper = (accelerator or "").upper()
    return next((hw for key, hw in ALIASES.items() if key in upper), None)


def hardware_of(run: dict[str, Any]) -> HardwareConfig | None:
    """The configs/hardware entry for the GPU a run used, if one matches its name."""
    name = hardware_name((run.get("hardware") or {}).get("accelerator"))
    return config.get_hardware(name) if name else None


def output_tokens(run: dict[str, Any]) -> int:
    """Output tokens generated over all tasks of a run."""
    gen = run.get("generation") or {}
    return sum(v.get("output_tokens_total") or 0 for k, v in gen.items()
               if isinstance(v, dict) and k != "settings")


def correct_answers(run: dict[str, Any]) -> float:
    """Correct generations in a run: score x problems x samples, summed over tasks."""
    return sum(t["value"] * (t.get("n_docs") or 0) * (t.get("samples_per_doc") or 1)
               for t in (run.get("tasks") or {}).values())


def run_costs(run: dict[str, Any]) -> dict[str, float | None]:
    """J and $ per output token / per million tokens / per correct answer, for one run."""
    energy = run.get("energy") or {}
    joules = energy.get("joules")
    seconds = (energy.get("accuracy") or {}).get("seconds")
    tokens, correct = output_tokens(run), correct_answers(run)
    hw = hardware_of(run)
    gpus = (run.get("hardware") or {}).get("accelerator_count") or 0
    dollars = seconds * gpus * hw.price_per_hour / 3600 \
        if hw and hw.price_per_hour and seconds and gpus else None
    return {
        "joules_per_token": joules / tokens if joules is not None and tokens else None,
        "joules_per_correct": joules / correct if joules is not None and correct else None,
        "dollars_per_mtok": dollars / tokens * 1e6 if dollars is not None and tokens else None,
        "dollars_per_correct": dollars / correct if dollars is not None and correct else None,
    }


def measured_per_correct(run: dict[str, Any], metric: str) -> float | None:
    """joules_per_correct or dollars_per_correct of a run."""
    return run_costs(run)[metric]


def estimate_per_correct(run_a: dict[str, Any], plan_b: Plan, gpus: int,
                         metric: str) -> tuple[float | None, str]:
    """Model b's cost per correct answer if it needed run_a's tokens per correct answer."""
    hw = config.get_hardware(plan_b.gpu)
    correct = correct_answers(run_a)
    tokens_per_correct = output_tokens(run_a) / correct if correct else 0.0
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
