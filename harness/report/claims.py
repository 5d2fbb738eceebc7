"""Verdicts on the claims of configs/claims.yaml, from plans, published scores and runs.

Each verdict is one of: supported, refuted, partly, not yet measured; it carries the numbers
it rests on, each with its provenance (estimated from the architecture, published with its
source, or measured by a named run), and for an open claim the command that would settle it.
The rule kinds are described at the top of configs/claims.yaml.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from harness.config import configs
from harness.errors import HarnessError
from harness.plan import sizing
from harness.report.efficiency import estimate_per_correct, measured_per_correct
from harness.results import files
from harness.results.parts import TaskScore
from harness.results.record import Run, load_runs

PLAN_PROVENANCE = "estimated from the architecture (harness plan)"


@dataclass
class Verdict:
    """The outcome of one claim."""

    id: str
    text: str
    source: str
    verdict: str
    summary: str
    evidence: list[dict[str, str]] = field(default_factory=list)
    settle: str | None = None


def load_claims() -> list[dict[str, Any]]:
    """The claims list from configs/claims.yaml."""
    data = configs.read_yaml(configs.CONFIGS / "claims.yaml")
    claims = data.get("claims")
    if not isinstance(claims, list):
        raise configs.ConfigError(f"{configs.CONFIGS / 'claims.yaml'}: expected a 'claims' list.")
    return claims


def evaluate(claims: list[dict[str, Any]], runs: list[Run]) -> list[Verdict]:
    """Evaluate every claim; plans are computed once per (model, gpu)."""
    plans: dict[tuple[str, str], sizing.Plan] = {}

    def get_plan(model: str, gpu: str = "h100-80gb") -> sizing.Plan:
        if (model, gpu) not in plans:
            plans[(model, gpu)] = sizing.make_plan(model, gpu)
        return plans[(model, gpu)]

    rules = {"ratio": _ratio, "checks": _checks, "accuracy": _accuracy,
             "efficiency": _efficiency}
    out = []
    for claim in claims:
        rule = claim["rule"]
        if rule.get("kind") not in rules:
            raise configs.ConfigError(f"claims.yaml: claim {claim.get('id')!r} has unknown rule "
                                     f"kind {rule.get('kind')!r} (known: {', '.join(rules)}).")
        verdict = Verdict(id=claim["id"], text=claim["text"], source=claim["source"],
                          verdict="not yet measured", summary="")
        rules[rule["kind"]](verdict, rule, runs, get_plan)
        out.append(verdict)
    return out


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _fmt_quantity(name: str, value: float) -> str:
    if name.startswith("params"):
        return f"{value / 1e9:.2f}B"
    if name.endswith("bytes"):
        return f"{value / 1e9:.1f} GB"
    return f"{value:g}"


def _plan_row(name: str, pa: sizing.Plan, pb: sizing.Plan) -> tuple[float, dict[str, str]]:
    qa, qb = getattr(pa, name), getattr(pb, name)
    ratio = qa / qb
    return ratio, {"quantity": name, pa.model: _fmt_quantity(name, qa),
                   pb.model: _fmt_quantity(name, qb), "ratio a/b": f"{ratio:.3f}",
                   "provenance": PLAN_PROVENANCE}


def _ratio(v: Verdict, rule: dict[str, Any], runs: list[Run], get_plan: Any) -> None:
    pa, pb = get_plan(rule["a"]), get_plan(rule["b"])
    ratio, row = _plan_row(rule["quantity"], pa, pb)
    v.evidence.append(row)
    for extra in rule.get("also", []):
        v.evidence.append(_plan_row(extra, pa, pb)[1])
    expected, tol = float(rule["expected"]), float(rule["tolerance"])
    ok = abs(ratio / expected - 1) <= tol
    v.verdict = "supported" if ok else "refuted"
    q = rule["quantity"]
    v.summary = (f"{q}: {_fmt_quantity(q, getattr(pa, q))} / {_fmt_quantity(q, getattr(pb, q))} = "
                 f"{ratio:.3f} (about 1/{1 / ratio:.1f}); the claim says {expected:g}, "
                 f"accepted within ±{tol:.0%}.")
    for row in v.evidence[1:]:
        v.summary += f" For context, {row['quantity']}: ratio {row['ratio a/b']}."


def _checks(v: Verdict, rule: dict[str, Any], runs: list[Run], get_plan: Any) -> None:
    pa, pb = get_plan(rule["a"], rule["gpu"]), get_plan(rule["b"], rule["gpu"])
    held = []
    for check in rule["checks"]:
        ratio, row = _plan_row(check["quantity"], pa, pb)
        ok = ratio <= float(check["at_most"])
        row["check"] = f"ratio <= {check['at_most']}: {'holds' if ok else 'fails'}"
        v.evidence.append(row)
        held.append((ok, check.get("meaning", check["quantity"]), ratio))
    n_ok = sum(ok for ok, _, _ in held)
    v.verdict = "supported" if n_ok == len(held) else "refuted" if n_ok == 0 else "partly"
    v.summary = "; ".join(f"{meaning}: ratio {ratio:.3f} ({'holds' if ok else 'does not hold'})"
                          for ok, meaning, ratio in held) + f" (GPU kind: {rule['gpu']})."


def latest_run(runs: list[Run], model: str, tasks: list[str] | None = None,
               need_energy: bool = False) -> Run | None:
    """The newest complete run of `model` with real weights (and the tasks / energy asked)."""
    found = None
    for run in runs:
        if not run.complete_real or run.model.name != model:
            continue
        if tasks and not set(tasks) & set(run.tasks):
            continue
        if need_energy and (run.energy is None or run.energy.joules is None):
            continue
        found = run
    return found


def min_detectable_points(p: float, n: int) -> float:
    """Smallest gap (points) two independent scores of n problems can tell apart at 95%."""
    return 100 * 1.96 * math.sqrt(2 * p * (1 - p) / n)


def _accuracy(v: Verdict, rule: dict[str, Any], runs: list[Run],
              get_plan: Any) -> None:
    a, b, margin = rule["a"], rule["b"], float(rule["margin_points"])
    outcomes = []
    for bench in rule["benchmarks"]:
        pub_a = configs.published_score(a, bench["name"])
        pub_b = configs.published_score(b, bench["name"])
        ra, rb = latest_run(runs, a, bench["tasks"]), latest_run(runs, b, bench["tasks"])
        n = bench.get("problems")
        if pub_a and pub_b:
            p = (pub_a.value + pub_b.value) / 200
            mdd = f"{min_detectable_points(p, n):.1f}" if n else "unknown (size not on file)"
            v.evidence.append({"benchmark": bench["name"], a: f"{pub_a.value:g}",
                               b: f"{pub_b.value:g}",
                               "gap a-b": f"{pub_a.value - pub_b.value:+.1f}",
                               "smallest detectable gap": mdd,
                               "provenance": f"published: {pub_a.source}; {pub_b.source}"})
        if not (ra and rb):
            continue
        sa, sb = (_task_score(r, bench["tasks"]) for r in (ra, rb))
        gap = 100 * (sa.value - sb.value)
        half = 196 * math.sqrt((sa.stderr or 0) ** 2 + (sb.stderr or 0) ** 2)
        ok = gap >= -margin or abs(gap) <= half
        outcomes.append(ok)
        nd = int(sa.n_docs or n or 0)
        p = (sa.value + sb.value) / 2
        v.evidence.append({"benchmark": bench["name"], a: f"{100 * sa.value:.1f}",
                           b: f"{100 * sb.value:.1f}", "gap a-b": f"{gap:+.1f} ± {half:.1f}",
                           "smallest detectable gap":
                               f"{min_detectable_points(p, nd):.1f}" if nd else "-",
                           "provenance": f"measured: runs {ra.run_id}, {rb.run_id}"})
    if not outcomes:
        v.verdict = "not yet measured"
        v.summary = ("No runs of both models on these benchmarks yet. The published figures "
                     "below are context, not a verdict: compare each gap with the smallest gap "
                     "the benchmark can detect at its size.")
        v.settle = (f"make bench MODEL={a} SUITE=reasoning (one GPU), and {b} through "
                    "BACKEND=vllm on 8xH200 or BACKEND=openai against a served endpoint")
        return
    held = sum(outcomes)
    v.verdict = "supported" if held == len(outcomes) else "refuted" if held == 0 else "partly"
    v.summary = (f"{held} of {len(outcomes)} measured benchmarks within {margin:g} points or "
                 "with overlapping 95% intervals.")


def _task_score(run: Run, tasks: list[str]) -> TaskScore:
    for t in tasks:
        if t in run.tasks:
            return run.tasks[t]
    raise HarnessError(f"run {run.run_id} has none of the tasks {tasks}")


def _efficiency(v: Verdict, rule: dict[str, Any], runs: list[Run],
                get_plan: Any) -> None:

    a, b, metric = rule["a"], rule["b"], rule["metric"]
    ra = latest_run(runs, a, need_energy=metric == "joules_per_correct")
    if ra is None or ra.correct_answers == 0:
        v.verdict = "not yet measured"
        v.summary = f"No GPU run of {a} with energy and correct answers yet."
        v.settle = f"make bench MODEL={a} SUITE=reasoning on an NVIDIA GPU (energy needs NVML)"
        return
    va = measured_per_correct(ra, metric)
    rb = latest_run(runs, b, need_energy=metric == "joules_per_correct")
    if rb is not None and rb.correct_answers > 0:
        vb, prov_b = measured_per_correct(rb, metric), f"measured: run {rb.run_id}"
    else:
        pb = get_plan(b, rule["b_estimate_gpu"])
        vb, prov_b = estimate_per_correct(ra, pb, rule["b_estimate_gpus"], metric)
    if va is None or vb is None:
        v.verdict = "not yet measured"
        v.summary = f"{metric} could not be computed (no price or energy on file for the GPU)."
        return
    ratio = va / vb
    estimated = rb is None
    v.verdict = ("supported" if ratio < 1 else "refuted") + (" (b estimated)" if estimated else "")
    v.summary = (f"{metric}: {a} {_num(va)} vs {b} {_num(vb)}, ratio {ratio:.2f}."
                 + (f" {b}'s side is an estimate until a run of it exists." if estimated else ""))
    v.evidence.append({"quantity": metric, a: _num(va), b: _num(vb),
                       "ratio a/b": f"{ratio:.2f}",
                       "provenance": f"{a} measured: run {ra.run_id}; {b} {prov_b}"})


def render(verdicts: list[Verdict], n_runs: int) -> str:
    """results/CLAIMS.md: one section per claim, verdict first, then its evidence."""
    lines = ["# Claims under test", "",
             f"Rebuilt by `make claims` on {files.now_iso()} from configs/claims.yaml, the "
             f"published scores in configs/models/ and {n_runs} run(s) in results/runs/. Every "
             "number says where it comes from: estimated from the architecture (`harness "
             "plan`, no weights), published (with its source), or measured (with its run).", ""]
    for v in verdicts:
        lines += [f"## {v.text}", "", f"Claim made in: {v.source}", "",
                  f"**Verdict: {v.verdict}.** {v.summary}", ""]
        if v.evidence:
            cols = list(dict.fromkeys(k for row in v.evidence for k in row))
            lines.append("| " + " | ".join(cols) + " |")
            lines.append("|" + "---|" * len(cols))
            lines += ["| " + " | ".join(row.get(c, "") for c in cols) + " |" for row in v.evidence]
            lines.append("")
        if v.settle:
            lines += [f"To settle it: `{v.settle}`", ""]
    return "\n".join(lines)


def rebuild(root: Any) -> list[Verdict]:
    """Evaluate every claim against the runs under root and write root/CLAIMS.md."""
    runs = load_runs(root)
    verdicts = evaluate(load_claims(), runs)
    files.write_text(root / "CLAIMS.md", render(verdicts, len(runs)))
    return verdicts
