"""benchmarks/gpu_session.sh, the script a GPU session runs on a lent machine, works on
this checkout: its graph-loop step on tiny-random (CPU here) leaves the log, the machine
record and the run's directory in $OUT, as a GPU session would fetch them. A lent GPU costs
minutes to start and is rare, so a script broken by a rename must fail here, not there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from harness.config.places import ROOT

pytest.importorskip("torch")


def test_graph_loop_step_leaves_what_a_session_fetches(tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {**os.environ, "MODEL": "tiny-random", "OUT": str(out), "LIMIT_S": "300",
           "GPU_KIT": "none",  # its wheels are for the lent machine's Python 3.12
           # the lent machine's python3 has torch; here the project's venv plays that part
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("HARNESS_RESULTS", None)  # the script makes its own results root
    done = subprocess.run(["bash", "benchmarks/gpu_session.sh", "graphloop"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    log = (out / "graphloop.log").read_text()
    assert log.startswith("+ python3 -m harness bench --model tiny-random") and "exit 0" in log
    assert "torch" in (out / "graphloop-machine.txt").read_text()
    with tarfile.open(out / "graphloop-runs.tgz") as tar:
        (member,) = [m for m in tar.getmembers() if m.name.endswith("/run.json")]
        run = json.load(tar.extractfile(member))  # type: ignore[arg-type]
    assert run["status"] == "complete"
    variants = {p["variant"] for p in run["perf"]["points"]}
    assert {"graph-loop"} <= variants and all(p["status"] == "ok"
                                              for p in run["perf"]["points"])
