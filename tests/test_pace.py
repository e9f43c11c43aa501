"""The pace arithmetic (tracker.progress.pace): plain unit tests, no database."""

from datetime import date, timedelta

import pytest

from tracker.progress import pace
from tracker.progress.pace import Standing

TODAY = date(2026, 3, 15)
SIX_MONTHS = 182.625


def days_ago(days):
    return TODAY - timedelta(days=days)


def project(*, total=100, completions=(), per_week=10, start=None, today=TODAY, target=None):
    return pace.project(
        total_hours=total,
        completions=completions,
        hours_per_week=per_week,
        start=today if start is None else start,
        today=today,
        target_days=target,
    )


def inside_the_plot(point):
    return (pace.PLOT_LEFT <= point.x <= pace.PLOT_RIGHT) and (
        pace.PLOT_TOP <= point.y <= pace.PLOT_BOTTOM
    )


# Durations and default hours


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("6 months", SIX_MONTHS),
        ("6 Months", SIX_MONTHS),
        ("1 month", 365.25 / 12),
        ("12 months", 365.25),
        ("1 year", 365.25),
        ("2 weeks", 14),
        ("10 days", 10),
        (" 1.5 years ", 547.875),
    ],
)
def test_it_reads_a_duration_in_days(text, days):
    assert pace.parse_duration(text) == pytest.approx(days)


@pytest.mark.parametrize("text", ["", None, "soon", "6", "months", "0 months", "6 months or so"])
def test_a_duration_it_cannot_read_is_none(text):
    assert pace.parse_duration(text) is None


def test_the_default_hours_finish_the_roadmap_within_its_duration():
    # The seed: 652 hours in 6 months is 24.99 hours a week, rounded up.
    assert pace.default_hours_per_week(652, SIX_MONTHS) == 25
    plan = project(total=652, per_week=25, target=SIX_MONTHS)
    assert plan.planned_finish <= plan.target_finish


def test_whole_hours_a_week_are_not_rounded_up_by_float_error():
    assert pace.default_hours_per_week(182, 182) == 7
    assert pace.default_hours_per_week(120, 12 * pace.DAYS_PER_UNIT["month"]) == 3


def test_the_default_hours_stay_within_what_a_learner_may_choose():
    assert pace.default_hours_per_week(0, SIX_MONTHS) == pace.MIN_HOURS_PER_WEEK
    assert pace.default_hours_per_week(10_000, 7) == pace.MAX_HOURS_PER_WEEK
    assert pace.default_hours_per_week(652, None) == pace.FALLBACK_HOURS_PER_WEEK


# Edge cases


def test_no_ticks_yet():
    result = project(total=652, per_week=8)
    assert (result.hours_done, result.hours_left) == (0, 652)
    assert result.status == Standing.NOT_STARTED
    assert result.pace_per_week == 0
    assert result.projected_finish is None
    # 652 hours at 8 a week is 81.5 weeks: 570.5 days, rounded up.
    assert result.planned_finish == TODAY + timedelta(days=571)
    assert result.chart.projection is None
    assert all(inside_the_plot(point) for point in result.chart.actual)


def test_a_week_past_the_start_with_nothing_done_is_behind():
    assert project(start=days_ago(7)).status == Standing.NOT_STARTED  # 10 planned, 10 tolerated
    late = project(start=days_ago(8))
    assert late.status == Standing.BEHIND
    assert late.gap_hours == -11
    assert late.hours_off_plan == 11


def test_everything_done():
    result = project(
        total=20, completions=[(days_ago(3), 12), (days_ago(1), 8)], start=days_ago(10)
    )
    assert (result.hours_done, result.hours_left) == (20, 0)
    assert result.status == Standing.FINISHED
    assert result.projected_finish == TODAY
    assert result.chart.projection is None
    assert result.chart.actual[-1].y == pace.PLOT_TOP


def test_everything_done_long_ago_is_still_finished():
    result = project(total=20, completions=[(days_ago(400), 20)], start=days_ago(500))
    assert result.status == Standing.FINISHED
    assert result.pace_per_week == 0
    assert result.projected_finish == TODAY


