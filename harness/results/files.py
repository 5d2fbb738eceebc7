"""Run directories, atomic writes and secret redaction: how results reach the disk.

Layout: <results>/runs/<run-id>/run.json plus samples/<task>.jsonl. A run id is new for every
run (UTC time, model, suite, random suffix) and its directory is created exclusively, so
nothing a user produced is ever overwritten. Every write goes to a temporary file in the same
directory and is renamed into place, so a crash never leaves half a file behind.
run.json itself is read and written by harness.results.record.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from harness.config.configs import ROOT

SECRET_NAME = re.compile(r"TOKEN|KEY|SECRET|PASSWORD|CREDENTIAL|AUTH", re.IGNORECASE)


def results_root() -> Path:
    """Where results go: $HARNESS_RESULTS, or results/ in the checkout."""
    return Path(os.environ.get("HARNESS_RESULTS") or ROOT / "results")


def now_iso() -> str:
    """The current UTC time, ISO 8601 with seconds."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-").lower()[:40] or "x"


def new_run_dir(root: Path, model: str, suite: str) -> Path:
    """Create and return a fresh, empty run directory under root/runs."""
    runs = root / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    while True:
        path = runs / f"{stamp}-{_slug(model)}-{_slug(suite)}-{secrets.token_hex(2)}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


def _secret_values() -> list[str]:
    return sorted(
        (v for k, v in os.environ.items() if SECRET_NAME.search(k) and len(v) >= 8),
        key=len, reverse=True,
    )


def redact(obj: Any, values: list[str] | None = None) -> Any:
    """Replace the value of every secret-looking environment variable wherever it appears."""
    values = _secret_values() if values is None else values
    if not values:
        return obj
    if isinstance(obj, str):
        for v in values:
            obj = obj.replace(v, "<redacted>")
        return obj
    if isinstance(obj, dict):
        return {redact(k, values): redact(v, values) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [redact(v, values) for v in obj]
    return obj


def redact_argv(argv: list[str]) -> list[str]:
    """A command line with the values of secret-looking options (--api-key X, --token=X) hidden."""
    out: list[str] = []
    hide_next = False
    for arg in argv:
        if hide_next:
            out.append("<redacted>")
            hide_next = False
        elif arg.startswith("-") and SECRET_NAME.search(arg):
            name, eq, _ = arg.partition("=")
            out.append(f"{name}=<redacted>" if eq else arg)
            hide_next = not eq
        else:
            out.append(arg)
    return out


def _atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    """Atomically write text, with secrets redacted."""
    _atomic_write_text(path, redact(text))


def write_json(path: Path, obj: Any) -> None:
    """Atomically write JSON (sorted keys off, indented), with secrets redacted."""
    _atomic_write_text(path, json.dumps(redact(obj), indent=2, default=_jsonable) + "\n")


def write_jsonl(path: Path, rows: Iterable[Any]) -> None:
    """Atomically write one JSON object per line, with secrets redacted."""
    values = _secret_values()
    lines = (json.dumps(redact(r, values), default=_jsonable) for r in rows)
    _atomic_write_text(path, "".join(line + "\n" for line in lines))


def _jsonable(obj: Any) -> Any:
    if hasattr(obj, "item"):  # numpy / torch scalars
        return obj.item()
    if hasattr(obj, "tolist"):
        return obj.tolist()
    return str(obj)
