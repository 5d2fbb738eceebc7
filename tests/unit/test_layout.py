"""The package's layout stays true: each stage imports only the stages below it.

The flow is config -> plan -> models -> accuracy and perf -> backends -> bench, with run.json
(harness.results) the only thing report and claims read. Checked from the source with ast,
function-level imports included, so a lazy import cannot hide a dependency either.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from harness.config.configs import ROOT

COMMON = {"errors", "config", "results"}  # the vocabulary every stage may use
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "config": {"errors"},
    "results": {"errors", "config"},
    "environment": {"errors", "config"},
    "plan": COMMON | {"environment"},
    "models": COMMON | {"plan"},
    "perf": COMMON | {"plan"},
    "accuracy": COMMON | {"models"},
    "backends": COMMON | {"environment", "plan", "models", "perf", "accuracy"},
    "report": COMMON | {"plan"},
    "fetch": COMMON | {"models", "accuracy"},
    "bench": COMMON | {"environment", "plan", "models", "perf", "accuracy", "backends",
                       "report"},
    "regrade": COMMON | {"environment", "perf", "accuracy", "report"},
    "cli_args": {"errors", "config"},
    "cli": COMMON | {"bench", "fetch", "plan", "regrade", "report", "cli_args"},
    "__main__": {"cli"},
    "__init__": set(),
}


def unit_of(module: str) -> str:
    """'harness.perf.sweep' -> 'perf'; 'harness.bench' -> 'bench'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(path: Path, module: str) -> set[str]:
    """The harness modules a source file imports, anywhere in it."""
    found: set[str] = set()
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "harness"}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if base.split(".")[0] == "harness":
                found.add(base)
                found |= {f"{base}.{a.name}" for a in node.names if base == "harness"}
    return found


def violations(package_dir: Path, allowed: dict[str, set[str]]) -> list[str]:
    """Every import that crosses the layout, as 'module imports target (unit -> unit)'."""
    out = []
    for path in sorted(package_dir.rglob("*.py")):
        rel = path.relative_to(package_dir.parent).with_suffix("")
        module = ".".join(p for p in rel.parts if p != "__init__")
        unit = unit_of(module) if module != "harness" else "__init__"
        if unit not in allowed:
            out.append(f"{module}: unit {unit!r} has no entry in the layout's rules")
            continue
        for target in sorted(imports(path, module)):
            other = unit_of(target)
            if target == "harness" or other == unit:
                continue
            if other not in allowed[unit]:
                out.append(f"{module} imports {target} ({unit} -> {other})")
    return out


def test_the_package_follows_the_layout() -> None:
    assert violations(ROOT / "harness", ALLOWED) == []


def test_a_lower_stage_importing_a_higher_one_is_caught(tmp_path: Path) -> None:
    pkg = tmp_path / "harness"
    for sub in ("config", "report", "accuracy"):
        (pkg / sub).mkdir(parents=True)
        (pkg / sub / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "config" / "configs.py").write_text("from harness.report import tables\n")
    (pkg / "accuracy" / "grading.py").write_text(
        "def f():\n    from ..report.tables import rows\n    return rows\n")
    (pkg / "report" / "tables.py").write_text("from harness.config import configs\n")
    found = violations(pkg, ALLOWED)
    assert found == ["harness.accuracy.grading imports harness.report.tables "
                     "(accuracy -> report)",
                     "harness.config.configs imports harness.report (config -> report)"]


@pytest.mark.parametrize("path", sorted((ROOT / "harness").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_are_small(path: Path) -> None:
    assert len(path.read_text().splitlines()) <= 300


def test_every_sub_package_says_what_it_owns_and_may_import() -> None:
    for init in (ROOT / "harness").glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text())) or ""
        assert "May import" in doc, f"{init} needs a docstring with 'May import'"
