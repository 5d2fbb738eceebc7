"""Where vLLM's CPU build runs a tensor-parallel engine's ranks (backends/vllm_cpu.py), on
machine layouts written as /sys trees."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.backends import vllm_cpu
from harness.errors import HarnessError


def machine(tmp: Path, nodes: list[str], cores: int, smt: int = 1) -> Path:
    """A /sys/devices/system with `nodes` (their cpulists) and `cores` physical cores of
    `smt` threads each, numbered as Linux does on x86: siblings `cores` apart."""
    for i, cpus in enumerate(nodes):
        (tmp / f"node/node{i}").mkdir(parents=True)
        (tmp / f"node/node{i}/cpulist").write_text(cpus + "\n")
    for core in range(cores):
        siblings = ",".join(str(core + t * cores) for t in range(smt))
        for t in range(smt):
            topo = tmp / f"cpu/cpu{core + t * cores}/topology"
            topo.mkdir(parents=True)
            topo.joinpath("thread_siblings_list").write_text(siblings + "\n")
    return tmp


@pytest.fixture(autouse=True)
def _no_binding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(vllm_cpu.BIND, raising=False)
    monkeypatch.setattr(vllm_cpu, "_ours", None)


def test_the_kernels_cpu_list_format() -> None:
    assert vllm_cpu._cpus("0-3,8,10-11\n") == {0, 1, 2, 3, 8, 10, 11}
    assert vllm_cpu._cpus("") == set()


def test_one_cpu_per_physical_core_and_contiguous_groups(tmp_path: Path) -> None:
    sys_dir = machine(tmp_path, ["0-15"], cores=8, smt=2)
    assert vllm_cpu.numa_nodes(set(range(16)), sys_dir) == 1
    assert vllm_cpu.physical_cores(set(range(16)), sys_dir) == list(range(8))
    # a process allowed only the second threads of cores 2-5 still gets those cores
    assert vllm_cpu.physical_cores({10, 11, 12, 13}, sys_dir) == [10, 11, 12, 13]
    assert vllm_cpu.split(list(range(8)), 2) == "0,1,2,3|4,5,6,7"
    assert vllm_cpu.split(list(range(7)), 3) == "0,1,2|3,4|5,6"


def test_a_one_socket_machine_gets_its_cores_split(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    sys_dir = machine(tmp_path, ["0-7"], cores=4, smt=2)
    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: set(range(8)))
    assert vllm_cpu.bind_ranks(2, sys_dir) == "0,1|2,3"
    assert vllm_cpu.os.environ[vllm_cpu.BIND] == "0,1|2,3"
    # a second engine with another rank count is bound afresh, not with the first's value
    assert vllm_cpu.bind_ranks(4, sys_dir) == "0|1|2|3"
    vllm_cpu.release()
    assert vllm_cpu.BIND not in vllm_cpu.os.environ
    assert vllm_cpu.bind_ranks(1, sys_dir) is None  # one rank: vLLM's own binding


def test_numa_nodes_enough_for_the_ranks_are_left_to_vllm(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sys_dir = machine(tmp_path, ["0-3", "4-7"], cores=8)
    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: set(range(8)))
    assert vllm_cpu.bind_ranks(2, sys_dir) is None
    assert vllm_cpu.BIND not in vllm_cpu.os.environ
    # a process pinned to one node has one node, whatever the machine has
    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: {0, 1, 2, 3})
    assert vllm_cpu.bind_ranks(2, sys_dir) == "0,1|2,3"


def test_a_users_binding_is_kept_and_never_taken_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(vllm_cpu.BIND, "0-1|2-3")
    assert vllm_cpu.bind_ranks(2, machine(tmp_path, ["0-3"], cores=4)) == "0-1|2-3"
    vllm_cpu.release()
    assert vllm_cpu.os.environ[vllm_cpu.BIND] == "0-1|2-3"


def test_fewer_cores_than_ranks_takes_sibling_threads_then_stops(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sys_dir = machine(tmp_path, ["0-3"], cores=2, smt=2)
    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: {0, 1, 2, 3})
    assert vllm_cpu.bind_ranks(2, sys_dir) == "0|1"  # a core each
    assert vllm_cpu.bind_ranks(4, sys_dir) == "0|1|2|3"  # a thread each
    vllm_cpu.release()
    with pytest.raises(HarnessError, match=r"6 worker processes .* 4 logical CPU\(s\)"
                                           r".*Lower tensor_parallel_size"):
        vllm_cpu.bind_ranks(6, sys_dir)
    assert vllm_cpu.BIND not in vllm_cpu.os.environ
