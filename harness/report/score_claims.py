"""Claims about scores: parity (non-inferiority), superiority, and a comparison made from
published figures alone (for a model that cannot be run here, such as o1-mini).

A measured verdict needs a complete real-weight run of both models on the benchmark. Runs on
the same problems are compared problem by problem (paired t interval); others by their
standard errors (Welch). See intervals.py for the decision rules. Each benchmark gets its own
three-way verdict and the claim's verdict combines them (all alike, or partly).
"""

from __future__ import annotations

from typing import Any

from harness.config import configs
from harness.report import intervals
from harness.report.verdict import Verdict, combine, latest_run, min_detectable_points
from harness.results.parts import TaskScore
from harness.results.record import Run

TESTS = {"non-inferiority": intervals.non_inferiority, "superiority": intervals.superiority}


def accuracy(v: Verdict, rule: dict[str, Any], runs: list[Run], get_plan: Any) -> None:
    """Rule kind `accuracy`: test `non-inferiority` (margin_points) or `superiority`."""
    a, b = rule["a"], rule["b"]
    test = rule.get("test", "non-inferiority")
    margin = float(rule.get("margin_points", 0.0)) if test == "non-inferiority" else 0.0
    outcomes = []
    for bench in rule["benchmarks"]:
        _published_context(v, a, b, bench)
        ra, rb = latest_run(runs, a, bench["tasks"]), latest_run(runs, b, bench["tasks"])
        if not (ra and rb):
            continue
        sa, sb = _task_score(ra, bench["tasks"]), _task_score(rb, bench["tasks"])
        iv = intervals.paired(sa.per_problem, sb.per_problem) or intervals.unpaired(
            sa.value, sa.stderr or 0.0, sa.n_docs or 0, sb.value, sb.stderr or 0.0,
            sb.n_docs or 0)
        outcome = TESTS[test](iv, margin) if test == "non-inferiority" else TESTS[test](iv)
        outcomes.append(outcome)
        bound = -margin
        need = intervals.problems_to_decide(iv, bound) if outcome == "inconclusive" else None
        v.evidence.append({
            "benchmark": bench["name"], a: f"{100 * sa.value:.1f}", b: f"{100 * sb.value:.1f}",
            "a - b, 95% interval": f"{iv.diff:+.1f} [{iv.low:+.1f}, {iv.high:+.1f}]",
            "verdict": outcome + (f" (about {need:,} problems at this spread would decide "
                                  "it)" if need else ""),
            "provenance": f"measured: runs {ra.run_id}, {rb.run_id}; {iv.method}"
                          + _caveats(ra, bench["tasks"]) + _caveats(rb, bench["tasks"])})
    if not outcomes:
        v.verdict = "not yet measured"
        rule_text = (f"the whole 95% interval of a - b lies above -{margin:g} points "
                     "(non-inferiority)" if test == "non-inferiority"
                     else "the whole 95% interval of a - b lies above 0 (superiority)")
        v.summary = ("No runs of both models on these benchmarks yet. Once there are, each "
                     f"benchmark is supported when {rule_text}, refuted when it lies wholly "
                     "on the other side, and inconclusive otherwise. The published figures "
                     "below are context, not a verdict: compare each gap with the smallest gap "
                     "the benchmark can detect at its size.")
        tasks = {t for bench in rule["benchmarks"] for t in bench["tasks"]}
        suite = suites_for(tasks)
        v.settle = (f"`make bench MODEL={a} SUITE={suite}` (one GPU), and "
                    f"`make bench MODEL={b} SUITE={suite} BACKEND=vllm` on 8xH200 or "
                    f"`make bench MODEL={b} SUITE={suite} BACKEND=openai BASE_URL=...` "
                    "against a served endpoint (BASE_URL: its /v1 address)")
        return
    v.verdict = combine(outcomes)
    what = (f"a - b above -{margin:g} points (non-inferiority)" if test == "non-inferiority"
            else "a - b above 0 (superiority)")
    v.summary = (f"Per benchmark, supported when the whole 95% interval of {what}, refuted "
                 "when it lies wholly on the other side, inconclusive otherwise: "
                 + ", ".join(f"{o}" for o in outcomes) + ".")


