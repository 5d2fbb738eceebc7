"""The run record, Run, and the only code that reads or writes run.json.

Everything downstream (report, claims, plots, estimates) takes `Run` objects from `load_runs`
and reads their attributes, never key strings; `bench` builds a `Run` and writes it with
`write_run`. `SCHEMA_VERSION` is what this code writes; `upgrade` brings an older record into
the current shape when it is read, so every run ever committed still loads. A record of an
unknown version, or one that is not an object, is refused with its reason rather than misread.
The file format is documented in docs/results.md.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import os
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.results import files, perf_points
from harness.results.base import Record, RecordError
from harness.results.parts import (
    Energy,
    Estimate,
    GenerationStats,
    Hardware,
    Memory,
    ModelInfo,
    Rehearsal,
    SuiteInfo,
    TaskScore,
    Workload,
)
from harness.results.perf_points import Perf

SCHEMA_VERSION = 2
KNOWN_VERSIONS = (1, 2)


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """An older run.json in the current shape; the current one as it is."""
    version = data.get("schema_version")
    if version not in KNOWN_VERSIONS:
        raise RecordError(f"schema_version {version!r} is not one this harness reads "
                          f"({', '.join(map(str, KNOWN_VERSIONS))}); written by a newer one?")
    if version != 1:
        return data
    try:
        return _from_1(data)
    except (AttributeError, TypeError, ValueError) as exc:  # a field of the wrong shape
        raise RecordError(f"a schema 1 record with a malformed perf section ({exc})") from exc


def _from_1(data: dict[str, Any]) -> dict[str, Any]:
    """Schema 1 -> 2. Version 1 timed decode as two separate calls (E2E minus TTFT), timed
    prefill as a 1-token generate(), and some runs stored J/token divided by runs rather than
    tokens. Each ok point's J/token is recomputed from its energy window and the tokens in
    it, its timing is named, and the sanity check of version 2 marks impossible points
    `invalid`; the record says it was upgraded (`upgraded_from_schema`)."""
    data = copy.deepcopy(data)
    perf = data.get("perf")
    for p in (perf.get("points") or []) if isinstance(perf, dict) else []:
        if not isinstance(p, dict) or p.get("status") != "ok" or p.get("variant") == "server":
            continue
        prefill = p.get("kind") == "prefill"
        p.setdefault("timing", "time to first token of a 1-token generate() (schema 1)"
                     if prefill else "separate calls: E2E minus TTFT (schema 1)")
        per_run = p.get("prompt_tokens") if prefill else p.get("new_tokens")
        tokens = (p.get("batch_size") or 0) * (per_run or 0) * (p.get("repeats") or 0)
        joules = (p.get("energy") or {}).get("joules")
        if joules is not None and tokens:
            p["joules_per_token"] = joules / tokens
        perf_points.check(p)
    if isinstance(perf, dict) and perf.get("points"):
        points = [perf_points.PerfPoint.from_json(p) for p in perf["points"]]
        perf.update(perf_points.headline(points).to_json())
    data["schema_version"] = SCHEMA_VERSION
    data["upgraded_from_schema"] = 1
    return data


@dataclass(frozen=True)
class Run(Record):
    """One bench: what ran, where, the scores, the perf sweep, memory, energy, workload."""

    run_id: str = "?"
    status: str = "?"  # running, complete or failed; interrupted when read (see settle)
    schema_version: int = SCHEMA_VERSION
    started_at: str | None = None
    finished_at: str | None = None
    duration_s: float | None = None
    error: str | None = None
    command: tuple[str, ...] = ()
    pid: int | None = None  # the process and host that ran it, to tell a dead run
    host: str | None = None
    model: ModelInfo = field(default_factory=ModelInfo)
    backend: dict[str, Any] = field(default_factory=dict)  # each backend describes itself
    suite: SuiteInfo = field(default_factory=SuiteInfo)
    hardware: Hardware | None = None
    versions: dict[str, Any] = field(default_factory=dict)
    tasks: dict[str, TaskScore] = field(default_factory=dict)
    generation: dict[str, GenerationStats] = field(default_factory=dict)
    generation_settings: dict[str, Any] | None = None
    estimate: Estimate | None = None
    accuracy_skipped: str | None = None
    perf: Perf | None = None
    memory: Memory | None = None
    energy: Energy | None = None
    workload: Workload | None = None
    rehearsal: Rehearsal | None = None
    sandbox: str | None = None  # code suites: "bubblewrap", or "weak" where accepted
    # a regrade (harness/regrade.py): the run whose generations were graded again, when and
    # with which grading software; that run is superseded by this one (load_runs)
    regraded_from: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Run:
        """A Run from run.json's object (upgraded first); `generation.settings` is split off
        into generation_settings."""
        if not isinstance(data, dict):
            raise RecordError(f"expected a JSON object, got {type(data).__name__}")
        data = dict(upgrade(data))
        generation = data.pop("generation", None) or {}
        if not isinstance(generation, dict):
            raise RecordError(f"generation: expected an object, got {type(generation).__name__}")
        generation = dict(generation)
        data["generation_settings"] = generation.pop("settings", None)
        data["generation"] = generation
        return super().from_json(data)

    def to_json(self) -> dict[str, Any]:
        """run.json's object: generation settings go back under `generation.settings`."""
        out = super().to_json()
        settings = out.pop("generation_settings")
        if settings is not None:
            out["generation"] = {"settings": settings, **out["generation"]}
        for key in ("error", "estimate", "accuracy_skipped", "workload", "rehearsal",
                    "sandbox", "duration_s", "pid", "host", "regraded_from"):
            if out.get(key) is None:
                out.pop(key, None)
        return out

    @property
    def output_tokens(self) -> int:
        """Output tokens generated over all tasks."""
        return sum(g.output_tokens_total or 0 for g in self.generation.values())

    @property
    def answers(self) -> int:
        """Generations made over all tasks."""
        return sum(g.n_generations for g in self.generation.values())

    @property
    def correct_answers(self) -> float:
        """Correct generations over all tasks."""
        return sum(t.correct for t in self.tasks.values())

    @property
    def correct_answers_se(self) -> float:
        """Standard error of correct_answers, from each task's standard error across
        problems (tasks independent)."""
        return math.sqrt(sum(((t.stderr or 0.0) * (t.n_docs or 0) * (t.samples_per_doc or 1))
                             ** 2 for t in self.tasks.values()))

    @property
    def complete_real(self) -> bool:
        """A finished run of real weights: the only kind whose scores count."""
        return self.status == "complete" and self.model.weights == "real"


