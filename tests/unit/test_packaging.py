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


def test_the_makefile_builds_the_server_version_pyproject_pins() -> None:
    """`make setup-server` builds llama-cpp-python's wheel itself (portable flags, a folder
    of its own) before installing the `server` extra: both must name one version, or pip
    would build the pinned one from source with the native flags after all."""
    import re

    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]["server"]
    (pin,) = [re.search(r"==([\w.]+)", r).group(1) for r in extra if "llama-cpp-python" in r]
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(rf"^LLAMA_CPP_VERSION \?= {re.escape(pin)}$", makefile, re.M)
    assert "-DGGML_NATIVE=OFF" in re.search(r"^LLAMA_CMAKE_ARGS \?=.*$", makefile, re.M).group(0)
