"""A rehearsal of an accuracy suite without weights: the workload, not the scores.

With `--weights random` and a suite that has tasks, the suite's real prompts go through the
real engine on the model's architecture with random weights. Every generation is made to run
to its token limit (EOS suppressed through min_new_tokens = max_gen_toks, no stop strings):
the worst case a real model can produce, so the memory it needs and the time it takes are
upper bounds for the real run. Nothing is graded (random text has no answer); each task
records only how many generations it made and how many tokens the engine produced.

A task whose dataset is not on this machine (an offline GPU box, a gated dataset) is
rehearsed on stand-in prompts: the bundled gsm_mini word problems, short reasoning prompts
like AIME's and MATH's, with the task's own sampling, samples and token limit, and the task
is labelled so. The output side of the workload, which dominates a reasoning run, is the
same either way.

The projection scales the measured output tokens/s to the whole suite at full size (every
problem, every sample, every generation at its limit): hours = tokens / rate, energy =
tokens x measured joules per token. A rehearsal cut with --limit may run fewer sequences at
once than the full suite would, so its rate, and the projection built on it, errs slow.
"""

from __future__ import annotations

import copy
from typing import Any

from harness.config.configs import CONFIGS, TaskEntry
from harness.errors import HarnessError
from harness.results.parts import Estimate, Projection, Rehearsal, Workload
from harness.results.record import Run

STAND_IN = CONFIGS / "tasks" / "data" / "gsm_mini.jsonl"


def process_generation(doc: dict[str, Any], results: list[str]) -> dict[str, float]:
    """lm-eval's per-document result in a rehearsal: one count per generation, no grade."""
    return {"generations": float(len(results))}


def task(cfg: dict[str, Any], entry: TaskEntry) -> dict[str, Any]:
    """`cfg` (an lm-eval task config with the suite's settings applied) as a rehearsal."""
    out = copy.deepcopy(cfg)
    gen = dict(out.get("generation_kwargs") or {})
    limit = gen.get("max_gen_toks")
    if not limit:
        raise HarnessError(f"Task {entry.task} sets no token limit, so a rehearsal cannot make "
                           "its generations run to it: give the suite entry max_new_tokens.")
    gen.update(until=[], min_new_tokens=int(limit))
    out["generation_kwargs"] = gen
    out["process_results"] = process_generation
    out["metric_list"] = [{"metric": "generations", "aggregation": "mean",
                           "higher_is_better": True}]
    out.pop("filter_list", None)  # every sample reaches process_generation unfiltered
    return out


def stand_in(cfg: dict[str, Any], entry: TaskEntry) -> dict[str, Any]:
    """The stand-in for a task whose dataset is unavailable: gsm_mini's prompts under the
    task's own name, sampling, samples per problem and token limit."""
    from harness.accuracy.tasks import jsonl_task

    out = jsonl_task(STAND_IN)
    out["task"] = str(cfg.get("task") or entry.task)
    out["generation_kwargs"] = dict(cfg.get("generation_kwargs") or {})
    if cfg.get("repeats"):
        out["repeats"] = cfg["repeats"]
    return task(out, entry)


def stats(samples: list[dict[str, Any]], max_tokens: int | None,
          engine_tokens: int | None, prompts: str) -> dict[str, Any]:
    """One task's generation record in a rehearsal. Tokens are the engine's own count where
    it keeps one (a decoded random text does not re-tokenize to the same length), else
    generations x limit, which suppressed EOS makes exact."""
    n = sum(len(r) if isinstance(r, list) else 1 for s in samples for r in s.get("resps") or [])
    counted_by = "the engine's generated tokens"
    if engine_tokens is None:
        engine_tokens = n * (max_tokens or 0)
        counted_by = "generations x max_new_tokens (EOS suppressed)"
    return {"n_generations": n, "output_tokens_total": engine_tokens,
            "output_tokens_mean": engine_tokens / n if n else None,
            "max_new_tokens": max_tokens,
            "hit_max_new_tokens": n if max_tokens and engine_tokens >= n * max_tokens else None,
            "counted_by": counted_by, "prompts": prompts}


def projection(full_tokens: int, full_generations: int, rate: float | None,
               joules_per_token: float | None,
               unknown: tuple[str, ...] = ()) -> dict[str, Any]:
    """The whole suite at full size at the rehearsal's measured rate and energy per token."""
    seconds = full_tokens / rate if rate else None
    joules = full_tokens * joules_per_token if joules_per_token is not None else None
    basis = ("every problem and sample of the suite without --limit, each generation at its "
             "token limit, at this rehearsal's measured output tokens/s and joules per token "
             "(a rehearsal cut with --limit runs fewer sequences at once, so this errs long)")
    if unknown:
        basis += f"; leaves out {', '.join(unknown)}, whose size is unknown without its data"
    return {"generations": full_generations, "output_tokens": full_tokens,
            "output_tokens_per_s": rate, "hours": seconds / 3600 if seconds else None,
            "joules": joules, "kwh": joules / 3.6e6 if joules is not None else None,
            "basis": basis}


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:,.0f} seconds"
    if seconds < 7200:
        return f"{seconds / 60:,.0f} minutes"
    return f"{seconds / 3600:,.1f} hours"


def summary(run: Run, full: Estimate) -> Rehearsal:
    """run.json's `rehearsal`: what the run measured (its workload and the engine's account
    in `backend`), and `full` (the suite's size without --limit) projected from it."""
    work = run.workload or Workload()
    backend = run.backend
    hits = [g.hit_max_new_tokens for g in run.generation.values()]
    reasons = backend.get("finish_reasons") or {}
    at_limit = reasons.get("length", 0) if reasons else \
        (sum(h for h in hits if h is not None) if None not in hits else None)
    return Rehearsal(
        tokenizer=backend.get("tokenizer"), generations=run.answers,
        output_tokens=run.output_tokens, at_limit=at_limit,
        sequences_at_once=backend.get("sequences_at_once_reached"),
        kv_sequences_at_full_length=backend.get("max_sequences_at_full_length"),
        projection=Projection.from_json(projection(
            full.max_new_tokens_total, full.generations, work.output_tokens_per_s,
            work.joules_per_output_token, full.tasks_of_unknown_size)))


def describe(run: Run) -> str:
    """The rehearsal and its projection, one paragraph for the terminal."""
    r, w = run.rehearsal, run.workload
    if r is None or w is None:
        return "No rehearsal was recorded."
    rate = f"{w.output_tokens_per_s:,.1f}" if w.output_tokens_per_s else "?"
    text = (f"Rehearsal of {run.suite.name} on random weights of {run.model.name}: "
            f"{r.generations:,} generations, {r.output_tokens:,} output tokens in "
            f"{w.seconds or 0:,.1f} s ({rate} tokens/s)")
    if r.at_limit is not None:
        text += f", {r.at_limit:,} of {r.generations:,} at their token limit"
    if r.sequences_at_once:
        text += f", up to {r.sequences_at_once:,} sequences at once"
    if w.joules_per_output_token is not None:
        text += f", {w.joules_per_output_token:.3g} J per output token"
    p = r.projection
    if p and p.hours is not None:
        text += (f". The whole suite ({p.generations:,} generations, {p.output_tokens:,} "
                 f"tokens at most) would take about {_duration(p.hours * 3600)}")
        if p.kwh is not None:
            text += f" and {p.kwh:,.2f} kWh"
        text += " here at the worst case"
    return text + ". No scores: the weights are random."
