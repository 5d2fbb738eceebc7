"""Shared fixtures. Tests never touch the network or the checkout's results/ directory."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# No test may reach the hub: on CI there is no network, and a test that passes only
# online is a test that fails for somebody.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# vLLM (tests/integration/test_vllm_cpu.py) reports usage statistics to its authors'
# server unless told not to; nothing a test starts sends traffic off this machine.
os.environ.setdefault("VLLM_NO_USAGE_STATS", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")

# NLTK's downloader keeps the stdout of its first import for good (a default argument):
# first imported inside a test that captures output (capsys), it would write to that test's
# closed stream ever after, and lm-eval's IFEval import, which tries a download, would fail
# in whichever test came next. Imported here, it keeps the session's stream.
try:
    import nltk.downloader  # noqa: F401
except ImportError:  # pragma: no cover - nltk comes with the harness's dependencies
    pass


@pytest.fixture(scope="session", autouse=True)
def _own_sample_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A harness cache of the session's own ($HARNESS_CACHE, inherited by the benches tests
    start as subprocesses) whose converted models and built wheels are the usual cache's:
    nothing is converted or built twice, while the sample cache starts empty, so that no
    test is served the generations of an earlier session (as on CI, whose cache starts
    empty) and a user's own samples are never touched."""
    from harness.models import cache_dir

    shared, own = cache_dir(), tmp_path_factory.mktemp("harness-cache")
    for name in ("models", "wheels"):
        (shared / name).mkdir(exist_ok=True)
        (own / name).symlink_to(shared / name)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HARNESS_CACHE", str(own))
        yield


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip tests marked `gpu` where torch sees no CUDA device."""
    if any(i.get_closest_marker("gpu") for i in items):
        try:
            import torch

            has_gpu = torch.cuda.is_available()
        except ImportError:
            has_gpu = False
        if not has_gpu:
            skip = pytest.mark.skip(reason="needs an NVIDIA GPU")
            for item in items:
                if item.get_closest_marker("gpu"):
                    item.add_marker(skip)


@pytest.fixture
def results_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh results root, also set as $HARNESS_RESULTS."""
    root = tmp_path / "results"
    monkeypatch.setenv("HARNESS_RESULTS", str(root))
    return root


@pytest.fixture
def configs_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of configs/, installed as the shipped configs."""
    from harness.config import configs, places

    dst = tmp_path / "configs"
    shutil.copytree(configs.CONFIGS, dst)
    monkeypatch.setattr(configs, "CONFIGS", dst)
    monkeypatch.setattr(places, "SHIPPED", dst)
    monkeypatch.delenv("HARNESS_CONFIGS", raising=False)
    return dst


@pytest.fixture
def punkt_stub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """NLTK's punkt_tab as an untrained stub (empty parameter files: it still splits sentences
    at full stops) where NLTK looks first; the real one cannot be downloaded on CI."""
    import nltk

    root = tmp_path / "nltk_data"
    english = root / "tokenizers" / "punkt_tab" / "english"
    english.mkdir(parents=True)
    for name in ("collocations.tab", "sent_starters.txt", "abbrev_types.txt",
                 "ortho_context.tab"):
        (english / name).touch()
    monkeypatch.setattr(nltk.data, "path", [str(root)])
    return root
