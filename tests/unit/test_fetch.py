"""harness fetch asks the hub for the right things (the network itself is mocked: CI has none)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness import fetch
from harness.config.configs import TaskEntry
from harness.errors import HarnessError


def test_fetch_model_and_quick_suite(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import datasets
    import huggingface_hub
    import nltk

    calls: list[Any] = []
    monkeypatch.setattr(huggingface_hub, "snapshot_download",
                        lambda repo, **kw: calls.append(("model", repo, kw)) or "/cache/x")
    monkeypatch.setattr(datasets, "load_dataset",
                        lambda path, name=None, **kw: calls.append(("data", path, name)))
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path)])  # punkt_tab not here yet
    monkeypatch.setattr(nltk.downloader.Downloader, "default_download_dir",
                        lambda self: str(tmp_path))
    monkeypatch.delenv("HF_HUB_OFFLINE")

    def download(package: str, download_dir: str, **kw: Any) -> bool:
        calls.append(("nltk", package, download_dir))
        (Path(download_dir) / "tokenizers" / package / "english").mkdir(parents=True)
        return True

    monkeypatch.setattr(nltk, "download", download)
    lines = fetch.fetch("qwq-32b", "quick")
    assert calls[0][:2] == ("model", "Qwen/QwQ-32B") and calls[0][2]["revision"] == "main"
    assert "*.safetensors" in calls[0][2]["allow_patterns"]
    assert not any(p.endswith(".py") for p in calls[0][2]["allow_patterns"])  # no remote code
    assert [c[1:] for c in calls[1:]] == [("Maxwell-Jia/AIME_2024", None),
                                          ("HuggingFaceH4/MATH-500", None),
                                          ("Idavidrein/gpqa", "gpqa_diamond"),
                                          ("google/IFEval", None),
                                          ("punkt_tab", str(tmp_path))]  # IFEval's grader
    assert len(lines) == 6 and lines[-1] == f"nltk punkt_tab -> {tmp_path}"


def test_fetch_offline_and_bad_input_say_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(HarnessError, match="fetch needs network"):
        fetch.fetch_model("Qwen/QwQ-32B")
    with pytest.raises(HarnessError, match="not a known model"):
        fetch.fetch_model("no-such-model")
    with pytest.raises(HarnessError, match="Nothing to fetch"):
        fetch.fetch(None, None)
    assert "local file" in fetch.fetch(None, "default")[0]


def test_gated_dataset_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import datasets

    def gated(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("401 Client Error: this dataset is gated")

    monkeypatch.setattr(datasets, "load_dataset", gated)
    with pytest.raises(HarnessError, match="gated.*hf auth login"):
        fetch.fetch(None, "quick")


def test_fetch_prepares_models_built_here() -> None:
    """A random-weights model is built into the cache (what `make gpu-kit` carries)."""
    line = fetch.fetch_model("tiny-random")
    path = Path(line.split(" -> ")[1])
    assert line.startswith("tiny-random: prepared") and (path / "config.json").is_file()


def test_a_task_lm_eval_knows_is_fetched_by_lm_eval(monkeypatch: pytest.MonkeyPatch) -> None:
    """It runs from its YAML (under the suite's settings), but its data comes the way lm-eval
    loads it (custom loaders, process_docs downloads and all)."""
    loaded: list[Any] = []

    class Manager:
        def load_task_or_group(self, names: list[str]) -> None:
            loaded.append(names)

    monkeypatch.setattr(fetch, "task_manager", lambda: Manager())
    line = fetch.fetch_task(TaskEntry(task="gsm8k_cot_zeroshot"))
    assert loaded == [["gsm8k_cot_zeroshot"]] and line.endswith("lm-eval task data cached")
