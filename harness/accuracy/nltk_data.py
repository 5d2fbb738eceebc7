"""NLTK data that a grader needs besides its dataset, checked before anything is generated.

IFEval's checker (lm-eval's `ifeval`, which our ifeval task calls) counts sentences for
"answer in fewer than N sentences" and tokenizes words for "use at least N words in capitals"
with NLTK's punkt_tab tokenizer. It is not in any wheel: NLTK downloads it from GitHub, and
lm-eval tries that download when its IFEval module is imported. Where the download fails (an
offline compute node, a firewall), those instructions raise LookupError while the answers
are graded, which lm-eval does only after every generation is made: a full IFEval run at
32,768 tokens per answer would crash at its end. So a suite that grades with it is checked
first, the data downloaded if it can be, and otherwise the bench stops before loading the
model, with the fix. A task says what it needs in its YAML (`metadata: nltk_data:
[punkt_tab]`); an lm-eval task named like IFEval (`leaderboard_ifeval`) is taken to need
punkt_tab too.
"""

from __future__ import annotations

import io
import os
from typing import Any

from harness.errors import HarnessError

# the file NLTK loads for each package the graders use
RESOURCES = {"punkt_tab": "tokenizers/punkt_tab/english/"}


def needed(entry: Any) -> list[str]:
    """The NLTK packages a suite entry's grader uses: its YAML's `metadata.nltk_data`, or
    punkt_tab for an lm-eval task named like IFEval."""
    from harness.config.places import task_yaml

    path = task_yaml(entry.task)
    if not path.exists():
        return ["punkt_tab"] if "ifeval" in entry.task.lower() else []
    from lm_eval.tasks._yaml_loader import load_yaml

    meta = load_yaml(path, resolve_func=False).get("metadata") or {}
    wanted = meta.get("nltk_data") if isinstance(meta, dict) else None
    return [str(p) for p in wanted] if isinstance(wanted, list) else []


def missing(packages: list[str]) -> list[str]:
    """Those of `packages` that NLTK cannot find on this machine."""
    import nltk

    out = []
    for package in packages:
        try:
            nltk.data.find(RESOURCES.get(package, package))
        except LookupError:
            out.append(package)
    return out


def download(package: str) -> str:
    """Download one NLTK package into NLTK's default data directory; where it went, or
    HarnessError with the reason it could not be. HF_HUB_OFFLINE=1 (the offline machines'
    setting here) forbids the attempt."""
    import nltk

    target = nltk.downloader.Downloader().default_download_dir()
    if os.environ.get("HF_HUB_OFFLINE") == "1":
        raise HarnessError("HF_HUB_OFFLINE=1 forbids downloading it.")
    try:
        nltk.download(package, download_dir=target, quiet=True, raise_on_error=True,
                      print_error_to=io.StringIO())  # the error goes in our message
    except (ValueError, OSError) as exc:
        raise HarnessError(f"downloading it into {target} failed ({exc}).") from None
    if missing([package]):
        raise HarnessError(f"it was downloaded into {target}, where NLTK does not look "
                           "(set NLTK_DATA to that directory).")
    return f"nltk {package} -> {target}"


def fetch(package: str) -> str:
    """`harness fetch`'s line for one package: where it already is, or where it went."""
    if missing([package]):
        try:
            return download(package)
        except HarnessError as exc:
            raise HarnessError(f"Could not fetch NLTK's {package} (IFEval's tokenizer): "
                               f"{exc}") from None
    import nltk

    return f"nltk {package}: already at {nltk.data.find(RESOURCES.get(package, package))}"


def ensure(suite: Any) -> None:
    """Stop (HarnessError) before the model loads if a task of `suite` grades with NLTK data
    that is neither on this machine nor downloadable now."""
    needs = {entry.task: needed(entry) for entry in suite.tasks}
    for package in missing(sorted({p for wanted in needs.values() for p in wanted})):
        users = ", ".join(task for task, wanted in needs.items() if package in wanted)
        try:
            download(package)
        except HarnessError as exc:
            import nltk

            raise HarnessError(
                f"Suite {suite.name} grades {users} with NLTK's {package} tokenizer (sentence "
                f"and word counts of IFEval's instructions), which is not on this machine, and "
                f"{exc} NLTK looked in {', '.join(map(str, nltk.data.path))}. Without it the "
                f"grading would crash after every answer had been generated. Where there is "
                f"network, run `harness fetch --suite {suite.name}` (or `python -m "
                f"nltk.downloader {package}`) and copy the nltk_data directory it names here "
                f"(~/nltk_data, or any directory NLTK_DATA points to); or leave {users} out "
                f"of the suite.") from None
