"""The one exception type the CLI turns into a readable message and a non-zero exit."""


class HarnessError(Exception):
    """A problem the user can fix; the message says what is wrong and how to fix it."""


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C, so the run records itself as failed."""
