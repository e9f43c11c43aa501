"""The calendar's and the pace's markup, written in Python rather than by template tags (issue 9).

It must say what Django's filters would have said, draw what the data says,
and come from a memo only when the input is the same: a new tick, or a new
day, gets new markup.
"""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat

from tests.helpers import find_all, find_one
from tracker.progress import activity, pace

TODAY = date(2026, 11, 4)  # a Wednesday
LEAP_YEAR = [date(2024, 1, 1) + timedelta(days=offset) for offset in range(366)]


def history(today=TODAY):
    """A completion or more every third day for longer than the year shown."""
    return [(today - timedelta(days=offset), 1 + offset % 9) for offset in range(0, 400, 3)]


def titles(markup):
    return [element.text for element in find_all(markup, "title")]


def ticks(today=TODAY):
    """Three hours' worth every other day for two months."""
    return [(today - timedelta(days=2 * n), 3) for n in range(30)]


def projection(completions=None, today=TODAY):
    return pace.project(
        total_hours=200,
        completions=ticks(today) if completions is None else completions,
        hours_per_week=10,
        start=today - timedelta(days=70),
        today=today,
        target_days=182.625,
    )


# The words


@pytest.mark.parametrize(
    ("written", "django_format"),
    [
        (activity.written_day, "l j F Y"),
        (activity.written_date, "j F Y"),
        (activity.month_and_year, "F Y"),
    ],
)
def test_dates_are_written_as_djangos_date_filter_writes_them(written, django_format):
    for day in LEAP_YEAR:
        assert written(day) == date_filter(day, django_format)


@pytest.mark.parametrize("value", [0, 0.04, 0.05, 0.96, 1, 2.5, 12.25, 12.35, 99.95, 1234.5])
def test_the_pace_is_written_as_floatformat_writes_it(value):
    result = replace(projection(), pace_per_week=value, planned_by_today=value)
    assert result.pace_text == floatformat(result.pace_shown, "-1")
    assert result.planned_by_today_text == floatformat(value, "0")


def test_the_paces_dates_are_written_as_the_date_filter_writes_them():
    result = projection()
    for day, text in [
        (result.start, result.start_text),
        (result.planned_finish, result.planned_finish_text),
        (result.projected_finish, result.projected_finish_text),
        (result.target_finish, result.target_finish_text),
    ]:
        assert text == date_filter(day, "j F Y")
    assert replace(result, projected_finish=None).projected_finish_text == ""


# The calendar's markup draws its data


def test_every_cell_is_drawn_where_and_as_the_data_says():
    result = activity.build(history(), TODAY)
    weeks = find_all(result.svg, "g")
    assert [len(group.find_all("rect")) for group in weeks] == [
        len(week.days) for week in result.weeks
    ]
    cells = [day for week in result.weeks for day in week.days]
    rects = find_all(result.svg, "rect")
    assert len(rects) == activity.DAYS_SHOWN
    for cell, rect in zip(cells, rects, strict=True):
        assert rect.classes == {f"heat-{cell.level}"}
        assert (rect.attrs["x"], rect.attrs["y"]) == (str(cell.x), str(cell.y))
        assert rect.attrs["width"] == rect.attrs["height"] == str(activity.CELL)
        count = f"{cell.count} completion{'' if cell.count == 1 else 's'}"
        words = count if cell.count else "No completions"
        assert rect.text == f"{words} on {date_filter(cell.date, 'l j F Y')}"


def test_month_and_weekday_names_are_drawn_where_the_labels_say():
    result = activity.build([], TODAY)
    months = find_all(result.svg, "text", class_="activity-month")
    assert [(text.text, text.attrs["x"]) for text in months] == [
        (date_filter(label.date, "M"), str(label.x)) for label in result.months
    ]
    weekdays = find_all(result.svg, "text", class_="activity-weekday")
    assert [text.text for text in weekdays] == ["Mon", "Wed", "Fri"]


