"""COMPARISON.md, comparison.csv and the plots, rebuilt from run.json fixtures."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from scipy import stats

from harness.report import tables
from harness.results import files
from harness.results.perf_points import Perf
from harness.results.record import Run, load_runs


def fixture_run(root: Path, model: str, score: float | None, decode: float,
                per_problem: dict[str, float] | None = None) -> Path:
    run_dir = files.new_run_dir(root, model, "reasoning")
    files.write_json(run_dir / "run.json", {
        "schema_version": 1, "run_id": run_dir.name, "status": "complete",
        "model": {"name": model, "weights": "real"}, "backend": {"name": "hf"},
        "suite": {"name": "reasoning"},
        "hardware": {"label": "1x NVIDIA H100 80GB HBM3", "accelerator": "NVIDIA H100 80GB HBM3",
                     "accelerator_count": 1},
        "tasks": {} if score is None else {"aime24": {
            "metric": "exact_match", "value": score, "stderr": 0.05, "n_docs": 30,
            "samples_per_doc": 1, "per_problem": per_problem or {}}},
        "generation": {"aime24": {"output_tokens_total": 120_000, "output_tokens_mean": 4000}},
        "perf": {"decode_tokens_per_s": decode, "prefill_tokens_per_s": 1000.0, "batch_size": 1,
                 "ttft_s": 0.05, "tpot_s": 0.025},
        "memory": {"peak_allocated_bytes": 66_000_000_000, "peak_rss_bytes": 1},
        "energy": {"joules": 1_200_000.0, "accuracy": {"seconds": 3600.0}},
    })
    return run_dir


def test_rebuild_writes_tables_csv_and_plots(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    a = fixture_run(tmp_path, "qwq-32b", 0.8, 40.0,
                    {f"p{i}": float(i % 5 != 0) for i in range(30)})
    b = fixture_run(tmp_path, "r1-distill-qwen-32b", 0.6, 41.5,
                    {f"p{i}": float(i % 5 in (1, 2, 3)) for i in range(30)})
    (tmp_path / "runs" / "junk").mkdir()
    (tmp_path / "runs" / "junk" / "run.json").write_text("not json")
    table = tables.rebuild(tmp_path)
    assert len(table) == 2
    md = (tmp_path / "COMPARISON.md").read_text()
    assert a.name in md and b.name in md and "1x NVIDIA H100 80GB HBM3" in md
    # accuracy: measured beside published, with the gap and the source
    assert "80.0 ± 5.0" in md and "| 79.5 | 0.5 |" in md and "Qwen blog" in md
    # efficiency: 1.2 MJ / 120k tokens = 10 J/token; / 24 correct = 50,000 J; $3 / 24 correct
    assert "| 10.00 |" in md and "50,000.0" in md and "0.125" in md
    assert "| 40.0 |" in md and "66.00" in md and "| 50.0 | 25.0 |" in md
    # GPUs needed from the plan: QwQ-32B fits one H100
    assert "| 1 | measured, real weights" in md.split(a.name)[2].split("\n")[0]
    # paired: qwq correct on 24, distill on 18, per problem difference +20 points
    paired = md.split("## Paired comparisons")[1]
    assert "| aime24 | qwq-32b | r1-distill-qwen-32b | 30 | +20.0 |" in paired
    rows = list(csv.DictReader(io.StringIO((tmp_path / "comparison.csv").read_text())))
    assert {r["model"] for r in rows} == {"qwq-32b", "r1-distill-qwen-32b"}
    assert float(next(r for r in rows if r["model"] == "qwq-32b")["score"]) == 0.8
    for name in ("accuracy_vs_memory", "accuracy_vs_energy", "decode_vs_batch",
                 "tokens_per_answer"):
        png = tmp_path / "plots" / f"{name}.png"
        assert png.read_bytes()[:4] == b"\x89PNG"


def test_provenance_names_only_the_figures_a_row_shows(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    gpu = fixture_run(tmp_path, "qwq-32b", 0.8, 40.0)
    cpu = files.new_run_dir(tmp_path, "tiny-random", "perf")
    files.write_json(cpu / "run.json", {
        "schema_version": 2, "run_id": cpu.name, "status": "complete",
        "model": {"name": "tiny-random", "weights": "random"}, "backend": {"name": "hf"},
        "suite": {"name": "perf"}, "hardware": {"label": "CPU (2 cores)"}, "tasks": {},
        "perf": {"decode_tokens_per_s": 280.0, "batch_size": 1}})
    tables.rebuild(tmp_path)
    md = (tmp_path / "COMPARISON.md").read_text().split("## Efficiency")[1].split("## Paired")[0]
    row = {name: md.split(f"| {name} |")[1].split("\n")[0] for name in (gpu.name, cpu.name)}
    assert row[gpu.name].endswith("| 1 | measured, real weights; $ at assumed price; GPUs: plan |")
    # no dollars and no GPU count on a CPU perf run: nothing there is priced or planned
    assert row[cpu.name].endswith("| - | - | - | measured, random weights |")


def test_rebuild_with_no_runs(tmp_path: Path) -> None:
    assert tables.rebuild(tmp_path) == []
    md = (tmp_path / "COMPARISON.md").read_text()
    assert "no runs yet" in md and not (tmp_path / "plots").exists()


def test_paired_interval() -> None:
    run = {"schema_version": 1, "status": "complete", "model": {"name": "m", "weights": "real"},
           "run_id": "r"}
    a = {**run, "model": {"name": "a", "weights": "real"}, "run_id": "ra",
         "tasks": {"t": {"per_problem": {"1": 1.0, "2": 1.0, "3": 0.0, "4": 1.0}}}}
    b = {**run, "model": {"name": "b", "weights": "real"}, "run_id": "rb",
         "tasks": {"t": {"per_problem": {"1": 0.0, "2": 1.0, "3": 0.0, "5": 1.0}}}}
    (p,) = tables.paired([Run.from_json(a), Run.from_json(b)])
    assert p["n"] == 3 and p["diff"] == pytest.approx(100 / 3)
    low, high = stats.t.interval(0.95, 2, loc=100 / 3, scale=stats.sem([100, 0, 0]))
    assert (p["low"], p["high"]) == (pytest.approx(low), pytest.approx(high))


def test_decode_joules_per_token_from_headline_or_points() -> None:
    points = [{"variant": "eager", "kind": "decode", "batch_size": 1, "status": "ok",
               "joules_per_token": 18.0},
              {"variant": "static-cache+compile", "kind": "decode", "batch_size": 4,
               "status": "ok", "joules_per_token": 3.8},
              {"variant": "static-cache+compile", "kind": "decode", "batch_size": 1,
               "status": "ok", "joules_per_token": 13.3}]
    for p in points:
        p["decode_tokens_per_s"] = 30.0 if p["variant"] == "static-cache+compile" else 17.0
    # a run recorded before the headline field: the fastest batch-1 variant's point
    assert Perf.from_json({"points": points}).headline().decode_joules_per_token == 13.3
    assert Perf.from_json({"points": []}).headline().decode_joules_per_token is None
    assert Perf().headline().decode_joules_per_token is None


def test_bad_run_files_are_skipped_with_one_warning_each(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    from harness.report import claims

    good = fixture_run(tmp_path, "qwq-32b", 0.8, 40.0)
    bad = {"truncated": good.joinpath("run.json").read_text()[:200],
           "future": json.dumps({"schema_version": 99, "status": "complete"}),
           "keys-missing": json.dumps({"schema_version": 2, "status": "complete",
                                       "tasks": {"aime24": {"value": "high"}}}),
           "not-an-object": "[1, 2, 3]"}
    for name, text in bad.items():
        (tmp_path / "runs" / name).mkdir()
        (tmp_path / "runs" / name / "run.json").write_text(text)
    table = tables.rebuild(tmp_path)
    err = capsys.readouterr().err
    assert [r["run"] for r in table] == [good.name]
    for name in bad:
        assert err.count(f"runs/{name}/run.json") == 1, err
    claims.rebuild(tmp_path)
    err = capsys.readouterr().err
    assert all(err.count(f"runs/{name}/run.json") == 1 for name in bad)
    assert (tmp_path / "CLAIMS.md").exists()


def test_unfinished_runs_have_their_own_section(tmp_path: Path) -> None:
    import socket

    done = fixture_run(tmp_path, "qwq-32b", 0.8, 40.0)
    states = {"failed": {"status": "failed", "error": "RuntimeError: boom | a|b\nline 2"},
              "killed": {"status": "running", "pid": 2 ** 22 + 12345,  # above pid_max: gone
                         "host": socket.gethostname()},
              "elsewhere": {"status": "running", "pid": 1, "host": "another-host"}}
    ids = {}
    for name, state in states.items():
        run_dir = fixture_run(tmp_path, "r1-distill-qwen-32b", 0.1, 99.0)
        record = json.loads((run_dir / "run.json").read_text())
        (run_dir / "run.json").write_text(json.dumps({**record, **state}))
        ids[name] = run_dir.name
    table = tables.rebuild(tmp_path)
    md = (tmp_path / "COMPARISON.md").read_text()
    measured, unfinished = md.split("## Runs that did not finish")
    assert done.name in measured and not any(i in measured for i in ids.values())
    lines = {name: next(x for x in unfinished.splitlines() if i in x) for name, i in ids.items()}
    assert "| failed |" in lines["failed"] and "boom \\| a\\|b line 2 |" in lines["failed"]
    cells = re.split(r"(?<!\\)\|", lines["failed"].strip("|"))
    assert len(cells) == 6  # the message's pipes did not make columns of their own
    from harness.report.html import markdown_to_html

    assert "<td>RuntimeError: boom | a|b line 2</td>" in markdown_to_html(unfinished)
    assert "| interrupted |" in lines["killed"] and "SIGKILL" in lines["killed"]
    assert "| running |" in lines["elsewhere"]  # another machine's process: cannot tell
    assert {r["status"] for r in table} == {"complete", "failed", "interrupted", "running"}


def test_decode_plot_keeps_runs_and_variants_apart(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    from harness.report import plots

    drawn: dict[str, list[tuple[int, float]]] = {}
    monkeypatch.setattr(plots, "_save", lambda fig, path: drawn.update(
        {line.get_label(): list(zip(line.get_xdata(), line.get_ydata(), strict=True))
         for line in fig.axes[0].get_lines()} if path.name == "decode_vs_batch.png" else {}))
    for decode in (40.0, 80.0):
        run_dir = fixture_run(tmp_path, "qwq-32b", 0.8, decode)
        record = json.loads((run_dir / "run.json").read_text())
        record["perf"] = {"points": [
            {"variant": v, "kind": "decode", "status": "ok", "batch_size": b,
             "decode_tokens_per_s": decode * b * (2 if v == "compile" else 1)}
            for v in ("eager", "compile") for b in (1, 4)]}
        (run_dir / "run.json").write_text(json.dumps(record))
    reasons = plots.write_all(load_runs(tmp_path), tables.rows(load_runs(tmp_path)),
                              tmp_path / "plots")
    assert reasons["decode_vs_batch.png"] == "" and len(drawn) == 4
    assert all(len(points) == 2 for points in drawn.values())  # no zigzag across runs
    assert reasons["accuracy_vs_energy.png"] == ""


def test_a_plot_that_cannot_be_drawn_says_why(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    run_dir = fixture_run(tmp_path, "qwq-32b", 0.8, 40.0)
    record = json.loads((run_dir / "run.json").read_text())
    record["energy"] = {"joules": None, "reason": "no NVML on CPU"}
    (run_dir / "run.json").write_text(json.dumps(record))
    tables.rebuild(tmp_path)
    md = (tmp_path / "COMPARISON.md").read_text()
    assert "plots/accuracy_vs_energy.png: not drawn, no scored run has joules" in md
    assert not (tmp_path / "plots" / "accuracy_vs_energy.png").exists()
    assert (tmp_path / "plots" / "accuracy_vs_memory.png").exists()


def test_fields_of_the_wrong_shape_never_break_a_report(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str],
                                                        bent_copies: Any) -> None:
    """Every field of a record, in turn, null, a string, a list or a negative number (a hand
    edit, another tool, a disk error): each such run is read with the field's default or
    skipped with a warning, and the tables, claims, plots and report.html still come out."""
    from harness.report import claims, html

    good = fixture_run(tmp_path, "qwq-32b", 0.8, 40.0)
    record = json.loads((good / "run.json").read_text())
    record["perf"]["points"] = [
        {"kind": "decode", "status": "ok", "variant": "eager", "batch_size": 1,
         "prompt_tokens": 512, "new_tokens": 256, "repeats": 3, "decode_tokens_per_s": 40.0,
         "tpot_s": 0.025, "ttft_s": 0.05, "energy": {"joules": 900.0}},
        {"kind": "prefill", "status": "ok", "variant": "eager", "batch_size": 1,
         "prompt_tokens": 512, "repeats": 3, "prefill_tokens_per_s": 1000.0}]
    (good / "run.json").write_text(json.dumps(record))
    (good / "samples").mkdir()
    (good / "samples" / "aime24.jsonl").write_text(
        '[1, 2]\n{"resps": 5}\n{"arguments": "x", "resps": [["ok"]], "graded": [7]}\n'
        '{"doc_id": 0, "resps": [["\\\\boxed{1}"]], "graded": [{"correct": true}]}\n')
    count = 0
    for _, bent in bent_copies(record, (None, "x", [], -1.5)):
        count += 1
        (tmp_path / "runs" / f"bent-{count}").mkdir()
        (tmp_path / "runs" / f"bent-{count}" / "run.json").write_text(json.dumps(bent))
    assert count > 150
    table = tables.rebuild(tmp_path)
    claims.rebuild(tmp_path)
    html.write(tmp_path, load_runs(tmp_path, warn=False))
    assert good.name in {r["run"] for r in table}
    assert "\\\\boxed{1}" in (tmp_path / "report.html").read_text()
    assert "Traceback" not in capsys.readouterr().err


def test_the_metric_names_its_filter_where_the_task_has_several() -> None:
    from harness.results.parts import TaskScore

    two = TaskScore(metric="exact_match", value=0.1, filter="strict-match", all_metrics={
        "exact_match,strict-match": 0.1, "exact_match_stderr,strict-match": 0.01,
        "exact_match,flexible-extract": 0.7, "exact_match_stderr,flexible-extract": 0.02})
    assert tables._metric(two) == "exact_match (strict-match)"
    one = TaskScore(metric="pass@1", value=0.5, filter="all",
                    all_metrics={"pass@1,all": 0.5, "pass@1_stderr,all": 0.1})
    assert tables._metric(one) == "pass@1"
