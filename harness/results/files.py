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

from harness.config import places
from harness.errors import HarnessError

SECRET_NAME = re.compile(r"TOKEN|KEY|SECRET|PASSWORD|CREDENTIAL|AUTH", re.IGNORECASE)


def results_root() -> Path:
    """Where results go: $HARNESS_RESULTS, results/ of a checkout, else ./results."""
    return places.results_default()


def checked_root(given: Path | None, create: bool = False) -> Path:
    """The results directory a command writes to (--results-dir, else results_root()),
    checked to be a writable directory before anything is written."""
    from harness.config.checks import check_writable_dir

    variable = "HARNESS_RESULTS" if given is None and os.environ.get("HARNESS_RESULTS") else ""
    return check_writable_dir(given or results_root(), "results directory", variable, create)


def now_iso() -> str:
    """The current UTC time, ISO 8601 with seconds."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-").lower()[:40] or "x"


def new_run_dir(root: Path, model: str, suite: str) -> Path:
    """Create and return a fresh, empty run directory under root/runs."""
    runs = root / "runs"
    try:
        runs.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HarnessError(f"Cannot create the results directory {runs}: {exc.strerror}. "
                           "Pass --results-dir (or set $HARNESS_RESULTS) to a directory you "
                           "can write to.") from exc
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


SECRET_WORDS = {"key", "apikey", "token", "secret", "password", "passwd", "pwd", "credential",
                "credentials", "auth", "authorization", "bearer", "cookie", "signature"}
NOT_SECRET_SUFFIX = {"env", "var", "file", "path", "name", "type"}  # api_key_env names a variable
SECRET_SHAPES = [  # values that are secrets whatever they are called
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@]*):[^@\s/]+@", re.I), r"\1:<redacted>@"),
    (re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}"), "<redacted>"),
    (re.compile(r"\bhf_[A-Za-z0-9]{8,}"), "<redacted>"),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{16,}"), "<redacted>"),
    (re.compile(r"\bAKIA[0-9A-Z]{16}\b"), "<redacted>"),
    (re.compile(r"\b(bearer)\s+[A-Za-z0-9._~+/=-]{8,}", re.I), r"\1 <redacted>"),
    # after these words a credential, not prose ("token generation", "basic reasoning"): a
    # digit or symbol in it, or a capital after a small letter (base64: "dXNlcjpwYXNz")
    (re.compile(r"\b(basic|token)\s+(?-i:(?=[A-Za-z]*[0-9._~+/=-]|[A-Za-z]*[a-z][A-Z]))"
                r"[A-Za-z0-9._~+/=-]{8,}", re.I), r"\1 <redacted>"),
]
QUERY = re.compile(r"([?&;])([^=&#\s]+)=([^&#\s]*)")
ASSIGNMENT = re.compile(r"([A-Za-z][A-Za-z0-9_.-]*)(\s*[=:]\s*)(?!<redacted>)([^\s,;&'\"]+)")


def secret_name(name: str) -> bool:
    """Whether an option, argument or variable name holds a secret: api_key, --hf-token,
    OPENAI_API_KEY, password (but not api_key_env, which names a variable, nor
    max_new_tokens)."""
    parts = [p for p in re.split(r"[-_.\s]+", name.lower()) if p]
    return bool(parts) and parts[-1] not in NOT_SECRET_SUFFIX and \
        any(p in SECRET_WORDS for p in parts)


def redact_text(text: str) -> str:
    """`text` with every secret-looking value hidden: URL passwords, key=value pairs whose
    key names a secret (query strings included), and tokens of known shapes (sk-..., hf_...,
    ghp_..., AKIA..., Bearer ...)."""
    for pattern, repl in SECRET_SHAPES:
        text = pattern.sub(repl, text)
    text = QUERY.sub(lambda m: f"{m.group(1)}{m.group(2)}=<redacted>"
                     if secret_name(m.group(2)) else m.group(0), text)
    return ASSIGNMENT.sub(lambda m: m.group(1) + m.group(2) + "<redacted>"
                          if secret_name(m.group(1)) else m.group(0), text)


def redact(obj: Any, values: list[str] | None = None, shapes: bool = False) -> Any:
    """Replace the value of every secret-looking environment variable wherever it appears;
    with `shapes`, every secret-looking value too (redact_text)."""
    values = _secret_values() if values is None else values
    if isinstance(obj, str):
        for v in values:
            obj = obj.replace(v, "<redacted>")
        return redact_text(obj) if shapes else obj
    if isinstance(obj, dict):
        return {redact(k, values, shapes): redact(v, values, shapes) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [redact(v, values, shapes) for v in obj]
    return obj


def redact_argv(argv: list[str]) -> list[str]:
    """A command line with every secret hidden: the value after an option named like a secret
    (--api-key X, --token=X), KEY=VALUE pairs (--backend-arg api_key=X), URL passwords and
    tokens of known shapes, whatever the spelling."""
    out: list[str] = []
    hide_next = False
    for arg in argv:
        name, eq, _ = arg.lstrip("-").partition("=")
        if hide_next:
            out.append("<redacted>")
            hide_next = False
        elif arg.startswith("-") and secret_name(name):
            out.append(f"{arg.partition('=')[0]}=<redacted>" if eq else arg)
            hide_next = not eq
        else:
            out.append(redact_text(arg))
    return redact(out)


def readable_mode() -> int:
    """The mode a plain new file gets here (0644 under the usual umask 022): mkstemp's 0600
    would hide results from colleagues sharing the machine."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.chmod(tmp, readable_mode())
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
    """Atomically write JSON (sorted keys off, indented), with secrets redacted: the values
    of secret environment variables and anything shaped like a secret (redact_text)."""
    text = json.dumps(redact(obj, shapes=True), indent=2, default=_jsonable)
    _atomic_write_text(path, text + "\n")


def write_jsonl(path: Path, rows: Iterable[Any]) -> None:
    """Atomically write one JSON object per line, with secrets redacted."""
    values = _secret_values()
    lines = (json.dumps(redact(r, values), default=_jsonable) for r in rows)
    _atomic_write_text(path, "".join(line + "\n" for line in lines))


def read_jsonl(path: Path) -> list[Any]:
    """The JSON values of a file written by write_jsonl, one per non-blank line (OSError or
    json.JSONDecodeError where it cannot be read)."""
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _jsonable(obj: Any) -> Any:
    if hasattr(obj, "item"):  # numpy / torch scalars
        return obj.item()
    if hasattr(obj, "tolist"):
        return obj.tolist()
    return str(obj)
