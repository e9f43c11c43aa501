"""Time and pace: a learner's hours against their plan, and where their pace leads.

Free of Django, like activity.py: it takes hours and dates and returns numbers
and dates, the dates and figures as the page writes them ("1 March 2027",
"12.5"), and the chart as SVG markup. The sentences ("ahead by 12 hours") are
the template's.

The plan: from its start date the learner gives `hours_per_week` to the hours
still left on that day, so the planned hours done grow in a straight line from
(start, hours completed before the start) to (planned finish, every hour).
Their pace is the hours of the items they completed over the last four weeks,
per week; the projected finish is where that pace takes the hours left.

An item counts once it is done or skipped, as everywhere on the site: a skip
takes its hours off what is left, so it moves the projection too.

The chart's geometry is computed here because templates cannot do arithmetic,
and its markup is written here too: copying some thirty coordinates into SVG
attributes through template tags, each localized as a number, and writing its
dates with Django's date filter cost more than the rest of the section (issue
9). Its attributes carry geometry only, as the Content-Security-Policy wants.
The markup holds only numbers, dates and fixed words, nothing a user typed,
so it needs no escaping.
"""

import math
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from tracker.progress.activity import MONTH_NAMES, written_date

# What a learner may plan for: at least an hour a week, at most a full-time job
# and then some. The model's validators and the form read these.
MIN_HOURS_PER_WEEK = 1
MAX_HOURS_PER_WEEK = 80
# The hours per week when the roadmap names no duration to derive them from.
FALLBACK_HOURS_PER_WEEK = 10

DAYS_PER_UNIT = {"day": 1, "week": 7, "month": 365.25 / 12, "year": 365.25}
DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(day|week|month|year)s?\s*", re.IGNORECASE)

# The pace is measured over the last four weeks, or over the plan's own days
# when it began more recently, but never over less than a week: a first
# evening's three items are not a pace of twenty hours a week.
WINDOW_DAYS = 28
MIN_WINDOW_DAYS = 7

# Geometry of the chart in SVG user units: a plot box with a gutter on the left
# for the hours, one below for the dates and one on top for "Today".
WIDTH = 360
HEIGHT = 180
PLOT_LEFT = 44
PLOT_RIGHT = WIDTH - 12
PLOT_TOP = 20
PLOT_BOTTOM = HEIGHT - 24
HOURS_NUDGE = 3  # an hours label's baseline sits a little below its gridline
DATE_BASELINE = HEIGHT - 8
TODAY_BASELINE = 12
TODAY_LABEL_HALF = 16  # half the width of "Today", kept inside the plot box
# When the projected finish lies far beyond the plan, the chart shows at most
# this many times the plan's span and the projection runs off its edge.
MAX_SPAN_FACTOR = 2
# Projections memoized, as activity.py memoizes calendars: a learner who
# reloads home without ticking anything gets the same one. Each is some 10 kB.
MEMO_SIZE = 64


class Standing(StrEnum):
    """Where a learner stands against their plan; the value is also a CSS class."""

    def __new__(cls, value, label):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    AHEAD = "ahead", "ahead of plan"
    ON_TRACK = "on-track", "on track"
    BEHIND = "behind", "behind plan"
    NOT_STARTED = "not-started", "not started"
    FINISHED = "finished", "finished"
    # The roadmap's items carry no estimated hours: there is nothing to pace.
    NO_ESTIMATE = "no-estimate", "no estimate"


class Point(NamedTuple):
    # A named tuple rather than a frozen dataclass, which is slower to make:
    # the line of hours done has a point for every day with completions.
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Label:
    """An axis label at (x, y): `value` is a date or a number of hours."""

    value: object
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Chart:
    """The burn-up chart: hours done (up) against dates (across)."""

    plan: tuple[Point, Point]  # planned hours, from the start to the planned finish
    actual: tuple[Point, ...]  # hours done so far, day by day
    projection: tuple[Point, Point] | None  # today onwards at the recent pace
    today_x: float
    today_label_x: float
    dates: tuple[Label, ...]  # the first and last day shown
    hours: tuple[Label, ...]  # 0 and the total
    svg: str = ""  # the chart's <svg> element, with its aria-label
    width: int = WIDTH
    height: int = HEIGHT
    left: int = PLOT_LEFT
    right: int = PLOT_RIGHT
    top: int = PLOT_TOP
    bottom: int = PLOT_BOTTOM
    today_baseline: int = TODAY_BASELINE

    @property
    def actual_points(self):
        """The `points` attribute of the polyline of hours done."""
        return " ".join(f"{point.x:g},{point.y:g}" for point in self.actual)


