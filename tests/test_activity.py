"""The activity calendar's arithmetic, without a database or a request."""

from datetime import date, timedelta

import pytest

from tracker.progress.activity import DAYS_SHOWN, LEFT, PITCH, TOP, build, level, streaks

TODAY = date(2026, 11, 4)  # a Wednesday


def days_before(today, *offsets):
    return [today - timedelta(days=offset) for offset in offsets]


def cells(activity):
    return [day for week in activity.weeks for day in week.days]


def cell_on(activity, day):
    (found,) = [cell for cell in cells(activity) if cell.date == day]
    return found


def test_an_empty_history_is_a_year_of_blank_days_and_no_streaks():
    activity = build([], TODAY)
    assert len(cells(activity)) == DAYS_SHOWN
    assert {cell.level for cell in cells(activity)} == {0}
    assert activity.total == activity.active_days == 0
    assert activity.current_streak == activity.longest_streak == 0
    assert sum(month.count for month in activity.month_totals) == 0


def test_the_grid_runs_from_364_days_ago_to_today_in_monday_first_weeks():
    activity = build([], TODAY)
    days = cells(activity)
    assert activity.start == days[0].date == TODAY - timedelta(days=364)
    assert days[-1].date == TODAY
    assert [day.date for day in days] == sorted(day.date for day in days)
    for week in activity.weeks[1:-1]:
        assert [day.date.weekday() for day in week.days] == list(range(7))
    assert activity.weeks[0].days[-1].date.weekday() == 6
    assert activity.weeks[-1].days[0].date.weekday() == 0
    assert activity.weekdays[0].date.weekday() == 0  # Monday's row comes first


def test_a_cell_sits_in_its_week_column_and_weekday_row():
    activity = build([], TODAY)
    for column, week in enumerate(activity.weeks):
        for day in week.days:
            assert day.x == LEFT + column * PITCH
            assert day.y == TOP + day.date.weekday() * PITCH
    right = max(day.x for day in cells(activity)) + activity.cell
    bottom = max(day.y for day in cells(activity)) + activity.cell
    assert (activity.width, activity.height) == (right, bottom)


def test_one_day_of_completions_is_counted_on_that_day():
    day = TODAY - timedelta(days=10)
    activity = build([(day, 3)], TODAY)
    assert cell_on(activity, day).count == 3
    assert cell_on(activity, day).level == 2
    assert sum(cell.count for cell in cells(activity)) == 3
    assert activity.total == 3
    assert activity.active_days == 1
    assert activity.current_streak == 0
    assert activity.longest_streak == 1


def test_repeated_dates_are_added_up_and_empty_ones_ignored():
    activity = build([(TODAY, 2), (TODAY, 3), (TODAY - timedelta(days=1), 0)], TODAY)
    assert cell_on(activity, TODAY).count == 5
    assert activity.active_days == 1
    assert activity.current_streak == 1


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, 0), (1, 1), (2, 2), (3, 2), (4, 3), (6, 3), (7, 4), (40, 4)],
)
def test_the_heat_level_rises_with_the_count_up_to_four(count, expected):
    assert level(count) == expected


def test_the_legend_describes_every_level_in_order():
    steps = build([], TODAY).levels
    assert [(step.level, step.low, step.high) for step in steps] == [
        (0, 0, 0),
        (1, 1, 1),
        (2, 2, 3),
        (3, 4, 6),
        (4, 7, None),
    ]
    assert [level(step.low) for step in steps] == [0, 1, 2, 3, 4]


def test_a_streak_ending_today_is_current():
    assert streaks(days_before(TODAY, 0, 1, 2), TODAY) == (3, 3)


def test_a_streak_ending_yesterday_is_still_current():
    assert streaks(days_before(TODAY, 1, 2, 3, 4), TODAY) == (4, 4)


def test_a_streak_ending_two_days_ago_is_broken():
    assert streaks(days_before(TODAY, 2, 3, 4), TODAY) == (0, 3)


def test_a_gap_of_one_day_splits_a_streak():
    assert streaks(days_before(TODAY, 0, 1, 3, 4, 5), TODAY) == (2, 3)


def test_the_longest_streak_may_lie_in_the_past():
    history = days_before(TODAY, 0, 1, *range(100, 109))
    activity = build([(day, 1) for day in history], TODAY)
    assert (activity.current_streak, activity.longest_streak) == (2, 9)


def test_the_longest_streak_counts_history_older_than_the_year_shown():
    old = days_before(TODAY, *range(500, 512))
    activity = build([(day, 1) for day in old], TODAY)
    assert activity.longest_streak == 12
    assert activity.total == 0  # nothing of it is in the grid


def test_days_after_today_are_neither_drawn_nor_counted():
    tomorrow = TODAY + timedelta(days=1)
    activity = build([(tomorrow, 4), (TODAY, 1)], TODAY)
    assert cells(activity)[-1].date == TODAY
    assert activity.total == 1
    assert (activity.current_streak, activity.longest_streak) == (1, 1)


def test_a_streak_runs_through_the_29th_of_february():
    history = [date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1)]
    assert streaks(history, date(2024, 3, 2)) == (3, 3)


def test_a_streak_runs_across_new_year():
    history = [date(2025, 12, 30), date(2025, 12, 31), date(2026, 1, 1)]
    assert streaks(history, date(2026, 1, 1)) == (3, 3)


def test_a_leap_year_window_still_shows_365_days():
    activity = build([(date(2024, 2, 29), 2)], date(2024, 12, 31))
    assert len(cells(activity)) == DAYS_SHOWN
    assert activity.start == date(2024, 1, 2)
    assert cell_on(activity, date(2024, 2, 29)).count == 2
    assert activity.total == 2


def test_a_window_across_new_year_names_each_month_once_in_order():
    activity = build([], date(2026, 1, 15))
    names = [(label.date.year, label.date.month) for label in activity.months]
    assert names == sorted(set(names))
    assert names[-1] == (2026, 1)
    assert (2025, 12) in names
    xs = [label.x for label in activity.months]
    assert all(later - earlier >= 3 * PITCH for earlier, later in zip(xs, xs[1:], strict=False))


def test_a_month_is_named_over_the_first_week_that_starts_in_it():
    activity = build([], TODAY)  # November 2026 begins on a Sunday
    november = [label for label in activity.months if label.date.month == 11]
    assert november[-1].date == date(2026, 11, 2)  # the Monday after


def test_month_totals_cover_the_window_and_add_up_to_the_total():
    history = [(TODAY, 2), (date(2026, 10, 31), 3), (date(2025, 11, 5), 1), (date(2025, 11, 4), 7)]
    activity = build(history, TODAY)
    months = [(month.month, month.count) for month in activity.month_totals]
    assert months[0] == (date(2025, 11, 1), 1)  # 4 November 2025 is before the window
    assert (date(2026, 10, 1), 3) in months
    assert months[-1] == (date(2026, 11, 1), 2)
    assert len(months) == 13
    assert activity.total == sum(count for _, count in months) == 6
