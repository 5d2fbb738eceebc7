"""`harness plan --suite`: a suite's work and its hours at the plan's decode bounds, checked
by hand against the suite YAMLs and the plan's own figures."""

from __future__ import annotations

import json

import pytest

from harness.cli import main
from harness.plan import suite_time
from harness.plan import table as plan_table

pytest.importorskip("torch")


def test_reasoning_on_one_h100_by_hand() -> None:
    plan, t = suite_time.plan_suite("qwq-32b", "h100-80gb", None, None, "reasoning", None)
    assert t is not None
    # AIME 2024 and 2025 x 64, MATH-500 x 4, GPQA-Diamond (198) x 8, IFEval (541) x 1
    assert t.generations == 30 * 64 + 30 * 64 + 500 * 4 + 198 * 8 + 541 == 7965
    assert t.max_new_tokens_total == 7965 * 32768
    assert plan.context == 32768 and plan.workload_concurrency == plan.kv_concurrency == 1
    assert t.hours_batched == pytest.approx(7965 * 32768 / plan.workload_bound_tokens_per_s
                                            / 3600)
    assert t.gpus == 1 and t.gpu_hours == t.hours_batched
    assert t.dollars == pytest.approx(t.hours_batched * 3.00)  # configs/hardware/h100-80gb
    # one at a time: the batch-1 bound from the bandwidth measured on the lent H100
    assert t.one_at_a_time_basis == "measured bandwidth"
    assert t.hours_one_at_a_time == pytest.approx(
        7965 * 32768 / plan.decode_bound_measured_tokens_per_s / 3600)


def test_the_suites_longest_generation_is_the_context_unless_one_is_given() -> None:
    plan, _ = suite_time.plan_suite("qwq-32b", "h200-141gb", None, None, "quick", None)
    assert plan.context == 8192  # quick's max_new_tokens
    plan, _ = suite_time.plan_suite("qwq-32b", "h200-141gb", None, 4096, "quick", None)
    assert plan.context == 4096
    plan, none = suite_time.plan_suite("qwq-32b", "h200-141gb", None, None, None, None)
    assert plan.context == 32768 and none is None


def test_a_suite_smaller_than_the_kv_room_runs_no_more_sequences_than_it_has() -> None:
    full, _ = suite_time.plan_suite("qwq-32b", "h200-141gb", None, None, "quick", None)
    small, t = suite_time.plan_suite("qwq-32b", "h200-141gb", None, None, "quick", 2)
    assert t is not None and t.generations == 2 * 2 + 2 + 2 + 2 == 10
    assert full.kv_concurrency == small.kv_concurrency == full.workload_concurrency > 10
    assert small.workload_concurrency == 10
    assert small.workload_bound_tokens_per_s < full.workload_bound_tokens_per_s
    assert "all the workload has; the KV room holds" in plan_table.render(small)


def test_plan_suite_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--model", "qwq-32b", "--suite", "reasoning"]) == 0
    out = capsys.readouterr().out
    assert "suite reasoning" in out and "7,965 generations" in out
    assert "days) on 1x NVIDIA H100" in out and "per GPU-hour (assumption" in out
    assert "estimated: bounds on speed, not on time" in out
    assert main(["plan", "--model", "qwq-32b", "--suite", "quick", "--limit", "1",
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["suite"]["generations"] == 5 and data["workload_concurrency"] == 5
    assert main(["plan", "--model", "qwq-32b", "--suite", "no-such-suite"]) == 2
    assert "Unknown suite 'no-such-suite'" in capsys.readouterr().err


def test_a_suite_with_nothing_to_generate_has_no_hours() -> None:
    plan, t = suite_time.plan_suite("qwq-32b", "h100-80gb", None, None, "perf", None)
    assert t is not None and t.generations == t.max_new_tokens_total == 0
    assert t.hours_batched is None and t.dollars is None
    text = plan_table.render(plan, suite_time.rows(t, plan))
    assert "nothing it generates is counted" in text and "fits" not in text.split("suite")[-1]
