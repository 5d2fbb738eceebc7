"""Times of day: "4 \\text{ p.m.}", "9:30", "11:40 AM", "16:00", "noon".

math-verify reads "9:30" as the ratio 9/30 (so "3:10" equalled it) and drops "a.m." and
"p.m." as units (so "4 a.m." equalled "4 p.m."). Where either side says a.m. or p.m. (or
noon, midnight, o'clock), or the question asks for a time and one side is written
hours:minutes (the other may be a bare hour: "10" for "10:00"), the two are compared as
times instead:
- both fix the hour of the day (a.m./p.m., or a 24-hour clock past 12, as in "16:00"): the
  same minute of the day;
- one of them does not ("4", "9:30" with no a.m. or p.m.): the same minute on a 12-hour
  clock face, since the side that leaves a.m./p.m. out cannot be shown wrong by it.
Anything else is not a time here, and keeps math-verify's reading (a ratio 3:2 stays 3/2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.accuracy.boxes import unwrapped

# "9:30", "9{:}30", "9\\colon 30", "4 p.m.", "4pm", "11:40 A.M.", "12 noon", "4 o'clock"
_TIME = re.compile(r"(\d{1,2})(?::([0-5]\d))?\s*(?:(a|p)\.?\s*m\.?|(noon|midnight)|(o'?clock))?")
_SPOKEN = {"noon": (12, "p"), "midnight": (12, "a")}
# a question that asks for a time of day, not an angle between a clock's hands; "a.m." in
# lower case only, since "A.M.-G.M." is the inequality
_ASKS = re.compile(r"(?i:\bwhat\s+time\b|\btime\s+of\s+(?:the\s+)?day\b|\bo'?clock\b)|"
                   r"\b[ap]\.m\.")


@dataclass(frozen=True)
class Clock:
    """A time as written: hour, minute, "a"/"p" where said, and whether it had a colon or a
    word that makes it a time (a.m., noon, o'clock) rather than a bare number."""

    hour: int
    minute: int
    half: str | None
    marked: bool
    colon: bool

    def of_day(self) -> int | None:
        """Minutes past midnight, where the writing fixes them; else None."""
        if self.half:
            return (self.hour % 12 + (12 if self.half == "p" else 0)) * 60 + self.minute
        if self.hour > 12 or self.hour == 0:
            return self.hour % 24 * 60 + self.minute
        return None

    def on_face(self) -> int:
        """Minutes on a 12-hour clock face."""
        return self.hour % 12 * 60 + self.minute


def clock(text: str) -> Clock | None:
    """The time `text` writes, or None where it is not one."""
    plain = unwrapped(text).replace("{:}", ":").replace("\\colon", ":").replace("$", "")
    plain = re.sub(r"\\[,;!: ]|~|\\text\s*\{\s*\}", " ", plain).strip().rstrip(".").lower()
    plain = re.sub(r"\s*:\s*", ":", plain)
    spoken = _SPOKEN.get(re.sub(r"^12\s*", "", plain))
    if spoken:
        return Clock(spoken[0], 0, spoken[1], True, False)
    m = _TIME.fullmatch(plain)
    if m is None:
        return None
    hour, minute, half, word, oclock = m.groups()
    if word:
        if hour != "12" or minute:
            return None
        half = _SPOKEN[word][1]
    if (half and not 1 <= int(hour) <= 12) or int(hour) > 24:
        return None
    return Clock(int(hour), int(minute or 0), half, bool(half or oclock), minute is not None)


def time_asked(question: str) -> bool:
    """Whether the question asks for a time of day ("What time ...", "a.m.", "o'clock")."""
    return bool(_ASKS.search(question[-2000:]))


def same_time(predicted: str, gold: str, asked: bool = False) -> bool | None:
    """True or False where the two are compared as times (the module's rule); None where
    they are not times, and math-verify decides."""
    a, b = clock(predicted), clock(gold)
    if a is None or b is None:
        return None
    if not (a.marked or b.marked or (asked and (a.colon or b.colon))):
        return None
    day = a.of_day(), b.of_day()
    if None not in day:
        return day[0] == day[1]
    return a.on_face() == b.on_face()
