"""The per-program cgroup v2 group, on a directory that stands in for a delegated one (this
VM and CI have cgroup v1, so the real limits are tested only where a machine delegates v2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.accuracy import jail


def test_a_group_is_made_with_the_programs_limits_and_removed(tmp_path: Path) -> None:
    (tmp_path / "cgroup.subtree_control").write_text("")
    group = jail.Cgroup.create(512 << 20, 16, base=tmp_path)
    assert group is not None and group.path.parent == tmp_path
    assert (tmp_path / "cgroup.subtree_control").read_text() == "+memory +pids"
    assert (group.path / "memory.max").read_text() == str(512 << 20)
    assert (group.path / "memory.swap.max").read_text() == "0"
    assert (group.path / "pids.max").read_text() == "16"
    group.enter(4321)
    assert (group.path / "cgroup.procs").read_text() == "4321"
    group.kill()
    assert (group.path / "cgroup.kill").read_text() == "1"
    for f in group.path.iterdir():  # a real group's files vanish with it; these do not
        f.unlink()
    group.kill = lambda: None  # type: ignore[method-assign]  # (it would write the file again)
    group.remove()
    assert not group.path.exists()


def test_no_group_where_none_can_be_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    assert jail.Cgroup.create(1 << 30, 32, base=tmp_path / "missing") is None
    monkeypatch.delenv("HARNESS_CGROUP", raising=False)
    monkeypatch.setattr(jail, "CGROUP_ROOT", tmp_path)  # no cgroup.controllers: v1 or hybrid
    assert jail._delegated() is None
    monkeypatch.setenv("HARNESS_CGROUP", str(tmp_path / "user.slice"))
    assert jail._delegated() == tmp_path / "user.slice"


def test_each_program_gets_a_fresh_user_id() -> None:
    pool = jail.UidPool(base=1000)
    assert [pool.take() for _ in range(3)] == [1001, 1002, 1003]
