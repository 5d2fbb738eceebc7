"""One bench run: resolve the model, run the suite through lm-eval, time it, write run.json.

Data flows one way: config -> model + backend -> accuracy and perf (+ monitor) -> run.json
-> report. The run directory is created first, with run.json "running", then replaced
atomically by the final record ("complete", or "failed" with the error): an interrupted
run is visible for what it is."""

from __future__ import annotations

import dataclasses
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any

from harness import environment, models
from harness.accuracy import evaluate, nltk_data, rehearsal
from harness.accuracy import tasks as task_specs
from harness.backends import REMOTE, backend_args, check_installed, load_backend
from harness.backends.vllm_context import sized_args
from harness.config import configs
from harness.config.checks import check_limit
from harness.config.configs import SuiteConfig, get_suite
from harness.errors import HarnessError
from harness.perf import workload
from harness.perf.energy import EnergyMeter
from harness.perf.monitor import memory_snapshot
from harness.plan import preflight
from harness.report import tables
from harness.results import files
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
)
from harness.results.perf_points import Perf
from harness.results.record import Run, load_runs, write_run


@dataclasses.dataclass(frozen=True)
class BenchOptions:
    """What `harness bench` was asked to do."""

    model: str = "smollm2-135m"
    suite: str | None = None  # None: "default" for the embedded models, "quick" for real ones
    backend: str | None = None
    limit: float | None = None  # problems per task; below 1, lm-eval's fraction of each
    device: str = "auto"
    batch_size: int | None = None
    threads: int | None = None  # CPU runs of the hf backend; None: physical cores
    perf: bool | None = None  # None: as the suite says
    results_dir: Path | None = None
    weights: str = "real"  # "random": the architecture with random weights, perf only
    resume: bool = True  # reuse finished samples of an earlier, interrupted run
    allow_weak_sandbox: bool = False  # run code without bubblewrap (namespaces, rlimits)
    backend_args: tuple[tuple[str, str], ...] = ()  # --backend-arg KEY=VALUE, as given
    gen_kwargs: tuple[tuple[str, str], ...] = ()  # --gen_kwargs k=v,...: override sampling
    num_fewshot: int | None = None
    seed: int | None = None
    include_path: str | None = None  # a directory of lm-eval task YAMLs


def run_bench(opts: BenchOptions) -> Path:
    """Run one bench and return its run directory; the comparison table is rebuilt too.
    Every input is checked before a run directory exists, so a mistake leaves nothing
    behind; once it exists, the run ends `complete` or `failed` (SIGTERM included)."""
    for name, value in (("batch_size", opts.batch_size), ("threads", opts.threads)):
        if value is not None and value < 1:
            raise HarnessError(f"{name}={value}: give 1 or more, or leave it out.")
    if opts.limit is not None:
        check_limit(opts.limit)
    lm_options = evaluate.Options(gen_kwargs=task_specs.gen_kwargs(opts.gen_kwargs),
                                  num_fewshot=opts.num_fewshot, seed=opts.seed,
                                  include_path=_include(opts.include_path))
    root = files.checked_root(opts.results_dir)
    models.cache_dir()  # a bad $HARNESS_CACHE stops here, not after a conversion or a run
    if not Path(opts.model).exists() and (same := configs.known_hub_id(opts.model)):
        print(f"{opts.model} is the known model {same}: its YAML's protocol applies (model "
              "card sampling, chat settings, published scores).", file=sys.stderr)
        opts = dataclasses.replace(opts, model=same)
    known = configs.find_model(opts.model)
    backend_name = opts.backend or (known.backend.default if known else "hf")
    args = backend_args(backend_name, known, opts.backend_args)
    suite = get_suite(opts.suite, lm_options.include_path) if opts.suite is not None else None
    # Before anything is resolved or downloaded: a model that needs a cluster stops here.
    preflight.check_gpus(known, backend_name, args, opts.device)
    check_installed(backend_name)  # a missing engine stops here, with no run directory
    model = models.resolve(opts.model, weights=opts.weights, local=backend_name not in REMOTE)
    if backend_name == "hf":  # weights larger than the memory they go to stop here
        from harness.backends import hf

        hf.check_fit(model, opts.device, args.get("dtype"), args.get("device_map"))
    suite = suite or get_suite(default_suite(model))
    jail, jail_python = _sandbox(suite, opts)  # before any weight is loaded
    task_specs.check_entries(suite, lm_options.include_path)
    if opts.weights != "random":
        nltk_data.ensure(suite)  # IFEval's grader needs punkt_tab: stop now, not at the end
    run_dir = files.new_run_dir(root, model.name, suite.name)
    base = _base_record(run_dir, opts, suite, model, backend_name)
    if jail_python:  # the Python that runs model-written code
        base.versions["sandbox_python"] = jail_python
    bench = _Bench(dataclasses.replace(base, sandbox=jail))
    write_run(run_dir / "run.json", bench.run)
    t0 = time.perf_counter()
    try:
        _execute(bench, opts, suite, model, backend_name, args, run_dir, root, lm_options)
        bench.update(status="complete")
    except BaseException as exc:
        bench.update(status="failed", error=f"{type(exc).__name__}: {exc}")
        raise
    finally:
        bench.update(finished_at=files.now_iso(), duration_s=time.perf_counter() - t0)
        write_run(run_dir / "run.json", bench.run)
        tables.rebuild(root)
    return run_dir


