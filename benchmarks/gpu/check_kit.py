"""Check that the wheels in .gpu-kit/wheels, together with the packages a lent GPU machine
already has, satisfy every requirement of those wheels and of the harness on Python 3.12
(that machine has no index to fetch a forgotten one from). The machine's package list is
read from the device tool's KINDS.md, where this workplace has one; elsewhere the check says
so and passes.

    python benchmarks/gpu/check_kit.py [.gpu-kit/wheels] [../.library/device/KINDS.md]
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

EXTRAS = {"lm-eval": {"math", "ifeval", "api"}}  # the extras pyproject.toml asks for
TARGET = {"python_version": "3.12", "python_full_version": "3.12.3", "sys_platform": "linux",
          "platform_system": "Linux", "platform_machine": "x86_64", "os_name": "posix",
          "implementation_name": "cpython", "platform_python_implementation": "CPython"}


def machine_packages(kinds: Path) -> set[str] | None:
    """Package names of the GPU machines' image, from the 'Python packages already there'
    paragraph of KINDS.md (None where the file is absent)."""
    if not kinds.is_file():
        return None
    match = re.search(r"Packages: (.+?)\.\s*$", kinds.read_text(), re.MULTILINE)
    return {canonicalize_name(p) for p in match.group(1).split(", ")} if match else None


def requirements(wheel: Path) -> tuple[str, list[Requirement]]:
    """A wheel's project name and its Requires-Dist entries."""
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        text = zf.read(meta).decode()
    name = re.search(r"^Name: (.+)$", text, re.MULTILINE).group(1).strip()
    reqs = [Requirement(v) for v in re.findall(r"^Requires-Dist: (.+)$", text, re.MULTILINE)]
    return canonicalize_name(name), reqs


def harness_requirements(pyproject: Path) -> tuple[str, list[Requirement]]:
    """The harness's own dependencies with the extras a GPU run uses (gpu, code, plots,
    gguf: what `all` names); it runs from the checkout there, uninstalled."""
    import tomllib

    project = tomllib.loads(pyproject.read_text())["project"]
    extras = project.get("optional-dependencies", {})
    deps = list(project["dependencies"])
    for name in ("gpu", "code", "plots", "gguf"):
        deps += extras.get(name, [])
    return "harness", [Requirement(d) for d in deps]


def missing(wheels: list[Path], present: set[str],
            extra: list[tuple[str, list[Requirement]]] = ()) -> list[str]:
    """'wheel needs requirement' for each requirement nothing here or there provides;
    `extra` adds (name, requirements) of something that is not a wheel."""
    parsed = [requirements(w) for w in wheels] + list(extra)
    have = present | {name for name, _ in parsed}
    gaps = []
    for name, reqs in parsed:
        for req in reqs:
            extras = EXTRAS.get(name, set()) | {""}
            if req.marker and not any(req.marker.evaluate({**TARGET, "extra": e})
                                      for e in extras):
                continue
            if canonicalize_name(req.name) not in have:
                gaps.append(f"{name} needs {req}")
    return gaps


def main(argv: list[str]) -> int:
    """Print what is missing; exit 1 if anything is."""
    wheels_dir = Path(argv[1] if len(argv) > 1 else ".gpu-kit/wheels")
    kinds = Path(argv[2] if len(argv) > 2 else "../.library/device/KINDS.md")
    present = machine_packages(kinds)
    if present is None:
        print(f"no package list of the GPU machines at {kinds}: kit not checked")
        return 0
    root = Path(__file__).resolve().parents[2]
    gaps = missing(sorted(wheels_dir.glob("*.whl")), present,
                   [harness_requirements(root / "pyproject.toml")])
    for gap in gaps:
        print("missing:", gap)
    print(f"{len(list(wheels_dir.glob('*.whl')))} wheels; "
          + ("every requirement is met" if not gaps else f"{len(gaps)} requirements unmet"))
    return 1 if gaps else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
