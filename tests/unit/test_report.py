"""COMPARISON.md and comparison.csv rebuilt from run.json fixtures."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from harness import report, results


def fixture_run(root: Path, model: str, score: float | None, decode: float) -> Path:
    run_dir = results.new_run_dir(root, model, "default")
    results.write_json(run_dir / "run.json", {
        "schema_version": 1, "run_id": run_dir.name, "status": "complete",
        "model": {"name": model, "weights": "real"}, "backend": {"name": "hf"},
        "suite": {"name": "default"}, "hardware": {"label": "1x NVIDIA H100 80GB HBM3"},
        "tasks": {} if score is None else {"gsm_mini": {
            "metric": "exact_match", "value": score, "stderr": 0.05, "n_docs": 50}},
        "perf": {"decode_tokens_per_s": decode, "prefill_tokens_per_s": 1000.0},
        "memory": {"peak_allocated_bytes": 66_000_000_000, "peak_rss_bytes": 1},
        "energy": {"joules": 1234.5},
    })
    return run_dir


def test_rebuild_writes_markdown_and_csv(tmp_path: Path) -> None:
    a = fixture_run(tmp_path, "qwq-32b", 0.8, 40.0)
    b = fixture_run(tmp_path, "r1-distill-qwen-32b", None, 41.5)
    (tmp_path / "runs" / "junk").mkdir()
    (tmp_path / "runs" / "junk" / "run.json").write_text("not json")
    table = report.rebuild(tmp_path)
    assert len(table) == 2
    md = (tmp_path / "COMPARISON.md").read_text()
    assert a.name in md and b.name in md
    assert "80.0 ± 5.0" in md and "| 40.0 |" in md and "66.00" in md and "1234.5" in md
    assert "1x NVIDIA H100 80GB HBM3" in md
    rows = list(csv.DictReader(io.StringIO((tmp_path / "comparison.csv").read_text())))
    assert {r["model"] for r in rows} == {"qwq-32b", "r1-distill-qwen-32b"}
    assert float(next(r for r in rows if r["model"] == "qwq-32b")["score"]) == 0.8


def test_rebuild_with_no_runs(tmp_path: Path) -> None:
    assert report.rebuild(tmp_path) == []
    assert "no runs yet" in (tmp_path / "COMPARISON.md").read_text()