def _include(path: str | None) -> str | None:
    """--include_path: a directory of lm-eval task YAMLs, checked before anything loads."""
    if path is None:
        return None
    if not Path(path).is_dir():
        raise HarnessError(f"--include_path {path}: not a directory. Give a directory of "
                           "lm-eval task YAMLs (lm-eval's own --include_path).")
    return str(Path(path).resolve())


def _sandbox(suite: SuiteConfig, opts: BenchOptions) -> tuple[str | None, str | None]:
    """How a suite's model-written programs will be confined: "bubblewrap", "weak" (accepted
    with --allow-weak-sandbox), or None for a suite that runs no code; and the version of the
    Python that runs them. HarnessError where bubblewrap is missing and the weak layers were
    not accepted, or where the jail cannot run a known-good program."""
    from harness.accuracy import lcb, sandbox, tasks

    if opts.weights == "random" or not any(tasks.runs_code(t) for t in suite.tasks):
        return None, None
    sandbox.allow_weak(opts.allow_weak_sandbox)
    try:
        mode, python = sandbox.check(), sandbox.self_test()
    except sandbox.SandboxUnavailable as exc:
        raise HarnessError(f"Suite {suite.name} runs model-written code. {exc}") from exc
    if "no numpy" in python and any(t.task == "livecodebench" for t in suite.tasks):
        print(lcb.NO_NUMPY, file=sys.stderr, flush=True)
    return mode, python


class _Bench:
    """The run record as it grows: each stage replaces the parts it produced."""

    def __init__(self, run: Run) -> None:
        self.run = run

    def update(self, **parts: Any) -> None:
        self.run = dataclasses.replace(self.run, **parts)


def default_suite(model: models.ResolvedModel) -> str:
    """The suite a bench runs when none is named: the bundled one for the embedded models,
    perf for random weights of a real architecture, the quick reasoning suite otherwise
    (never the multi-day full protocol by accident)."""
    if model.architecture_only:
        return "perf"
    embedded = model.config is not None and model.config.source.kind in ("gguf-package",
                                                                         "random")
    return "default" if embedded else "quick"


def _announce(run: Run, suite: SuiteConfig, model: models.ResolvedModel, backend: Any,
              opts: BenchOptions, root: Path) -> Estimate:
    """Print (and return for the record) how much the suite will generate and for how long
    (harness.plan.announce)."""
    from harness.plan.announce import announce

    return announce(load_runs(root), suite, model.name, model.config, backend.device,
                    run.hardware or Hardware(), opts.limit)


