"""The memory watchdog on real process trees (no jail needed): it finds grandchildren, counts
what they wrote and not the interpreter they share, and kills only past the limit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from harness.accuracy import watchdog
from harness.accuracy.watchdog import MemoryWatch, tree_memory

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")

# a child that forks a grandchild; each writes `mb` MB, says so, and waits
TREE = """
import os, sys, time
mb = int(sys.argv[1])
if os.fork() == 0:
    os.fork()  # the grandchild
x = b'x' * (mb << 20)
os.write(1, b'ready\\n')  # one write: the three processes' lines never interleave
time.sleep(30)
"""


def start(mb: int) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", TREE, str(mb)], stdout=subprocess.PIPE,
                            text=True, start_new_session=True)


def stop(proc: subprocess.Popen[str]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def fresh_tree_memory(pid: int) -> int:
    """tree_memory on a scan of /proc made now: a watch left by an earlier test may have
    scanned within the last half interval, before the tree forked or while it was dying."""
    watchdog._last_scan = (0.0, {})
    return tree_memory(pid)


def test_the_whole_tree_is_counted() -> None:
    proc = start(100)
    try:
        for _ in range(3):  # three processes of the tree, each says when it has written
            assert proc.stdout.readline().strip() == "ready"
        used = fresh_tree_memory(proc.pid)
        # 3 x 100 MB written; the shared interpreter and libraries are not counted
        assert 300 << 20 <= used < 400 << 20, used >> 20
    finally:
        stop(proc)
    assert fresh_tree_memory(proc.pid) == 0  # gone


def test_the_watch_kills_past_the_limit_only() -> None:
    killed: list[int] = []

    def kill(proc: subprocess.Popen[str]) -> None:
        killed.append(proc.pid)
        os.killpg(proc.pid, signal.SIGKILL)

    big = start(100)  # 300 MB over the tree, against 200 MB
    with MemoryWatch(big.pid, 200 << 20, lambda: kill(big)) as watch:
        big.wait(timeout=20)
    assert watch.exceeded and killed == [big.pid] and big.returncode == -signal.SIGKILL
    small = start(20)  # 60 MB: under the limit, left alone
    try:
        with MemoryWatch(small.pid, 200 << 20, lambda: kill(small)) as watch:
            for _ in range(3):
                small.stdout.readline()
            time.sleep(0.2)
        assert not watch.exceeded and killed == [big.pid] and watch.peak_bytes >= 60 << 20
    finally:
        stop(small)
