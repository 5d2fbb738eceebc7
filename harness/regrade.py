"""Regrade a finished run: its logged generations scored again by this harness's graders.

A 32B reasoning eval takes days of GPU time, and graders improve (a box form read wrongly,
a letter missed). `harness regrade RUN` replays the run's generations, as its samples files
logged them, through the same lm-eval tasks (the suite, limits, generation settings and think
tags the run recorded) and writes what this harness makes of them into a new run directory:
scores, per-problem results, each generation's extracted answer and verdict. Nothing is
generated and no model is loaded; the source run is never touched. The new run keeps the
source's generation statistics, speed, memory and energy (they describe the same
generations), records `regraded_from` (the source's id, when, and the grading software), and
supersedes the source in every table, claim and estimate (record.load_runs).

A generation the source run graded as truncated stays truncated (it reached the token limit:
a fact of the generation, not of the grader). The problems are the ones the run logged with
its generations (each sample's doc, already processed: process_docs is not run again), so no
dataset is read and a dataset edited since changes nothing; a few-shot task, a task lm-eval
knows by name, or samples files missing a problem read the dataset instead, as the bench
does. A problem the run logged no generation for, or not the problem it logged under that
number (lm-eval's doc hash), or fewer requests than logged generations (the task or dataset
changed since) stops the regrade with its name. Code runs again in the jail.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import socket
import sys
import time
from pathlib import Path
from typing import Any

from harness import environment
from harness.accuracy import evaluate
from harness.accuracy.replay import ReplayLM
from harness.config import configs
from harness.errors import HarnessError
from harness.perf import workload
from harness.report import tables
from harness.results import files
from harness.results.parts import GenerationStats, TaskScore
from harness.results.record import RecordError, Run, read_run, write_run

GRADING_VERSIONS = ("harness", "harness_git_sha", "lm_eval", "math-verify", "datasets")


def run_dir(root: Path, source: str) -> Path:
    """The directory of run `source`: a run id under root/runs, or a run directory or its
    run.json given as a path."""
    path = Path(source).expanduser()
    for candidate in (path.parent if path.name == "run.json" else path, root / "runs" / source):
        if (candidate / "run.json").is_file():
            return candidate
    raise HarnessError(f"No run {source!r}: give a run id from {root / 'runs'} (as in the "
                       "tables' 'run' column) or the path of a run directory.")


def _source(directory: Path) -> tuple[Run, dict[str, list[dict[str, Any]]]]:
    try:
        run = read_run(directory / "run.json")
    except (OSError, RecordError) as exc:
        raise HarnessError(f"{directory / 'run.json'} cannot be read as a run ({exc}).") from exc
    if run.status != "complete":
        raise HarnessError(f"Run {run.run_id} is {run.status}: only a complete run can be "
                           "regraded. Run the same bench again (it resumes from the finished "
                           "samples), then regrade that run.")
    if not run.tasks:
        raise HarnessError(f"Run {run.run_id} has no scores to regrade (a perf-only suite, "
                           "or a rehearsal of random weights).")
    samples = {}
    for task in run.tasks:
        path = directory / "samples" / f"{task}.jsonl"
        try:
            samples[task] = files.read_jsonl(path)
        except (OSError, json.JSONDecodeError) as exc:
            raise HarnessError(f"Run {run.run_id}: its samples of task {task} ({path}) "
                               f"cannot be read ({exc}); without them there is nothing to "
                               "regrade.") from exc
    return run, samples


def _suite(run: Run, include_path: str | None) -> configs.SuiteConfig:
    """The suite the run ran: its files where they are still there (several, comma-joined,
    for `--suite a,b`), else the suites of those names."""
    path = run.suite.path
    here = bool(path) and all(Path(p).exists() for p in path.split(","))
    try:
        return configs.get_suite(path if here else run.suite.name.replace("+", ","),
                                 include_path)
    except Exception as exc:
        raise HarnessError(f"Run {run.run_id} ran suite {run.suite.name!r} "
                           f"({path or 'no file recorded'}), which cannot be found here "
                           f"({exc}). Regrade where its suite and task files are.") from exc


def _jail(run: Run, suite: configs.SuiteConfig) -> str | None:
    """How the suite's model-written programs run again: in bubblewrap, or in the weak
    layers where the source run accepted them; None for a suite that runs no code."""
    from harness.accuracy import sandbox, tasks

    if not any(tasks.runs_code(t) for t in suite.tasks):
        return None
    sandbox.allow_weak(run.sandbox == "weak")
    try:
        mode = sandbox.check()
        sandbox.self_test()
    except sandbox.SandboxUnavailable as exc:
        raise HarnessError(f"Run {run.run_id} graded model-written code. {exc}") from exc
    return mode


def _tokenizer(run: Run, recorded: bool) -> Any:
    """The model's tokenizer where the run's model directory is here and the run did not
    record its think tags (older runs: whether the chat template opens the thinking)."""
    path = run.model.path
    if recorded or not path or not Path(path).is_dir():
        return None
    try:
        from transformers import AutoTokenizer

        # never remote code here: a tokenizer that needs it leaves the YAML's think settings
        return AutoTokenizer.from_pretrained(path, trust_remote_code=False)
    except Exception:  # noqa: BLE001 - the model's YAML says how it thinks, as a fallback
        return None


def _generation(old: GenerationStats | None, task: TaskScore) -> GenerationStats | None:
    """The source's statistics of one task's generations, with what depends on the verdicts
    made again: tokens per correct answer; the verdicts of samples reused from an earlier run
    are no longer known (the workload then scales by the generated share)."""
    if old is None:
        return None
    tokens = old.output_tokens_total
    return dataclasses.replace(
        old, tokens_per_correct=tokens / task.correct if tokens and task.correct else None,
        correct_reused=None if old.samples_reused else old.correct_reused)


def regrade(source: str, results_dir: Path | None = None) -> Path:
    """Grade run `source` (an id or a directory) again into a new run directory; return it.
    The comparison table is rebuilt, with the new run in place of the source."""
    root = files.checked_root(results_dir)
    run, samples = _source(run_dir(root, source))
    settings = dict(run.generation_settings or {})
    lm_eval = settings.pop("lm_eval", None) or {}
    grading = settings.pop("grading", None)
    docs = {task: d for task, rows in samples.items() if (d := logged_docs(rows)) is not None
            and len(d) == (run.tasks[task].n_docs or len(d))}  # every problem it scored
    options = evaluate.Options(gen_kwargs=settings, num_fewshot=lm_eval.get("num_fewshot"),
                               seed=lm_eval.get("seed"),
                               include_path=lm_eval.get("include_path"), think=grading,
                               docs=docs)
    suite = _suite(run, options.include_path)
    jail = _jail(run, suite)  # before any directory exists
    new_dir = files.new_run_dir(root, run.model.name, run.suite.name)
    try:
        new = dataclasses.replace(_regraded(run, samples, suite, options, new_dir),
                                  sandbox=jail)
    except BaseException:
        shutil.rmtree(new_dir, ignore_errors=True)  # this regrade's own, half-written
        raise
    write_run(new_dir / "run.json", new)
    tables.rebuild(root)
    return new_dir


def logged_docs(rows: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """A task's problems as the run logged them, in order, where they are all there (doc ids
    0, 1, 2, ... each with its doc); None otherwise (the dataset is read instead)."""
    ids = [row.get("doc_id") for row in rows]
    if not all(isinstance(i, int) for i in ids):
        return None
    ordered = sorted(rows, key=lambda row: row["doc_id"])
    if ([row["doc_id"] for row in ordered] != list(range(len(ordered)))
            or not all(isinstance(row.get("doc"), dict) for row in ordered)):
        return None
    return [row["doc"] for row in ordered]


def _verdicts(row: dict[str, Any], metric: str) -> list[Any]:
    """A logged sample's verdicts: each generation's, else the problem's score."""
    graded = row.get("graded")
    if isinstance(graded, list) and graded:
        return [bool(g.get("correct")) if isinstance(g, dict) else None for g in graded]
    return [row.get(metric)]


