"""The typed run record: every committed run loads and writes back unchanged; bad files are
refused with a reason."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from harness.config.configs import ROOT
from harness.results import files
from harness.results.base import RecordError
from harness.results.record import Run, load_runs, read_run, write_run


def _committed() -> list[Path]:
    """The runs git tracks, not a developer's own runs beside them (results/runs/ is ignored);
    every run there where the tree is not a git checkout."""
    runs = ROOT / "results" / "runs"
    try:
        listed = subprocess.run(["git", "ls-files", "--", "*/run.json"], cwd=runs, check=True,
                                capture_output=True, text=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return sorted(runs.glob("*/run.json"))
    return sorted(runs / name for name in listed)


COMMITTED = _committed()


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.parent.name)
def test_committed_runs_load_and_round_trip(path: Path) -> None:
    data = json.loads(path.read_text())
    run = Run.from_json(data)
    assert run.run_id == path.parent.name and run.perf is not None and run.hardware
    assert run.perf.points and all(p.kind in ("prefill", "decode") for p in run.perf.points)
    out = run.to_json()
    assert Run.from_json(out).to_json() == out  # written and read back: the same record
    assert _paths(_no_nulls(data)) <= _paths(_no_nulls(out)) | {"schema_version"}  # nothing lost


def _paths(obj: Any, prefix: str = "") -> set[str]:
    if isinstance(obj, dict):
        return {q for k, v in obj.items() for q in _paths(v, f"{prefix}/{k}")} or {prefix}
    if isinstance(obj, list):
        return {q for i, v in enumerate(obj) for q in _paths(v, f"{prefix}[{i}]")} or {prefix}
    return {prefix}


def test_a_schema_1_run_is_upgraded_when_read() -> None:
    point = {"variant": "eager", "kind": "prefill", "status": "ok", "prompt_tokens": 16384,
             "batch_size": 1, "new_tokens": 1, "repeats": 3, "ttft_s": 2.1,
             "prefill_tokens_per_s": 7800.0, "fraction_of_bound": 0.48,
             "energy": {"joules": 6062.9, "seconds": 6.4},
             "joules_per_token": 1515.7}  # version 1 divided by runs, not tokens
    fast = {"variant": "eager", "kind": "decode", "status": "ok", "prompt_tokens": 16,
            "batch_size": 1, "new_tokens": 128, "repeats": 3, "ttft_s": 0.02, "e2e_s": 0.15,
            "decode_tokens_per_s": 935.0, "fraction_of_bound_measured_bw": 37.97}
    run = Run.from_json({"schema_version": 1, "run_id": "r", "status": "complete",
                         "perf": {"points": [point, fast], "decode_tokens_per_s": 935.0}})
    assert run.schema_version == 2 and run.extra["upgraded_from_schema"] == 1
    prefill, decode = run.perf.points
    assert prefill.joules_per_token == pytest.approx(6062.9 / (16384 * 3))
    assert prefill.timing and "schema 1" in prefill.timing
    assert decode.status == "invalid" and "3797% of the measured-bandwidth bound" in \
        (decode.reason or "")
    assert run.perf.headline().decode_tokens_per_s is None  # never a headline
    assert run.to_json()["perf"].get("decode_tokens_per_s") is None


def test_a_headline_timed_by_separate_calls_says_so() -> None:
    """The tables' perf point names the timing where it is not one call with token stamps:
    the committed H100 runs (schema 1) are quoted, but not as single-call figures."""
    from harness.config.places import ROOT
    from harness.results.record import read_run

    runs = sorted((ROOT / "results" / "runs").glob("*qwq-32b-perf*/run.json"))
    assert runs
    for path in runs:
        point = read_run(path).perf.describe_point("bfloat16")
        assert point and point.endswith("batch 1, TTFT and E2E from separate calls (schema 1)")
    stamped = {"variant": "eager", "kind": "decode", "status": "ok", "prompt_tokens": 16,
               "batch_size": 1, "new_tokens": 32, "repeats": 3, "ttft_s": 0.02, "e2e_s": 2.0,
               "decode_tokens_per_s": 16.0, "timing": "single call: per-token stamps (streamer)"}
    run = Run.from_json({"schema_version": 2, "run_id": "r", "status": "complete",
                         "perf": {"points": [stamped]}})
    assert run.perf.describe_point(None) == "eager, 16+32 tokens, batch 1"


def _no_nulls(obj: Any) -> Any:
    """The same JSON without null values: sparse parts write a null field as absent."""
    if isinstance(obj, dict):
        return {k: _no_nulls(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, list):
        return [_no_nulls(v) for v in obj]
    return obj


def test_typed_fields_and_derived_values() -> None:
    run = Run.from_json({
        "schema_version": 1, "run_id": "r", "status": "complete",
        "model": {"name": "m", "weights": "real", "new_field": 1},
        "tasks": {"t": {"metric": "pass@1", "value": 0.5, "n_docs": 10, "samples_per_doc": 4,
                        "something_new": [1]}},
        "generation": {"settings": {"temperature": 0.6},
                       "t": {"n_generations": 40, "output_tokens_total": 4000}},
        "energy": {"joules": 100.0, "accuracy": {"joules": 100.0, "seconds": 2.0}},
        "a_key_from_the_future": {"x": 1}})
    assert run.complete_real and run.correct_answers == 20 and run.output_tokens == 4000
    assert run.generation_settings == {"temperature": 0.6} and set(run.generation) == {"t"}
    assert run.energy and run.energy.accuracy and run.energy.accuracy.seconds == 2.0
    out = run.to_json()
    assert out["a_key_from_the_future"] == {"x": 1}
    assert out["tasks"]["t"]["something_new"] == [1]
    assert out["generation"]["settings"] == {"temperature": 0.6}


def test_unknown_versions_and_shapes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match="schema_version 99"):
        Run.from_json({"schema_version": 99, "run_id": "r"})
    with pytest.raises(RecordError, match="schema_version None"):
        Run.from_json({"run_id": "r"})
    with pytest.raises(RecordError, match="expected a JSON object"):
        Run.from_json([1, 2])  # type: ignore[arg-type]
    with pytest.raises(RecordError, match="expected an object"):
        Run.from_json({"schema_version": 1, "model": "qwq"})
    path = tmp_path / "run.json"
    path.write_text("{")
    with pytest.raises(RecordError, match="not valid JSON"):
        read_run(path)


def test_write_then_load(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = files.new_run_dir(tmp_path, "m", "s")
    write_run(good / "run.json", Run(run_id=good.name, status="running"))
    future = files.new_run_dir(tmp_path, "m", "s")
    (future / "run.json").write_text(json.dumps({"schema_version": 7}))
    runs = load_runs(tmp_path)
    assert [r.run_id for r in runs] == [good.name] and runs[0].status == "running"
    assert f"skipped {future / 'run.json'}" in capsys.readouterr().err


def test_a_complete_regrade_stands_for_its_source(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    for run in (Run(run_id="a", status="complete"),
                Run(run_id="b", status="complete", regraded_from={"run_id": "a"}),
                Run(run_id="c", status="complete"),
                Run(run_id="d", status="failed", regraded_from={"run_id": "c"}),
                Run(run_id="e", status="complete", regraded_from={"run_id": "a"})):
        (runs / run.run_id).mkdir(parents=True)
        write_run(runs / run.run_id / "run.json", run)
    # a regrade stands for its source; the newest of two regrades of one run stands for both
    assert [r.run_id for r in load_runs(tmp_path)] == ["c", "d", "e"]
    assert read_run(runs / "b" / "run.json").regraded_from == {"run_id": "a"}
    assert "regraded_from" not in json.loads((runs / "a" / "run.json").read_text())


def test_regrades_of_regrades_leave_only_the_newest(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    # a graded again as b, b as c, then a again as d: all four hold a's generations
    for run in (Run(run_id="a", status="complete"),
                Run(run_id="b", status="complete", regraded_from={"run_id": "a"}),
                Run(run_id="c", status="complete", regraded_from={"run_id": "b"}),
                Run(run_id="d", status="complete", regraded_from={"run_id": "a"}),
                Run(run_id="e", status="complete", regraded_from={"run_id": "gone"})):
        (runs / run.run_id).mkdir(parents=True)
        write_run(runs / run.run_id / "run.json", run)
    assert [r.run_id for r in load_runs(tmp_path)] == ["d", "e"]
    (runs / "d" / "run.json").unlink()
    assert [r.run_id for r in load_runs(tmp_path)] == ["c", "e"]
