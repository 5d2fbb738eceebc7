"""report.html in a real headless browser (Debian's Chromium, which make test installs as
root): the tables, the verdicts and the sample browser render, and a screenshot is taken."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import cli
from harness.results import files

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None,
                                reason="no Chromium here (make test installs Debian's "
                                       "chromium as root)")


def browser(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
                           "--disable-dev-shm-usage", "--no-first-run", *args],
                          capture_output=True, text=True, timeout=120)


def a_run(root: Path) -> Path:
    run_dir = files.new_run_dir(root, "qwq-32b", "quick")
    files.write_json(run_dir / "run.json", {
        "schema_version": 2, "run_id": run_dir.name, "status": "complete",
        "model": {"name": "qwq-32b", "weights": "real"}, "backend": {"name": "hf"},
        "suite": {"name": "quick"}, "hardware": {"label": "1x NVIDIA H100 80GB HBM3"},
        "tasks": {"aime24": {"metric": "pass@1", "value": 0.5, "stderr": 0.1, "n_docs": 2,
                             "samples_per_doc": 1}},
        "generation": {"aime24": {"n_generations": 2, "output_tokens_total": 30}}})
    files.write_jsonl(run_dir / "samples" / "aime24.jsonl", [
        {"doc_id": 0, "target": "204", "arguments": [["Find x </script><b>", {}]],
         # an HTML comment opening a script tag: inside the page's data script it made the
         # parser run past the script's end, and the browser showed nothing
         "resps": [["<think>long thought <!--<script>x</think> so \\boxed{204}"]],
         "graded": [{"extracted": "204", "truncated": False, "correct": True}]},
        {"doc_id": 1, "target": "25", "arguments": [["Find y", {}]],
         "resps": [["<think>it never ends"]],
         "graded": [{"extracted": None, "truncated": True, "correct": False}]}])
    return run_dir


def test_the_report_renders_in_chromium(tmp_path: Path) -> None:
    root = tmp_path / "results"
    a_run(root)
    assert cli.main(["report", "--results-dir", str(root), "--html"]) == 0
    page = root / "report.html"
    text = page.read_text()
    assert "http://" not in text.replace("http://www.w3.org", "") and "https://" not in text
    dom = browser("--virtual-time-budget=5000", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    assert "<table>" in html and "qwq-32b" in html and "Comparison of runs" in html
    assert "QwQ-32B" in html  # a claim's verdict, from CLAIMS.md
    assert html.count('class="sample"') == 2  # the browser's script ran
    assert "extracted: 204" in html and "showing 2 of 2 matching generations" in html
    assert "Find x &lt;/script&gt;&lt;b&gt;" in html  # data stays text, never markup
    assert "long thought &lt;!--&lt;script&gt;x" in html
    shot = tmp_path / "report.png"
    taken = browser(f"--screenshot={shot}", "--window-size=1280,1400", page.as_uri())
    assert taken.returncode == 0 and shot.read_bytes()[:4] == b"\x89PNG"


def test_the_page_is_one_file() -> None:
    from harness.report import html

    assert html.TEMPLATE.exists()
    md = "## T\n\n| a | b |\n|---|---|\n| `x` | **y** |\n\n- one\n- two\n"
    out = html.markdown_to_html(md)
    assert "<h3>T</h3>" in out and "<td><code>x</code></td>" in out and "<li>two</li>" in out
    json.dumps(out)
