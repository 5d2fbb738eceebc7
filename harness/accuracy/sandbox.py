"""Run model-written Python in a separate, confined process: a crash, timeout or resource
kill is a failed test, never a failed run.

What it does, on Linux (each layer only where the platform gives it; `isolation` in the
result says which were in force):
- a fresh temporary working directory, removed afterwards; HOME and TMPDIR point into it;
- a minimal environment (PATH, LANG and those two): no inherited variable, so no token;
- when run as root, the program runs as the unprivileged user `nobody` (65534): it cannot
  write files or directories owned by other users, read /root, or read other processes'
  environments, and the process limit below counts only its own processes;
- new user, network and PID namespaces (`unshare -U -r -n -p -f`): no network interface but
  loopback, so any connection fails; when the program's first process exits, the kernel
  kills every process it started;
- resource limits: CPU seconds, address space, processes, open files, and file size (its
  output goes to a file in its directory, so printing 100 MB hits the file-size limit);
- its own process group, killed whole at the wall-clock limit.
What it does not protect against: writes to world-writable places (/tmp, /dev/shm) as
`nobody`, reading world-readable files, kernel exploits, CPU time stolen from other work on
the machine while it runs. For stronger isolation, run the harness in a container or VM.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

NOBODY = 65534


@dataclass(frozen=True)
class Limits:
    """What one program may use."""

    wall_s: float = 10.0
    cpu_s: int = 10
    memory_bytes: int = 1 << 30
    processes: int = 32
    output_bytes: int = 1 << 20
    open_files: int = 64


@dataclass
class Outcome:
    """How a program ended: status is passed, failed, timeout or error."""

    status: str
    returncode: int | None
    seconds: float
    stdout: str = ""
    isolation: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.status == "passed"


def _interpreter(as_nobody: bool) -> str:
    """A Python that `nobody` can execute (a venv under /root is not readable by it)."""
    system = "/usr/bin/python3"
    if as_nobody and os.access(system, os.X_OK):
        return system
    return sys.executable


def _can_unshare() -> bool:
    unshare = shutil.which("unshare")
    if unshare is None or sys.platform != "linux":
        return False
    probe = subprocess.run([unshare, "-U", "-r", "-n", "-p", "-f", "true"],
                           capture_output=True, timeout=10, preexec_fn=_drop if _root() else None)
    return probe.returncode == 0


def _root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _drop() -> None:
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def run_program(code: str, limits: Limits = Limits(), stdin: str = "") -> Outcome:
    """Run `code` (a Python program) confined as described in the module docstring."""
    as_nobody = _root()
    isolation = ["tempdir", "clean-env", "rlimits", "process-group"]
    prefix: list[str] = []
    if _can_unshare():
        prefix = ["unshare", "-U", "-r", "-n", "-p", "-f"]
        isolation.append("namespaces:user,net,pid")
    if as_nobody:
        isolation.append("user:nobody")
    work = Path(tempfile.mkdtemp(prefix="harness-sandbox-"))
    try:
        os.chmod(work, 0o777)
        (work / "main.py").write_text(code)
        out_path = work / "stdout.txt"

        def confine() -> None:
            for res, value in ((resource.RLIMIT_CPU, limits.cpu_s),
                               (resource.RLIMIT_AS, limits.memory_bytes),
                               (resource.RLIMIT_NPROC, limits.processes),
                               (resource.RLIMIT_FSIZE, limits.output_bytes),
                               (resource.RLIMIT_NOFILE, limits.open_files)):
                resource.setrlimit(res, (value, value))
            if as_nobody:
                _drop()

        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(work),
               "TMPDIR": str(work)}
        argv = prefix + [_interpreter(as_nobody), "-I", "main.py"]
        t0 = time.perf_counter()
        with out_path.open("wb") as out:
            os.chmod(out_path, 0o666)
            proc = subprocess.Popen(argv, cwd=work, env=env, stdin=subprocess.PIPE, stdout=out,
                                    stderr=subprocess.STDOUT, preexec_fn=confine,
                                    start_new_session=True)
            try:
                proc.communicate(stdin.encode(), timeout=limits.wall_s)
                status = "passed" if proc.returncode == 0 else "failed"
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                status = "timeout"
        text = out_path.read_bytes()[: limits.output_bytes].decode(errors="replace")
        return Outcome(status, proc.returncode, time.perf_counter() - t0, text, isolation)
    except OSError as exc:
        return Outcome("error", None, 0.0, f"sandbox could not start the program: {exc}",
                       isolation)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_many(programs: list[str], limits: Limits = Limits(),
             workers: int | None = None) -> list[Outcome]:
    """Run programs in parallel across the CPU cores; results in the same order."""
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        return list(pool.map(lambda code: run_program(code, limits), programs))
