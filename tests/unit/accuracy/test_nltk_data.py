"""IFEval's grader needs NLTK's punkt_tab: checked before generating, fetched by `fetch`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.accuracy import grading, nltk_data
from harness.bench import BenchOptions, run_bench
from harness.config.configs import TaskEntry, get_suite
from harness.errors import HarnessError

R1 = {"think_end": "</think>", "think_start": "<think>", "opens_think": True}
SENTENCES = {"key": 1, "prompt": "Answer in fewer than 3 sentences, with a word in capitals.",
             "instruction_id_list": ["length_constraints:number_sentences",
                                     "change_case:capital_word_frequency"],
             "kwargs": [{"relation": "less than", "num_sentences": 3},
                        {"capital_relation": "at least", "capital_frequency": 1}]}


@pytest.fixture
def no_punkt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A machine where NLTK finds nothing."""
    import nltk

    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setattr(nltk.data, "path", [str(empty)])
    return empty


def test_which_tasks_need_punkt() -> None:
    assert nltk_data.needed(TaskEntry(task="ifeval")) == ["punkt_tab"]
    assert nltk_data.needed(TaskEntry(task="leaderboard_ifeval")) == ["punkt_tab"]  # lm-eval's
    assert nltk_data.needed(TaskEntry(task="aime24")) == []
    assert nltk_data.needed(TaskEntry(task="hellaswag")) == []
    assert [e.task for e in get_suite("reasoning").tasks if nltk_data.needed(e)] == ["ifeval"]


def test_offline_without_punkt_stops_with_the_fix(no_punkt: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(HarnessError) as err:
        nltk_data.ensure(get_suite("quick"))
    msg = str(err.value)
    for part in ("ifeval", "punkt_tab", "HF_HUB_OFFLINE=1", "harness fetch --suite quick",
                 "NLTK_DATA", str(no_punkt)):
        assert part in msg
    nltk_data.ensure(get_suite("default"))  # nothing needed, nothing checked
    with pytest.raises(HarnessError, match="Could not fetch NLTK's punkt_tab .IFEval's "
                                           "tokenizer.: HF_HUB_OFFLINE=1 forbids"):
        nltk_data.fetch("punkt_tab")


def test_failed_download_says_why(no_punkt: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import nltk

    def refuse(package: str, **kwargs: Any) -> bool:
        kwargs["print_error_to"].write("[nltk_data] Error loading punkt_tab")
        raise ValueError("Error loading punkt_tab: <urlopen error no route to host>")

    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setattr(nltk, "download", refuse)
    with pytest.raises(HarnessError, match="failed .Error loading punkt_tab: <urlopen error no "
                                           "route to host>.*leave ifeval out"):
        nltk_data.ensure(get_suite("reasoning"))


def test_download_lands_where_nltk_looks(no_punkt: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import nltk

    def install(package: str, download_dir: str, **kwargs: Any) -> bool:
        english = Path(download_dir) / "tokenizers" / package / "english"
        english.mkdir(parents=True)
        return True

    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setattr(nltk.downloader.Downloader, "default_download_dir",
                        lambda self: str(no_punkt))
    monkeypatch.setattr(nltk, "download", install)
    nltk_data.ensure(get_suite("quick"))
    assert nltk_data.missing(["punkt_tab"]) == []
    assert nltk_data.fetch("punkt_tab").startswith("nltk punkt_tab: already at")


def test_bench_stops_before_a_run_exists(no_punkt: Path, results_dir: Path) -> None:
    with pytest.raises(HarnessError, match="punkt_tab"):
        run_bench(BenchOptions(model="tiny-random", suite="ifeval", limit=1, perf=False))
    assert not (results_dir / "runs").exists()


def test_sentence_instructions_grade_with_punkt(punkt_stub: Path) -> None:
    """The checker's sentence and capital-word counts run (they raised LookupError without
    punkt_tab), on the answer only."""
    nltk_data.ensure(get_suite("quick"))
    ok = grading.process_ifeval(SENTENCES, [["Many. Long. Sentences. here</think>Fine. "
                                             "VERY short."]], **R1)
    assert ok["prompt_level_strict_acc"] == 1.0
    long = grading.process_ifeval(SENTENCES, [["</think>One. Two. THREE."]], **R1)
    assert long["inst_level_strict_acc"] == [False, True]
