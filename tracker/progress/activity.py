"""The activity calendar: a year of completions as a heatmap, and streaks.

Free of Django, so it can be read and tested alone. It takes (date, count)
pairs, the learner's completions per day in the site's time zone, and the
date of today in that same zone; it returns the numbers and dates, and the
calendar's SVG and its table of months as markup ready to include.

That markup is written here, not in the template: a year is 365 cells, and
giving each its count and date through template tags and Django's date filter
cost some 20 ms a page (issue 9). Here a cell is one f-string, the empty year
of a given today is drawn once and shared by every learner that day, and a
learner's own days are then written over it. The markup holds only numbers,
dates and fixed English words (the site's one language), nothing a user
typed, so it needs no escaping.
"""

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType

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

# The words Django's date filter would give in English, the site's only
# language, looked up rather than formatted: the filter costs some 15 µs a
# call. The pace (pace.py) writes its dates with these too.
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)

# Calendars memoized: a public page is seen by many visitors with the same
# history, and a learner reloading home has not changed theirs. A calendar's
# markup is some 50 kB, so this bounds the memo at a few MB per process.
MEMO_SIZE = 64


def written_date(day):
    """ "2 November 2026", as Django's date:"j F Y" writes it in English."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def written_day(day):
    """ "Monday 2 November 2026", as date:"l j F Y" writes it."""
    return f"{WEEKDAY_NAMES[day.weekday()]} {written_date(day)}"


def month_and_year(day):
    """ "November 2026", as date:"F Y" writes it."""
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"


def plural(count, word):
    """ "1 day", "3 days", "0 days": the count with pluralize's English -s."""
    return f"{count} {word}{'' if count == 1 else 's'}"


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

    @property
    def title(self):
        if not self.level:
            return "No completions"
        if self.high is None:
            return f"{self.low} or more completions"
        if self.low == self.high:
            return plural(self.low, "completion")
        return f"{self.low}–{self.high} completions"


@dataclass(frozen=True, slots=True)
class MonthTotal:
    month: date  # its first day
    count: int


@dataclass(frozen=True, slots=True)
class Frame:
    """What the calendar of one today draws before any completions.

    The same for every learner that day, so it is built once (_empty_frame).
    `pieces` is the grid's markup with every cell empty; for the n-th day
    shown, `slots[n]` is the index in `pieces` of its cell, and `cell_parts[n]`
    that cell's markup after its heat level and after its words ("3
    completions"), so a day with completions costs one f-string.
    """

    start: date
    weeks: tuple[tuple[tuple[date, int, int], ...], ...]  # (date, x, y) per cell
    months: tuple[Label, ...]
    weekdays: tuple[Label, ...]
    month_starts: tuple[date, ...]
    pieces: tuple[str, ...]
    slots: tuple[int, ...]
    cell_parts: tuple[tuple[str, str], ...]
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Activity:
    today: date
    start: date  # the first day shown, DAYS_SHOWN - 1 days before today
    months: tuple[Label, ...]
    weekdays: tuple[Label, ...]
    month_totals: tuple[MonthTotal, ...]
    total: int  # completions in the days shown
    active_days: int  # days shown with at least one completion
    current_streak: int
    longest_streak: int
    width: int
    height: int
    svg: str  # the calendar's <svg> element
    month_rows: str  # the <tr>s of the table of completions by month
    counts: MappingProxyType = field(repr=False)  # {date: count} of the active days shown
    frame: Frame = field(repr=False, compare=False)
    cell: int = CELL

    @property
    def weeks(self):
        """The cells as data, week by week: what `svg` draws."""
        counts = self.counts
        return tuple(
            Week(
                tuple(
                    Day(day, counts.get(day, 0), level(counts.get(day, 0)), x, y)
                    for day, x, y in week
                )
            )
            for week in self.frame.weeks
        )

    @property
    def levels(self):
        return LEGEND

    @property
    def legend_svg(self):
        return LEGEND_SVG


def level(count):
    """The heat level, 0 to 4, of a day with `count` completions: how many thresholds it reaches."""
    return bisect_right(LEVEL_THRESHOLDS, count)


def _legend():
    lows = (0, *LEVEL_THRESHOLDS)
    highs = (0, *(threshold - 1 for threshold in LEVEL_THRESHOLDS[1:]), None)
    return tuple(
        Level(number, low, high, number * PITCH)
        for number, (low, high) in enumerate(zip(lows, highs, strict=True))
    )


