"""The PNG plots of results/plots/, drawn from the same rows as COMPARISON.md.

A plot with no data points is not drawn. Every figure says in its title that its numbers
are measured, and on what; files are written atomically like every other result.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from harness.results.record import Run

MEASURED = "measured runs, real weights"


def _save(fig: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".png", dir=path.parent)
    os.close(fd)
    try:
        fig.savefig(tmp, dpi=120, bbox_inches="tight")
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _scatter(points: list[tuple[float, float, str]], xlabel: str, title: str, path: Path,
             log_x: bool = False, pareto: bool = False) -> bool:
    if not points:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for x, y, label in points:
        ax.scatter(x, y)
        ax.annotate(label, (x, y), fontsize=8, xytext=(4, 4), textcoords="offset points")
    if pareto:
        front, best = [], -1.0
        for x, y, _ in sorted(points):
            if y > best:
                front.append((x, y))
                best = y
        ax.plot([p[0] for p in front], [p[1] for p in front], "--", color="gray",
                label="Pareto front")
        ax.legend()
    if log_x:
        ax.set_xscale("log")
    else:
        ax.set_xlim(left=0, right=max(x for x, _, _ in points) * 1.3)
    ax.set_ylim(0, 100)  # the whole score range, so small gaps look as small as they are
    ax.set_xlabel(xlabel)
    ax.set_ylabel("score (%)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    _save(fig, path)
    plt.close(fig)
    return True


def write_all(runs: list[Run], table: list[dict[str, Any]], out: Path) -> list[Path]:
    """Draw every plot that has data; return the files written."""
    scored = [r for r in table if r["score"] is not None and r["weights"] == "real"]
    written = []
    if _scatter([(r["peak_mem_gb"], 100 * r["score"], f"{r['model']}:{r['task']}")
                 for r in scored if r["peak_mem_gb"]], "peak memory (GB)",
                f"Accuracy vs memory footprint ({MEASURED})", out / "accuracy_vs_memory.png"):
        written.append(out / "accuracy_vs_memory.png")
    if _scatter([(r["j_per_correct"], 100 * r["score"], f"{r['model']}:{r['task']}")
                 for r in scored if r["j_per_correct"]], "GPU joules per correct answer (log)",
                f"Accuracy vs energy per correct answer ({MEASURED})",
                out / "accuracy_vs_energy.png", log_x=True, pareto=True):
        written.append(out / "accuracy_vs_energy.png")
    if _decode_vs_batch(runs, out / "decode_vs_batch.png"):
        written.append(out / "decode_vs_batch.png")
    if _tokens_per_answer(runs, out / "tokens_per_answer.png"):
        written.append(out / "tokens_per_answer.png")
    return written


def _decode_vs_batch(runs: list[Run], path: Path) -> bool:
    series: dict[str, list[tuple[int, float]]] = {}
    for run in runs:
        if not run.perf:
            continue
        label = f"{run.model.name} ({run.hardware.label if run.hardware else '?'})"
        head = run.perf.headline()
        points = [(p.batch_size, p.decode_tokens_per_s) for p in head.sweep] or \
            [(head.batch_size, head.decode_tokens_per_s)]
        for batch, rate in points:
            if batch and rate:
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