def read_run(path: Path) -> Run:
    """The Run in a run.json file (RecordError or OSError if it cannot be read as one)."""
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise RecordError(f"not valid JSON ({exc})") from exc
    run = Run.from_json(data)
    run = run if run.run_id != "?" else dataclasses.replace(run, run_id=path.parent.name)
    return settle(run)


def settle(run: Run) -> Run:
    """A run recorded as `running` whose process is gone from this host was killed before it
    could write its end (SIGKILL, out of memory, power): it reads as `interrupted`."""
    if run.status != "running" or run.pid is None or run.host != socket.gethostname():
        return run
    try:
        os.kill(run.pid, 0)
        return run
    except PermissionError:  # alive, under another user
        return run
    except ProcessLookupError:
        return dataclasses.replace(run, status="interrupted", error=run.error or (
            f"process {run.pid} on {run.host} ended without recording an end (killed, e.g. "
            "SIGKILL or out of memory); finished samples are in the cache, so rerunning the "
            "same bench resumes it"))


def write_run(path: Path, run: Run) -> None:
    """Write a Run as run.json, atomically and with secrets redacted."""
    files.write_json(path, run.to_json())


def load_runs(root: Path, warn: bool = True) -> list[Run]:
    """Every readable run under root/runs, oldest first, less those a complete regrade
    supersedes (its generations graded again: the regrade's scores stand for them, and its
    generations, speed and energy are theirs), and less older regrades of the same
    generations, regrades of regrades included. One that cannot be read is skipped with a
    line on stderr naming the file and why, so one bad file never breaks a report."""
    runs = []
    for path in sorted((root / "runs").glob("*/run.json")):
        try:
            runs.append(read_run(path))
        except (OSError, RecordError, TypeError) as exc:
            if warn:
                print(f"warning: skipped {path}: {exc}", file=sys.stderr)
    regrades = {r.run_id: str(r.regraded_from.get("run_id")) for r in runs
                if r.regraded_from and r.status == "complete"}
    latest: dict[str, str] = {}  # first source -> its newest complete regrade (runs sort by time)
    for r in runs:
        if r.run_id in regrades:
            latest[_first_source(r.run_id, regrades)] = r.run_id
    superseded = set(latest) | (set(regrades) - set(latest.values()))
    return [r for r in runs if r.run_id not in superseded]


def _first_source(run_id: str, regrades: dict[str, str]) -> str:
    """The run whose generations a regrade holds, through regrades of regrades (A graded again
    as B, B as C, and A again as D: all of them A's, and the newest stands for A)."""
    seen = {run_id}
    while run_id in regrades and regrades[run_id] not in seen:
        run_id = regrades[run_id]
        seen.add(run_id)
    return run_id