LEGEND = _legend()
LEGEND_WIDTH = len(LEGEND) * PITCH - GAP
LEGEND_SVG = (
    f'<svg viewBox="0 0 {LEGEND_WIDTH} {CELL}" width="{LEGEND_WIDTH}" height="{CELL}"'
    ' xmlns="http://www.w3.org/2000/svg">'
    + "".join(
        f'<rect class="heat-{step.level}" x="{step.x}" y="0" width="{CELL}" height="{CELL}"'
        f' rx="2"><title>{step.title}</title></rect>'
        for step in LEGEND
    )
    + "</svg>"
)


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
    streak is taken over everything passed in. Equal inputs give the same
    (immutable) Activity, from a memo.
    """
    return _build(tuple(days), today)


@lru_cache(maxsize=MEMO_SIZE)
def _build(days, today):
    counts = daily_counts(days)
    frame = _empty_frame(today)
    start = frame.start
    shown = {day: count for day, count in counts.items() if start <= day <= today}

    pieces = list(frame.pieces)
    for day, count in shown.items():
        offset = (day - start).days
        geometry, title = frame.cell_parts[offset]
        words = plural(count, "completion")
        pieces[frame.slots[offset]] = f'<rect class="heat-{level(count)}{geometry}{words}{title}'

    total = sum(shown.values())
    current, longest = streaks(counts, today)
    label = (
        f"{plural(total, 'completion')} in the last year, current streak {plural(current, 'day')},"
        f" longest streak {plural(longest, 'day')}"
    )
    month_totals = _month_totals(shown, frame.month_starts)
    return Activity(
        today=today,
        start=start,
        months=frame.months,
        weekdays=frame.weekdays,
        month_totals=month_totals,
        total=total,
        active_days=len(shown),
        current_streak=current,
        longest_streak=longest,
        width=frame.width,
        height=frame.height,
        svg=(
            f'<svg class="activity-graph" role="img" aria-label="{label}"'
            f' viewBox="0 0 {frame.width} {frame.height}" width="{frame.width}"'
            f' height="{frame.height}" xmlns="http://www.w3.org/2000/svg">\n'
            f"{''.join(pieces)}</svg>"
        ),
        month_rows="".join(
            f'<tr><th scope="row">{month_and_year(month.month)}</th><td>{month.count}</td></tr>\n'
            for month in month_totals
        ),
        counts=MappingProxyType(shown),
        frame=frame,
    )


@lru_cache(maxsize=4)
def _empty_frame(today):
    """The Frame of the calendar up to `today`: geometry, labels and empty cells."""
    start = today - timedelta(days=DAYS_SHOWN - 1)
    first_monday = start - timedelta(days=start.weekday())
    columns = (today - first_monday).days // 7 + 1

    weeks, months = [], []
    for column in range(columns):
        monday = first_monday + timedelta(weeks=column)
        x = LEFT + column * PITCH
        shown = [monday + timedelta(days=offset) for offset in range(7)]
        weeks.append(tuple((day, x, _row_y(day)) for day in shown if start <= day <= today))
        # A month is named over the first column whose first day lies in it.
        first = weeks[-1][0][0]
        if not months or _year_month(first) != _year_month(months[-1].date):
            months.append(Label(first, x, LABEL_BASELINE))
    if len(months) > 1 and months[1].x - months[0].x < MIN_LABEL_GAP * PITCH:
        months.pop(0)
    weekdays = tuple(
        Label(first_monday + timedelta(days=weekday), 0, _row_y_of(weekday) + LABEL_NUDGE)
        for weekday in (0, 2, 4)
    )

    pieces = [
        "".join(
            f'<text class="activity-month" x="{label.x}" y="{label.y}">'
            f"{MONTH_NAMES[label.date.month - 1][:3]}</text>"
            for label in months
        )
        + "\n",
        "".join(
            f'<text class="activity-weekday" x="{label.x}" y="{label.y}">'
            f"{WEEKDAY_NAMES[label.date.weekday()][:3]}</text>"
            for label in weekdays
        )
        + "\n",
    ]
    slots, cell_parts = [], []
    for week in weeks:
        pieces.append("<g>")
        for day, x, y in week:
            geometry = f'" x="{x}" y="{y}" width="{CELL}" height="{CELL}" rx="2"><title>'
            title = f" on {written_day(day)}</title></rect>"
            slots.append(len(pieces))
            cell_parts.append((geometry, title))
            pieces.append(f'<rect class="heat-0{geometry}No completions{title}')
        pieces.append("</g>\n")

    return Frame(
        start=start,
        weeks=tuple(weeks),
        months=tuple(months),
        weekdays=weekdays,
        month_starts=_month_starts(start, today),
        pieces=tuple(pieces),
        slots=tuple(slots),
        cell_parts=tuple(cell_parts),
        width=LEFT + columns * PITCH - GAP,
        height=TOP + 7 * PITCH - GAP,
    )


def _row_y(day):
    return _row_y_of(day.weekday())


def _row_y_of(weekday):
    return TOP + weekday * PITCH


def _year_month(day):
    return day.year, day.month


def _month_starts(start, today):
    """The first day of every month the days from `start` to `today` touch."""
    months = []
    month = start.replace(day=1)
    while month <= today:
        months.append(month)
        month = (month + timedelta(days=31)).replace(day=1)
    return tuple(months)


def _month_totals(shown, month_starts):
    totals = dict.fromkeys(map(_year_month, month_starts), 0)
    for day, count in shown.items():
        totals[_year_month(day)] += count
    return tuple(MonthTotal(month, totals[_year_month(month)]) for month in month_starts)