def suites_for(tasks: set[str]) -> str:
    """The shipped suites, full protocols first, that together run `tasks` (a comma list
    `--suite` takes); tasks no suite runs are left to the user's own."""
    from harness.config.suites import get_suite, suite_names

    order = ["reasoning", "code", *sorted(suite_names())]
    chosen, left = [], set(tasks)
    for name in dict.fromkeys(n for n in order if n in suite_names()):
        has = {entry.task for entry in get_suite(name).tasks} & left
        if has:
            chosen.append(name)
            left -= has
    return ",".join(chosen) or "reasoning"


def published(v: Verdict, rule: dict[str, Any], runs: list[Run], get_plan: Any) -> None:
    """Rule kind `published`: a's published score against figures published for b (given
    in the rule, with their source), within margin_points; no run can decide it.

    Where the rule gives a benchmark's size, the gap is judged by its approximate 95%
    interval (two independent scores of that many problems, normal approximation; wider
    than the truth for scores averaged over several samples per problem), as a measured
    gap would be: a +15.9 gap on AIME's 30 problems is inconclusive, not support. Where the
    size is unknown, only the point figures can be compared, and the row says so."""
    a, b, margin = rule["a"], rule["b"], float(rule.get("margin_points", 0.0))
    outcomes = []
    for bench in rule["benchmarks"]:
        pub_a = configs.published_score(a, bench["name"])
        if pub_a is None:
            continue
        gap = pub_a.value - float(bench["b_value"])
        n = bench.get("problems")
        p = (pub_a.value + float(bench["b_value"])) / 200
        half = min_detectable_points(p, n) if n else 0.0
        if n:
            interval = intervals.Interval(gap, gap - half, gap + half, n, None,
                                          "normal approximation, two independent scores")
            outcome = intervals.non_inferiority(interval, margin)
            check = f"95% interval {gap - half:+.1f} to {gap + half:+.1f}: {outcome}"
        else:
            outcome = "supported" if gap >= -margin else "refuted"
            check = f"size unknown, point figures only: {outcome}"
        outcomes.append(outcome)
        v.evidence.append({
            "benchmark": bench["name"], a: f"{pub_a.value:g}", b: f"{bench['b_value']:g}",
            "gap a-b": f"{gap:+.1f}",
            "smallest detectable gap": f"{half:.1f}" if n else "-",
            "check": check,
            "provenance": f"published: {pub_a.source}; {b}: {rule['b_source']}"})
    if not outcomes:
        v.verdict = "not yet measured"
        v.summary = f"No published score of {a} on these benchmarks is on file."
        return
    v.verdict = combine(outcomes) + " (published figures only)"
    counts = ", ".join(f"{kind} on {outcomes.count(kind)}" for kind in
                       ("supported", "inconclusive", "refuted") if kind in outcomes)
    v.summary = (f"{b} is not an open model, so this rests on published figures alone, "
                 f"never measured here: is {a} within {margin:g} points of or above {b}? "
                 f"Of {len(outcomes)} benchmarks: {counts}. Where a benchmark's "
                 "size is known, the gap's approximate 95% interval decides (two independent "
                 "scores of that many problems), so a gap smaller than the smallest "
                 "detectable one is inconclusive; where it is not known, only the point "
                 "figures are compared.")


def _published_context(v: Verdict, a: str, b: str, bench: dict[str, Any]) -> None:
    pub_a = configs.published_score(a, bench["name"])
    pub_b = configs.published_score(b, bench["name"])
    if not (pub_a and pub_b):
        return
    n = bench.get("problems")
    p = (pub_a.value + pub_b.value) / 200
    v.evidence.append({"benchmark": bench["name"], a: f"{pub_a.value:g}", b: f"{pub_b.value:g}",
                       "gap a-b": f"{pub_a.value - pub_b.value:+.1f}",
                       "smallest detectable gap":
                           f"{min_detectable_points(p, n):.1f}" if n else "unknown",
                       "provenance": f"published: {pub_a.source}; {pub_b.source}"})


def _task_score(run: Run, tasks: list[str]) -> TaskScore:
    return next(run.tasks[t] for t in tasks if t in run.tasks)


def _caveats(run: Run, tasks: list[str]) -> str:
    """What weakens a run's score on the benchmark: prompts the model never fully saw."""
    gen = run.generation.get(next(t for t in tasks if t in run.tasks))
    parts = gen.shortfalls() if gen else []
    return f"; in {run.run_id}: {', '.join(parts)}" if parts else ""
