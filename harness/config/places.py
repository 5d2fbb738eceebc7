"""Where the harness finds its configs and puts its results.

- Shipped configs: configs/ of a checkout, or the same files inside an installed wheel (the
  package data harness.shipped, read through importlib.resources), so `pip install .` gives
  a `harness` that knows its models, suites, tasks and GPUs from any directory.
- Your own configs: a directory in $HARNESS_CONFIGS (or `harness --configs DIR ...`) with the
  same layout (models/, suites/, tasks/, hardware/, claims.yaml), layered on top: a name
  found there wins over the shipped file of the same name, and new names are added.
- Results: $HARNESS_RESULTS, else results/ of the checkout, else ./results where the
  command runs. The cache of converted models and finished samples: $HARNESS_CACHE, else
  ~/.cache/harness (harness.models.cache_dir).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKOUT = (ROOT / "pyproject.toml").is_file() and (ROOT / "configs").is_dir()


def _shipped() -> Path:
    if CHECKOUT:
        return ROOT / "configs"
    from importlib.resources import files

    return Path(str(files("harness") / "shipped"))  # a plain directory in the wheel


SHIPPED = _shipped()


def config_dirs() -> list[Path]:
    """The config directories, the one that wins first: $HARNESS_CONFIGS, then the shipped."""
    own = os.environ.get("HARNESS_CONFIGS")
    return ([Path(own).expanduser()] if own else []) + [SHIPPED]


def locate(kind: str, name: str) -> Path | None:
    """The YAML of `name` under `kind` (models, suites, tasks, hardware), or None; a name
    is a plain file stem (no path, no leading dot), never a way out of the directory."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    return locate_file(f"{kind}/{name}.yaml")


def locate_file(relative: str) -> Path | None:
    """The first config directory's file at `relative`, or None."""
    return next((d / relative for d in config_dirs() if (d / relative).is_file()), None)


def task_yaml(task: str) -> Path:
    """The YAML of a suite entry: its own path, or the task of that name in the config
    directories (a path that does not exist where there is none)."""
    if task.endswith((".yaml", ".yml")):
        return Path(task)
    return locate("tasks", task) or SHIPPED / "tasks" / f"{task}.yaml"


def names(kind: str) -> list[str]:
    """Every name under `kind` in all config directories (files starting with _ are parts)."""
    return sorted({p.stem for d in config_dirs() for p in (d / kind).glob("*.yaml")
                   if not p.stem.startswith("_")})


def results_default() -> Path:
    """Where results go: $HARNESS_RESULTS, results/ of a checkout, else ./results."""
    given = os.environ.get("HARNESS_RESULTS")
    if given:
        return Path(given).expanduser()
    return ROOT / "results" if CHECKOUT else Path.cwd() / "results"
