"""The rehearsal's task rewrite, counts and projection (harness.accuracy.rehearsal)."""

from __future__ import annotations

import pytest

from harness.accuracy import rehearsal
from harness.accuracy.tasks import task_spec
from harness.config.configs import TaskEntry
from harness.errors import HarnessError
from harness.results.parts import ModelInfo, Projection, Rehearsal, Workload
from harness.results.record import Run, SuiteInfo


def test_a_rehearsed_task_runs_to_its_limit_and_grades_nothing() -> None:
    spec = task_spec(TaskEntry(task="math500", samples=2, max_new_tokens=512),
                     {"do_sample": True, "temperature": 0.6}, rehearse=True)
    assert isinstance(spec, dict)
    gen = spec["generation_kwargs"]
    assert gen["until"] == [] and gen["min_new_tokens"] == gen["max_gen_toks"] == 512
    assert gen["temperature"] == 0.6 and spec["repeats"] == 2
    assert spec["process_results"] is rehearsal.process_generation
    assert [m["metric"] for m in spec["metric_list"]] == ["generations"]
    assert "filter_list" not in spec
    assert rehearsal.process_generation({}, ["a", "b"]) == {"generations": 2.0}


def test_a_rehearsal_refuses_what_it_cannot_rewrite() -> None:
    with pytest.raises(HarnessError, match="lm-eval's own"):  # a group: runs by name only
        task_spec(TaskEntry(task="mmlu"), {}, rehearse=True)
    with pytest.raises(HarnessError, match="log-likelihood.*nothing to time"):
        task_spec(TaskEntry(task="hellaswag"), {}, rehearse=True)
    with pytest.raises(HarnessError, match="no token limit"):
        rehearsal.task({"task": "x", "generation_kwargs": {}}, TaskEntry(task="x"))


def test_the_stand_in_keeps_the_tasks_name_and_settings() -> None:
    cfg = {"task": "aime24", "repeats": 4,
           "generation_kwargs": {"do_sample": True, "max_gen_toks": 64}}
    spec = rehearsal.stand_in(cfg, TaskEntry(task="aime24", samples=4))
    assert spec["task"] == "aime24" and spec["repeats"] == 4
    assert spec["dataset_kwargs"]["data_files"]["test"].endswith("gsm_mini.jsonl")
    assert spec["generation_kwargs"]["min_new_tokens"] == 64


def test_counts_come_from_the_engine_or_from_the_limit() -> None:
    samples = [{"resps": [["a", "b"]]}, {"resps": [["c", "d"]]}]
    engine = rehearsal.stats(samples, 10, 40, "the task's own")
    assert engine["n_generations"] == 4 and engine["hit_max_new_tokens"] == 4
    assert engine["counted_by"] == "the engine's generated tokens"
    short = rehearsal.stats(samples, 10, 30, "x")  # an engine that stopped early is not hidden
    assert short["hit_max_new_tokens"] is None
    built = rehearsal.stats(samples, 10, None, "x")
    assert built["output_tokens_total"] == 40 and "EOS suppressed" in built["counted_by"]


def test_the_projection_scales_the_measured_rate_and_energy() -> None:
    p = rehearsal.projection(3_600_000, 400, 1000.0, 0.5, ("lcb",))
    assert p["hours"] == pytest.approx(1.0)
    assert p["joules"] == pytest.approx(1.8e6) and p["kwh"] == pytest.approx(0.5)
    assert "lcb" in p["basis"]
    assert rehearsal.projection(10, 1, None, None)["hours"] is None


def test_the_terminal_line_names_the_projection() -> None:
    run = Run(model=ModelInfo(name="qwq-32b"), suite=SuiteInfo(name="quick"),
              workload=Workload(seconds=600, output_tokens=600_000, output_tokens_per_s=1000,
                                joules_per_output_token=0.4),
              rehearsal=Rehearsal(generations=80, output_tokens=600_000, at_limit=80,
                                  sequences_at_once=5,
                                  projection=Projection(generations=160,
                                                        output_tokens=1_310_720, hours=0.364,
                                                        kwh=0.146)))
    text = rehearsal.describe(run)
    assert "80 of 80 at their token limit" in text and "up to 5 sequences" in text
    assert "22 minutes" in text and "0.15 kWh" in text and "No scores" in text
