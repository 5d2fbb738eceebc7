"""Hostile programs against the bubblewrap jail, each judged from outside it: a process left
running, a file left behind, a host listener reached, a secret read, a neighbour's output
changed. Each runs as the harness's own user and, where the tests run as root, again as an
ordinary user created for the session (the `jailer` fixture in conftest.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from harness.accuracy import jail, sandbox
from harness.accuracy.sandbox import Limits, run_program

needs_bwrap = pytest.mark.skipif(not jail.bwrap_works(),
                                 reason="bubblewrap is not installed (make test installs it "
                                        "as root)")
pytestmark = [pytest.mark.skipif(sys.platform != "linux", reason="the jail is Linux's"),
              needs_bwrap]
FAST = Limits(wall_s=4.0, cpu_s=4, memory_bytes=512 << 20, processes=16)


def token() -> str:
    return f"tok-{uuid.uuid4().hex}"


def processes_with(text: str) -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if text.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
        except OSError:
            pass
    return found


def test_it_runs_in_the_jail(jailer) -> None:
    out = jailer.one("import os\nprint(sorted(os.listdir('/')))", FAST)
    assert out.passed and "bubblewrap" in out.isolation
    root = os.geteuid() == 0 and jailer.uid is None
    assert ("user:caller" not in out.isolation) if root else ("user:caller" in out.isolation)
    assert "home" not in out.stdout and "root" not in out.stdout and "etc" not in out.stdout


@pytest.mark.parametrize("main", ["while True:\n    pass", "print('done')"])
def test_a_new_session_does_not_outlive_the_jail(jailer, main: str) -> None:
    mark = f"{time.time_ns() % 10**6}.{os.getpid()}"
    code = textwrap.dedent(f"""\
        import os
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execv("/bin/sleep", ["sleep", "{mark}"])
            os._exit(0)
        """) + main
    jailer.one(code, Limits(wall_s=2.0, cpu_s=4))
    deadline = time.monotonic() + 3
    while processes_with(mark) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_with(mark) == []


def test_output_cannot_be_swapped_for_a_host_file(jailer, open_dir: Path) -> None:
    secret = open_dir / f"secret-{token()}.txt"
    secret.write_text(token())
    secret.chmod(0o644)
    code = (f"import os\nfor p in ('stdout.txt', '/work/stdout.txt'):\n"
            f"    try:\n        os.symlink({str(secret)!r}, p)\n    except OSError:\n"
            f"        pass\ntry:\n    print(open({str(secret)!r}).read())\n"
            f"except OSError as e:\n    print('no', e.errno)")
    out = jailer.one(code, FAST)
    assert secret.read_text() not in out.stdout


def test_a_neighbour_cannot_forge_another_programs_output(jailer) -> None:
    forger = textwrap.dedent("""\
        import glob, os, time
        for _ in range(20):
            for d in glob.glob('/tmp/*/') + glob.glob('/work/../*/'):
                try:
                    open(os.path.join(d, 'stdout.txt'), 'w').write('FORGED')
                except OSError:
                    pass
            time.sleep(0.1)
        """)
    honest = "import time\ntime.sleep(1.5)\nprint('honest')"
    outs = jailer.many([forger, honest, honest], FAST, workers=3)
    assert [o.stdout.strip() for o in outs[1:]] == ["honest", "honest"]


def test_temporary_files_do_not_outlive_the_jail(jailer) -> None:
    t = token()
    code = (f"for d in ('/tmp', '/dev/shm', '/var/tmp', '/work'):\n    try:\n"
            f"        open(d + '/{t}', 'w').write('x')\n    except OSError:\n        pass")
    jailer.one(code, FAST)
    assert not any(Path(d, t).exists() for d in ("/tmp", "/dev/shm", "/var/tmp"))


@pytest.mark.parametrize("target,output_bytes", [
    ("'/dev/shm/fill'", 1 << 30),  # one file that grows (a file-size limit beyond the cap)
    # many files under the file-size limit each in the program's own directory: on a host
    # directory they would fill the host's disk; the jail's /work is a capped tmpfs
    ("f'part{i}'", 1 << 20),
], ids=["shared memory", "work directory"])
def test_the_jail_s_tmpfs_is_capped(jailer, target: str, output_bytes: int) -> None:
    code = textwrap.dedent(f"""\
        n = 0
        try:
            for i in range(300):
                with open({target}, 'ab') as f:
                    f.write(b'x' * (1 << 20))
                n += 1
        except OSError:
            pass
        print(n)
        """)
    out = jailer.one(code, Limits(wall_s=10, cpu_s=10, memory_bytes=256 << 20,
                                   output_bytes=output_bytes, tmpfs_bytes=64 << 20))
    assert out.passed and int(out.stdout.split()[-1]) <= 64, out.stdout[-300:]


def test_host_sockets_are_out_of_reach(jailer, open_dir: Path) -> None:
    path = open_dir / f"{uuid.uuid4().hex[:12]}.sock"
    named = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    named.bind(str(path))
    named.listen()
    path.chmod(0o777)
    abstract_name = f"\0harness-{token()}"
    abstract = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    abstract.bind(abstract_name)
    abstract.listen()
    code = textwrap.dedent(f"""\
        import socket
        for addr in ({str(path)!r}, {abstract_name!r}):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(addr)
                print('reached', repr(addr))
            except OSError as e:
                print('refused', e.errno)
        """)
    out = jailer.one(code, FAST)
    for listener in (named, abstract):
        listener.settimeout(0.5)
        with pytest.raises(TimeoutError):
            listener.accept()
        listener.close()
    assert "reached" not in out.stdout


def test_host_command_lines_are_hidden(jailer) -> None:
    t = token()
    host = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", t])
    try:
        spy = ("import os\nfor p in os.listdir('/proc'):\n    try:\n"
               "        print(open(f'/proc/{p}/cmdline').read())\n    except OSError:\n"
               "        pass")
        out = jailer.one(spy, FAST)
        assert out.passed and t not in out.stdout
    finally:
        host.kill()
        host.wait()


# forks children that live 3 s until the process cap refuses one, and says how many
FORKS = textwrap.dedent("""\
    import os, time
    kids = 0
    try:
        while kids < 200:
            if os.fork() == 0:
                time.sleep(3)
                os._exit(0)
            kids += 1
    except OSError:
        pass
    print('forks', kids, flush=True)
    """)


def forks(out: sandbox.Outcome) -> int:
    return int(out.stdout.split("forks")[-1].split()[0])


def test_one_programs_process_limit_leaves_its_neighbour_alone(jailer) -> None:
    """A root harness gives each program a user id of its own; an ordinary user's programs
    each count their processes in their own user namespace (jail.process_limit)."""
    hog = FORKS + "time.sleep(2)\n"
    victim = ("import os, time\ntime.sleep(0.5)\npids = []\nfor _ in range(4):\n"
              "    pid = os.fork()\n    if pid == 0:\n        os._exit(0)\n    pids.append(pid)\n"
              "for p in pids:\n    os.waitpid(p, 0)\nprint('forked 4')")
    outs = jailer.many([hog, victim], Limits(wall_s=8, cpu_s=8, processes=12), workers=2)
    assert outs[1].passed and "forked 4" in outs[1].stdout
    assert 0 < forks(outs[0]) < 12  # the hog was capped


def test_a_busy_user_can_still_run_programs(jailer) -> None:
    """The caller already runs more processes than a program may start (a desktop session,
    the harness's own threads): programs still run, and their own cap still holds."""
    code = textwrap.dedent("""\
        import subprocess, sys
        print(subprocess.run([sys.executable, '-c', 'print(42)'], capture_output=True,
                             text=True).stdout)
        """)
    limits = Limits(wall_s=8, cpu_s=8, processes=16)
    good, capped = jailer.many([code, FORKS], limits, workers=2, busy=40)
    assert good.passed and "42" in good.stdout, good.stdout
    assert capped.passed and 0 < forks(capped) < 16, capped.stdout


def test_memory_is_limited_over_all_processes(jailer) -> None:
    """Five processes of 200 MB each, under a limit of 512 MiB for the program: each is under
    its own per-process limit, their sum is not. A cgroup stops them where one is delegated,
    the memory watchdog where none is (per-process limits alone let every fork hold the
    limit: 31 forks of 1 GiB would take 32 GiB of the host)."""
    code = textwrap.dedent("""\
        import os, time
        for _ in range(4):
            if os.fork() == 0:
                x = b'x' * (200 << 20)  # written, so resident
                time.sleep(3)
                os._exit(0)
        x = b'x' * (200 << 20)
        time.sleep(3)
        print('all allocated')
        """)
    out = jailer.one(code, Limits(wall_s=8, cpu_s=8, memory_bytes=512 << 20))
    assert out.status == "failed" and "all allocated" not in out.stdout, out.stdout[-300:]
    assert {"limits:cgroup", "limits:memory-watchdog"} & set(out.isolation)
    if "limits:memory-watchdog" in out.isolation:
        assert "together held more than 512 MiB" in out.stdout
    # the same processes under a limit that holds them all: no false alarm
    fits = jailer.one(code, Limits(wall_s=8, cpu_s=8, memory_bytes=2 << 30))
    assert fits.passed and "all allocated" in fits.stdout, fits.stdout[-300:]


def test_without_bubblewrap_code_refuses_unless_accepted(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.setattr(jail, "bwrap_works", lambda: False)
    with pytest.raises(sandbox.SandboxUnavailable, match="apt-get install bubblewrap"):
        sandbox.check()
    assert run_program("print(1)", FAST).status == "error"
    sandbox.allow_weak(True)
    try:
        out = run_program("print(1)", FAST)
        assert out.passed and "weak" in out.isolation
    finally:
        sandbox.allow_weak(False)


def test_a_blocked_bubblewrap_says_why_not_to_install_it(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """Installed, but user namespaces refused (a Docker container's seccomp profile, Ubuntu's
    AppArmor restriction): the message names that, not the install command."""
    monkeypatch.setattr(jail, "bwrap_failure",
                        lambda: "bwrap: setting up uid map: Permission denied")
    with pytest.raises(sandbox.SandboxUnavailable,
                       match=r"installed but cannot build.*uid map.*seccomp.*AppArmor") as exc:
        sandbox.check()
    assert "apt-get install" not in str(exc.value)


SECRETS = {".ssh/id_rsa": "ssh", ".cache/huggingface/token": "hf", ".bashrc": "rc",
           ".ssh/authorized_keys": "keys"}
ATTACK = textwrap.dedent("""\
    import os, sys
    home = sys.argv[1] if len(sys.argv) > 1 else {home!r}
    for rel in {rels!r}:
        p = os.path.join(home, rel)
        try:
            print('read', open(p).read())
        except OSError as e:
            print('no read', e.errno)
        try:
            open(p, 'a').write('pwned')
        except OSError as e:
            print('no write', e.errno)
    for p in {targets!r}:
        try:
            open(p, 'a').write('pwned')
            print('wrote', p)
        except OSError as e:
            print('no write', e.errno)
    """)


def plant(home: Path, owner: int | None = None) -> dict[Path, str]:
    """Secrets only their owner may read: outside the jail that owner's programs could."""
    planted = {}
    for rel, kind in SECRETS.items():
        path = home / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{kind}-{token()}")
        path.chmod(0o600)
        if owner is not None:
            os.chown(path, owner, -1)
            os.chown(path.parent, owner, -1)
        planted[path] = path.read_text()
    return planted


def assert_untouched(planted: dict[Path, str], output: str) -> None:
    for path, text in planted.items():
        assert path.read_text() == text, f"{path} was changed"
        assert text not in output, f"{path} was read"


def test_the_home_directory_and_the_harness_are_out_of_reach(jailer) -> None:
    planted = plant(jailer.home, jailer.uid)
    before = jailer.source.read_bytes()
    code = ATTACK.format(home=str(jailer.home), rels=list(SECRETS),
                         targets=[str(jailer.source), str(jailer.home / ".profile")])
    out = jailer.one(code, FAST)
    assert out.status == "passed", out.stdout
    assert_untouched(planted, out.stdout)
    assert jailer.source.read_bytes() == before and "wrote" not in out.stdout


def test_the_same_attack_succeeds_without_the_jail(ordinary_user) -> None:
    """The tests can tell a jail from none: under the older layers an ordinary user's
    program reads the planted secrets and writes to its owner's files."""
    planted = plant(ordinary_user.home, ordinary_user.uid)
    code = ATTACK.format(home=str(ordinary_user.home), rels=list(SECRETS), targets=[])
    out = ordinary_user.one(code, FAST, weak=True)
    assert "weak" in out.isolation
    assert all(text in out.stdout for text in planted.values())
    assert all(path.read_text().endswith("pwned") for path in planted)
