"""The PNG plots of results/plots/, drawn from the same rows as COMPARISON.md.

Only complete runs are drawn. A plot with no data points is not drawn, and COMPARISON.md
says why (write_all returns the reason). Accuracy points carry error bars of one standard
error; decode throughput is one line per run and variant, never a line joining two runs.
Every figure says in its title that its numbers are measured; files are written
atomically like every other result.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from harness.results import files
from harness.results.record import Run

MEASURED = "measured runs, real weights"
PLOTS = ("accuracy_vs_memory.png", "accuracy_vs_energy.png", "decode_vs_batch.png",
         "tokens_per_answer.png")


def _save(fig: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".png", dir=path.parent)
    os.close(fd)
    try:
        os.chmod(tmp, files.readable_mode())
        fig.savefig(tmp, dpi=120, bbox_inches="tight")
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _scatter(points: list[tuple[float, float, float, str]], xlabel: str, title: str,
             path: Path, log_x: bool = False, pareto: bool = False) -> bool:
    """Score (%) against x, one point per (x, score, stderr, label), error bars of 1 se."""
    if not points:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for x, y, se, label in points:
        ax.errorbar(x, y, yerr=se or None, fmt="o", capsize=3)
        ax.annotate(label, (x, y), fontsize=8, xytext=(4, 4), textcoords="offset points")
    if pareto:
        front, best = [], -1.0
        for x, y, _, _ in sorted(points):
            if y > best:
                front.append((x, y))
                best = y
        ax.plot([p[0] for p in front], [p[1] for p in front], "--", color="gray",
                label="Pareto front")
        ax.legend()
    if log_x:
        ax.set_xscale("log")
    else:
        ax.set_xlim(left=0, right=max(p[0] for p in points) * 1.3)
    ax.set_ylim(0, 100)  # the whole score range, so small gaps look as small as they are
    ax.set_xlabel(xlabel)
    ax.set_ylabel("score (%), bars: ± 1 standard error")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    _save(fig, path)
    plt.close(fig)
    return True


def write_all(runs: list[Run], table: list[dict[str, Any]], out: Path) -> dict[str, str]:
    """Draw every plot that has data from the complete runs; return {file name: "" where
    drawn, else the reason it was not}."""
    import importlib.util

    if importlib.util.find_spec("matplotlib") is None:
        why = "matplotlib is not installed (`pip install 'harness[plots]'`)"
        return {name: why for name in PLOTS}
    runs = [r for r in runs if r.status == "complete"]
    scored = [r for r in table if r["score"] is not None and r["weights"] == "real"
              and r["status"] == "complete"]

    def point(r: dict[str, Any], x: float) -> tuple[float, float, float, str]:
        return (x, 100 * r["score"], 100 * (r["stderr"] or 0), f"{r['model']}:{r['task']}")

    no_scores = "no complete run of real weights with scores yet"
    drawn = {
        "accuracy_vs_memory.png": _scatter(
            [point(r, r["peak_mem_gb"]) for r in scored if r["peak_mem_gb"]],
            "peak memory (GB)", f"Accuracy vs memory footprint ({MEASURED})",
            out / "accuracy_vs_memory.png")
        or (no_scores if not scored else "no scored run recorded its peak memory"),
        "accuracy_vs_energy.png": _scatter(
            [point(r, r["j_per_correct"]) for r in scored if r["j_per_correct"]],
            "GPU joules per correct answer (log)",
            f"Accuracy vs energy per correct answer ({MEASURED})",
            out / "accuracy_vs_energy.png", log_x=True, pareto=True)
        or (no_scores if not scored else "no scored run has joules per correct answer: "
            "energy needs an NVIDIA GPU (NVML) or a CPU with readable RAPL counters"),
        "decode_vs_batch.png": _decode_vs_batch(runs, out / "decode_vs_batch.png")
        or "no complete run with a decode perf measurement yet",
        "tokens_per_answer.png": _tokens_per_answer(runs, out / "tokens_per_answer.png")
        or "no complete run of real weights with output-length statistics yet",
    }
    for name, done in drawn.items():
        if done is not True:  # a plot of runs that no longer qualify would mislead
            (out / name).unlink(missing_ok=True)
    return {name: "" if done is True else str(done) for name, done in drawn.items()}


def _decode_vs_batch(runs: list[Run], path: Path) -> bool:
    series: dict[str, list[tuple[int, float]]] = {}
    for run in runs:
        if not run.perf:
            continue
        where = run.hardware.label if run.hardware else "?"
        points = [(p.variant, p.batch_size, p.decode_tokens_per_s) for p in run.perf.points
                  if p.kind == "decode" and p.status == "ok"]
        if not points:  # an old record with its headline only
            head = run.perf.headline()
            points = [(head.variant or "?", head.batch_size, head.decode_tokens_per_s)]
        for variant, batch, rate in points:
            if batch and rate:
                label = f"{run.model.name} {variant} ({where}; run {run.run_id[-4:]})"
                series.setdefault(label, []).append((batch, rate))
    if not series:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for label, pts in sorted(series.items()):
        pts.sort()
        ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", label=label)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("batch size")
    ax.set_ylabel("decode tokens/s")
    ax.set_title("Decode throughput vs batch size (measured)")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    _save(fig, path)
    plt.close(fig)
    return True


def _tokens_per_answer(runs: list[Run], path: Path) -> bool:
    bars: dict[str, float] = {}
    for run in runs:
        if run.model.weights != "real":
            continue
        for task, g in run.generation.items():
            if g.output_tokens_mean:
                bars[f"{run.model.name}\n{task}"] = g.output_tokens_mean
    if not bars:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(max(5.0, 1.2 * len(bars)), 4.5))
    ax.bar(list(bars), list(bars.values()))
    ax.set_ylabel("mean output tokens per answer")
    ax.set_title("Tokens per answer (measured, newest run per model and task)")
    ax.tick_params(axis="x", labelsize=7)
    _save(fig, path)
    plt.close(fig)
    return True
