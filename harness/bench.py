"""One bench run: resolve the model, run the suite through lm-eval, time it, write run.json.

Data flows one way: config -> model + backend -> accuracy and perf (+ monitor) -> run.json
-> report. The run directory is created first and run.json is written as "running", then
replaced atomically with the final record ("complete", or "failed" with the error), so an
interrupted run is visible for what it is.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path
from typing import Any

from harness import accuracy, config, environment, models, preflight, report, results
from harness.backends import REMOTE, backend_args, load_backend
from harness.config import SuiteConfig, get_suite
from harness.energy import EnergyMeter
from harness.monitor import memory_snapshot


@dataclasses.dataclass(frozen=True)
class BenchOptions:
    """What `harness bench` was asked to do."""

    model: str = "smollm2-135m"
    suite: str | None = None  # None: "default" for the embedded models, "quick" for real ones
    backend: str | None = None
    limit: int | None = None
    device: str = "auto"
    batch_size: int | None = None
    perf: bool | None = None  # None: as the suite says
    results_dir: Path | None = None
    weights: str = "real"  # "random": the architecture with random weights, perf only
    resume: bool = True  # reuse finished samples of an earlier, interrupted run
    backend_args: tuple[tuple[str, str], ...] = ()  # --backend-arg KEY=VALUE, as given


def run_bench(opts: BenchOptions) -> Path:
    """Run one bench and return its run directory; the comparison table is rebuilt too."""
    known = config.get_model(opts.model) if opts.model in config.model_names() else None
    backend_name = opts.backend or (known.backend.default if known else "hf")
    args = backend_args(backend_name, known, opts.backend_args)
    # Before anything is resolved or downloaded: a model that needs a cluster stops here.
    preflight.check_gpus(known, backend_name, args, opts.device)
    model = models.resolve(opts.model, weights=opts.weights, local=backend_name not in REMOTE)
    suite = get_suite(opts.suite or default_suite(model))
    root = opts.results_dir or results.results_root()
    run_dir = results.new_run_dir(root, model.name, suite.name)
    record = _base_record(run_dir, opts, suite, model, backend_name)
    results.write_json(run_dir / "run.json", record)
    t0 = time.perf_counter()
    try:
        _execute(record, opts, suite, model, backend_name, args, run_dir, root)
        record["status"] = "complete"
    except BaseException as exc:
        record["status"] = "failed"
        record["error"] = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        record["finished_at"] = results.now_iso()
        record["duration_s"] = time.perf_counter() - t0
        results.write_json(run_dir / "run.json", record)
        report.rebuild(root)
    return run_dir


def default_suite(model: models.ResolvedModel) -> str:
    """The suite a bench runs when none is named: the bundled one for the embedded models,
    perf for random weights of a real architecture, the quick reasoning suite otherwise
    (never the multi-day full protocol by accident)."""
    if model.weights == "random" and not model.path:
        return "perf"
    embedded = model.config is not None and model.config.source.kind in ("gguf-package",
                                                                         "random")
    return "default" if embedded else "quick"


def _announce(record: dict[str, Any], suite: SuiteConfig, model: models.ResolvedModel,
              backend: Any, opts: BenchOptions, root: Path) -> None:
    """Print (and record) how much the suite will generate and an upper bound on its time."""
    from harness import estimate, plan
    from harness.efficiency import hardware_name

    label = record["hardware"]["label"]
    rate = estimate.known_rate(results.load_runs(root), model.name, label)
    source = f"batch-1 decode measured earlier for {model.name} on {label}"
    if rate is None and backend.device.startswith("cuda") and model.config:
        hw = hardware_name(record["hardware"].get("accelerator"))
        if hw:
            rate = plan.make_plan(model.config.name, hw).decode_bound_tokens_per_s
            source = f"the plan's batch-1 bandwidth bound on {hw}"
    max_tokens = model.config.generation.max_new_tokens if model.config else 32768
    est = estimate.estimate(suite, opts.limit, max_tokens, rate, source)
    record["estimate"] = est
    print(estimate.describe(est, suite.name, model.name), file=sys.stderr, flush=True)


def _execute(record: dict[str, Any], opts: BenchOptions, suite: SuiteConfig,
             model: models.ResolvedModel, backend_name: str, args: dict[str, Any],
             run_dir: Path, root: Path) -> None:
    batch = opts.batch_size or suite.batch_size
    backend = load_backend(backend_name, model, device=opts.device, batch_size=batch, **args)
    remote = getattr(backend, "remote", False)
    devices = list(getattr(backend, "gpu_indices", [0])) \
        if backend.device.startswith("cuda") else []
    unavailable = getattr(backend, "energy_unavailable", None)
    record["backend"] = backend.describe()
    record["hardware"] = backend.hardware() if remote else environment.hardware(backend.device)
    if remote:
        record["hardware"]["client"] = environment.hardware("cpu")
        desc = record["backend"]
        record["model"]["origin"] = (f"served by {desc['base_url']} as {desc['served_model']}"
                                     " (weights and dtype as the server loaded them)")
    record["model"]["parameters"] = backend.parameter_count()
    record["memory"] = {"weights_bytes": backend.weight_bytes()}
    record["energy"] = {"joules": None, "reason": None, "accuracy": None, "perf": None}
    architecture_only = model.weights == "random" and not model.path
    if suite.tasks and architecture_only:
        record["accuracy_skipped"] = "random weights: this run measures speed and memory only"
    elif suite.tasks:
        _announce(record, suite, model, backend, opts, root)
        with EnergyMeter(devices, unavailable=unavailable) as meter:
            identity = _identity(model, backend) if opts.resume else None
            acc = accuracy.run(backend.lm(), suite, model.config, backend.tokenizer,
                               opts.limit, run_dir / "samples", identity)
        record.update(acc)
        record["energy"].update(joules=meter.result.joules, reason=meter.result.reason,
                                accuracy=meter.result.to_json())
        record["workload"] = workload(record, meter.result.seconds)
    if suite.perf.enabled if opts.perf is None else opts.perf:
        # What an interrupted sweep leaves in run.json: the points finished so far.
        record["perf"] = {"status": "interrupted", "points": []}
        with EnergyMeter(devices, unavailable=unavailable) as meter:
            record["perf"] = backend.measure_perf(suite.perf,
                                                  on_point=record["perf"]["points"].append)
        record["energy"]["perf"] = meter.result.to_json()
        record["energy"]["reason"] = record["energy"]["reason"] or meter.result.reason
    if remote:
        record["memory"]["reason"] = unavailable
    else:
        record["memory"].update(memory_snapshot(backend.device))
    if record.get("perf"):
        record["memory"]["device_peak_bytes"] = record["perf"].get("device_peak_bytes")
        record["memory"]["device_peak_reason"] = record["perf"].get("device_peak_reason")
    backend.close()


def _identity(model: models.ResolvedModel, backend: Any) -> dict[str, Any]:
    """What makes two generations interchangeable for the sample cache: the weights and the
    engine (for a server, its address and the name it serves the model under)."""
    desc = backend.describe()
    ident = {"model": model.path or model.name, "revision": model.revision,
             "dtype": desc.get("dtype"), "backend": backend.name, "weights": model.weights}
    ident.update({k: desc[k] for k in ("base_url", "served_model") if desc.get(k)})
    return ident


def workload(record: dict[str, Any], seconds: float) -> dict[str, Any]:
    """The reasoning workload itself: output tokens/s and joules per token, answer and
    correct answer over the accuracy run."""
    from harness.efficiency import correct_answers, output_tokens

    tokens = output_tokens(record)
    answers = sum(g.get("n_generations", 0) for k, g in record["generation"].items()
                  if k != "settings")
    correct = correct_answers(record)
    joules = record["energy"]["joules"]

    def per(n: float) -> float | None:
        return joules / n if joules is not None and n else None

    return {"seconds": seconds, "output_tokens": tokens, "answers": answers,
            "correct": correct, "output_tokens_per_s": tokens / seconds if seconds else None,
            "joules": joules, "joules_per_output_token": per(tokens),
            "joules_per_answer": per(answers), "joules_per_correct": per(correct)}


def _base_record(run_dir: Path, opts: BenchOptions, suite: SuiteConfig,
                 model: models.ResolvedModel, backend_name: str) -> dict[str, Any]:
    cfg = model.config
    return {
        "schema_version": results.SCHEMA_VERSION,
        "run_id": run_dir.name,
        "status": "running",
        "started_at": results.now_iso(),
        "finished_at": None,
        "command": results.redact_argv(sys.argv),
        "model": {
            "name": model.name, "id": cfg.source.hub_id if cfg and cfg.source.hub_id else
            model.path, "path": model.path, "revision": model.revision, "dtype": model.dtype,
            "weights": model.weights, "origin": model.origin,
            "trust_remote_code": model.trust_remote_code,
        },
        "backend": {"name": backend_name},
        "suite": {"name": suite.name, "path": suite.path, "limit": opts.limit or suite.limit,
                  "sampling": suite.sampling, "tasks": [t.task for t in suite.tasks]},
        "hardware": None,
        "versions": environment.versions(),
        "tasks": {},
        "generation": {},
        "perf": None,
        "memory": None,
        "energy": None,
    }
