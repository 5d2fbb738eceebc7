"""Progress of the generations of one task: done/total, elapsed, ETA and generated tokens/s.

On a terminal, a rich progress bar. Redirected to a file or a job log, a bar would print
once at the end (or fill the log with control codes), so there a plain line is printed every
`HARNESS_PROGRESS_EVERY` seconds (default 30) and once at the end.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any


def progress_for(verb: str = "generating") -> Any:
    """A rich bar on a terminal, plain periodic lines elsewhere; `verb` names the work
    ("regrading" where logged generations are replayed)."""
    return BarProgress(verb) if sys.stderr.isatty() else LineProgress(verb=verb)


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


class LineProgress:
    """One line per interval: `generating 120/500 (24%), 12m03s elapsed, ETA 38m10s, 850 tok/s`."""

    def __init__(self, every_s: float | None = None, out: Any = None,
                 verb: str = "generating") -> None:
        self.verb = verb
        self.every_s = every_s if every_s is not None else \
            float(os.environ.get("HARNESS_PROGRESS_EVERY", "30"))
        self.out = out or sys.stderr
        self.total = self.done = self.start_done = self.tokens = 0
        self.t0 = self.last = 0.0

    def start(self, total: int, done: int) -> None:
        self.total, self.done, self.start_done = total, done, done
        self.t0 = self.last = time.monotonic()
        if done:
            print(f"{self.verb}: {done} of {total} from the sample cache", file=self.out,
                  flush=True)

    def advance(self, tokens: int) -> None:
        self.done += 1
        self.tokens += tokens
        now = time.monotonic()
        if now - self.last >= self.every_s:
            self.last = now
            self._line(now)

    def _line(self, now: float) -> None:
        elapsed = now - self.t0
        fresh = self.done - self.start_done
        eta = elapsed / fresh * (self.total - self.done) if fresh else None
        rate = f", {self.tokens / elapsed:,.0f} tok/s" if elapsed and self.tokens else ""
        pct = f" ({self.done / self.total:.0%})" if self.total else ""
        print(f"{self.verb} {self.done}/{self.total}{pct}, {_duration(elapsed)} elapsed"
              + (f", ETA {_duration(eta)}" if eta is not None else "") + rate,
              file=self.out, flush=True)

    def stop(self) -> None:
        if self.done > self.start_done:
            self._line(time.monotonic())


class BarProgress:
    """A rich bar: done/total, elapsed, ETA and tokens/s."""

    def __init__(self, verb: str = "generating") -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(TextColumn(verb), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                            TextColumn("{task.fields[rate]}"), transient=False)
        self.task: Any = None
        self.tokens = 0

    def start(self, total: int, done: int) -> None:
        self.bar.start()
        self.task = self.bar.add_task("generate", total=total, completed=done,
                                      rate=f"{done} from cache")

    def advance(self, tokens: int) -> None:
        self.tokens += tokens
        elapsed = self.bar.tasks[0].elapsed or 0.0
        rate = f"{self.tokens / elapsed:,.0f} tok/s" if elapsed and self.tokens else ""
        self.bar.update(self.task, advance=1, rate=rate)

    def stop(self) -> None:
        self.bar.stop()
