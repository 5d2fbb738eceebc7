"""`harness plan --suite ... --lengths-from RUN`: each task counted at the mean output length
an earlier run measured, checked by hand against the suite YAMLs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from harness.errors import HarnessError
from harness.plan import lengths, sizing, suite_time
from harness.plan import table as plan_table

pytest.importorskip("torch")


def write_run(root: Path, run_id: str, model: str = "qwq-32b", weights: str = "real",
              generation: dict[str, Any] | None = None) -> Path:
    path = root / "runs" / run_id
    path.mkdir(parents=True)
    stats = generation if generation is not None else {
        "aime24": {"n_generations": 20, "output_tokens_mean": 13000.0,
                   "max_new_tokens": 32768, "hit_max_new_tokens_rate": 0.05},
        "math500": {"n_generations": 50, "output_tokens_mean": 4000.0,
                    "max_new_tokens": 32768, "hit_max_new_tokens_rate": 0.0},
        "gpqa_diamond": {"n_generations": 40, "output_tokens_mean": 7000.0,
                         "max_new_tokens": 8192, "hit_max_new_tokens_rate": 0.1},
        "ifeval": {"n_generations": 50, "output_tokens_mean": 1500.0,
                   "max_new_tokens": 32768, "hit_max_new_tokens_rate": 0.0}}
    (path / "run.json").write_text(json.dumps({
        "run_id": run_id, "status": "complete", "schema_version": 2,
        "model": {"name": model, "weights": weights},
        "generation": {"settings": {"do_sample": True}, **stats}}))
    return path


def test_each_task_counts_at_its_measured_mean(tmp_path: Path) -> None:
    run = lengths.measured(str(write_run(tmp_path, "r1")))
    plan, t = suite_time.plan_suite("qwq-32b", "h200-141gb", None, None, "reasoning", None,
                                    run)
    assert t is not None and t.generations == 7965
    # aime25 is not in the run: at its limit; gpqa's mean is below its limit here
    expected = 30 * 64 * 13000 + 30 * 64 * 32768 + 500 * 4 * 4000 + 198 * 8 * 7000 + 541 * 1500
    assert t.expected_new_tokens == expected
    assert t.max_new_tokens_total == 7965 * 32768  # the bound is still reported
    assert t.lengths is not None and "aime25 (not in that run)" in t.lengths
    assert "a lower bound for gpqa_diamond" in t.lengths  # measured under an 8,192 limit
    # the hours are those of the expected tokens, at the concurrency of the mean length
    mean = -(-expected // 7965)
    at_mean = sizing.make_plan("qwq-32b", gpu="h200-141gb", context=mean, gpus=t.gpus,
                               sequences=7965)
    assert t.concurrency == at_mean.workload_concurrency > plan.workload_concurrency
    assert t.hours_batched == pytest.approx(expected / at_mean.workload_bound_tokens_per_s
                                            / 3600)
    assert t.hours_one_at_a_time == pytest.approx(
        expected / plan.decode_bound_measured_tokens_per_s / 3600)
    text = plan_table.render(plan, suite_time.rows(t, plan))
    assert "suite lengths" in text and "output lengths measured, speed a bound" in text


def test_a_mean_above_the_suites_limit_counts_at_the_limit(tmp_path: Path) -> None:
    run = lengths.measured(str(write_run(tmp_path, "r2", generation={
        "gsm_mini": {"n_generations": 10, "output_tokens_mean": 900.0,
                     "max_new_tokens": 1024}})))
    _, t = suite_time.plan_suite("qwq-32b", "h100-80gb", None, None, "default", None, run)
    assert t is not None and t.expected_new_tokens == t.max_new_tokens_total  # 256 each


def test_runs_that_cannot_give_lengths_are_refused(tmp_path: Path) -> None:
    with pytest.raises(HarnessError, match="random weights"):
        lengths.measured(str(write_run(tmp_path, "rand", weights="random")))
    with pytest.raises(HarnessError, match="no output lengths"):
        lengths.measured(str(write_run(tmp_path, "perf", generation={})))
    with pytest.raises(HarnessError, match="No run 'nowhere'"):
        lengths.measured("nowhere")


def test_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HARNESS_RESULTS", str(tmp_path))
    write_run(tmp_path, "20261206T000000Z-qwq-32b-quick-abcd", model="r1-distill-qwen-7b")
    assert main(["plan", "--model", "qwq-32b", "--suite", "reasoning", "--lengths-from",
                 "20261206T000000Z-qwq-32b-quick-abcd", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)["suite"]
    assert data["expected_new_tokens"] < data["max_new_tokens_total"]
    assert "not of qwq-32b" in data["lengths"]  # another model's lengths, said
    assert main(["plan", "--model", "qwq-32b", "--lengths-from", "x"]) == 2
    assert "--lengths-from needs --suite" in capsys.readouterr().err


def test_the_bench_announces_the_work_at_the_newest_measured_lengths(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from harness.config import configs
    from harness.plan.announce import announce
    from harness.results.parts import Hardware
    from harness.results.record import read_run

    older = write_run(tmp_path, "a-old", generation={
        "aime24": {"n_generations": 2, "output_tokens_mean": 20000.0, "max_new_tokens": 32768}})
    newer = write_run(tmp_path, "b-new")
    other = write_run(tmp_path, "c-other-model", model="r1-distill-qwen-7b")
    runs = [read_run(p / "run.json") for p in (older, newer, other)]
    suite, qwq = configs.get_suite("reasoning"), configs.get_model("qwq-32b")
    gpu = Hardware(accelerator="NVIDIA H100 80GB HBM3", label="1x NVIDIA H100 80GB HBM3")
    est = announce(runs, suite, "qwq-32b", qwq, "cuda", gpu, None)
    err = capsys.readouterr().err
    assert est.max_new_tokens_total == 7965 * 32768  # the record keeps the bound
    expected = 30 * 64 * 13000 + 30 * 64 * 32768 + 500 * 4 * 4000 + 198 * 8 * 7000 + 541 * 1500
    assert "mean output lengths measured in run b-new (qwq-32b)" in err
    assert f"about {expected:,} new tokens" in err
    hours = expected / est.decode_tokens_per_s / 3600
    assert f"{hours:,.1f} hours at that rate" in err
    # no run of the model measured lengths (or only random weights did): the bound alone
    rand = read_run(write_run(tmp_path, "d-rand", weights="random") / "run.json")
    announce([runs[2], rand], suite, "qwq-32b", qwq, "cpu", Hardware(), None)
    assert "measured in run" not in capsys.readouterr().err


def test_latest_is_the_newest_run_of_the_planned_model(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARNESS_RESULTS", str(tmp_path))
    with pytest.raises(HarnessError, match="No run of qwq-32b's real weights"):
        lengths.measured("latest", "qwq-32b")
    write_run(tmp_path, "20261201T000000Z-a")
    write_run(tmp_path, "20261202T000000Z-b", generation={
        "aime24": {"n_generations": 2, "output_tokens_mean": 20000.0}})
    write_run(tmp_path, "20261203T000000Z-c", model="r1-distill-qwen-7b")
    write_run(tmp_path, "20261204T000000Z-d", weights="random")
    found = lengths.measured("latest", "qwq-32b")
    assert found.run_id == "20261202T000000Z-b" and found.means == {"aime24": 20000.0}


def test_lengths_of_other_tasks_are_none_of_the_suites(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from harness.config import configs
    from harness.results.record import read_run

    monkeypatch.setenv("HARNESS_RESULTS", str(tmp_path))
    quick = write_run(tmp_path, "20261201T000000Z-quick")
    code = write_run(tmp_path, "20261202T000000Z-code", generation={
        "humaneval": {"n_generations": 164, "output_tokens_mean": 3000.0}})
    reasoning = configs.get_suite("reasoning")
    with pytest.raises(HarnessError, match="measured none of suite reasoning's tasks"):
        lengths.expected_tokens(reasoning, None, 32768, lengths.measured(str(code)), "qwq-32b")
    # the newest run that measured any of the suite's tasks, not the newest run
    runs = [read_run(p / "run.json") for p in (quick, code)]
    assert lengths.newest(runs, "qwq-32b").run_id == "20261202T000000Z-code"
    assert lengths.newest(runs, "qwq-32b", reasoning).run_id == "20261201T000000Z-quick"
    assert main(["plan", "--model", "qwq-32b", "--suite", "reasoning", "--lengths-from",
                 "latest", "--json"]) == 0
    assert "20261201T000000Z-quick" in json.loads(capsys.readouterr().out)["suite"]["lengths"]
