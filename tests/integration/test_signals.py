"""A run ended by a signal says so: SIGTERM unwinds like Ctrl-C and records `failed`; a run
killed outright (SIGKILL) cannot write anything, and reads as `interrupted` once its process
is gone."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("torch")


def start(tmp_path: Path) -> tuple[subprocess.Popen[bytes], Path]:
    """A bench long enough to be cut, and its run.json once the run has started. Tiny-random
    generates 400 of these in about 6 s on a 2-core machine, which a fresh clone's run once
    finished before the signal came: 10,000 take minutes."""
    problems = tmp_path / "many.jsonl"
    problems.write_text("".join(json.dumps({"question": f"{i} + {i}?", "answer": str(2 * i)})
                                + "\n" for i in range(10_000)))
    results = tmp_path / "results"
    proc = subprocess.Popen([sys.executable, "-m", "harness", "bench", "--model", "tiny-random",
                             "--suite", str(problems), "--no-perf", "--results-dir",
                             str(results)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = list(results.glob("runs/*/run.json"))
        if found and json.loads(found[0].read_text())["status"] == "running":
            time.sleep(2)  # into model loading or generation
            return proc, found[0]
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        time.sleep(0.2)
    proc.kill()
    raise AssertionError("the run never started")


def test_sigterm_records_the_run_as_failed(tmp_path: Path) -> None:
    proc, run_json = start(tmp_path)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err.decode()
    record = json.loads(run_json.read_text())
    assert record["status"] == "failed" and "SIGTERM" in record["error"]
    assert b"Traceback" not in err


def test_sigkill_reads_as_interrupted(tmp_path: Path) -> None:
    proc, run_json = start(tmp_path)
    proc.kill()
    proc.wait(timeout=60)
    assert json.loads(run_json.read_text())["status"] == "running"  # nothing could be written
    report = subprocess.run([sys.executable, "-m", "harness", "report", "--results-dir",
                             str(run_json.parents[2])], capture_output=True, text=True,
                            timeout=120)
    assert report.returncode == 0, report.stderr
    md = (run_json.parents[2] / "COMPARISON.md").read_text()
    unfinished = md.split("## Runs that did not finish")[1]
    assert f"| {run_json.parent.name} | interrupted |" in unfinished
    assert run_json.parent.name not in md.split("## Runs that did not finish")[0]
