"""pyproject.toml's explicit package list (needed to ship configs/ as harness.shipped) names
every package under harness/, so a new sub-package cannot be left out of the wheel."""

from __future__ import annotations

import pytest

from harness.config.places import ROOT

tomllib = pytest.importorskip("tomllib")  # Python 3.11+


def test_every_package_is_in_the_wheel() -> None:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = {".".join(p.parent.relative_to(ROOT).parts)
             for p in (ROOT / "harness").rglob("__init__.py")}
    assert set(meta["packages"]) == found | {"harness.shipped"}
    assert meta["package-dir"] == {"harness.shipped": "configs"}
