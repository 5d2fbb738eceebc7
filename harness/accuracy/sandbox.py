"""Run model-written Python in a jail: a crash, timeout or resource kill is a failed test,
never a failed run, and nothing the program does reaches the machine or its neighbours.

The jail is bubblewrap (`bwrap`, the sandbox Flatpak uses), run unprivileged:
- all namespaces unshared (user, PID, network, mount, IPC, UTS, cgroup): only loopback, no
  other process visible (a private /proc), no host path-named or abstract unix socket;
- a file system of its own: /usr (and the /bin, /lib links) read-only, the interpreter's
  own install read-only if it lives elsewhere, private /dev, /proc, and size-capped tmpfs
  /tmp, /dev/shm and /work (its working directory, where its program file is bound
  read-only) that vanish with the jail; no home directory, no /etc, no /root, and no host
  path it can write (a host work directory, capped only per file, would let many files of
  the file-size limit fill the host's disk);
- as root, the program runs under a user id of its own (one per concurrent program, never
  a real account), so its files, signals and process count touch nobody else; as an ordinary
  user, the jail is what keeps it away from the home directory (~/.ssh, the HF token, the
  harness's own source and sample cache are not in it);
- a new session, the jail dying with its parent, and at the wall-clock limit the jail's
  init is killed, which kills every process in its PID namespace whatever it did to its
  session or process group;
- output through a file descriptor the harness holds (an unlinked file): never a path the
  program could replace with a symlink or a neighbour could overwrite; stderr joins stdout
  unless the caller compares stdout (`separate_stderr`: a warning the interpreter prints,
  such as Python 3.12's SyntaxWarning for "\\d" in a plain string, is not program output);
- limits for the program as a whole (memory, processes) in a cgroup v2 group of its own
  where the machine delegates one to this process; otherwise per-process rlimits (address
  space, CPU seconds, file size, open files), a process count per program (its own user
  id as root, its own user namespace otherwise: jail.process_limit) and a watchdog on the
  memory of all its processes together (watchdog.py). `isolation` in each outcome says
  which layers held.
A program run with `must_finish` (one that holds its own tests and reads no input) passes
only if it also reaches its last line: the harness appends a write of a random token and
looks for it, so a `sys.exit(0)`, `quit()` or `os._exit(0)` before the tests have run (in the
solution or at import time) is a failure, as it is for HumanEval's own `check_correctness`,
not a pass by exit code. Such a program is also read by Python from stdin, never written to
a file, so the code under test cannot open its own source to read the tests' expected values
(code that shares a process with its tests could still read them from their frames or
replace what compares them; HumanEval's and LiveCodeBench's functional programs keep the two
apart, accuracy/programs.py).
Without bubblewrap, code suites stop with the install command unless the user accepts the
older, weaker layers (`allow_weak`): unshare namespaces, rlimits and a process group.
Not protected against: kernel exploits, CPU time and memory bandwidth taken from other work
on the machine, (without a cgroup) memory a program's processes take past its limit
between two of the watchdog's reads, the kernel memory of files created in its tmpfs
directories (their size is capped, not their number: bubblewrap sets no inode limit), and
(with the weaker layers only) disk filled through the host work directory.
"""

from __future__ import annotations

import contextlib
import os
import resource
import secrets
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from harness.accuracy import jail, watchdog

INSTALL = ("bubblewrap is not installed, and code suites run model-written programs only "
           "inside it. Install it (Debian/Ubuntu: `sudo apt-get install bubblewrap`; Fedora: "
           "`sudo dnf install bubblewrap`; Arch: `sudo pacman -S bubblewrap`), or pass "
           "--allow-weak-sandbox to run them with namespaces and rlimits only (recorded in "
           "run.json and shown in the tables).")


BLOCKED = ("bubblewrap is installed but cannot build a jail here ({failure!r}), and code "
           "suites run model-written programs only inside it. It needs unprivileged user "
           "namespaces: inside a Docker container, the default seccomp profile refuses them "
           "(run the container with `--security-opt seccomp=unconfined`, or the harness on the "
           "host); Ubuntu 23.10 and later restrict them through AppArmor (`sysctl "
           "kernel.apparmor_restrict_unprivileged_userns`); elsewhere `sysctl "
           "user.max_user_namespaces` may be 0. Or pass --allow-weak-sandbox to run them with "
           "namespaces and rlimits only (recorded in run.json and shown in the tables).")


