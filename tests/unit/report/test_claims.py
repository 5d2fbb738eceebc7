"""Claim rules on a fresh clone (no runs) and on fixture runs."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from scipy import stats

from harness.report import claims, intervals
from harness.results import files
from harness.results.parts import ModelInfo
from harness.results.record import Run

pytest.importorskip("torch")


def by_id(verdicts: list[claims.Verdict]) -> dict[str, claims.Verdict]:
    return {v.id: v for v in verdicts}


def fixture_run(root: Path, model: str, task: str, value: float, stderr: float, n: int,
                joules: float | None = None, seconds: float = 3600.0,
                tokens: int = 100_000,
                per_problem: dict[str, float] | None = None,
                generations: int | None = None) -> Run:
    run_dir = files.new_run_dir(root, model, "reasoning")
    run = {
        "schema_version": 1, "run_id": run_dir.name, "status": "complete",
        "model": {"name": model, "weights": "real"}, "suite": {"name": "reasoning"},
        "hardware": {"accelerator": "NVIDIA H100 80GB HBM3", "accelerator_count": 1,
                     "label": "1x NVIDIA H100 80GB HBM3"},
        "tasks": {task: {"metric": "exact_match", "value": value, "stderr": stderr,
                         "n_docs": n, "samples_per_doc": 1, "per_problem": per_problem or {}}},
        "generation": {task: {"output_tokens_total": tokens,
                              **({"n_generations": generations} if generations else {})}},
        "energy": {"joules": joules, "accuracy": {"seconds": seconds}},
    }
    files.write_json(run_dir / "run.json", run)
    return Run.from_json(run)


def test_fresh_clone_verdicts(tmp_path: Path) -> None:
    verdicts = by_id(claims.rebuild(tmp_path))
    params = verdicts["one-fifth-parameters"]
    assert params.verdict == "refuted"
    assert "0.049" in params.summary and "1/20" in params.summary and "0.872" in params.summary
    assert verdicts["less-compute"].verdict == "partly"
    for cid in ("reasoning-parity", "energy-efficiency", "cost-efficiency"):
        assert verdicts[cid].verdict == "not yet measured"
        assert verdicts[cid].settle and "make bench MODEL=qwq-32b" in verdicts[cid].settle
    # livecodebench is in the claim and in no task of `reasoning`: the command runs `code` too
    assert "SUITE=reasoning,code` (one GPU)" in verdicts["reasoning-parity"].settle
    md = (tmp_path / "CLAIMS.md").read_text()
    assert "**Verdict: refuted.**" in md and "To settle it" in md
    assert "## QwQ-32B outperformed DeepSeek-R1." in md and "o1-mini" in md
    assert "inconclusive otherwise" in md and "(non-inferiority)" in md
    # AIME24's 30 problems cannot tell a 0.3-point gap apart: about 20 points are needed.
    aime = next(r for r in verdicts["reasoning-parity"].evidence if r["benchmark"] == "aime24")
    assert aime["gap a-b"] == "-0.3" and 19 < float(aime["smallest detectable gap"]) < 22
    assert "published" in aime["provenance"]


def parity(runs: list[Run]) -> claims.Verdict:
    return by_id(claims.evaluate(claims.load_claims(), runs))["reasoning-parity"]


def test_a_gap_inside_wide_intervals_is_inconclusive_not_parity(tmp_path: Path) -> None:
    # AIME-sized: 30 problems, standard errors of 7 points: a 2-point gap decides nothing
    runs = [fixture_run(tmp_path, "qwq-32b", "aime24", 0.78, 0.07, 30),
            fixture_run(tmp_path, "deepseek-r1", "aime24", 0.80, 0.07, 30)]
    v = parity(runs)
    assert v.verdict == "inconclusive"
    measured = next(r for r in v.evidence if r["provenance"].startswith("measured"))
    assert measured["qwq-32b"] == "78.0" and "problems at this spread" in measured["verdict"]
    # a 15-point deficit is not "comparable" either, but 30 problems cannot refute parity
    runs = [fixture_run(tmp_path, "qwq-32b", "aime24", 0.65, 0.088, 30),
            fixture_run(tmp_path, "deepseek-r1", "aime24", 0.80, 0.074, 30)]
    assert parity(runs).verdict == "inconclusive"


def test_refuted_and_supported_need_the_whole_interval(tmp_path: Path) -> None:
    runs = [fixture_run(tmp_path, "qwq-32b", "aime24", 0.40, 0.01, 30),
            fixture_run(tmp_path, "deepseek-r1", "aime24", 0.80, 0.01, 30)]
    assert parity(runs).verdict == "refuted"
    runs = [fixture_run(tmp_path, "qwq-32b", "ifeval", 0.84, 0.005, 541),
            fixture_run(tmp_path, "deepseek-r1", "ifeval", 0.833, 0.005, 541)]
    v = parity(runs)
    assert v.verdict == "supported"
    outperform = by_id(claims.evaluate(claims.load_claims(), runs))["outperforms-r1"]
    assert outperform.verdict == "inconclusive"  # +0.7 with an interval that holds 0


def test_prompts_the_model_never_saw_are_named_in_the_evidence(tmp_path: Path) -> None:
    ra = fixture_run(tmp_path, "qwq-32b", "ifeval", 0.84, 0.005, 541)
    rb = fixture_run(tmp_path, "deepseek-r1", "ifeval", 0.833, 0.005, 541)
    gen = dataclasses.replace(rb.generation["ifeval"], prompts_refused=3)
    rb = dataclasses.replace(rb, generation={"ifeval": gen})
    row = next(r for r in parity([ra, rb]).evidence if r["provenance"].startswith("measured"))
    assert row["provenance"].endswith(
        f"; in {rb.run_id}: 3 prompts refused by the server as too long")
    assert ra.run_id + ":" not in row["provenance"]


def test_paired_runs_give_the_paired_t_interval(tmp_path: Path) -> None:
    # the same 30 problems: a solves 24, b the same 24 but two (0.87 vs 0.80 with SE 0.07)
    a = {f"p{i}": float(i < 26) for i in range(30)}
    b = {f"p{i}": float(i < 24) for i in range(30)}
    ra = fixture_run(tmp_path, "qwq-32b", "aime24", 26 / 30, 0.063, 30, per_problem=a)
    rb = fixture_run(tmp_path, "deepseek-r1", "aime24", 24 / 30, 0.074, 30, per_problem=b)
    row = next(r for r in parity([ra, rb]).evidence if r["provenance"].startswith("measured"))
    diffs = [100 * (a[k] - b[k]) for k in a]
    low, high = stats.t.interval(0.95, 29, loc=sum(diffs) / 30, scale=stats.sem(diffs))
    assert row["a - b, 95% interval"] == f"+6.7 [{low:+.1f}, {high:+.1f}]"
    assert "paired t interval over 30" in row["provenance"]
    # the same scores without per-problem data: Welch's interval, far wider
    iv = intervals.unpaired(26 / 30, 0.063, 30, 24 / 30, 0.074, 30)
    se = (6.3 ** 2 + 7.4 ** 2) ** 0.5
    df = se ** 4 / (6.3 ** 4 / 29 + 7.4 ** 4 / 29)
    assert iv.half == pytest.approx(stats.t.ppf(0.975, df) * se)
    assert iv.half > 2 * (high - low) / 2


def test_efficiency_with_r1_estimated(tmp_path: Path) -> None:
    from harness.plan import sizing

    # 50 correct of 100, 1 MJ over one hour on one H100, 100k output tokens.
    run = fixture_run(tmp_path, "qwq-32b", "aime24", 0.5, 0.05, 100, joules=1.0e6)
    v = by_id(claims.evaluate(claims.load_claims(), [run]))
    energy = v["energy-efficiency"]
    assert energy.evidence[0]["qwq-32b"].startswith("20,000 [")  # 1e6 J / 50 correct
    # R1: 2000 tokens per correct answer on 8 H200s at 8 x 700 W, between its workload bound
    # (sequences of 32,768 tokens: the run does not say how many answers it generated) and
    # one sequence at a time at the batch-1 bound
    slow = 8 * 4.8e12 / 36_625_603_584
    fast = sizing.make_plan("deepseek-r1", "h200-141gb", gpus=8).workload_bound_tokens_per_s
    assert fast and fast > 6 * slow
    low, high = (float(x.replace(",", "")) for x in energy.evidence[0]["deepseek-r1"].split(" to "))
    assert low == pytest.approx(2000 / fast * 5600, rel=1e-2)
    assert high == pytest.approx(2000 / slow * 5600, rel=1e-2)
    # 20,000 J is above even the slow end (10.7 kJ): refuted, whatever R1's batching
    assert energy.verdict == "refuted (b estimated)"
    assert "estimated" in energy.evidence[0]["provenance"]
    assert "workload bound" in energy.evidence[0]["provenance"]
    cost = v["cost-efficiency"]
    assert float(cost.evidence[0]["qwq-32b"].split()[0]) == pytest.approx(3.00 / 50)  # $3/h


def test_an_estimate_inside_the_range_decides_nothing(tmp_path: Path) -> None:
    # 3 kJ per correct answer: below R1's one-at-a-time cost, above its batched bound
    run = fixture_run(tmp_path, "qwq-32b", "aime24", 0.5, 0.05, 100, joules=1.5e5,
                      generations=100)
    energy = by_id(claims.evaluate(claims.load_claims(), [run]))["energy-efficiency"]
    assert energy.verdict == "inconclusive (b estimated)"
    # the measured run's mean of 1,000 tokens per answer sizes R1's batch: thousands of
    # sequences at once, so its fast end is the FLOP/s cap of 8 H200s in fp8
    assert "sequences of 1,000 tokens at once" in energy.evidence[0]["provenance"]
    low = float(energy.evidence[0]["deepseek-r1"].split(" to ")[0].replace(",", ""))
    assert low == pytest.approx(2000 / (8 * 1979e12 / (2 * 37_552_282_624)) * 5600, rel=1e-3)
    # a run far cheaper than even R1's fastest: supported
    run = fixture_run(tmp_path, "qwq-32b", "aime24", 0.5, 0.05, 100, joules=1e3,
                      generations=100)
    energy = by_id(claims.evaluate(claims.load_claims(), [run]))["energy-efficiency"]
    assert energy.verdict == "supported (b estimated)"


def test_energy_verdict_uses_the_interval_of_both_counts(tmp_path: Path) -> None:
    # 10% less energy per correct answer, but 30 problems each: the interval holds 1
    ra = fixture_run(tmp_path, "qwq-32b", "aime24", 0.5, 0.09, 30, joules=0.9e6)
    rb = fixture_run(tmp_path, "deepseek-r1", "aime24", 0.5, 0.09, 30, joules=1.0e6)
    v = by_id(claims.evaluate(claims.load_claims(), [ra, rb]))["energy-efficiency"]
    assert v.verdict == "inconclusive" and "ratio 0.90" in v.summary
    # half the energy with tight scores: supported
    ra = fixture_run(tmp_path, "qwq-32b", "aime24", 0.5, 0.01, 500, joules=0.5e6)
    rb = fixture_run(tmp_path, "deepseek-r1", "aime24", 0.5, 0.01, 500, joules=1.0e6)
    v = by_id(claims.evaluate(claims.load_claims(), [ra, rb]))["energy-efficiency"]
    assert v.verdict == "supported"


def test_published_only_claim_says_so(tmp_path: Path) -> None:
    v = by_id(claims.rebuild(tmp_path))["competes-with-o1"]
    assert v.verdict.endswith("(published figures only)")
    assert all("o1-mini" in row["provenance"] for row in v.evidence)


def test_runs_with_random_weights_or_failures_are_ignored(tmp_path: Path) -> None:
    run = fixture_run(tmp_path, "qwq-32b", "aime24", 0.5, 0.05, 100, joules=1.0e6)
    random_run = dataclasses.replace(run, model=ModelInfo(name="qwq-32b", weights="random"))
    failed = dataclasses.replace(run, status="failed")
    assert claims.latest_run([random_run, failed], "qwq-32b") is None
    assert claims.latest_run([run], "qwq-32b", need_energy=True) is run


def test_a_claims_file_of_the_wrong_shape_is_one_clear_error(bent_copies: Any) -> None:
    """Every key of the shipped claims.yaml, in turn, null, a word or a negative number (a
    user's own claims file under $HARNESS_CONFIGS): either the file is refused with a
    ConfigError naming the claim, or every verdict is still written."""
    from harness.config.yamlio import ConfigError
    from harness.errors import HarnessError
    from harness.report.claims_schema import check_claims

    shipped = claims.load_claims()
    refused = 0
    for _, bent in bent_copies(shipped, (None, "x", -1)):
        try:
            check_claims(bent, Path("claims.yaml"))
        except ConfigError as exc:
            assert "claims.yaml: claim" in str(exc) or "claims[" in str(exc) \
                or "Unknown GPU" in str(exc)
            refused += 1
            continue
        try:
            claims.render(claims.evaluate(bent, []), 0)
        except HarnessError:  # e.g. a model the plan cannot find, named as such
            refused += 1
    assert refused > 100
    no_expected = json.loads(json.dumps(shipped))
    del no_expected[0]["rule"]["expected"]
    with pytest.raises(ConfigError, match="'one-fifth-parameters': rule: 'expected' is requ"):
        check_claims(no_expected, Path("claims.yaml"))
    flops = json.loads(json.dumps(shipped))
    flops[1]["rule"]["checks"][0]["quantity"] = "flops"
    with pytest.raises(ConfigError, match="quantity 'flops' is not a figure of the plan"):
        check_claims(flops, Path("claims.yaml"))


def test_an_estimate_on_too_few_gpus_to_hold_b_is_refused(tmp_path: Path) -> None:
    from harness.config.configs import ConfigError

    run = fixture_run(tmp_path, "qwq-32b", "aime24", 0.5, 0.05, 100, joules=1.0e6)
    rules = [c for c in claims.load_claims() if c["id"] == "energy-efficiency"]
    rules[0]["rule"]["b_estimate_gpus"] = 4  # DeepSeek-R1's 671 GB need 5 H200s
    with pytest.raises(ConfigError, match="b_estimate_gpus to 5 or more"):
        claims.evaluate(rules, [run])


def test_a_published_gap_inside_the_noise_is_no_support(tmp_path: Path) -> None:
    """QwQ-32B's +15.9 over o1-mini on AIME's 30 problems: its interval reaches below the
    -2 point margin, so inconclusive; IFEval's +24.8 on 541 problems holds; benchmarks of
    unknown size are compared by their point figures and say so."""
    v = by_id(claims.rebuild(tmp_path))["competes-with-o1"]
    checks = {row["benchmark"]: row["check"] for row in v.evidence}
    assert checks["aime24"].endswith(": inconclusive") and "-6.9 to +38.7" in checks["aime24"]
    assert checks["ifeval"].endswith(": supported")
    assert checks["bfcl"] == "size unknown, point figures only: supported"
    assert v.verdict == "partly (published figures only)"
    assert "supported on 4, inconclusive on 1" in v.summary
