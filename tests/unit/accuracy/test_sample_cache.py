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


def _requests(gen_kwargs: dict[str, object]) -> list[object]:
    from lm_eval.api.instance import Instance

    return [Instance("generate_until", {}, (context, gen_kwargs), i)
            for i, context in enumerate(["Q: 1+1?", "Q: 1+1?", "Q: 2+2?"])]


def test_a_rerun_reuses_generations_whose_hook_saw_other_settings(tmp_path: Path) -> None:
    """lm-eval's vllm model hands the cache hook its sampling arguments plus until and
    max_gen_toks, not the request's gen_kwargs: the generations are still filed under the
    requests' keys, so the next run finds all three and generates nothing."""
    from lm_eval.api.model import LM

    from harness.accuracy import resume

    class VLLMLike(LM):
        def __init__(self) -> None:
            super().__init__()
            self.generated: list[str] = []

        def generate_until(self, requests: list[object], disable_tqdm: bool = False
                           ) -> list[str]:
            out = []
            for req in reversed(requests):  # lm-eval reorders requests (longest first)
                context, kwargs = req.args
                text = f"answer {len(self.generated)} to {context}"
                self.generated.append(text)
                own = {"temperature": 0.0, "until": kwargs["until"], "max_gen_toks": 5}
                self.cache_hook.add_partial("generate_until", (context, own), text)
                out.append(text)
            return out[::-1]

        def loglikelihood(self, requests: list[object]) -> list[object]:
            raise NotImplementedError

        def loglikelihood_rolling(self, requests: list[object]) -> list[object]:
            raise NotImplementedError

    gen_kwargs = {"until": ["</s>"], "max_gen_toks": 5, "do_sample": False}
    path = tmp_path / "samples.jsonl"
    first = VLLMLike()
    resume.enable(first, {"model": "m"}, SampleCache(path), None)
    texts = first.generate_until(_requests(gen_kwargs))
    assert len(first.generated) == 3 and texts[0] != texts[1]
    again = VLLMLike()
    resume.enable(again, {"model": "m"}, SampleCache(path), None)
    served = again.generate_until(_requests(gen_kwargs))
    # the two samples of one prompt are interchangeable: their order may differ
    assert sorted(served[:2]) == sorted(texts[:2]) and served[2] == texts[2]
    assert again.generated == [] and sum(again.reused_keys.values()) == 3


def test_generations_reported_as_they_finish_are_filed_once(tmp_path: Path) -> None:
    """The vllm backend reports each generation when it finishes (add_finished) and lm-eval
    reports it again when its call returns: filed at the first report, skipped at the
    second; a prompt the backend could not match is filed at the second."""
    from lm_eval.api.model import LM

    from harness.accuracy import resume

    class Early(LM):
        def generate_until(self, requests: list[object], disable_tqdm: bool = False
                           ) -> list[str]:
            texts = [f"text {i}" for i in range(len(requests))]
            for req, text in zip(requests, texts, strict=True):
                if req.args[0] == "Q: 1+1?":  # the one prompt the backend matched
                    self.cache_hook.add_finished(req.args[0], text)
            lines = path.read_text().splitlines() if path.exists() else []
            assert len(lines) == 2  # on disk before the call returns
            for req, text in zip(requests, texts, strict=True):
                self.cache_hook.add_partial("generate_until", (req.args[0], {}), text)
            return texts

        def loglikelihood(self, requests: list[object]) -> list[object]:
            raise NotImplementedError

        def loglikelihood_rolling(self, requests: list[object]) -> list[object]:
            raise NotImplementedError

    path = tmp_path / "samples.jsonl"
    gen_kwargs = {"until": ["</s>"], "max_gen_toks": 5}
    lm = Early()
    resume.enable(lm, {"model": "m"}, SampleCache(path), None)
    texts = lm.generate_until(_requests(gen_kwargs))
    assert len(path.read_text().splitlines()) == 3
    again = Early()
    resume.enable(again, {"model": "m"}, SampleCache(path), None)
    assert again.generate_until(_requests(gen_kwargs)) == texts
    assert sum(again.reused_keys.values()) == 3
