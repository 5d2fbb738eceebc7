"""Run directories are always new, writes are atomic, secrets never reach a file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from harness.results import files
from harness.results.record import load_runs


def test_run_dirs_are_new_every_time(tmp_path: Path) -> None:
    dirs = {files.new_run_dir(tmp_path, "org/Model", "default") for _ in range(20)}
    assert len(dirs) == 20 and all(d.is_dir() and not any(d.iterdir()) for d in dirs)
    assert all("org-model-default" in d.name for d in dirs)


def test_write_json_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "run.json"
    files.write_json(target, {"a": 1})
    files.write_json(target, {"a": 2})
    assert json.loads(target.read_text()) == {"a": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]


def test_failed_write_keeps_previous_content(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "run.json"
    files.write_json(target, {"a": 1})

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", disk_full)
    with pytest.raises(OSError):
        files.write_json(target, {"a": 2})
    assert json.loads(target.read_text()) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]


def test_secrets_are_redacted_everywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    token = "hf_plantedSecretValue123"
    monkeypatch.setenv("HF_TOKEN", token)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-anotherPlantedKey")
    record = {"command": ["bench", f"--token={token}"], "nested": {token: "sk-anotherPlantedKey"}}
    files.write_json(tmp_path / "run.json", record)
    files.write_jsonl(tmp_path / "s.jsonl", [record])
    files.write_text(tmp_path / "t.md", f"x {token} y")
    for f in tmp_path.iterdir():
        text = f.read_text()
        assert token not in text and "sk-anotherPlantedKey" not in text
        assert "<redacted>" in text


@pytest.mark.parametrize(("text", "hidden"), [
    ("Authorization: Bearer abcdefghijklmnop", "abcdefghijklmnop"),
    ("curl -H 'Authorization: Basic dXNlcjpwYXNz'", "dXNlcjpwYXNz"),
    ("sent token eyJhbGciOiJIUzI1NiJ9.x.y", "eyJhbGciOiJIUzI1NiJ9"),
    ("token 3f9a8c7d6e5b4a39", "3f9a8c7d6e5b4a39"),
])
def test_credentials_after_bearer_basic_token_are_hidden(text: str, hidden: str) -> None:
    assert hidden not in files.redact_text(text)


@pytest.mark.parametrize("prose", [
    "time to first token of a 1-token generation",  # a perf point's timing, once redacted
    "basic reasoning works", "Token Generation", "each token sampled, per output token",
])
def test_prose_after_token_or_basic_is_kept(prose: str) -> None:
    assert files.redact_text(prose) == prose


def test_load_runs_skips_broken_files(tmp_path: Path) -> None:
    good = files.new_run_dir(tmp_path, "m", "s")
    files.write_json(good / "run.json", {"schema_version": 1, "model": {"name": "m"}})
    bad = files.new_run_dir(tmp_path, "m", "s")
    (bad / "run.json").write_text("{not json")
    runs = load_runs(tmp_path)
    assert [r.run_id for r in runs] == [good.name]


def test_secret_options_on_the_command_line_are_hidden() -> None:
    argv = ["bench", "--api-key", "sk-1", "--hf-token=abc", "--model", "qwq-32b"]
    assert files.redact_argv(argv) == ["bench", "--api-key", "<redacted>",
                                         "--hf-token=<redacted>", "--model", "qwq-32b"]


def test_result_files_are_readable_by_colleagues(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        files.write_json(tmp_path / "run.json", {"a": 1})
        files.write_text(tmp_path / "COMPARISON.md", "x")
    finally:
        os.umask(old)
    for name in ("run.json", "COMPARISON.md"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o644