@dataclass(frozen=True)
class Limits:
    """What one program may use."""

    wall_s: float = 10.0
    cpu_s: int = 10
    memory_bytes: int = 1 << 30
    processes: int = 32
    output_bytes: int = 1 << 20
    open_files: int = 64
    tmpfs_bytes: int = 64 << 20  # /tmp and /dev/shm each


@dataclass
class Outcome:
    """How a program ended: status is passed, failed, timeout or error. `stderr` is empty
    unless it was kept apart from `stdout`."""

    status: str
    returncode: int | None
    seconds: float
    stdout: str = ""
    isolation: list[str] = field(default_factory=list)
    stderr: str = ""

    @property
    def passed(self) -> bool:
        return self.status == "passed"


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing and the weaker layers were not accepted."""


_weak_allowed = False
_uids = jail.UidPool()


def allow_weak(allowed: bool = True) -> None:
    """Accept the weaker layers where bubblewrap is missing (the --allow-weak-sandbox flag)."""
    global _weak_allowed
    _weak_allowed = allowed


def check() -> str:
    """"bubblewrap" if the jail can run here, "weak" if only the older layers can and the user
    accepted them; SandboxUnavailable otherwise."""
    if jail.bwrap_works():
        return "bubblewrap"
    if _weak_allowed:
        return "weak"
    failure = jail.bwrap_failure() if shutil.which("bwrap") else None
    raise SandboxUnavailable(BLOCKED.format(failure=failure) if failure else INSTALL)


# a program like HumanEval's: a second interpreter beside the first; and whether numpy is
# there, which LiveCodeBench's own grader runs programs beside (its environment has torch)
_PROBE = ("import importlib.metadata as m, platform, subprocess, sys\n"
          "try:\n    numpy = 'numpy ' + m.version('numpy')\n"
          "except m.PackageNotFoundError:\n    numpy = 'no-numpy'\n"
          "print(subprocess.run([sys.executable, '-c', 'print(6 * 7)'], capture_output=True,"
          " text=True).stdout.strip(), platform.python_version(), numpy)\n")


def self_test(limits: Limits | None = None) -> str:
    """Run a known-good program the way code suites run theirs (the jail, its limits, a
    second interpreter) and return the version of the Python that runs model code and of its
    numpy ("3.11.2, numpy 1.24.2" or "3.11.2, no numpy"; run.json records it: a solution may
    need a newer Python, or numpy); SandboxUnavailable with what happened
    where it does not pass, since then every sample would score 0 whatever it wrote."""
    out = run_program(_PROBE, limits or Limits(), must_finish=True)
    words = out.stdout.split()
    if not (out.passed and words[:1] == ["42"] and len(words) >= 2):
        raise SandboxUnavailable(
            f"The sandbox could not run a known-good test program here ({out.status}, "
            f"isolation {', '.join(out.isolation) or 'none'}): {out.stdout.strip()[-400:]!r}. "
            "Every code sample would score 0, so the suite stops before the model loads. "
            "Fix what the message names (for bubblewrap: unprivileged user namespaces, "
            "or the per-user process limit, `ulimit -u`), or pass --allow-weak-sandbox to "
            "try the older layers.")
    numpy = " ".join(words[2:]).replace("no-numpy", "no numpy")
    return f"{words[1]}, {numpy}" if numpy else words[1]


def _root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def run_program(code: str, limits: Limits = Limits(), stdin: str = "",
                must_finish: bool = False, separate_stderr: bool = False) -> Outcome:
    """Run `code` (a Python program) confined as described in the module docstring; with
    `must_finish`, it passes only if it runs to its last line; with `separate_stderr`, its
    stderr is kept out of `stdout`."""
    if must_finish:
        if stdin:
            raise ValueError("a must_finish program is read from stdin and takes no input")
        token = secrets.token_hex(16)
        code += f"\n__import__('os').write(1, b'\\n{token}\\n')\n"
        out = _run(code, limits, stdin="", source_on_stdin=True,
                   separate_stderr=separate_stderr)
        if out.passed and token not in out.stdout:
            out.status = "failed"
            out.stdout += "\n[harness] the program exited before its tests finished"
        out.stdout = out.stdout.replace(f"\n{token}\n", "\n")
        return out
    return _run(code, limits, stdin, source_on_stdin=False, separate_stderr=separate_stderr)


def _run(code: str, limits: Limits, stdin: str, source_on_stdin: bool,
         separate_stderr: bool = False) -> Outcome:
    try:
        mode = check()
    except SandboxUnavailable as exc:
        return Outcome("error", None, 0.0, str(exc))
    root = _root()
    uid = _uids.take() if root else None
    work = Path(tempfile.mkdtemp(prefix="harness-sandbox-"))
    group = None
    try:
        script = "-" if source_on_stdin else "main.py"
        if source_on_stdin:
            stdin = code  # Python reads it whole before running it: stdin is then at its end
        else:
            (work / "main.py").write_text(code)
        if uid is not None:
            os.chown(work, uid, uid)
            if not source_on_stdin:
                os.chown(work / "main.py", uid, uid)
        python = jail.interpreter()
        # the process cap: per fresh user id where root gives one (set before the jail),
        # else inside the jail's user namespace (jail.process_limit)
        namespaced = mode == "bubblewrap" or shutil.which("unshare") is not None
        inner = limits.processes if uid is None and namespaced else None
        if mode == "bubblewrap":
            argv = jail.bwrap_argv(work, python, limits.tmpfs_bytes, script, inner)
            isolation = ["bubblewrap", "namespaces:all", "private-fs", "fd-output"]
        else:
            argv = jail.weak_argv(python, script, inner)
            isolation = ["weak", "tempdir", "clean-env", "process-group"]
        isolation.append(f"user:uid-{uid}" if uid is not None else "user:caller")
        group = jail.Cgroup.create(limits.memory_bytes, limits.processes)
        isolation.append("limits:cgroup" if group else "limits:rlimits-per-process")
        if group is None:
            isolation.append("limits:memory-watchdog")  # the sum over its processes too

        def confine() -> None:
            if group is not None:
                group.enter(os.getpid())
            for res, value in ((resource.RLIMIT_CPU, limits.cpu_s),
                               (resource.RLIMIT_AS, None if group else limits.memory_bytes),
                               (resource.RLIMIT_NPROC, None if inner else limits.processes),
                               (resource.RLIMIT_FSIZE, limits.output_bytes),
                               (resource.RLIMIT_NOFILE, limits.open_files)):
                if value is not None:
                    resource.setrlimit(res, (value, value))
            if uid is not None:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)

        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(work),
               "TMPDIR": str(work)}
        t0 = time.perf_counter()
        # unlinked files: no path for the program to swap
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(argv, cwd=work, env=env, stdin=subprocess.PIPE, stdout=out,
                                    stderr=err if separate_stderr else subprocess.STDOUT,
                                    preexec_fn=confine,
                                    start_new_session=True, pass_fds=())
            watch = None if group else watchdog.MemoryWatch(
                proc.pid, limits.memory_bytes, lambda: jail.kill_session(proc))
            try:
                with watch or contextlib.nullcontext():
                    proc.communicate(stdin.encode(), timeout=limits.wall_s)
                status = "passed" if proc.returncode == 0 else "failed"
            except subprocess.TimeoutExpired:
                status = "timeout"
            finally:
                jail.kill(proc, group)
            out.seek(0)
            err.seek(0)
            text = out.read(limits.output_bytes).decode(errors="replace")
            if watch and watch.exceeded:
                status = "failed"
                text += (f"\n[harness] killed: its processes together held more than "
                         f"{limits.memory_bytes >> 20} MiB")
            errors = err.read(limits.output_bytes).decode(errors="replace")
        return Outcome(status, proc.returncode, time.perf_counter() - t0, text, isolation,
                       errors)
    except OSError as exc:
        return Outcome("error", None, 0.0, f"sandbox could not start the program: {exc}")
    finally:
        if group is not None:
            group.remove()
        shutil.rmtree(work, ignore_errors=True)


def run_many(programs: list[str], limits: Limits = Limits(), workers: int | None = None,
             must_finish: bool = False) -> list[Outcome]:
    """Run programs in parallel across the CPU cores; results in the same order."""
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        return list(pool.map(lambda code: run_program(code, limits, must_finish=must_finish),
                             programs))

