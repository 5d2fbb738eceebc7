"""Rebuild results/COMPARISON.md and results/comparison.csv from every run.json.

Reads only run.json files, so the tables can be rebuilt at any time, from runs made on other
machines. One row per run and task; every figure here was measured by the run it names.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from harness import results

COLUMNS = ["run", "model", "backend", "hardware", "weights", "suite", "task", "metric",
           "score", "stderr", "n", "decode_tok_s", "prefill_tok_s", "peak_mem_gb", "energy_j"]


def rows(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flatten runs into table rows (one per task; a run without tasks gives one row)."""
    out = []
    for run in runs:
        perf = run.get("perf") or {}
        mem = run.get("memory") or {}
        peak = mem.get("peak_allocated_bytes") or mem.get("peak_rss_bytes")
        energy = (run.get("energy") or {}).get("joules")
        base = {
            "run": run.get("run_id", "?") + ("" if run.get("status") == "complete"
                                              else f" ({run.get('status', '?')})"),
            "model": (run.get("model") or {}).get("name", "?"),
            "backend": (run.get("backend") or {}).get("name", "?"),
            "hardware": (run.get("hardware") or {}).get("label", "?"),
            "weights": (run.get("model") or {}).get("weights", "?"),
            "suite": (run.get("suite") or {}).get("name", "?"),
            "decode_tok_s": perf.get("decode_tokens_per_s"),
            "prefill_tok_s": perf.get("prefill_tokens_per_s"),
            "peak_mem_gb": peak / 1e9 if peak else None,
            "energy_j": energy,
        }
        tasks = run.get("tasks") or {}
        if not tasks:
            out.append({**base, "task": "-", "metric": "-", "score": None, "stderr": None,
                        "n": None})
        for name, t in tasks.items():
            out.append({**base, "task": name, "metric": t.get("metric"), "score": t.get("value"),
                        "stderr": t.get("stderr"), "n": t.get("n_docs")})
    return out


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def markdown(table: list[dict[str, Any]]) -> str:
    """COMPARISON.md: the table plus how to read it."""
    head = ("| run | model | backend | hardware | weights | suite | task | score ± stderr | n "
            "| decode tok/s | prefill tok/s | peak mem GB | energy J |")
    lines = [
        "# Comparison of runs",
        "",
        "Rebuilt by `make report` from every `results/runs/*/run.json`. Every figure below was",
        "measured by the run in its row, on the hardware named there (provenance: measured).",
        "Score is the task's headline metric in percent, ± one standard error across problems;",
        "n is the number of problems. Decode and prefill tokens/s come from the run's perf",
        "measurement (batch and lengths in run.json); peak memory is torch's peak allocation",
        "on a GPU and the process's peak RSS on CPU. Rows whose weights are \"random\"",
        "(tiny-random) measure speed and plumbing only: their scores are noise.",
        "",
        head,
        "|" + "---|" * 13,
    ]
    for r in table:
        score = "-" if r["score"] is None else f"{100 * r['score']:.1f}"
        if r["score"] is not None and r["stderr"] is not None:
            score += f" ± {100 * r['stderr']:.1f}"
        lines.append(
            f"| {r['run']} | {r['model']} | {r['backend']} | {r['hardware']} | {r['weights']} "
            f"| {r['suite']} | {r['task']} ({r['metric']}) | {score} | {_fmt(r['n'])} "
            f"| {_fmt(r['decode_tok_s'])} | {_fmt(r['prefill_tok_s'])} "
            f"| {_fmt(r['peak_mem_gb'], 2)} | {_fmt(r['energy_j'])} |")
    if not table:
        lines.append("| (no runs yet: `make bench`) |" + " |" * 12)
    return "\n".join(lines) + "\n"


def to_csv(table: list[dict[str, Any]]) -> str:
    """The same rows as CSV, with raw (unrounded) values."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS)
    writer.writeheader()
    for r in table:
        writer.writerow({k: r.get(k) for k in COLUMNS})
    return buf.getvalue()


def rebuild(root: Path) -> list[dict[str, Any]]:
    """Write root/COMPARISON.md and root/comparison.csv; return the rows."""
    table = rows(results.load_runs(root))
    results.write_text(root / "COMPARISON.md", markdown(table))
    results.write_text(root / "comparison.csv", to_csv(table))
    return table


def print_table(table: list[dict[str, Any]]) -> None:
    """Print the rows to the terminal with rich."""
    from rich.console import Console
    from rich.table import Table

    t = Table(title="harness results")
    for col in ("model", "hardware", "weights", "task", "score ± se", "n",
                "decode tok/s", "prefill tok/s", "peak mem GB", "energy J"):
        t.add_column(col)
    for r in table:
        score = "-" if r["score"] is None else f"{100 * r['score']:.1f}"
        if r["score"] is not None and r["stderr"] is not None:
            score += f" ± {100 * r['stderr']:.1f}"
        t.add_row(r["model"], r["hardware"], r["weights"], r["task"], score,
                  _fmt(r["n"]), _fmt(r["decode_tok_s"]), _fmt(r["prefill_tok_s"]),
                  _fmt(r["peak_mem_gb"], 2), _fmt(r["energy_j"]))
    console = Console()
    if not console.is_terminal:  # logs and pipes: wide enough that rows stay on one line
        console = Console(width=170)
    console.print(t)