def test_the_month_rows_give_each_months_total():
    result = activity.build(history(), TODAY)
    rows = find_all(f"<table>{result.month_rows}</table>", "tr")
    assert [(row.find_one("th").text, row.find_one("td").text) for row in rows] == [
        (date_filter(month.month, "F Y"), str(month.count)) for month in result.month_totals
    ]


def test_the_legend_names_each_level():
    assert titles(activity.LEGEND_SVG) == [
        "No completions",
        "1 completion",
        "2–3 completions",
        "4–6 completions",
        "7 or more completions",
    ]


# The calendar's memo


def test_an_equal_history_gets_the_markup_a_fresh_build_gives():
    days = history()
    first = activity.build(days, TODAY)
    again = activity.build(list(days), TODAY)  # equal, not the same list
    fresh = activity._build.__wrapped__(tuple(days), TODAY)
    assert again.svg == first.svg == fresh.svg
    assert again.month_rows == fresh.month_rows
    assert again == fresh


def test_a_new_completion_changes_the_markup():
    days = history()  # one completion today
    before = activity.build(days, TODAY)
    after = activity.build([*days, (TODAY, 1)], TODAY)
    assert "1 completion on Wednesday 4 November 2026" in titles(before.svg)
    assert "2 completions on Wednesday 4 November 2026" in titles(after.svg)
    assert after.total == before.total + 1


def test_a_new_day_gets_its_own_calendar():
    days = history()
    tomorrow = TODAY + timedelta(days=1)
    today_s, tomorrow_s = activity.build(days, TODAY), activity.build(days, tomorrow)
    assert titles(today_s.svg)[-1] == "1 completion on Wednesday 4 November 2026"
    assert titles(tomorrow_s.svg)[-1] == "No completions on Thursday 5 November 2026"
    assert titles(tomorrow_s.svg)[0].endswith(f"on {date_filter(tomorrow_s.start, 'l j F Y')}")
    assert titles(tomorrow_s.svg)[-2] == "1 completion on Wednesday 4 November 2026"


# The pace's chart


def test_the_chart_draws_its_data():
    result = projection()
    chart = result.chart
    svg = find_one(chart.svg, "svg", role="img")
    assert svg.attrs["aria-label"] == (
        f"Chart of hours done against your plan: planned 200 hours by"
        f" {date_filter(result.planned_finish, 'j F Y')}; {result.hours_done} done by today,"
        f" {result.status.label}."
    )
    plan = svg.find_one("line", class_="pace-plan")
    assert [plan.attrs[name] for name in ("x1", "y1", "x2", "y2")] == [
        str(value) for point in chart.plan for value in point
    ]
    assert svg.find_one("polyline", class_="pace-actual").attrs["points"] == chart.actual_points
    assert [text.text for text in svg.find_all("text", class_="pace-label-hours")] == [
        "0 h",
        "200 h",
    ]
    assert [svg.find_one("text", class_=f"pace-label-{end}").text for end in ("start", "end")] == [
        date_filter(label.value, "M Y") for label in chart.dates
    ]
    assert svg.find_one("line", class_="pace-today").attrs["x1"] == str(chart.today_x)


def test_the_chart_draws_a_projection_only_when_there_is_one():
    assert find_all(projection().chart.svg, "line", class_="pace-projection")
    idle = projection(completions=[(TODAY - timedelta(days=60), 3)])
    assert idle.chart.projection is None
    assert find_all(idle.chart.svg, "line", class_="pace-projection") == []


# The pace's memo


def test_equal_inputs_get_the_pace_a_fresh_projection_gives():
    first, again = projection(), projection(list(ticks()))
    start = TODAY - timedelta(days=70)
    fresh = pace._project.__wrapped__(200, tuple(ticks()), 10, start, TODAY, 182.625)
    assert again == first == fresh
    assert again.chart.svg == fresh.chart.svg


def test_a_new_completion_or_a_new_day_changes_the_pace():
    before = projection()
    ticked = projection([*ticks(), (TODAY, 5)])
    assert ticked.hours_done == before.hours_done + 5
    assert ticked.chart.svg != before.chart.svg
    later = projection(today=TODAY + timedelta(days=1))
    assert later.today != before.today
    assert later.chart.svg != before.chart.svg
