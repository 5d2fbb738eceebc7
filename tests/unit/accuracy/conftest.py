"""Who runs the jail in the hostile tests: the harness's own user (root on CI) and, where the
tests run as root, an ordinary user created for the session, who drives a copy of the
sandbox from its own home directory exactly as a non-root harness would."""

from __future__ import annotations

import dataclasses
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.accuracy.sandbox import Limits, Outcome, run_many
from harness.config.configs import ROOT

DRIVER = """\
import dataclasses, json, sys
sys.path.insert(0, sys.argv[1])
from harness.accuracy import jail, sandbox
ask = json.load(sys.stdin)
import subprocess
busy = [subprocess.Popen(["sleep", "60"]) for _ in range(ask["busy"])]
if ask["weak"]:
    jail.bwrap_works = lambda: False
    sandbox.allow_weak(True)
from harness.accuracy.sandbox import Limits, run_many
outs = run_many(ask["codes"], Limits(**ask["limits"]), workers=ask["workers"])
for p in busy:
    p.kill()
print(json.dumps([dataclasses.asdict(o) for o in outs]))
"""


@dataclasses.dataclass
class Jailer:
    """Runs programs through the sandbox as `who`; `home` is that user's home directory,
    where the tests plant secrets, and `source` a copy of the sandbox the user could write."""

    who: str
    home: Path
    source: Path
    uid: int | None = None
    gid: int | None = None

    def many(self, codes: list[str], limits: Limits, workers: int = 2,
             weak: bool = False, busy: int = 0) -> list[Outcome]:
        """Run every program, in parallel, and return their outcomes in order; `weak` runs
        them under the older layers instead of the jail (ordinary user only); `busy` other
        processes of the caller's run meanwhile."""
        if self.uid is None:
            assert not weak, "the weak layers are tested through the ordinary user"
            others = [subprocess.Popen(["sleep", "60"]) for _ in range(busy)]
            try:
                return run_many(codes, limits, workers=workers)
            finally:
                for p in others:
                    p.kill()
                    p.wait()
        ask = {"codes": codes, "limits": dataclasses.asdict(limits), "workers": workers,
               "weak": weak, "busy": busy}
        # -I: the sandbox imported is the user's own copy, never the checkout's
        run = subprocess.run(["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}",
                              "--init-groups", "/usr/bin/python3", "-I", "-c", DRIVER,
                              str(self.home / "pkg")],
                             input=json.dumps(ask), capture_output=True, text=True,
                             cwd=self.home / "pkg", timeout=120,
                             env={"HOME": str(self.home), "PATH": "/usr/bin:/bin"})
        assert run.returncode == 0, run.stderr
        return [Outcome(**o) for o in json.loads(run.stdout)]

    def one(self, code: str, limits: Limits, weak: bool = False) -> Outcome:
        """Run one program."""
        return self.many([code], limits, workers=1, weak=weak)[0]


@pytest.fixture(scope="session")
def open_dir() -> Iterator[Path]:
    """A directory every user can enter, for host resources a jailed program must not reach
    (pytest's own tmp_path is closed to other users, which would make the test vacuous)."""
    path = Path(tempfile.mkdtemp(prefix="harness-jail-test-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _ordinary_user(base: Path) -> Iterator[Jailer]:
    if os.geteuid() != 0 or not all(map(shutil.which, ("useradd", "userdel", "setpriv"))) \
            or not Path("/usr/bin/python3").exists():
        pytest.skip("an ordinary user for the test needs root, useradd, setpriv and "
                    "/usr/bin/python3")
    name = f"hx{uuid.uuid4().hex[:8]}"
    home = base / name
    subprocess.run(["useradd", "--create-home", "--home-dir", str(home), "--user-group", name],
                   check=True, capture_output=True)
    try:
        user = pwd.getpwnam(name)
        pkg = home / "pkg" / "harness" / "accuracy"
        pkg.mkdir(parents=True)
        for init in (pkg.parent / "__init__.py", pkg / "__init__.py"):
            init.write_text("")
        for module in ("sandbox.py", "jail.py", "watchdog.py"):
            shutil.copy(ROOT / "harness" / "accuracy" / module, pkg / module)
        for path in [home / "pkg", *(home / "pkg").rglob("*")]:
            os.chown(path, user.pw_uid, user.pw_gid)
        yield Jailer("ordinary user", home, pkg / "sandbox.py", user.pw_uid, user.pw_gid)
    finally:
        subprocess.run(["userdel", "--remove", name], capture_output=True)


@pytest.fixture(scope="session")
def ordinary_user(open_dir: Path) -> Iterator[Jailer]:
    """An unprivileged account created for the session (root only; skipped elsewhere)."""
    yield from _ordinary_user(open_dir)


@pytest.fixture(params=["harness user", "ordinary user"])
def jailer(request: pytest.FixtureRequest, open_dir: Path) -> Jailer:
    """Each hostile test runs once per kind of caller."""
    if request.param == "ordinary user":
        return request.getfixturevalue("ordinary_user")
    home = open_dir / f"home-{uuid.uuid4().hex[:8]}"
    home.mkdir()
    return Jailer("harness user", home, ROOT / "harness" / "accuracy" / "sandbox.py")