@dataclass(frozen=True, slots=True)
class Pace:
    today: date
    start: date
    hours_per_week: int
    total_hours: int
    hours_done: int  # of items done or skipped, whenever
    hours_left: int
    hours_before_start: int  # completed before the plan's start: not part of the plan
    planned_by_today: float  # where the plan expected hours done to be today
    gap_hours: int  # hours done less planned by today, rounded (negative: behind)
    pace_per_week: float  # hours completed per week over the last `window_days`
    window_days: int
    projected_finish: date | None  # at that pace; None when it is zero with work left
    planned_finish: date  # at `hours_per_week` from `start`
    target_finish: date | None  # the roadmap's own duration from `start`
    status: Standing
    chart: Chart | None  # None when there are no hours to draw

    @property
    def tolerance(self):
        """How far from the plan still counts as on track: one week's hours."""
        return self.hours_per_week

    @property
    def pace_shown(self):
        """The pace to one decimal, as people read it ("12.5 hours a week")."""
        return round(self.pace_per_week, 1)

    @property
    def hours_off_plan(self):
        """How many hours ahead or behind, without the sign the status gives."""
        return abs(self.gap_hours)

    @property
    def starts_later(self):
        return self.start > self.today

    # The figures and dates as the page writes them, as Django's floatformat
    # and date:"j F Y" would; "" for a date there is none of.

    @property
    def pace_text(self):
        """The pace as floatformat:"-1" writes it: "12.5", and "12" for 12.0."""
        return f"{self.pace_shown:.1f}".removesuffix(".0")

    @property
    def planned_by_today_text(self):
        """Whole hours, halves rounded up, as floatformat:"0" writes them."""
        return str(Decimal(str(self.planned_by_today)).quantize(Decimal(1), ROUND_HALF_UP))

    @property
    def start_text(self):
        return written_date(self.start)

    @property
    def planned_finish_text(self):
        return written_date(self.planned_finish) if self.planned_finish else ""

    @property
    def projected_finish_text(self):
        return written_date(self.projected_finish) if self.projected_finish else ""

    @property
    def target_finish_text(self):
        return written_date(self.target_finish) if self.target_finish else ""


def parse_duration(text):
    """Days in a duration such as "6 months" or "1 year"; None if it names none.

    A month is an average month (a twelfth of 365.25 days), so "6 months"
    is 182.625 days and "12 months" is a year.
    """
    match = DURATION.fullmatch(text or "")
    if match is None:
        return None
    days = float(match[1]) * DAYS_PER_UNIT[match[2].lower()]
    return days or None


def default_hours_per_week(total_hours, target_days):
    """The whole hours a week that finish `total_hours` within `target_days`.

    Rounded up, so the default plan finishes on time rather than a day late,
    and kept within what a learner may choose.
    """
    if not target_days:
        return FALLBACK_HOURS_PER_WEEK
    # round() first, so 24.000000000001 from float division does not become 25.
    hours = math.ceil(round(total_hours * 7 / target_days, 6))
    return min(max(hours, MIN_HOURS_PER_WEEK), MAX_HOURS_PER_WEEK)


def project(*, total_hours, completions, hours_per_week, start, today, target_days=None):
    """A learner's pace against their plan.

    `completions` are (date, hours) pairs, one per item done or skipped, dated
    the day (in the site's time zone) it was completed; a date after `today`
    (a clock ahead of the database's) counts as today. `hours_per_week` is at
    least 1. `target_days` is the roadmap's duration, or None. Equal inputs
    give the same (immutable) Pace, from a memo.
    """
    return _project(total_hours, tuple(completions), hours_per_week, start, today, target_days)


