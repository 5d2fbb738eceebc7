"""Weights that cannot fit stop before the load (harness/backends/fit.py): the sizes read off
the checkpoint, the memory read off the machine and its cgroup, the refusal and its message."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from harness.backends import fit
from harness.errors import HarnessError

GB = 10**9


def test_weights_larger_than_the_room_are_refused_with_the_numbers_and_the_fixes() -> None:
    with pytest.raises(HarnessError) as cpu:
        fit.check("m", 7_620_000_000, "float32", "cpu", (24 * GB, "24.0 GB of RAM available"))
    message = str(cpu.value)
    assert "30.5 GB for its weights alone" in message and "7.62B parameters x 4" in message
    assert "24.0 GB of RAM available" in message and "dtype=bfloat16" in message
    with pytest.raises(HarnessError) as bf16:
        fit.check("m", 20 * GB, "bfloat16", "cpu", (24 * GB, "24.0 GB of RAM available"))
    assert "dtype=bfloat16" not in str(bf16.value)  # already halved: no such advice
    with pytest.raises(HarnessError, match="out of GPU memory.*device_map=auto"):
        fit.check("m", 70 * GB, "bfloat16", "cuda", (85 * GB, "85.0 GB free on 1x H100"))


def test_weights_that_fit_or_cannot_be_sized_go_ahead() -> None:
    fit.check("m", 6 * GB, "float32", "cpu", (24 * GB, "x"))  # 24 GB: exactly the room
    fit.check("m", None, "float32", "cpu", (1, "x"))  # size unknown
    fit.check("m", 10 * GB, "int4-ish", "cpu", (1, "x"))  # a dtype whose bytes we don't know


def test_the_checkpoint_is_sized_on_the_meta_device_and_quantized_ones_are_left_alone(
        tmp_path: Path) -> None:
    pytest.importorskip("transformers")
    from transformers import AutoModelForCausalLM

    from harness import models

    path = models.resolve("tiny-random").path
    loaded = sum(p.numel() for p in AutoModelForCausalLM.from_pretrained(path).parameters())
    fit.checkpoint_parameters.cache_clear()
    assert fit.checkpoint_parameters(path, None, False, None) == loaded
    assert fit.checkpoint_parameters(path, None, False, 123) == 123  # the YAML's count wins
    quantized = tmp_path / "awq"
    quantized.mkdir()
    config = json.loads((Path(path) / "config.json").read_text())
    config["quantization_config"] = {"quant_method": "awq", "bits": 4}
    (quantized / "config.json").write_text(json.dumps(config))
    assert fit.checkpoint_parameters(str(quantized), None, False, 123) is None
    assert fit.checkpoint_parameters(str(tmp_path / "nothing"), None, False, 7) == 7


def _group(root: Path, rel: str, files: dict[str, str]) -> None:
    d = root / rel
    d.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (d / name).write_text(text)


def test_the_cgroup_limit_is_read_for_v2_and_v1_and_the_tightest_one_wins(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "cgroup"
    monkeypatch.setattr(fit, "CGROUP_ROOT", root)
    monkeypatch.setattr(fit, "PROC_CGROUP", tmp_path / "self-cgroup")
    # v2: the job's group has no limit, the one above it allows 10 GB with 4 GB used
    _group(root, "user.slice", {"memory.max": str(10 * GB), "memory.current": str(4 * GB)})
    _group(root, "user.slice/job", {"memory.max": "max", "memory.current": str(GB)})
    (tmp_path / "self-cgroup").write_text("0::/user.slice/job\n")
    assert fit._cgroup_room() == 6 * GB
    # v1: "no limit" is written as ~2^63; a namespaced path that does not exist falls back
    # to the hierarchy's root
    _group(root, "memory", {"memory.limit_in_bytes": str(8 * GB),
                            "memory.usage_in_bytes": str(5 * GB)})
    (tmp_path / "self-cgroup").write_text("4:memory:/process_api/abc\n3:cpu:/\n")
    assert fit._cgroup_room() == 3 * GB
    (root / "memory" / "memory.limit_in_bytes").write_text("9223372036854771712")
    assert fit._cgroup_room() is None
    shutil.rmtree(root)
    assert fit._cgroup_room() is None


def test_host_room_is_never_more_than_the_cgroup_allows(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    pytest.importorskip("psutil")
    monkeypatch.setattr(fit, "_cgroup_room", lambda: 2 * GB)
    assert fit.host_room() == (2 * GB, "2.0 GB left under this process's cgroup limit")
    monkeypatch.setattr(fit, "_cgroup_room", lambda: None)
    room, basis = fit.host_room()
    assert room > 0 and "of RAM available" in basis
