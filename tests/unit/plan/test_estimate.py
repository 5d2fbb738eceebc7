"""Cost before commitment: generations, token bound and hours, by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import models
from harness.bench import default_suite
from harness.config import configs
from harness.plan import estimate


def test_quick_suite_estimate_by_hand() -> None:
    quick = configs.get_suite("quick")
    est = estimate.estimate(quick, None, 32768, 52.4, "plan")
    # aime24 10 x 2, math500 50, gpqa 40, ifeval 50; all at 8,192 new tokens
    assert est.generations == 20 + 50 + 40 + 50
    assert est.max_new_tokens_total == 160 * 8192
    assert est.hours_at_most == pytest.approx(160 * 8192 / 52.4 / 3600)
    assert "160 generations" in estimate.describe(est, "quick", "qwq-32b")


def test_full_protocol_is_announced_as_days() -> None:
    est = estimate.estimate(configs.get_suite("reasoning"), None, 32768, 52.4, "plan")
    assert est.generations == 30 * 64 * 2 + 500 * 4 + 198 * 8 + 541
    assert est.hours_at_most > 24 * 30  # batch-1 upper bound: months on one H100


def test_limit_and_jsonl_sizes(tmp_path: Path) -> None:
    problems = tmp_path / "p.jsonl"
    problems.write_text('{"question": "1+1?", "answer": "2"}\n' * 7)
    suite = configs.get_suite(str(problems))
    assert estimate.estimate(suite, None, 100, None, "-").generations == 7
    est = estimate.estimate(suite, 3, 100, None, "-")
    assert est.generations == 3 and est.hours_at_most is None
    assert "no time estimate" in estimate.describe(est, "p", "m")


def test_default_suite_depends_on_the_model() -> None:
    assert default_suite(models.resolve("tiny-random")) == "default"
    assert default_suite(models.resolve("qwq-32b", weights="random")) == "perf"
    fake = models.ResolvedModel(name="qwq-32b", path="Qwen/QwQ-32B", revision="main",
                                origin="test", config=configs.get_model("qwq-32b"))
    assert default_suite(fake) == "quick"


def test_harness_suites_lists_each_suites_work() -> None:
    assert estimate.work(configs.get_suite("reasoning")) == \
        "7,965 generations, at most 261.0M new tokens"
    assert estimate.work(configs.get_suite("default")) == \
        "50 generations, at most 12,800 new tokens"  # 50 x 256
    assert estimate.work(configs.get_suite("perf")) == "-"
    # LiveCodeBench's size comes from the hub's dataset: not counted, and said so
    assert estimate.work(configs.get_suite("code")).endswith("+ tasks of unknown size")


def test_hours_at_a_bound_on_speed_are_not_called_a_bound_on_time() -> None:
    quick = configs.get_suite("quick")
    bound = estimate.estimate(quick, None, 32768, 52.4, f"{estimate.PLAN_BOUND} on h100-80gb")
    text = estimate.describe(bound, "quick", "qwq-32b")
    assert "at most 1,310,720 new tokens" in text and "hours to every limit, estimated" in text
    assert "at most 6.9 hours" not in text
    measured = estimate.estimate(quick, None, 32768, 40.0, "batch-1 decode measured earlier")
    assert "at most 9.1 hours" in estimate.describe(measured, "quick", "qwq-32b")