@lru_cache(maxsize=MEMO_SIZE)
def _project(total_hours, completions, hours_per_week, start, today, target_days):
    hours_by_day = _hours_by_day(completions, today)
    hours_done = min(sum(hours_by_day.values()), total_hours)
    hours_left = total_hours - hours_done
    before_start = min(sum(h for day, h in hours_by_day.items() if day < start), total_hours)

    planned_finish = _days_after(start, (total_hours - before_start) * 7 / hours_per_week)
    elapsed = max((today - start).days, 0)
    planned_by_today = min(before_start + hours_per_week * elapsed / 7, total_hours)
    gap = hours_done - planned_by_today

    pace_per_week, window_days = _recent_pace(hours_by_day, start, today)
    if hours_left == 0:
        projected_finish = today
    elif pace_per_week:
        projected_finish = _days_after(today, hours_left * 7 / pace_per_week)
    else:
        projected_finish = None

    pace = Pace(
        today=today,
        start=start,
        hours_per_week=hours_per_week,
        total_hours=total_hours,
        hours_done=hours_done,
        hours_left=hours_left,
        hours_before_start=before_start,
        planned_by_today=planned_by_today,
        gap_hours=round(gap),
        pace_per_week=pace_per_week,
        window_days=window_days,
        projected_finish=projected_finish,
        planned_finish=planned_finish,
        target_finish=_days_after(start, target_days) if target_days else None,
        status=Standing.NO_ESTIMATE,
        chart=None,
    )
    if total_hours == 0:
        return pace
    pace = replace(pace, status=_status(pace, gap))
    return replace(pace, chart=_chart(pace, hours_by_day))


def _hours_by_day(completions, today):
    hours = {}
    for day, item_hours in completions:
        day = min(day, today)
        hours[day] = hours.get(day, 0) + item_hours
    return hours


def _days_after(day, days):
    """`day` plus `days` rounded up to whole days; None past the calendar's end."""
    try:
        return day + timedelta(days=math.ceil(round(days, 6)))
    except OverflowError:
        return None


def _recent_pace(hours_by_day, start, today):
    """(hours per week, days measured) over the last four weeks.

    A plan begun within them is measured from its start, so a fresh plan is
    not diluted by the empty weeks before it (nor credited with what came
    before it); never over fewer than MIN_WINDOW_DAYS.
    """
    first = today - timedelta(days=WINDOW_DAYS - 1)
    if first < start <= today:
        first = start
    days = max((today - first).days + 1, MIN_WINDOW_DAYS)
    hours = sum(h for day, h in hours_by_day.items() if first <= day <= today)
    return hours * 7 / days, days


def _status(pace, gap):
    """Ahead or behind by more than a week's planned hours, else on track.

    A week's hours is the tolerance because items come in chunks of a few
    hours and learners study in sessions, not a steady trickle: a day's lag
    after a weekend off is not "behind", a missed week is.
    """
    if pace.hours_left == 0:
        return Standing.FINISHED
    if pace.starts_later:
        return Standing.NOT_STARTED
    if gap > pace.tolerance:
        return Standing.AHEAD
    if gap < -pace.tolerance:
        return Standing.BEHIND
    if pace.hours_done == pace.hours_before_start:
        # Nothing yet since the plan began, but not yet a week's hours behind.
        return Standing.NOT_STARTED
    return Standing.ON_TRACK


