"""The sandbox against hostile and broken programs: each contained, scored as a failure,
and the run goes on."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from harness.accuracy.sandbox import Limits, run_many, run_program

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the sandbox needs POSIX")

FAST = Limits(wall_s=5.0, cpu_s=5, memory_bytes=512 << 20, processes=16,
              output_bytes=1 << 20)


def test_a_correct_program_passes_and_prints() -> None:
    out = run_program("print(sum(range(10)))", FAST)
    assert out.passed and out.stdout.strip() == "45"


def test_an_exception_is_a_failure() -> None:
    out = run_program("raise SystemExit(3)", FAST)
    assert out.status == "failed" and out.returncode == 3


def test_infinite_loop_times_out() -> None:
    t0 = time.perf_counter()
    out = run_program("while True:\n    pass", Limits(wall_s=1.5, cpu_s=30))
    assert out.status == "timeout" and time.perf_counter() - t0 < 10


def test_cpu_limit_kills_a_spinner() -> None:
    out = run_program("while True:\n    pass", Limits(wall_s=20, cpu_s=1))
    assert out.status == "failed" and out.returncode != 0


def test_fork_bomb_is_contained() -> None:
    bomb = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass"
    t0 = time.perf_counter()
    out = run_program(bomb, Limits(wall_s=3, cpu_s=3, processes=16))
    assert not out.passed and time.perf_counter() - t0 < 20
    assert run_program("print('still fine')", FAST).passed  # the machine goes on


def test_memory_hog_fails() -> None:
    out = run_program("x = bytearray(4 << 30)\nprint('allocated')", FAST)
    assert out.status == "failed" and "allocated" not in out.stdout


def test_socket_cannot_reach_anything() -> None:
    code = ("import socket\n"
            "s = socket.create_connection(('127.0.0.1', 22), timeout=2)\n"
            "print('connected')")
    out = run_program(code, FAST)
    assert out.status == "failed" and "connected" not in out.stdout.split("\n")[-2:]
    if {"namespaces:all", "weak"} & set(out.isolation) and shutil.which("unshare"):
        out = run_program("import socket\nsocket.create_connection(('1.1.1.1', 53), 2)", FAST)
        assert out.status == "failed" and "unreachable" in out.stdout.lower()


def test_writing_outside_its_directory_fails(tmp_path: Path) -> None:
    target = tmp_path / "owned-by-the-harness" / "pwned.txt"
    target.parent.mkdir()
    out = run_program(f"open({str(target)!r}, 'w').write('x')", FAST)
    assert out.status == "failed" and not target.exists()
    assert run_program("open('inside.txt', 'w').write('ok')", FAST).passed


def test_environment_secrets_are_not_inherited(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_TOKEN", "hf_plantedSecret123")
    out = run_program("import os\nprint(os.environ.get('HF_TOKEN'))\n"
                      "print(open('/proc/1/environ').read() if False else '')", FAST)
    assert out.passed and "hf_plantedSecret123" not in out.stdout
    spy = ("import os\nfor pid in os.listdir('/proc'):\n    try:\n"
           "        print(open(f'/proc/{pid}/environ').read())\n    except Exception:\n"
           "        pass")
    assert "hf_plantedSecret123" not in run_program(spy, FAST).stdout


def test_huge_output_is_capped() -> None:
    out = run_program("import sys\nfor _ in range(100):\n    sys.stdout.write('x' * (1 << 20))",
                      Limits(wall_s=10, output_bytes=1 << 20))
    assert out.status == "failed" and len(out.stdout) <= 1 << 20


def test_many_programs_in_parallel_keep_their_order() -> None:
    outs = run_many([f"print({i})" for i in range(6)] + ["raise ValueError"], FAST, workers=2)
    assert [o.stdout.strip() for o in outs[:6]] == [str(i) for i in range(6)]
    assert outs[-1].status == "failed"
