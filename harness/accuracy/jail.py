"""The parts of the sandbox's jail (harness.accuracy.sandbox): the bubblewrap command line,
the interpreter it runs, a user id per concurrent program, a cgroup v2 group per program
where the machine delegates one, and the kill at the wall-clock limit.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

UID_BASE = 1_900_000_000  # far above any real account: ids of nobody's, one per program
CGROUP_ROOT = Path("/sys/fs/cgroup")


class UidPool:
    """A fresh user id for each program: a per-user process limit and file ownership then
    belong to that program alone, and a program's processes still being torn down after a
    kill never count against the next one. Ids cycle through ten million."""

    def __init__(self, base: int = UID_BASE) -> None:
        self.base, self.next = base, 0
        self.lock = threading.Lock()

    def take(self) -> int:
        with self.lock:
            self.next = self.next % 10_000_000 + 1
            return self.base + self.next


def interpreter() -> str:
    """The Python the program runs under: the system's where there is one (any user id can
    run it), else the one running the harness (which, run as root from a home directory,
    the program's own user id may not be able to read: the outcome then says so)."""
    system = "/usr/bin/python3"
    if os.access(system, os.X_OK):
        return system
    return os.path.realpath(getattr(sys, "_base_executable", sys.executable))


def _system_dirs() -> list[str]:
    """/usr read-only, and /bin, /lib, /lib64, /sbin as the links or directories they are."""
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("/bin", "/lib", "/lib64", "/sbin", "/lib32"):
        if os.path.islink(name):
            args += ["--symlink", os.readlink(name), name]
        elif os.path.isdir(name):
            args += ["--ro-bind", name, name]
    return args


# Sets the process limit inside the jail's user namespace and runs the program: used where
# prlimit (util-linux) is missing
_SET_NPROC = ("import os, resource, sys; n = int(sys.argv[1]); "
              "resource.setrlimit(resource.RLIMIT_NPROC, (n, n)); os.execv(sys.argv[2], "
              "sys.argv[2:])")


def process_limit(python: str, processes: int | None) -> list[str]:
    """The command prefix that caps the program's processes from inside its own user
    namespace. An ordinary user's process limit counts every process and thread of that user
    in the namespace where it is set: set before the jail, a cap of 32 refuses even the
    jail's first process on a machine where the user already runs 32 (a desktop, or the
    harness's own threads). Set inside, it counts the jail's processes only (Linux 5.14 and
    later count the limit per user namespace). Empty for no cap."""
    if processes is None:
        return []
    if os.access("/usr/bin/prlimit", os.X_OK):
        return ["/usr/bin/prlimit", f"--nproc={processes}:{processes}", "--"]
    return [python, "-I", "-S", "-c", _SET_NPROC, str(processes)]


def bwrap_argv(work: Path, python: str, tmpfs_bytes: int, script: str = "main.py",
               processes: int | None = None) -> list[str]:
    """The bubblewrap command that runs `python -I main.py` in `work` (see sandbox's
    module docstring for what each part keeps out); script "-" reads the program from
    stdin; `processes` caps its processes from inside the jail (process_limit)."""
    args = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session",
            "--cap-drop", "ALL", "--hostname", "sandbox", *_system_dirs()]
    if not python.startswith("/usr/"):  # a pyenv or conda Python: its install, read-only
        prefix = str(Path(python).resolve().parent.parent)
        args += ["--ro-bind", prefix, prefix]
    args += ["--proc", "/proc", "--dev", "/dev",
             "--size", str(tmpfs_bytes), "--tmpfs", "/tmp",
             "--size", str(tmpfs_bytes), "--tmpfs", "/dev/shm",
             # the work directory is a capped tmpfs too, never a host path: files of the
             # file-size limit each, many of them, would fill the host's disk
             "--size", str(tmpfs_bytes), "--tmpfs", "/work",
             *(["--ro-bind", str(work / script), f"/work/{script}"] if script != "-" else []),
             "--chdir", "/work", "--clearenv",
             "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "LANG", "C.UTF-8",
             "--setenv", "HOME", "/work", "--setenv", "TMPDIR", "/tmp",
             "--", *process_limit(python, processes), python, "-I", script]
    return args