def _chart(pace, hours_by_day):
    first = min([pace.start, pace.today, *hours_by_day])
    last = max(pace.planned_finish or pace.today, pace.today)
    if pace.hours_left and pace.projected_finish and pace.projected_finish > last:
        furthest = first + (last - first) * MAX_SPAN_FACTOR
        last = min(pace.projected_finish, max(furthest, last))
    if last <= first:
        last = first + timedelta(days=1)
    span = (last - first).days
    across = PLOT_RIGHT - PLOT_LEFT
    up = PLOT_BOTTOM - PLOT_TOP
    total = pace.total_hours

    # Coordinates to a tenth of a unit, finer than a pixel. round(v * 10) / 10
    # rather than round(v, 1), which takes twice as long: there is an x and a
    # y for every day with completions.
    def x(day):
        day = min(max(day, first), last)
        return round((PLOT_LEFT + (day - first).days * across / span) * 10) / 10

    def y(hours):
        hours = min(max(hours, 0), total)
        return round((PLOT_BOTTOM - hours * up / total) * 10) / 10

    # The plan ends off the calendar only for absurd inputs; draw it to the edge.
    plan_end = pace.planned_finish or last
    plan = (Point(x(pace.start), y(pace.hours_before_start)), Point(x(plan_end), y(total)))

    actual = [Point(x(first), y(0))]
    done = 0
    for day, hours in sorted(hours_by_day.items()):
        done += hours
        actual.append(Point(x(day), y(done)))
    if actual[-1].x != x(pace.today):
        actual.append(Point(x(pace.today), y(pace.hours_done)))

    projection = None
    if pace.hours_left and pace.pace_per_week:
        end = min(pace.projected_finish or last, last)
        reached = pace.hours_done + pace.pace_per_week * (end - pace.today).days / 7
        projection = (Point(x(pace.today), y(pace.hours_done)), Point(x(end), y(reached)))

    today_x = x(pace.today)
    label_x = min(max(today_x, PLOT_LEFT + TODAY_LABEL_HALF), PLOT_RIGHT - TODAY_LABEL_HALF)
    chart = Chart(
        plan=plan,
        actual=tuple(actual),
        projection=projection,
        today_x=today_x,
        today_label_x=label_x,
        dates=(Label(first, PLOT_LEFT, DATE_BASELINE), Label(last, PLOT_RIGHT, DATE_BASELINE)),
        hours=(
            Label(0, PLOT_LEFT - 6, PLOT_BOTTOM + HOURS_NUDGE),
            Label(total, PLOT_LEFT - 6, PLOT_TOP + HOURS_NUDGE),
        ),
    )
    return replace(chart, svg=_chart_svg(pace, chart))


def _chart_svg(pace, chart):
    """The chart's <svg>: its aria-label says in short what the lines show."""
    label = (
        f"Chart of hours done against your plan: planned {pace.total_hours} hours by"
        f" {pace.planned_finish_text}; {pace.hours_done} done by today, {pace.status.label}."
    )
    plan_from, plan_to = chart.plan
    start, end = chart.dates
    hours = "".join(
        f'<text class="pace-label pace-label-hours" x="{hour.x}" y="{hour.y}">{hour.value} h</text>'
        for hour in chart.hours
    )
    projection = ""
    if chart.projection:
        ahead_from, ahead_to = chart.projection
        projection = (
            f'<line class="pace-projection" x1="{ahead_from.x}" y1="{ahead_from.y}"'
            f' x2="{ahead_to.x}" y2="{ahead_to.y}"/>\n'
        )
    return (
        f'<svg class="pace-chart" role="img" aria-label="{label}" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' width="{WIDTH}" height="{HEIGHT}" xmlns="http://www.w3.org/2000/svg">\n'
        f'<line class="pace-axis" x1="{PLOT_LEFT}" y1="{PLOT_BOTTOM}" x2="{PLOT_RIGHT}"'
        f' y2="{PLOT_BOTTOM}"/>\n'
        f'<line class="pace-grid" x1="{PLOT_LEFT}" y1="{PLOT_TOP}" x2="{PLOT_RIGHT}"'
        f' y2="{PLOT_TOP}"/>\n'
        f"{hours}\n"
        f'<text class="pace-label pace-label-start" x="{start.x}" y="{start.y}">'
        f"{_short_month_and_year(start.value)}</text>"
        f'<text class="pace-label pace-label-end" x="{end.x}" y="{end.y}">'
        f"{_short_month_and_year(end.value)}</text>\n"
        f'<line class="pace-today" x1="{chart.today_x}" y1="{PLOT_TOP}" x2="{chart.today_x}"'
        f' y2="{PLOT_BOTTOM}"/>\n'
        f'<text class="pace-label pace-label-today" x="{chart.today_label_x}"'
        f' y="{TODAY_BASELINE}">Today</text>\n'
        f'<line class="pace-plan" x1="{plan_from.x}" y1="{plan_from.y}" x2="{plan_to.x}"'
        f' y2="{plan_to.y}"/>\n'
        f"{projection}"
        f'<polyline class="pace-actual" points="{chart.actual_points}"/>\n'
        "</svg>"
    )


def _short_month_and_year(day):
    """ "Mar 2026", as date:"M Y" writes it."""
    return f"{MONTH_NAMES[day.month - 1][:3]} {day.year}"
