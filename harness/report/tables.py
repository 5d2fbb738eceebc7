"""Rebuild results/COMPARISON.md, results/comparison.csv and results/plots/ from every run.json.

Reads only run.json files, so everything here can be rebuilt at any time, from runs made on
other machines. Three tables: accuracy (measured, beside the published figure with its
source), efficiency (speed, memory, joules and dollars, GPUs needed), and paired comparisons
of two models on the same problems. Every row names where its numbers come from.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from harness.config.configs import published_score
from harness.report import intervals
from harness.report.efficiency import hardware_of, run_costs
from harness.results import files
from harness.results.parts import TaskScore
from harness.results.perf_points import Headline
from harness.results.record import Run, load_runs

COLUMNS = ["run", "status", "model", "backend", "hardware", "weights", "suite", "task",
           "metric", "score", "stderr", "n", "published", "published_source",
           "perf_point", "decode_tok_s", "prefill_tok_s", "ttft_s", "tpot_s", "perf_variant",
           "decode_j_per_token", "peak_mem_gb", "energy_j", "j_per_token", "j_per_correct",
           "usd_per_mtok", "usd_per_correct"]


def rows(runs: list[Run]) -> list[dict[str, Any]]:
    """Flatten runs into rows, one per task (a run without tasks gives one row)."""
    out = []
    for run in runs:
        head = run.perf.headline() if run.perf else Headline()
        peak = run.memory.peak_bytes if run.memory else None
        costs = run_costs(run)
        base = {
            "run": run.run_id, "status": run.status, "model": run.model.name,
            "regraded_from": (run.regraded_from or {}).get("run_id"),
            "backend": run.backend.get("name", "?"),
            "hardware": run.hardware.label if run.hardware else "?",
            "weights": run.model.weights, "suite": run.suite.name,
            "decode_tok_s": head.decode_tokens_per_s,
            "prefill_tok_s": head.prefill_tokens_per_s,
            "ttft_s": head.ttft_s, "tpot_s": head.tpot_s, "perf_variant": head.variant,
            "perf_point": run.perf.describe_point(run.backend.get("dtype") or run.model.dtype)
            if run.perf else None,
            "decode_j_per_token": head.decode_joules_per_token,
            "peak_mem_gb": peak / 1e9 if peak else None,
            "energy_j": run.energy.joules if run.energy else None,
            "j_per_token": costs["joules_per_token"], "j_per_correct": costs["joules_per_correct"],
            "usd_per_mtok": costs["dollars_per_mtok"],
            "usd_per_correct": costs["dollars_per_correct"],
        }
        if not run.tasks:
            out.append({**base, "task": "-", "metric": "-", "score": None, "stderr": None,
                        "n": None, "published": None, "published_source": ""})
        for name, t in run.tasks.items():
            pub = published_score(run.model.name, name)
            label = f"{name} (weak sandbox)" if run.sandbox == "weak" else name
            gen = run.generation.get(name)
            label += "".join(f" ({part})" for part in (gen.shortfalls() if gen else []))
            out.append({**base, "task": label, "metric": _metric(t), "score": t.value,
                        "stderr": t.stderr, "n": t.n_docs,
                        "published": pub.value if pub else None,
                        "published_source": pub.source if pub else ""})
    return out


def _metric(task: TaskScore) -> str:
    """The score's metric, with its filter where the task reports that metric under several
    (lm-eval's gsm8k: strict-match and flexible-extract)."""
    filters = {k.partition(",")[2] for k in task.all_metrics
               if k.partition(",")[0] == task.metric and "_stderr" not in k}
    return f"{task.metric} ({task.filter})" if task.filter and len(filters) > 1 else task.metric


def paired(runs: list[Run]) -> list[dict[str, Any]]:
    """For each task, the newest real-weight run of each model, compared pairwise on the
    problems both scored: mean difference in points with its paired 95% t interval."""
    newest: dict[tuple[str, str], tuple[str, TaskScore]] = {}
    for run in runs:
        if not run.complete_real:
            continue
        for task, t in run.tasks.items():
            if t.per_problem:
                newest[(task, run.model.name)] = (run.run_id, t)
    out = []
    keys = sorted(newest)
    for i, (task, ma) in enumerate(keys):
        for task_b, mb in keys[i + 1:]:
            if task_b != task:
                continue
            (run_a, ta), (run_b, tb) = newest[(task, ma)], newest[(task, mb)]
            iv = intervals.paired(ta.per_problem, tb.per_problem)
            if iv is None:
                continue
            out.append({"task": task, "a": ma, "b": mb, "n": iv.n, "diff": iv.diff,
                        "low": iv.low, "high": iv.high, "runs": f"{run_a}, {run_b}"})
    return out


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}" if abs(value) >= 1 or value == 0 else f"{value:.3g}"
    return str(value)


