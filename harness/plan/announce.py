"""What a bench says before it starts: how much the suite will generate, and for how long.

The work is the suite's upper bound (estimate.py: every generation to its limit), in hours at
the best decode rate known for the model here (a batch-1 rate measured by an earlier run on
this hardware, else the plan's batch-1 bound on a GPU the hardware configs know). Where an
earlier run of the same model's real weights measured output lengths (lengths.py), the
announcement adds the new tokens those lengths make, and their hours at that rate: the
figure to plan by, the bound being the worst case.
"""

from __future__ import annotations

import sys

from harness.config import configs
from harness.config.configs import ModelConfig, SuiteConfig
from harness.errors import HarnessError
from harness.plan import estimate, lengths, sizing
from harness.results.parts import Estimate, Hardware
from harness.results.record import Run


def announce(runs: list[Run], suite: SuiteConfig, model: str, config: ModelConfig | None,
             device: str, hardware: Hardware, limit: float | None) -> Estimate:
    """Print to stderr (and return for the record) the suite's work and its hours."""
    rate = estimate.known_rate(runs, model, hardware.label)
    source = f"batch-1 decode measured earlier for {model} on {hardware.label}"
    if rate is None and device.startswith("cuda") and config:
        hw = configs.hardware_name(hardware.accelerator)
        if hw:
            rate = sizing.make_plan(config.name, hw).decode_bound_tokens_per_s
            source = f"{estimate.PLAN_BOUND} on {hw}"
    max_tokens = config.generation.max_new_tokens if config else 32768
    est = estimate.estimate(suite, limit, max_tokens, rate, source)
    text = estimate.describe(est, suite.name, model)
    measured = lengths.newest(runs, model, suite) if est.generations else None
    try:
        tokens, note = lengths.expected_tokens(suite, limit, max_tokens, measured, model) \
            if measured else (0, "")
    except HarnessError:  # that run measured other tasks: nothing to add
        tokens = 0
    if tokens:
        hours = f", {tokens / rate / 3600:,.1f} hours at that rate" if rate else ""
        text += f" At the {note}: about {tokens:,} new tokens{hours}."
    print(text, file=sys.stderr, flush=True)
    return est
