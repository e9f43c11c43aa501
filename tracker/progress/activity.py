"""The activity calendar: a year of completions as a heatmap, and streaks.

Free of Django, so it can be read and tested alone. It takes (date, count)
pairs, the learner's completions per day in the site's time zone, and the
date of today in that same zone; it returns numbers and dates only. Words
(month and weekday names, "3 completions on ...") are left to the template,
where Django's date filters and pluralize format them.

The SVG's geometry is computed here because templates cannot do arithmetic;
the template only copies x, y, width and height into attributes, which the
Content-Security-Policy allows where inline styles are not.
"""

from dataclasses import dataclass
from datetime import date, timedelta

DAYS_SHOWN = 365
ONE_DAY = timedelta(days=1)

# The fewest completions that reach heat levels 1, 2, 3 and 4. Fixed rather
# than scaled to the learner's busiest day, so a day looks the same on every
# calendar and a first single tick does not look as busy as a whole topic.
LEVEL_THRESHOLDS = (1, 2, 4, 7)

# Geometry in SVG user units: square cells on a fixed pitch, with a gutter on
# the left for weekday names and one on top for month names.
CELL = 11
GAP = 3
PITCH = CELL + GAP
LEFT = 30
TOP = 17
LABEL_BASELINE = 11  # month names sit in the top gutter
LABEL_NUDGE = 9  # weekday names are aligned with their row's cells
MIN_LABEL_GAP = 3  # columns between month names, so "Nov" and "Dec" never overlap


@dataclass(frozen=True, slots=True)
class Day:
    """One cell of the calendar."""

    date: date
    count: int
    level: int
    x: int
    y: int


@dataclass(frozen=True, slots=True)
class Week:
    """A column, Monday first; the first and last weeks may be partial."""

    days: tuple[Day, ...]


@dataclass(frozen=True, slots=True)
class Label:
    """A month or weekday name to draw at (x, y); `date` is any day it names."""

    date: date
    x: int
    y: int


@dataclass(frozen=True, slots=True)
class Level:
    """A step of the legend: `low` to `high` completions (no `high` for the last)."""

    level: int
    low: int
    high: int | None
    x: int


@dataclass(frozen=True, slots=True)
class MonthTotal:
    month: date  # its first day
    count: int


@dataclass(frozen=True, slots=True)
class Activity:
    today: date
    start: date  # the first day shown, DAYS_SHOWN - 1 days before today
    weeks: tuple[Week, ...]
    months: tuple[Label, ...]
    weekdays: tuple[Label, ...]
    month_totals: tuple[MonthTotal, ...]
    total: int  # completions in the days shown
    active_days: int  # days shown with at least one completion
    current_streak: int
    longest_streak: int
    width: int
    height: int
    cell: int = CELL

    @property
    def levels(self):
        return LEGEND

    @property
    def legend_width(self):
        return len(LEGEND) * PITCH - GAP


def level(count):
    """The heat level, 0 to 4, of a day with `count` completions."""
    return sum(count >= threshold for threshold in LEVEL_THRESHOLDS)


def _legend():
    lows = (0, *LEVEL_THRESHOLDS)
    highs = (0, *(threshold - 1 for threshold in LEVEL_THRESHOLDS[1:]), None)
    return tuple(
        Level(number, low, high, number * PITCH)
        for number, (low, high) in enumerate(zip(lows, highs, strict=True))
    )


LEGEND = _legend()


def daily_counts(days):
    """Sum (date, count) pairs into {date: count}, dropping empty days."""
    counts = {}
    for day, count in days:
        if count > 0:
            counts[day] = counts.get(day, 0) + count
    return counts


def streaks(dates, today):
    """(current, longest) runs of consecutive days among `dates`.

    The current streak is the run that ends today, or yesterday: a learner who
    has not ticked anything yet today has not broken the streak. Days after
    `today` (a clock ahead of the database's) are ignored.
    """
    longest = run = 0
    previous = None
    for day in sorted(day for day in set(dates) if day <= today):
        run = run + 1 if previous is not None and day - previous == ONE_DAY else 1
        longest = max(longest, run)
        previous = day
    current = run if previous is not None and today - previous <= ONE_DAY else 0
    return current, longest


def build(days, today):
    """The calendar of the DAYS_SHOWN days up to `today`, from (date, count) pairs.

    `days` may cover any span: the grid shows the last year, the longest
    streak is taken over everything passed in.
    """
    counts = daily_counts(days)
    start = today - timedelta(days=DAYS_SHOWN - 1)
    first_monday = start - timedelta(days=start.weekday())
    columns = (today - first_monday).days // 7 + 1

    weeks, months = [], []
    for column in range(columns):
        monday = first_monday + timedelta(weeks=column)
        x = LEFT + column * PITCH
        shown = [monday + timedelta(days=offset) for offset in range(7)]
        shown = [day for day in shown if start <= day <= today]
        weeks.append(
            Week(
                tuple(
                    Day(day, counts.get(day, 0), level(counts.get(day, 0)), x, _row_y(day))
                    for day in shown
                )
            )
        )
        # A month is named over the first column whose first day lies in it.
        if not months or (shown[0].year, shown[0].month) != _year_month(months[-1].date):
            months.append(Label(shown[0], x, LABEL_BASELINE))
    if len(months) > 1 and months[1].x - months[0].x < MIN_LABEL_GAP * PITCH:
        months.pop(0)

    shown_counts = [count for day, count in counts.items() if start <= day <= today]
    current, longest = streaks(counts, today)
    return Activity(
        today=today,
        start=start,
        weeks=tuple(weeks),
        months=tuple(months),
        weekdays=tuple(
            Label(first_monday + timedelta(days=weekday), 0, _row_y_of(weekday) + LABEL_NUDGE)
            for weekday in (0, 2, 4)
        ),
        month_totals=_month_totals(counts, start, today),
        total=sum(shown_counts),
        active_days=len(shown_counts),
        current_streak=current,
        longest_streak=longest,
        width=LEFT + columns * PITCH - GAP,
        height=TOP + 7 * PITCH - GAP,
    )


def _row_y(day):
    return _row_y_of(day.weekday())


def _row_y_of(weekday):
    return TOP + weekday * PITCH


def _year_month(day):
    return day.year, day.month


def _month_totals(counts, start, today):
    totals = {}
    month = start.replace(day=1)
    while month <= today:
        totals[_year_month(month)] = 0
        month = (month + timedelta(days=31)).replace(day=1)
    for day, count in counts.items():
        if start <= day <= today:
            totals[_year_month(day)] += count
    return tuple(MonthTotal(date(year, month, 1), count) for (year, month), count in totals.items())