def test_pace_zero_with_work_left():
    # Everything done was done more than four weeks ago.
    result = project(completions=[(days_ago(40), 30)], start=days_ago(50))
    assert result.pace_per_week == 0
    assert result.projected_finish is None
    assert result.chart.projection is None
    # 50 days at 10 hours a week is 71.4 planned; 30 done is more than a week behind.
    assert result.status == Standing.BEHIND
    assert result.gap_hours == -41


def test_start_in_the_future():
    start = TODAY + timedelta(days=10)
    result = project(completions=[(days_ago(2), 5)], start=start)
    assert result.starts_later
    assert result.status == Standing.NOT_STARTED
    # What came before the plan is not part of it: it plans the 95 hours left.
    assert result.hours_before_start == 5
    assert result.planned_by_today == 5
    assert result.planned_finish == start + timedelta(days=67)  # 9.5 weeks
    # The pace is still the last four weeks', so a projection is shown.
    assert result.window_days == 28
    assert result.pace_per_week == pytest.approx(5 / 4)
    assert result.projected_finish == TODAY + timedelta(days=532)  # 95 / 1.25 weeks
    assert all(inside_the_plot(point) for point in result.chart.plan)


def test_a_roadmap_without_estimates():
    result = project(total=0, completions=[(days_ago(1), 0)])
    assert result.status == Standing.NO_ESTIMATE
    assert (result.hours_done, result.hours_left) == (0, 0)
    assert result.chart is None


# Ahead, on track and behind


def test_on_track_within_a_weeks_hours_of_the_plan():
    # 14 days at 10 hours a week: 20 planned.
    start = days_ago(14)
    assert project(completions=[(days_ago(1), 20)], start=start).status == Standing.ON_TRACK
    assert project(completions=[(days_ago(1), 30)], start=start).status == Standing.ON_TRACK
    assert project(completions=[(days_ago(1), 10)], start=start).status == Standing.ON_TRACK


def test_ahead_or_behind_by_more_than_a_weeks_hours():
    start = days_ago(14)
    ahead = project(completions=[(days_ago(1), 31)], start=start)
    assert (ahead.status, ahead.gap_hours) == (Standing.AHEAD, 11)
    behind = project(completions=[(days_ago(1), 9)], start=start)
    assert (behind.status, behind.gap_hours) == (Standing.BEHIND, -11)


def test_the_status_words_and_css_classes():
    assert [(status.value, status.label) for status in Standing] == [
        ("ahead", "ahead of plan"),
        ("on-track", "on track"),
        ("behind", "behind plan"),
        ("not-started", "not started"),
        ("finished", "finished"),
        ("no-estimate", "no estimate"),
    ]
    assert f"pace-{Standing.ON_TRACK}" == "pace-on-track"


def test_a_plan_restarted_today_plans_what_is_left():
    result = project(completions=[(days_ago(60), 40)], start=TODAY)
    assert result.hours_before_start == 40
    assert result.planned_by_today == 40
    assert result.planned_finish == TODAY + timedelta(days=42)  # 60 hours at 10 a week
    assert result.status == Standing.NOT_STARTED


def test_the_plan_never_expects_more_than_the_total():
    result = project(completions=[(days_ago(1), 50)], start=days_ago(700))
    assert result.planned_by_today == 100
    assert result.status == Standing.BEHIND


# The pace and the projection


