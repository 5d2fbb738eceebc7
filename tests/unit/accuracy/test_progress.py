"""Progress in a log file: plain lines with the count, the ETA and tokens/s."""

from __future__ import annotations

import io
import re

from harness.accuracy.progress import LineProgress


def test_plain_lines_when_not_a_terminal() -> None:
    out = io.StringIO()
    progress = LineProgress(every_s=0.0, out=out)
    progress.start(total=4, done=1)
    progress.advance(100)
    progress.advance(100)
    progress.stop()
    lines = out.getvalue().splitlines()
    assert lines[0] == "generating: 1 of 4 from the sample cache"
    assert re.fullmatch(r"generating 2/4 \(50%\), 0m00s elapsed, ETA 0m00s, [\d,]+ tok/s",
                        lines[1])
    assert lines[-1].startswith("generating 3/4 (75%)")
    assert "\x1b" not in out.getvalue() and "\r" not in out.getvalue()


def test_quiet_between_intervals() -> None:
    out = io.StringIO()
    progress = LineProgress(every_s=3600.0, out=out)
    progress.start(total=100, done=0)
    for _ in range(99):
        progress.advance(1)
    assert out.getvalue() == ""
    progress.stop()
    assert out.getvalue().startswith("generating 99/100")
