"""The one exception type the CLI turns into a readable message and a non-zero exit, and
SIGTERM made an exception too."""

import signal
import threading
from typing import Any


class HarnessError(Exception):
    """A problem the user can fix; the message says what is wrong and how to fix it."""


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C, so the run records itself as failed."""


def raise_on_sigterm() -> Any:
    """Make SIGTERM unwind like Ctrl-C (raising Terminated); return the handler it replaces,
    or None off the main thread (the main thread only can install handlers)."""
    def handler(signum: int, frame: Any) -> None:
        raise Terminated("terminated by SIGTERM")

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, handler)