def _score(r: dict[str, Any]) -> str:
    if r["score"] is None:
        return "-"
    return f"{100 * r['score']:.1f}" + (f" ± {100 * r['stderr']:.1f}" if r["stderr"] is not None
                                        else "")


def _gpus_needed(r: dict[str, Any], run: Run) -> str:
    from harness.config import configs
    from harness.plan import sizing

    hw = hardware_of(run)
    if hw is None or r["model"] not in configs.model_names():
        return "-"
    return str(sizing.make_plan(r["model"], hw.name).gpus_to_hold_weights)


def _efficiency_provenance(r: dict[str, Any], gpus: str) -> str:
    """How the row's figures were obtained, naming only the kinds the row shows: a CPU run
    has no dollars and no GPU count, a perf-only run no dollars."""
    parts = [f"measured, {r['weights']} weights"]
    if r["usd_per_mtok"] is not None or r["usd_per_correct"] is not None:
        parts.append("$ at assumed price")
    if gpus != "-":
        parts.append("GPUs: plan")
    return "; ".join(parts)


def md_cell(value: str) -> str:
    """A table cell: a "|" in a name or message would start a new column, a newline a new
    line of the file."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(head: list[str], body: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + \
        ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in body]


def markdown(table: list[dict[str, Any]], pairs: list[dict[str, Any]],
             runs: dict[str, Run], plots: dict[str, str] | None = None) -> str:
    """COMPARISON.md: accuracy, efficiency and paired tables of the complete runs, with how
    to read them; runs that did not finish in a section of their own; the plots, and why
    any was not drawn."""
    unfinished = [r for r in runs.values() if r.status != "complete"]
    table = [r for r in table if r["status"] == "complete"]
    lines = ["# Comparison of runs", "",
             "Rebuilt by `make report` from every `results/runs/*/run.json`. Measured figures",
             "come from the run named in their row, on the hardware named there; published",
             "figures name their source. Rows whose weights are \"random\" measure speed and",
             "plumbing only: their scores are noise.", "", "## Accuracy", "",
             "Score: the task's metric in percent ± one standard error across problems; n: "
             "problems. Gap: measured minus published, in points.", ""]
    acc = [[r["run"], r["model"],
            r["hardware"], r["weights"], r["suite"], f"{r['task']} ({r['metric']})", _score(r),
            _fmt(r["n"]), _fmt(r["published"]),
            _fmt(100 * r["score"] - r["published"]) if r["score"] is not None and
            r["published"] is not None else "-",
            ("measured" + (f" (generations of {r['regraded_from']}, graded again)"
                           if r["regraded_from"] else "")
             + (f"; published: {r['published_source']}" if r["published_source"] else ""))]
           for r in table if r["task"] != "-"]
    lines += _table(["run", "model", "hardware", "weights", "suite", "task", "score ± se", "n",
                     "published", "gap", "provenance"], acc) if acc else ["(no scores yet)"]
    lines += ["", "## Efficiency", "",
              "Decode and prefill tokens/s, TTFT, TPOT and decode J/token from the run's perf",
              "measurement, at the point named in 'perf point' (variant, dtype, prompt+output",
              "tokens, batch; TTFT, TPOT and tokens/s from single generate() calls with per-token",
              "stamps, prefill from a forward pass, unless the point says 'from separate calls',",
              "as engines without token stamps and runs of schema 1 were timed (those took",
              "prefill as a 1-token generate() too); J over the timed",
              "runs only; points that were physically impossible are never shown); peak memory:",
              "torch's peak allocation on a GPU, process peak RSS on CPU; J/token and J/correct:",
              "NVML counter over the accuracy run (the reasoning workload itself); dollars: GPU",
              "time of the accuracy run at the price per GPU-hour in configs/hardware/ (an",
              "assumption). GPUs needed: estimated from the architecture (`harness plan`).", ""]
    seen: set[str] = set()
    eff = []
    for r in table:
        if r["run"] in seen:
            continue
        seen.add(r["run"])
        gpus = _gpus_needed(r, runs[r["run"]])
        eff.append([r["run"], r["model"], r["hardware"], r["weights"], r["perf_point"] or "-",
                    _fmt(r["decode_tok_s"]),
                    _fmt(r["prefill_tok_s"]),
                    _fmt(r["ttft_s"] * 1e3 if r["ttft_s"] else None),
                    _fmt(r["tpot_s"] * 1e3 if r["tpot_s"] else None),
                    _fmt(r["decode_j_per_token"], 2), _fmt(r["peak_mem_gb"], 2),
                    _fmt(r["j_per_token"], 2), _fmt(r["j_per_correct"]), _fmt(r["usd_per_mtok"], 2),
                    _fmt(r["usd_per_correct"], 4), gpus, _efficiency_provenance(r, gpus)])
    lines += _table(["run", "model", "hardware", "weights", "perf point", "decode tok/s",
                     "prefill tok/s",
                     "TTFT ms", "TPOT ms", "decode J/token", "peak mem GB", "J/token",
                     "J/correct", "$/M tokens",
                     "$/correct", "GPUs needed", "provenance"], eff) if eff \
        else ["(no runs yet: `make bench`)"]
    lines += ["", "## Paired comparisons", "",
              "Two models on the same problems: mean per-problem difference (a - b) in points",
              "with a paired 95% t interval. An interval that contains 0 means no detectable",
              "difference (which is not evidence that there is none).",
              ""]
    body = [[p["task"], p["a"], p["b"], str(p["n"]), f"{p['diff']:+.1f}",
             f"[{p['low']:+.1f}, {p['high']:+.1f}]", p["runs"]] for p in pairs]
    lines += _table(["task", "a", "b", "n", "a - b", "95% interval", "runs"], body) if body \
        else ["(needs two models run on the same task)"]
    lines += ["", "## Runs that did not finish", "",
              "Failed (an error, Ctrl-C or SIGTERM), interrupted (the process vanished: SIGKILL,",
              "out of memory) or still running. None of their figures appear above; rerunning",
              "the same bench resumes from their finished samples.", ""]
    lines += _table(["run", "status", "model", "suite", "started", "reason"],
                    [[r.run_id, r.status, r.model.name, r.suite.name, r.started_at or "?",
                      (r.error or "-")[:160]]
                     for r in unfinished]) if unfinished else ["(none)"]
    if plots is not None:
        lines += ["", "## Plots", ""]
        lines += [f"- plots/{name}" + (f": not drawn, {why}." if why else "")
                  for name, why in plots.items()]
    return "\n".join(lines) + "\n"


def to_csv(table: list[dict[str, Any]]) -> str:
    """The rows as CSV, with raw (unrounded) values."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS)
    writer.writeheader()
    for r in table:
        writer.writerow({k: r.get(k) for k in COLUMNS})
    return buf.getvalue()


def rebuild(root: Path, plots: bool = True) -> list[dict[str, Any]]:
    """Write root/COMPARISON.md, root/comparison.csv and root/plots/; return the rows."""
    runs = load_runs(root)
    table = rows(runs)
    drawn = None
    if plots:
        from harness.report import plots as plotting

        drawn = plotting.write_all(runs, table, root / "plots")
    files.write_text(root / "COMPARISON.md",
                     markdown(table, paired(runs), {r.run_id: r for r in runs}, drawn))
    files.write_text(root / "comparison.csv", to_csv(table))
    return table