def _changed(old: list[dict[str, Any]], path: Path, metric: str) -> int:
    """How many verdicts the regrade changed in one task (a problem's score where the task's
    grader gives no verdict per generation)."""
    new = {row.get("doc_id"): row for row in files.read_jsonl(path)}
    return sum(a != b for row in old
               for a, b in zip(_verdicts(row, metric),
                               _verdicts(new.get(row.get("doc_id"), {}), metric), strict=False))


def summary(new_dir: Path) -> list[str]:
    """One line per task of a regrade: the score before and after, and verdicts changed."""
    new = read_run(new_dir / "run.json")
    origin = new.regraded_from or {}
    try:
        old = read_run(run_dir(new_dir.parent.parent, str(origin.get("run_id"))) / "run.json")
    except (HarnessError, OSError, RecordError):
        return []
    lines = []
    for name, task in new.tasks.items():
        before = old.tasks.get(name)
        was = f"{100 * before.value:.1f}" if before else "-"
        n = (origin.get("changed") or {}).get(name)
        lines.append(f"  {name} ({task.metric}): {was} -> {100 * task.value:.1f}"
                     + (f", {n} verdict{'s' if n != 1 else ''} changed" if n is not None else ""))
    return lines


def _regraded(run: Run, samples: dict[str, list[dict[str, Any]]], suite: configs.SuiteConfig,
              options: evaluate.Options, new_dir: Path) -> Run:
    """The new run: the source with this regrade's scores, samples written to new_dir."""
    started, t0 = files.now_iso(), time.perf_counter()
    lm = ReplayLM(samples, run.run_id)
    acc = evaluate.run(lm, suite, configs.find_model(run.model.name),
                       _tokenizer(run, options.think is not None), run.suite.limit,
                       new_dir / "samples", None, options=options)
    scores = {k: TaskScore.from_json(v) for k, v in acc["tasks"].items()}
    if set(scores) != set(run.tasks) or lm.left():
        raise HarnessError(f"Run {run.run_id} scored tasks {sorted(run.tasks)} on "
                           f"{run.answers:,} generations; its suite now gives {sorted(scores)} "
                           f"and leaves {lm.left():,} of them unasked (fewer problems or "
                           "samples): the suite changed since it ran. Regrade with the suite "
                           "files it ran with.")
    versions = environment.versions()
    new = dataclasses.replace(
        run, run_id=new_dir.name, started_at=started, finished_at=files.now_iso(),
        duration_s=time.perf_counter() - t0, command=tuple(files.redact_argv(sys.argv)),
        pid=os.getpid(), host=socket.gethostname(), tasks=scores,
        generation={k: g for k in run.tasks
                    if (g := _generation(run.generation.get(k), scores[k])) is not None},
        generation_settings={**(run.generation_settings or {}),
                             "grading": acc["generation"]["settings"]["grading"]},
        regraded_from={"run_id": run.run_id, "at": started,
                       "versions": {k: versions.get(k) for k in GRADING_VERSIONS},
                       "changed": {k: _changed(samples[k], new_dir / "samples" / f"{k}.jsonl",
                                               scores[k].metric) for k in run.tasks}})
    if run.workload is None:
        return new
    work = workload.workload(new, run.workload.seconds or 0.0)
    return dataclasses.replace(new, workload=dataclasses.replace(
        work, bound_tokens_per_s=run.workload.bound_tokens_per_s,
        fraction_of_bound=run.workload.fraction_of_bound, bound_basis=run.workload.bound_basis))
