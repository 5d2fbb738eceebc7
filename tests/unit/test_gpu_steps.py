"""benchmarks/gpu_session.sh: every step it names has a case and a line in its header, and
every suite it runs loads, so a lent GPU's few minutes are never spent on a typo. (The
graph-loop step itself runs end to end in tests/integration/test_gpu_session.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.config.suites import get_suite

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = (ROOT / "benchmarks" / "gpu_session.sh").read_text()


def steps() -> list[str]:
    usage = re.search(r"usage: benchmarks/gpu_session\.sh ([\w|-]+)\}", SCRIPT)
    assert usage, "the script's usage line"
    return usage.group(1).split("|")


@pytest.mark.parametrize("step", steps())
def test_each_step_has_a_case_and_a_header_line(step: str) -> None:
    assert re.search(rf"^\s+{re.escape(step)}\) cmd=", SCRIPT, re.M), f"no case for {step}"
    assert f"# bash benchmarks/gpu_session.sh {step} " in SCRIPT.replace("#   ", "# ")


@pytest.mark.parametrize("suite", sorted(set(re.findall(r"--suite (benchmarks/gpu/[\w.-]+)",
                                                        SCRIPT))))
def test_each_suite_the_script_runs_loads(suite: str) -> None:
    loaded = get_suite(str(ROOT / suite))
    assert loaded.perf.enabled and loaded.perf.variants


def test_remeasure_puts_the_headline_variant_first() -> None:
    suite = get_suite(str(ROOT / "benchmarks/gpu/perf-remeasure.yaml"))
    # a call cut short at LIMIT_S keeps the points finished so far: the compiled variant's
    # batch-1 decode is the figure the README and the tables quote
    assert suite.perf.variants[0] == "static-cache+compile"
    assert suite.perf.warmup >= 2  # compilation and graph capture outside the timings
    assert 1 in suite.perf.decode_batch_sizes