def _execute(bench: _Bench, opts: BenchOptions, suite: SuiteConfig,
             model: models.ResolvedModel, backend_name: str, args: dict[str, Any],
             run_dir: Path, root: Path, lm_options: evaluate.Options) -> None:
    batch = opts.batch_size or suite.batch_size
    if backend_name == "hf":
        args = {**args, "threads": opts.threads}
    if backend_name == "vllm":  # KV for this bench's longest sequence (vllm_context.py)
        perf_on = suite.perf.enabled if opts.perf is None else opts.perf
        args, basis = sized_args(args, model, suite, lm_options.gen_kwargs, perf_on)
        args = {**args, "context_basis": basis}
    backend = load_backend(backend_name, model, device=opts.device, batch_size=batch, **args)
    remote = getattr(backend, "remote", False)
    devices = list(getattr(backend, "gpu_indices", [0])) \
        if backend.device.startswith("cuda") else []
    unavailable = getattr(backend, "energy_unavailable", None)
    desc = backend.describe()
    info = dataclasses.replace(bench.run.model, parameters=backend.parameter_count(),
                               commit=None if remote else models.commit_of(model))
    if remote:
        hardware = Hardware.from_json({**backend.hardware(),
                                       "client": environment.hardware("cpu")})
        info = dataclasses.replace(info, origin=(
            f"served by {desc['base_url']} as {desc['served_model']}"
            " (weights and dtype as the server loaded them)"))
    else:
        hardware = Hardware.from_json(environment.hardware(backend.device))
    bench.update(backend=desc, hardware=hardware, model=info)
    memory = {"weights_bytes": backend.weight_bytes()}
    energy = Energy()
    if suite.tasks:
        # random weights with a suite of tasks: a rehearsal of the workload, no scores
        rehearse = opts.weights == "random"
        if not rehearse:
            bench.update(estimate=_announce(bench.run, suite, model, backend, opts, root))
        with EnergyMeter(devices, unavailable=unavailable) as meter:
            identity = _identity(model, backend, bench.run.model.commit) \
                if opts.resume and not rehearse else None
            acc = evaluate.run(backend.lm(), suite, model.config, backend.tokenizer,
                               opts.limit, run_dir / "samples", identity, rehearse, lm_options)
        energy = Energy(joules=meter.result.joules, reason=meter.result.reason,
                        accuracy=meter.result.to_record())
        bench.update(backend=backend.describe())  # with what the accuracy run chose (KV)
        generation = dict(acc["generation"])
        settings = generation.pop("settings")
        bench.update(tasks={k: TaskScore.from_json(v) for k, v in acc["tasks"].items()},
                     generation={k: GenerationStats.from_json(v) for k, v in generation.items()},
                     generation_settings=settings, energy=energy)
        work = workload.workload(bench.run, meter.result.seconds)
        bench.update(workload=workload.with_bound(work, bench.run, backend))
        if rehearse:
            bench.update(rehearsal=_rehearsal(bench.run, suite, model),
                         accuracy_skipped="random weights: a rehearsal of the workload "
                                          "(every generation to its limit), no scores")
            print(rehearsal.describe(bench.run), file=sys.stderr, flush=True)
    perf: dict[str, Any] = {}
    if suite.perf.enabled if opts.perf is None else opts.perf:
        # What an interrupted sweep leaves in run.json: the points finished so far.
        points: list[dict[str, Any]] = []
        bench.update(perf=Perf(status="interrupted"))
        try:
            with EnergyMeter(devices, unavailable=unavailable) as meter:
                perf = backend.measure_perf(suite.perf, on_point=points.append)
        except BaseException:
            bench.update(perf=Perf.from_json({"status": "interrupted", "points": points}))
            raise
        energy = dataclasses.replace(energy, perf=meter.result.to_record(),
                                     reason=energy.reason or meter.result.reason)
        bench.update(perf=Perf.from_json(perf), energy=energy)
    if remote:
        memory["reason"] = unavailable
    else:
        memory.update(memory_snapshot(backend.device, backend))
    if perf:
        memory["device_peak_bytes"] = perf.get("device_peak_bytes")
        memory["device_peak_reason"] = perf.get("device_peak_reason")
    bench.update(memory=Memory.from_json(memory), energy=energy)
    backend.close()


def _rehearsal(run: Run, suite: SuiteConfig, model: models.ResolvedModel) -> Rehearsal:
    """What a rehearsal measured, and the whole suite (without --limit) projected from it."""
    from harness.plan import estimate

    max_tokens = model.config.generation.max_new_tokens if model.config else 32768
    return rehearsal.summary(run, estimate.estimate(suite, None, max_tokens, None, ""))


def _identity(model: models.ResolvedModel, backend: Any,
              commit: str | None = None) -> dict[str, Any]:
    """What makes two generations interchangeable for the sample cache: the weights (the
    commit a hub revision resolved to, so a moved `main` never serves old samples) and the
    engine (for a server, its address and the name it serves the model under)."""
    desc = backend.describe()
    ident = {"model": model.path or model.name, "revision": commit or model.revision,
             "dtype": desc.get("dtype"), "backend": backend.name, "weights": model.weights}
    if desc.get("generation_path"):  # two engines' greedy outputs may differ in the last bit
        ident["generation"] = desc["generation_path"]
    ident.update({k: desc[k] for k in ("base_url", "served_model") if desc.get(k)})
    return ident


def _base_record(run_dir: Path, opts: BenchOptions, suite: SuiteConfig,
                 model: models.ResolvedModel, backend_name: str) -> Run:
    cfg = model.config
    return Run(
        run_id=run_dir.name, status="running", started_at=files.now_iso(),
        command=tuple(files.redact_argv(sys.argv)), pid=os.getpid(), host=socket.gethostname(),
        model=ModelInfo(
            name=model.name, id=cfg.source.hub_id if cfg and cfg.source.hub_id else model.path,
            path=model.path, revision=model.revision, dtype=model.dtype, weights=model.weights,
            origin=model.origin, trust_remote_code=model.trust_remote_code),
        backend={"name": backend_name},
        suite=SuiteInfo(name=suite.name, path=suite.path, limit=opts.limit or suite.limit,
                        sampling=suite.sampling, tasks=tuple(t.task for t in suite.tasks)),
        versions=environment.versions())
