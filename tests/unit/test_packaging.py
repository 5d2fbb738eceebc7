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


def test_shipped_text_cites_public_sources() -> None:
    """Users of the project have no ../shared folder: a figure taken from it is cited by its
    public source (model card, paper, config.json, our own measurement), never by that path."""
    places = [ROOT / "README.md", *(ROOT / "configs").rglob("*.yaml"),
              *(ROOT / "harness").rglob("*.py"), *(ROOT / "harness").rglob("*.html"),
              *(ROOT / "docs").rglob("*.md"), *(ROOT / "results").rglob("*.md")]
    cited = [str(p.relative_to(ROOT)) for p in places if "shared/reference" in p.read_text()]
    assert cited == []
