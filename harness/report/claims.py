"""Verdicts on the claims of configs/claims.yaml, from plans, published scores and runs.

Each verdict is one of: supported, refuted, inconclusive, partly (benchmarks or checks
disagree), not yet measured, or one of these marked as resting on published figures only or
on an estimate of b; it carries the numbers
it rests on, each with its provenance (estimated from the architecture, published with its
source, or measured by a named run), and for an open claim the command that would settle it.
The rule kinds are described at the top of configs/claims.yaml.
"""

from __future__ import annotations

from typing import Any

from harness.config import configs, places
from harness.plan import sizing
from harness.report import claims_schema, intervals, score_claims
from harness.report.efficiency import estimate_per_correct, measured_per_correct
from harness.report.tables import md_cell
from harness.report.verdict import PLAN_PROVENANCE, Verdict, latest_run, num
from harness.results import files
from harness.results.record import Run, load_runs


def load_claims() -> list[dict[str, Any]]:
    """The claims list from configs/claims.yaml."""
    path = places.locate_file("claims.yaml") or configs.CONFIGS / "claims.yaml"
    data = configs.read_yaml(path)
    return claims_schema.check_claims(data.get("claims"), path)


def evaluate(claims: list[dict[str, Any]], runs: list[Run]) -> list[Verdict]:
    """Evaluate every claim; plans are computed once per (model, gpu)."""
    plans: dict[tuple[str, str], sizing.Plan] = {}

    def get_plan(model: str, gpu: str = "h100-80gb") -> sizing.Plan:
        if (model, gpu) not in plans:
            plans[(model, gpu)] = sizing.make_plan(model, gpu)
        return plans[(model, gpu)]

    rules = {"ratio": _ratio, "checks": _checks, "accuracy": score_claims.accuracy,
             "published": score_claims.published, "efficiency": _efficiency}
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


def _efficiency(v: Verdict, rule: dict[str, Any], runs: list[Run], get_plan: Any) -> None:
    """Cost per correct answer (joules or dollars) of a over b, with a 95% interval from the
    uncertainty of the correct-answer counts; b estimated from its plan when it has no run."""
    a, b, metric = rule["a"], rule["b"], rule["metric"]
    ra = latest_run(runs, a, need_energy=metric == "joules_per_correct")
    if ra is None or ra.correct_answers == 0:
        v.verdict = "not yet measured"
        v.summary = f"No GPU run of {a} with energy and correct answers yet."
        v.settle = f"`make bench MODEL={a} SUITE=reasoning` on an NVIDIA GPU (energy needs NVML)"
        return
    va = measured_per_correct(ra, metric)
    rb = latest_run(runs, b, need_energy=metric == "joules_per_correct")
    estimated = rb is None or rb.correct_answers == 0
    if not estimated:
        vb = measured_per_correct(rb, metric)
        span = None if vb is None else (vb, vb)
        prov_b = f"measured: run {rb.run_id}"
    else:
        span, prov_b = estimate_per_correct(ra, b, rule["b_estimate_gpu"],
                                            rule["b_estimate_gpus"], metric)
    if va is None or span is None:
        v.verdict = "not yet measured"
        v.summary = f"{metric} could not be computed (no price or energy on file for the GPU)."
        return
    if va <= 0 or min(span) <= 0:  # no output tokens counted, or an energy window of nothing
        v.verdict = "not yet measured"
        v.summary = (f"{metric} came out {num(va)} for {a} and {num(span[0])} for {b}: the "
                     "run records no output tokens or no energy, so no ratio can be formed.")
        return
    rel_a = ra.correct_answers_se / ra.correct_answers
    if estimated:  # b's estimate uses a's tokens per correct answer: the count cancels
        low, high = va / span[1], va / span[0]
        shown = f"ratio {low:.2f} to {high:.2f} over b's range"
        note = (f" {b}'s side is an estimate until a run of it exists, a range from the "
                "fastest its GPUs allow to one sequence at a time; it is built on "
                f"{a}'s tokens per correct answer, so their correct-answer counts cancel in "
                "the ratio.")
        b_cell = f"{num(span[0])} to {num(span[1])}"
        ratio_cell = f"{low:.2f} to {high:.2f}"
    else:
        ratio = va / span[0]
        low, high = intervals.ratio_interval(ratio, rel_a,
                                             rb.correct_answers_se / rb.correct_answers)
        shown, note = f"ratio {ratio:.2f}, 95% interval {low:.2f} to {high:.2f}", ""
        b_cell, ratio_cell = num(span[0]), f"{ratio:.2f} [{low:.2f}, {high:.2f}]"
    verdict = "supported" if high < 1 else "refuted" if low > 1 else "inconclusive"
    v.verdict = verdict + (" (b estimated)" if estimated else "")
    lo_a, hi_a = (va * ra.correct_answers / c if c else float("inf")
                  for c in reversed(intervals.count_interval(ra.correct_answers,
                                                             ra.correct_answers_se)))
    v.summary = (f"{metric}: {a} {num(va)} (95% interval {num(lo_a)} to {num(hi_a)}, from the "
                 f"uncertainty of its correct-answer count) vs {b} {b_cell}; {shown}. "
                 "Supported when the whole interval lies below 1, refuted above 1." + note)
    v.evidence.append({"quantity": metric, a: f"{num(va)} [{num(lo_a)}, {num(hi_a)}]",
                       b: b_cell, "ratio a/b": ratio_cell,
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
            lines += ["| " + " | ".join(md_cell(row.get(c, "")) for c in cols) + " |"
                      for row in v.evidence]
            lines.append("")
        if v.settle:
            lines += [f"To settle it: {v.settle}", ""]
    return "\n".join(lines)


def rebuild(root: Any) -> list[Verdict]:
    """Evaluate every claim against the runs under root and write root/CLAIMS.md."""
    runs = load_runs(root)
    verdicts = evaluate(load_claims(), runs)
    files.write_text(root / "CLAIMS.md", render(verdicts, len(runs)))
    return verdicts
