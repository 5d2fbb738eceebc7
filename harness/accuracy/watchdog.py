"""The memory limit of a whole program where no cgroup is delegated: a thread that sums the
memory of the jail's processes and kills the jail when the sum passes the limit.

Per-process limits (RLIMIT_AS) alone let a program hold its limit once per process: 31
forks of 1 GiB each take 32 GiB, enough to bring down the machine the harness runs on (and
the harness with it). The watchdog reads the anonymous resident memory of every process
under the jail (resident minus file-backed and shared pages, so the interpreter's own code,
mapped in every fork, counts nothing; /tmp and /dev/shm are capped tmpfs of their own) every
25 ms. Between two reads a program can take only what it can write in that time, a few
hundred MB at memory bandwidth, so the sum never runs far past the limit. A cgroup, where
there is one, is exact and is used instead (jail.Cgroup).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

INTERVAL_S = 0.025
_PAGE = os.sysconf("SC_PAGE_SIZE")


# one scan of /proc serves every watch for half an interval: programs graded in parallel
# (one per core) would otherwise each scan the whole process table 40 times a second
_scan_lock = threading.Lock()
_last_scan: tuple[float, dict[int, list[int]]] = (0.0, {})


def _children() -> dict[int, list[int]]:
    """Every process's children, at most INTERVAL_S / 2 old (_scan)."""
    global _last_scan
    with _scan_lock:
        if time.monotonic() - _last_scan[0] > INTERVAL_S / 2:
            _last_scan = (time.monotonic(), _scan())
        return _last_scan[1]


def _scan() -> dict[int, list[int]]:
    """Every process's children, from /proc/<pid>/stat (the kernel's children files need
    CONFIG_PROC_CHILDREN, which Debian's kernels leave out)."""
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:  # it ended meanwhile
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])  # the name may hold spaces
        kids.setdefault(ppid, []).append(int(name))
    return kids


def tree_memory(pid: int) -> int:
    """Anonymous resident bytes of `pid` and every process under it (0 once it is gone):
    statm's resident pages less its file-backed and shared ones."""
    kids = _children()
    total, todo = 0, [pid]
    while todo:
        proc = todo.pop()
        todo.extend(kids.get(proc, ()))
        try:
            with open(f"/proc/{proc}/statm", "rb") as f:
                resident, shared = (int(x) for x in f.read().split()[1:3])
        except (OSError, ValueError):
            continue
        total += max(resident - shared, 0) * _PAGE
    return total


class MemoryWatch:
    """Sums tree_memory(pid) until stopped; calls `kill` once if it passes `limit_bytes`."""

    def __init__(self, pid: int, limit_bytes: int, kill: Callable[[], None]) -> None:
        self.pid, self.limit_bytes, self._kill = pid, limit_bytes, kill
        self.exceeded = False
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True,
                                        name=f"memory-watch-{pid}")

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.is_set():
            used = tree_memory(self.pid)
            self.peak_bytes = max(self.peak_bytes, used)
            if used > self.limit_bytes:
                self.exceeded = True
                self._kill()
                return
            self._stop.wait(INTERVAL_S)
