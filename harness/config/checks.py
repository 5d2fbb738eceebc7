"""Checks at the edge, before anything is loaded: near-miss names, problem files line by line,
hub ids, and directories the harness must write to. Each failure is a ConfigError whose
message names the problem, where it is, and the fix."""

from __future__ import annotations

import difflib
import json
import math
import os
import re
from collections.abc import Iterable
from pathlib import Path

from harness.config.yamlio import ConfigError

EXAMPLE = '{"id": "p1", "question": "What is 6 x 7?", "answer": "42"}'
# the hub's rule (huggingface_hub.utils.validate_repo_id): letters, digits, - _ . in each part
HUB_PART = re.compile(r"^(?![-.])[\w.-]{1,96}(?<![-.])$", re.ASCII)


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """' Did you mean 'x'?' for the closest known name, or '' where none is close."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


def check_problems(path: Path) -> int:
    """Read a .jsonl problem file line by line and return how many problems it holds; the
    first bad line stops with its number and what is wrong with it."""
    if not path.is_file():
        what = "is a directory" if path.is_dir() else "does not exist"
        raise ConfigError(f"Problem file {path} {what}. Give the path of a .jsonl file with "
                          f"one problem per line, e.g. {EXAMPLE}")
    count, ids = 0, {}
    for number, raw in enumerate(path.read_bytes().split(b"\n"), 1):
        if not raw.strip():
            continue
        where = f"{path}, line {number}"
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            byte = raw[exc.start:exc.start + 1]
            raise ConfigError(f"{where}: not UTF-8 text (byte {exc.start + 1} of the line is "
                              f"{byte!r}). Save the file as UTF-8.") from exc
        try:
            row = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{where}: not valid JSON ({exc.msg}, column {exc.colno}). Each "
                              f"line must be one JSON object, e.g. {EXAMPLE}") from exc
        if not isinstance(row, dict):
            raise ConfigError(f"{where}: a JSON {type(row).__name__}, not an object. Each line "
                              f"must be one JSON object, e.g. {EXAMPLE}")
        missing = [k for k in ("question", "answer") if k not in row]
        if missing:
            raise ConfigError(f"{where}: no {' or '.join(repr(k) for k in missing)} field "
                              f"(fields: question, answer, optional id), e.g. {EXAMPLE}")
        if not isinstance(row["question"], str) or not row["question"].strip():
            raise ConfigError(f"{where}: 'question' must be non-empty text, got "
                              f"{row['question']!r}.")
        answer = row["answer"]
        if isinstance(answer, bool) or not isinstance(answer, (str, int, float)) \
                or not str(answer).strip() or \
                (isinstance(answer, float) and not math.isfinite(answer)):
            raise ConfigError(f"{where}: 'answer' must be a non-empty string or a number, got "
                              f"{answer!r}; a problem without a reference answer cannot be "
                              "graded.")
        if "id" in row:
            if row["id"] in ids:
                raise ConfigError(f"{where}: id {row['id']!r} was already used on line "
                                  f"{ids[row['id']]}; ids must be unique.")
            ids[row["id"]] = number
        count += 1
    if not count:
        raise ConfigError(f"Problem file {path} holds no problems. Write one JSON object per "
                          f"line, e.g. {EXAMPLE}")
    return count


def check_limit(value: float) -> float:
    """--limit: a whole number of problems (1 or more), or lm-eval's fraction of each task's
    problems (between 0 and 1); returned as an int when whole."""
    if not math.isfinite(value) or value <= 0 or (value > 1 and not float(value).is_integer()):
        shown = int(value) if math.isfinite(value) and float(value).is_integer() else value
        raise ConfigError(f"{shown} is not allowed as a limit: give 1 or more problems, a "
                          "fraction between 0 and 1, or leave it out.")
    return int(value) if float(value).is_integer() else value


def check_hub_id(name: str) -> None:
    """An org/name[@revision] that the hub could hold, or a ConfigError saying why not."""
    repo = name.partition("@")[0]
    bad = [part for part in repo.split("/") if not HUB_PART.match(part) or ".." in part]
    if bad:
        raise ConfigError(
            f"{name!r} is not a valid Hugging Face hub id: {bad[0]!r} may hold only letters, "
            "digits, '-', '_' and '.', not start or end with '-' or '.', and be at most 96 "
            "characters. Pass org/name (optionally org/name@revision), a model name from "
            "`harness models`, a local directory or a .gguf file.")


def check_writable_dir(path: Path, what: str, variable: str = "", create: bool = True) -> Path:
    """Make sure files can be written under `path` (a directory, or one that can be made
    there); with `create`, make it now."""
    hint = f" (set by ${variable})" if variable else ""
    fix = "Point it at a directory you can write to (it is created if missing)."
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        where = "is a file" if existing == path else f"is under {existing}, which is a file"
        raise ConfigError(f"The {what} {path}{hint} {where}, not a directory. {fix}")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ConfigError(f"The {what} {path}{hint} cannot be written: {existing} is not "
                          f"writable by this user. {fix}")
    if create:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"Cannot create the {what} {path}{hint}: {exc.strerror}. "
                              f"{fix}") from exc
    return path
