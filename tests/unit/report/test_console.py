"""Terminal tables in a 100-column terminal: the names one types are never cut."""

from __future__ import annotations

import pytest
from rich.console import Console

from harness.config import configs
from harness.report import console


@pytest.fixture
def narrow(monkeypatch: pytest.MonkeyPatch) -> Console:
    screen = Console(width=100, record=True, force_terminal=True)
    monkeypatch.setattr(console, "_console", lambda: screen)
    return screen


def test_model_names_survive_a_100_column_terminal(narrow: Console) -> None:
    from harness import cli

    assert cli.main(["models"]) == 0
    text = narrow.export_text()
    assert max(len(line) for line in text.splitlines()) <= 100
    for name in configs.model_names():
        assert any(name in line for line in text.splitlines()), name


def test_result_rows_keep_model_and_task_whole(narrow: Console) -> None:
    row = {"run": "r", "status": "complete", "model": "r1-distill-qwen-1.5b",
           "hardware": "1x NVIDIA H100 80GB HBM3", "weights": "real",
           "task": "gpqa_diamond (weak sandbox)", "score": 0.5, "stderr": 0.05, "n": 198,
           "perf_point": "static-cache+compile, bfloat16, 512+256 tokens, batch 1",
           "decode_tok_s": 55.5, "prefill_tok_s": 5000.0, "peak_mem_gb": 65.5, "energy_j": 1e6}
    console.print_table([row])
    lines = narrow.export_text().splitlines()
    assert max(len(line) for line in lines) <= 100
    assert any("r1-distill-qwen-1.5b" in line for line in lines)
    assert any("gpqa_diamond (weak sandbox)" in line for line in lines)


def test_perf_points_keep_variant_whole(narrow: Console) -> None:
    """Two variants that share a prefix (static-cache, static-cache+compile) must stay
    distinguishable in a narrow terminal."""
    from pathlib import Path

    from harness.results.record import read_run

    root = Path(__file__).resolve().parents[3] / "results" / "runs"
    run = read_run(root / "20261123T011911Z-qwq-32b-perf-compile-faac" / "run.json")
    console.print_perf(run)
    lines = narrow.export_text().splitlines()
    assert max(len(line) for line in lines) <= 100
    assert any("static-cache+compile" in line for line in lines)


def test_text_in_brackets_is_shown_as_written(narrow: Console) -> None:
    """An error message naming a path in brackets, or a name with a rich tag in it, is
    text: rich read it as markup (MarkupError for "[/tmp/x]", and "[bold]" vanished)."""
    console.print_rows("models [/x]", ("name", "note"),
                       [("[bold]mine", "could not open [/tmp/weights]"), ("x[/]", "[red]y")])
    text = narrow.export_text()
    for shown in ("models [/x]", "[bold]mine", "could not open [/tmp/weights]", "x[/]",
                  "[red]y"):
        assert shown in text, shown
