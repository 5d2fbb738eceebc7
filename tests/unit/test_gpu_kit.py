"""benchmarks/gpu/check_kit.py: the carried wheels plus the GPU machine's packages must meet
every requirement (markers evaluated for Python 3.12 on Linux, lm-eval's extras included)."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("check_kit", ROOT / "benchmarks/gpu/check_kit.py")
check_kit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_kit)


def wheel(tmp: Path, name: str, *requires: str) -> Path:
    path = tmp / f"{name}-1.0-py3-none-any.whl"
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n" + \
        "".join(f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{name}-1.0.dist-info/METADATA", meta)
    return path


def test_unmet_requirements_are_named(tmp_path: Path) -> None:
    wheels = [wheel(tmp_path, "lm_eval", "torch>=1.8", "sqlitedict",
                    "math-verify; extra == 'math'", "vllm; extra == 'vllm'"),
              wheel(tmp_path, "zeus", "tyro", "tomli; python_version < '3.11'")]
    gaps = check_kit.missing(wheels, {"torch"})
    assert gaps == ["lm-eval needs sqlitedict", "lm-eval needs math-verify; extra == \"math\"",
                    "zeus needs tyro"]
    wheels.append(wheel(tmp_path, "sqlitedict"))
    assert len(check_kit.missing(wheels, {"torch", "math-verify", "tyro"})) == 0


def test_machine_packages_from_the_kinds_page(tmp_path: Path) -> None:
    kinds = tmp_path / "KINDS.md"
    kinds.write_text("## Python packages already there\n\nimage text. Packages: absl-py, "
                     "PyYAML, torch, typing_extensions.\n")
    assert check_kit.machine_packages(kinds) == {"absl-py", "pyyaml", "torch",
                                                 "typing-extensions"}
    assert check_kit.machine_packages(tmp_path / "absent.md") is None


def test_the_harness_own_requirements_count_too(tmp_path: Path) -> None:
    name, reqs = check_kit.harness_requirements(ROOT / "pyproject.toml")
    names = {r.name for r in reqs}
    assert name == "harness" and {"torch", "zeus", "lm-eval"} <= names
    assert check_kit.missing([], {"torch"}, [(name, reqs)])  # most of them are not there
    assert not check_kit.missing([], names, [(name, reqs)])
