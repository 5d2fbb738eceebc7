"""The sample cache survives a kill in the middle of a write."""

from __future__ import annotations

import json
from pathlib import Path

from harness.accuracy.resume import SampleCache


def test_a_torn_last_line_is_cut_and_the_next_record_starts_clean(tmp_path: Path) -> None:
    path = tmp_path / "samples.jsonl"
    whole = json.dumps({"key": "a", "text": "first"}) + "\n"
    path.write_text(whole + '{"key": "b", "te')  # a kill in the middle of the second record
    cache = SampleCache(path)
    assert cache.get("a", 0) == "first" and cache.get("b", 0) is None and cache.skipped == 1
    assert path.read_text() == whole  # repaired on open
    cache.add("c", "third")
    again = SampleCache(path)
    assert (again.get("a", 0), again.get("c", 0), again.skipped) == ("first", "third", 0)
    assert [json.loads(line)["key"] for line in path.read_text().splitlines()] == ["a", "c"]


def test_unreadable_lines_in_the_middle_are_skipped_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "samples.jsonl"
    path.write_text('{"key": "a", "text": "x"}\nnot json\n{"text": "no key"}\n'
                    '{"key": "a", "text": "y"}\n')
    cache = SampleCache(path)
    assert (cache.get("a", 0), cache.get("a", 1), cache.skipped) == ("x", "y", 2)


def test_without_the_repair_the_next_record_would_be_lost(tmp_path: Path) -> None:
    """What the repair prevents: appending onto a torn line glues two records into one
    unreadable line."""
    path = tmp_path / "samples.jsonl"
    path.write_text('{"key": "b", "te')
    with path.open("a") as fh:
        fh.write(json.dumps({"key": "c", "text": "third"}) + "\n")
    glued = path.read_text().splitlines()
    assert len(glued) == 1
    path.write_text('{"key": "b", "te')
    SampleCache(path).add("c", "third")
    assert SampleCache(path).get("c", 0) == "third"


def test_a_record_another_bench_is_still_writing_is_not_cut(tmp_path: Path) -> None:
    """Two benches of one model share its cache file: a bench that opens the file while the
    other is halfway through a record waits for it, rather than cutting it as torn."""
    import fcntl
    import threading
    import time

    path = tmp_path / "samples.jsonl"
    record = json.dumps({"key": "b", "text": "second"}) + "\n"
    path.write_text(json.dumps({"key": "a", "text": "first"}) + "\n")
    opened: list[SampleCache] = []
    with path.open("a") as writer:
        fcntl.flock(writer, fcntl.LOCK_EX)  # as SampleCache.add holds it
        writer.write(record[:10])
        writer.flush()
        reader = threading.Thread(target=lambda: opened.append(SampleCache(path)))
        reader.start()
        time.sleep(0.3)
        assert not opened  # still waiting for the writer
        writer.write(record[10:])
        writer.flush()
    reader.join(timeout=30)
    cache = opened[0]
    assert (cache.get("a", 0), cache.get("b", 0), cache.skipped) == ("first", "second", 0)
    assert path.read_text().count("\n") == 2