def weak_argv(python: str, script: str = "main.py", processes: int | None = None
              ) -> list[str]:
    """The older layers, for machines without bubblewrap whose user accepted them; the
    process cap applies inside unshare's user namespace (without unshare there is none)."""
    if not shutil.which("unshare"):
        return [python, "-I", script]
    return (["unshare", "-U", "-r", "-n", "-p", "-f"] + process_limit(python, processes)
            + [python, "-I", script])


@functools.lru_cache(maxsize=1)
def bwrap_failure() -> str | None:
    """Why bubblewrap cannot build a jail here ("not installed", or what it printed), or
    None where it can."""
    if sys.platform != "linux":
        return f"not available on {sys.platform}"
    if shutil.which("bwrap") is None:
        return "not installed"
    try:
        probe = subprocess.run(["bwrap", "--unshare-all", "--die-with-parent",
                                *_system_dirs(), "--", "/usr/bin/true"],
                               capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{type(exc).__name__}: {exc}"
    if probe.returncode == 0:
        return None
    return probe.stderr.decode(errors="replace").strip()[-300:] or f"exit {probe.returncode}"


def bwrap_works() -> bool:
    """Whether bubblewrap can build a jail here (installed, and user namespaces allowed)."""
    return bwrap_failure() is None


class Cgroup:
    """One program's cgroup v2 group: memory and process limits over all its processes."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def create(cls, memory_bytes: int, processes: int,
               base: Path | None = None) -> Cgroup | None:
        """A new group under `base` ($HARNESS_CGROUP, a group delegated to this user, else
        this process's own group where it may hold children); None where none can be made."""
        base = base or _delegated()
        if base is None:
            return None
        try:
            controllers = (base / "cgroup.subtree_control").read_text().split()
            if not {"memory", "pids"} <= set(controllers):
                (base / "cgroup.subtree_control").write_text("+memory +pids")
            path = base / f"harness-{uuid.uuid4().hex[:12]}"
            path.mkdir()
            (path / "memory.max").write_text(str(memory_bytes))
            (path / "memory.swap.max").write_text("0")
            (path / "pids.max").write_text(str(processes))
        except OSError:
            return None
        return cls(path)

    def enter(self, pid: int) -> None:
        """Move `pid` (the program, before it starts) into the group."""
        (self.path / "cgroup.procs").write_text(str(pid))

    def kill(self) -> None:
        """Kill every process in the group (cgroup.kill, Linux 5.14 and later)."""
        try:
            (self.path / "cgroup.kill").write_text("1")
        except OSError:
            pass

    def remove(self) -> None:
        """Kill what is left and delete the group."""
        self.kill()
        for _ in range(50):
            try:
                self.path.rmdir()
                return
            except OSError:
                threading.Event().wait(0.02)


def _delegated() -> Path | None:
    if os.environ.get("HARNESS_CGROUP"):
        return Path(os.environ["HARNESS_CGROUP"])
    if not (CGROUP_ROOT / "cgroup.controllers").exists():
        return None  # cgroup v1 or hybrid: no unified hierarchy to delegate from
    try:
        line = next(x for x in Path("/proc/self/cgroup").read_text().splitlines()
                    if x.startswith("0::"))
    except (OSError, StopIteration):
        return None
    own = CGROUP_ROOT / line[3:].lstrip("/")
    # only the root group may hold processes and children at once
    return own if own == CGROUP_ROOT and os.access(own, os.W_OK) else None


def kill_session(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the program's session (the outer bwrap, whose death ends the jail), without
    waiting: safe from another thread while the caller waits on the program."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def kill(proc: subprocess.Popen[bytes], group: Cgroup | None) -> None:
    """Kill the program and everything it started: its session (the outer bwrap), whose
    death takes the jail's init, and with it the whole PID namespace; the cgroup too."""
    kill_session(proc)
    if group is not None:
        group.kill()
    proc.wait()
