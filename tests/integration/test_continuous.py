"""The continuous-batching accuracy path on a real model on CPU: the same answers as lm-eval's
HFLM, every finished generation kept through a SIGKILL, and what it chose in run.json."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.bench import BenchOptions, run_bench
from harness.models import cache_dir

pytest.importorskip("torch")
pytestmark = pytest.mark.slow


def answers(run_dir: Path) -> dict[str, str]:
    rows = [json.loads(line) for line in (run_dir / "samples" / "gsm_mini.jsonl").open()]
    return {json.dumps(r["doc"], sort_keys=True): str(r["filtered_resps"]) for r in rows}


def test_continuous_and_static_paths_agree_on_gsm_mini(results_dir: Path) -> None:
    # 20 of gsm_mini's 50 problems: the longest test of the suite at 50 (6 minutes on a busy
    # 2-core machine); the full comparison is benchmarks' (results/cpu/continuous-vs-static-*)
    cont = run_bench(BenchOptions(model="smollm2-135m", suite="default", perf=False,
                                  resume=False, limit=20))
    static = run_bench(BenchOptions(model="smollm2-135m", suite="default", perf=False,
                                    resume=False, limit=20,
                                    backend_args=(("generation", "static"),)))
    rc, rs = (json.loads((d / "run.json").read_text()) for d in (cont, static))
    assert rc["backend"]["generation_path"].startswith("continuous batching")
    assert rs["backend"]["generation_path"].startswith("lm-eval HFLM")
    assert rc["backend"]["kv_blocks"] > 0 and rc["backend"]["max_sequences_at_full_length"] >= 1
    reasons = rc["backend"]["finish_reasons"]
    assert sum(reasons.values()) == 20
    assert reasons.get("length", 0) == rc["generation"]["gsm_mini"]["hit_max_new_tokens"]
    assert rc["tasks"]["gsm_mini"]["value"] == rs["tasks"]["gsm_mini"]["value"]
    a, b = answers(cont), answers(static)
    differ = [k for k in a if a[k] != b[k]]
    assert len(a) == 20 and len(differ) <= 1, f"answers that differ: {differ}"


def test_a_killed_run_keeps_every_finished_generation(tmp_path: Path) -> None:
    env = {**os.environ, "HARNESS_RESULTS": str(tmp_path / "results"),
           "HARNESS_CACHE": str(tmp_path / "cache"), "PYTHONUNBUFFERED": "1"}
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "models").symlink_to(cache_dir() / "models")  # no reconversion
    cmd = [sys.executable, "-m", "harness", "bench", "--model", "smollm2-135m",
           "--suite", "default", "--limit", "12", "--no-perf"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    samples = tmp_path / "cache" / "samples"
    kept = 0
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and proc.poll() is None:
        files = list(samples.glob("*.jsonl")) if samples.exists() else []
        kept = sum(1 for f in files for line in f.read_text().splitlines() if line.strip())
        if kept >= 3:
            break
        time.sleep(0.2)
    assert proc.poll() is None and kept >= 3, "the run ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    files = list(samples.glob("*.jsonl"))
    kept = sum(1 for f in files for line in f.read_text().splitlines()
               if line.strip().endswith("}"))
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    runs = sorted((tmp_path / "results" / "runs").glob("*/run.json"))
    last = json.loads(runs[-1].read_text())
    assert last["status"] == "complete"
    assert last["generation"]["gsm_mini"]["samples_reused"] >= kept >= 3
    assert last["generation"]["gsm_mini"]["n_generations"] == 12
