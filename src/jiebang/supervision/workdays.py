"""Working days on the Chinese calendar: weekends and statutory holidays are rest days, the
make-up working days (调休) on a weekend are working days. The State Council's schedule comes
from the `chinese-calendar` package, which each release extends by the next year; for a year it
does not know yet, weekends alone are rest days (and the package should be upgraded)."""

import logging
from datetime import date, timedelta

import chinese_calendar

log = logging.getLogger(__name__)


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        log.warning("chinese-calendar has no schedule for %s; counting weekdays only", day.year)
        return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (start itself not counted)."""
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count
