"""The accuracy run seen as a workload: output tokens/s and joules per output token, answer
and correct answer, over what this run generated. Samples an earlier, interrupted run left
in the cache cost this run no time and no energy, so they are counted apart (`reused_*`)
rather than credited to this run's window; with its GPU's bound where one is known."""

from __future__ import annotations

import dataclasses
from typing import Any

from harness.config import configs
from harness.results.parts import Workload
from harness.results.record import Run


def workload(run: Run, seconds: float) -> Workload:
    """The workload figures of `run`'s accuracy window of `seconds`."""
    gens = run.generation.values()
    reused = sum(g.samples_reused or 0 for g in gens)
    reused_tokens = sum(g.output_tokens_reused or 0 for g in gens)
    tokens = run.output_tokens - reused_tokens
    answers = run.answers - reused
    basis = "this run's generations"
    if reused:
        unknown = [g for g in gens if g.samples_reused and g.correct_reused is None]
        known_correct = sum(g.correct_reused or 0 for g in gens)
        share = answers / run.answers if run.answers else 0.0
        correct = (run.correct_answers * share if unknown
                   else run.correct_answers - known_correct)
        basis += (f"; {reused} samples ({reused_tokens:,} output tokens) came from an earlier "
                  "run's cache and are left out")
        if unknown:
            basis += ("; correct answers scaled to the generated share (the reused samples' "
                      "own verdicts are not known)")
    else:
        correct = run.correct_answers
    joules = run.energy.joules if run.energy else None

    def per(n: float) -> float | None:
        return joules / n if joules is not None and n else None

    return Workload(seconds=seconds, output_tokens=tokens, answers=answers, correct=correct,
                    output_tokens_per_s=tokens / seconds if seconds and tokens else None,
                    joules=joules,
                    joules_per_output_token=per(tokens), joules_per_answer=per(answers),
                    joules_per_correct=per(correct), reused_samples=reused,
                    reused_output_tokens=reused_tokens if reused else None, basis=basis)


def with_bound(work: Workload, run: Run, backend: Any) -> Workload:
    """The workload with its bound on a known GPU (harness.plan.kv_budget.run_bound), where
    the engine said how much KV it had; unchanged elsewhere."""
    from harness.plan import kv_budget

    desc, hw = run.backend, configs.hardware_name(run.hardware.accelerator
                                                   if run.hardware else None)
    kv_bytes, kv_tokens = desc.get("kv_bytes"), desc.get("kv_tokens")
    sequences = min(desc.get("max_sequences_at_full_length") or 0, work.answers)
    traffic = getattr(backend, "traffic", None)
    if not (hw and kv_bytes and kv_tokens and sequences and work.answers and traffic):
        return work
    mean_output = work.output_tokens / work.answers
    t = traffic()
    bound = kv_budget.run_bound(configs.get_hardware(hw), t.decode_bytes,
                                kv_bytes / kv_tokens, sequences, mean_output / 2,
                                t.decode_params, work.output_tokens_per_s)
    return dataclasses.replace(work, **bound)
