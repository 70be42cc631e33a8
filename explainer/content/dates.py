"""When an explainer was published and changed: a day, or a day and a time in a time zone.

An editor writes `2025-10-16`, or a moment with its zone: `2025-10-16 09:30 +02:00`,
`2025-10-16T09:30Z`, `2025-10-16 09:30 Europe/Paris` (the zone database's name, so summer time is
right), or `2025-10-16 09:30` when the site file names a `time_zone`. The model holds a `date` for
a day and an aware `datetime` for a moment (a datetime is a date in Python, so templates print
either with `isoformat()` and `date_text`); this module orders and compares the two.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# What the schema lets through (the schema's `moment` pattern says the same); whether the day,
# the time and the zone exist is moment_problem's to say.
_MOMENT = re.compile(
    r"(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"(?:[T ](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))?"
    r"(?: ?(?P<offset>Z|[+-][0-9]{2}(?::?[0-9]{2})?)| (?P<zone>[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*))?)?"
)

# A year, month or day as the timeline and the schema's dates write it.
_DATE_FORM = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


def date_problem(value: str) -> str | None:
    """Why text written as a year, month or day names none: "month 13 does not exist", "February
    2026 has 28 days". None when it names one, or is not written as a date at all."""
    form = _DATE_FORM.fullmatch(value)
    if not form:
        return None
    year, month, day = (int(part) if part else None for part in form.groups())
    if not year:
        return "year 0 does not exist"
    if month is not None and not 1 <= month <= 12:
        return f"month {month} does not exist"
    if day is not None:
        days = calendar.monthrange(year, month)[1]  # type: ignore[arg-type]
        if day == 0:
            return "day 0 does not exist"
        if day > days:
            return f"{calendar.month_name[month]} {year} has {days} days"  # type: ignore[index]
    return None


# Dates and moments compare on one line of time: a day without a time stands for its start in UTC,
# so a moment on the same day counts as later than the day alone.
_UTC = dt.timezone.utc


@lru_cache(maxsize=64)
def zone_of(name: str) -> ZoneInfo | None:
    """The time zone the zone database calls name (Europe/Paris), or None if it has none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _offset(text: str) -> dt.timezone | None:
    if text == "Z":
        return _UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        return None
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def moment_problem(text: str, default_zone: str | None = None) -> str | None:
    """Why text that looks like a moment names none: a day or month that does not exist, an hour
    past 23, a zone nobody has, a time without a zone. None if it names one."""
    form = _MOMENT.fullmatch(text)
    if form is None:
        return None  # the schema says what is wrong with its shape
    problem = date_problem(form["day"])
    if problem or form["hour"] is None:
        return problem
    if int(form["hour"]) > 23 or int(form["minute"]) > 59 or int(form["second"] or 0) > 59:
        return f"{form['hour']}:{form['minute']}{':' + form['second'] if form['second'] else ''} is not a time of day"
    if form["offset"] is not None and _offset(form["offset"]) is None:
        return f"{form['offset']} is not a time zone offset"
    if form["zone"] is not None and zone_of(form["zone"]) is None:
        return f"{form['zone']!r} is not a time zone; write one the zone database names, like Europe/Paris or America/New_York, or an offset such as +02:00"
    if form["offset"] is None and form["zone"] is None and (default_zone is None or zone_of(default_zone) is None):
        return "a time needs its time zone: add it after the time (+02:00, Z or Europe/Paris), or name the site's in site.yaml as time_zone"
    return None


def parse_moment(text: str, default_zone: str | None = None) -> dt.date:
    """A checked moment as a date (day only) or an aware datetime (with a time)."""
    form = _MOMENT.fullmatch(text)
    assert form is not None, text
    day = dt.date.fromisoformat(form["day"])
    if form["hour"] is None:
        return day
    zone: dt.tzinfo | None = _offset(form["offset"]) if form["offset"] else zone_of(form["zone"] or default_zone or "UTC")
    return dt.datetime(day.year, day.month, day.day, int(form["hour"]), int(form["minute"]), int(form["second"] or 0), tzinfo=zone)


def instant(value: dt.date) -> dt.datetime:
    """Where a day or a moment sits on one line of time, for ordering: a day is its start in UTC."""
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime(value.year, value.month, value.day, tzinfo=_UTC)


def latest(values: Iterable[dt.date]) -> dt.date:
    """The latest of days and moments; of equal ones, the first."""
    return max(values, key=instant)


def before(value: dt.date, other: dt.date) -> bool:
    """Whether value comes before other: by their instants when both have a time, else by day
    (an update given as a day is not before a publication at 09:30 the same day)."""
    if isinstance(value, dt.datetime) and isinstance(other, dt.datetime):
        return value < other
    return _day(value) < _day(other)


def _day(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def day_of(value: dt.date) -> dt.date:
    """The day of a day or a moment (a moment's day where it happened)."""
    return _day(value)


def from_iso(text: str) -> dt.date:
    """A day or moment written by isoformat (in the build's record) read back."""
    return dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)