def test_the_pace_is_the_last_four_weeks_hours_per_week():
    completions = [(days_ago(0), 4), (days_ago(27), 4), (days_ago(28), 100)]
    result = project(total=1000, completions=completions, start=days_ago(365))
    assert result.window_days == 28
    assert result.pace_per_week == 2
    # 892 hours left at 2 a week.
    assert result.projected_finish == TODAY + timedelta(days=892 * 7 // 2)


def test_a_plan_begun_lately_is_paced_over_its_own_days():
    result = project(completions=[(days_ago(9), 10), (days_ago(0), 10)], start=days_ago(9))
    assert result.window_days == 10
    assert result.pace_per_week == 14


def test_a_first_evening_is_paced_over_a_week():
    result = project(completions=[(TODAY, 6)], start=TODAY)
    assert result.window_days == pace.MIN_WINDOW_DAYS
    assert result.pace_per_week == 6
    assert result.status == Standing.ON_TRACK


def test_a_completion_dated_after_today_counts_today():
    result = project(completions=[(TODAY + timedelta(days=1), 5)], start=days_ago(3))
    assert result.hours_done == 5
    assert result.pace_per_week == 5


def test_the_projection_rounds_up_to_a_whole_day():
    # 3 hours in the week, 97 left: 226.33 days.
    result = project(completions=[(TODAY, 3)], start=TODAY)
    assert result.projected_finish == TODAY + timedelta(days=227)


# The chart


def test_the_chart_draws_the_plan_from_start_to_planned_finish():
    # 20 hours in 10 days: a pace that finishes before the plan does.
    result = project(total=100, completions=[(days_ago(5), 20)], start=days_ago(10))
    assert result.projected_finish < result.planned_finish
    chart = result.chart
    start, end = chart.plan
    assert (start.x, start.y) == (pace.PLOT_LEFT, pace.PLOT_BOTTOM)
    assert (end.x, end.y) == (pace.PLOT_RIGHT, pace.PLOT_TOP)
    assert pace.PLOT_LEFT < chart.today_x < pace.PLOT_RIGHT
    assert [label.value for label in chart.dates] == [days_ago(10), result.planned_finish]
    assert [label.value for label in chart.hours] == [0, 100]


def test_the_chart_draws_hours_done_day_by_day_up_to_today():
    completions = [(days_ago(6), 10), (days_ago(6), 5), (days_ago(2), 5)]
    chart = project(completions=completions, start=days_ago(10)).chart
    heights = [point.y for point in chart.actual]
    assert heights == [156.0, 135.6, 128.8, 128.8]  # 0, 15, 20 and still 20 today
    assert [point.x for point in chart.actual] == sorted(point.x for point in chart.actual)
    assert chart.actual[-1].x == chart.today_x
    assert chart.actual_points.split()[0] == f"{pace.PLOT_LEFT},{pace.PLOT_BOTTOM}"


def test_a_far_projection_runs_off_the_edge_of_a_chart_twice_the_plans_span():
    # 1 hour in four weeks: 99 left would take 693 weeks.
    result = project(completions=[(days_ago(1), 1)], start=days_ago(7), per_week=10)
    chart = result.chart
    assert result.projected_finish > chart.dates[1].value
    assert chart.dates[1].value == days_ago(7) + (result.planned_finish - days_ago(7)) * 2
    start, end = chart.projection
    assert end.x == pace.PLOT_RIGHT
    assert end.y > pace.PLOT_TOP  # it has not reached the total by the edge
    assert start.x == chart.today_x


def test_a_near_projection_ends_at_the_total():
    result = project(completions=[(days_ago(3), 50)], start=days_ago(7), per_week=10)
    assert result.projected_finish < result.planned_finish
    end = result.chart.projection[1]
    assert end.y == pace.PLOT_TOP
    assert end.x < pace.PLOT_RIGHT


def test_every_point_stays_inside_the_plot():
    cases = [
        project(),
        project(start=TODAY + timedelta(days=400)),
        project(completions=[(days_ago(900), 99)], start=days_ago(3)),
        project(total=5, completions=[(TODAY, 5)], per_week=80),
        project(total=32_767, per_week=1, start=days_ago(3650)),
    ]
    for result in cases:
        chart = result.chart
        points = [*chart.plan, *chart.actual, *(chart.projection or ())]
        assert all(inside_the_plot(point) for point in points), result
        assert chart.today_label_x - pace.TODAY_LABEL_HALF >= pace.PLOT_LEFT
        assert chart.today_label_x + pace.TODAY_LABEL_HALF <= pace.PLOT_RIGHT
