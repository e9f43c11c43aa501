"""The activity calendar on the signed-in home, and the query behind it."""

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.helpers import description_list, element_by_id, find_all, find_one
from tracker.content.tree import default_tree
from tracker.models import Progress, Subtopic
from tracker.progress import activity
from tracker.progress.loader import load_progress

HOME = reverse("tracker:home")


def local_noon(day):
    return datetime.combine(day, time(12), tzinfo=timezone.get_current_timezone())


def complete(user, per_day):
    """Give `user` completions at noon on each {date: count}, one subtopic each."""
    subtopics = iter(Subtopic.objects.order_by("id"))
    Progress.objects.bulk_create(
        Progress(user=user, subtopic=next(subtopics), status="done", completed_at=local_noon(day))
        for day, count in per_day.items()
        for _ in range(count)
    )


def days_ago(*offsets):
    today = timezone.localdate()
    return [today - timedelta(days=offset) for offset in offsets]


def title(count, day):
    words = f"{count} completion{'' if count == 1 else 's'}" if count else "No completions"
    return f"{words} on {day:%A} {day.day} {day:%B} {day.year}"


def calendar_of(response):
    return find_one(response, "section", class_="activity")


def stats(calendar):
    """The totals and streaks shown as text: {term: value}."""
    return description_list(calendar)


def day_titles(source):
    return [element.text for element in find_all(source, "title")]


def empty_days(calendar):
    return sum(text.startswith("No completions on ") for text in day_titles(calendar))


def heat_of(calendar, count, day):
    cells = [rect for rect in calendar.find_all("rect") if rect.text == title(count, day)]
    assert len(cells) == 1, f"{len(cells)} cells for {title(count, day)}"
    (level,) = [name for name in cells[0].classes if re.fullmatch(r"heat-\d", name)]
    return int(level.removeprefix("heat-"))


def test_home_shows_each_days_completions_on_that_day(learner_client, learner, roadmap):
    busy, quiet = days_ago(10, 1)
    complete(learner, {busy: 3, quiet: 1})
    calendar = calendar_of(learner_client.get(HOME))
    assert heat_of(calendar, 3, busy) == 2
    assert heat_of(calendar, 1, quiet) == 1
    assert empty_days(calendar) == 363
    assert len(calendar.find_all("rect", class_=True)) == 365 + 5  # the year and the legend


def test_home_shows_the_current_and_longest_streaks(learner_client, learner, roadmap):
    complete(
        learner, dict.fromkeys(days_ago(0, 1, 2), 1) | dict.fromkeys(days_ago(*range(40, 45)), 2)
    )
    calendar = calendar_of(learner_client.get(HOME))
    assert stats(calendar) == {
        "Completions in the last year": "13",
        "Current streak": "3 days",
        "Longest streak": "5 days",
    }
    assert calendar.find_one("svg", role="img").attrs["aria-label"] == (
        "13 completions in the last year, current streak 3 days, longest streak 5 days"
    )


def test_a_streak_that_ended_two_days_ago_is_not_current(learner_client, learner, roadmap):
    complete(learner, dict.fromkeys(days_ago(2, 3), 1))
    calendar = calendar_of(learner_client.get(HOME))
    assert stats(calendar)["Current streak"] == "0 days"
    assert stats(calendar)["Longest streak"] == "2 days"


def test_a_new_learner_sees_an_empty_year(learner_client, roadmap):
    calendar = calendar_of(learner_client.get(HOME))
    heading = element_by_id(calendar, "activity-title")
    assert (heading.tag, heading.text) == ("h2", "Activity")
    assert calendar.find_one("svg", role="img").attrs["aria-label"] == (
        "0 completions in the last year, current streak 0 days, longest streak 0 days"
    )
    assert empty_days(calendar) == 365
    assert "Completions by month" in calendar.text


def test_a_tick_on_the_roadmap_shows_up_today(learner_client, roadmap):
    subtopic = Subtopic.objects.get(title="Chain rule")
    learner_client.post(reverse("tracker:mark_subtopic", args=[subtopic.pk]), {"status": "done"})
    calendar = calendar_of(learner_client.get(HOME))
    (today,) = days_ago(0)
    assert heat_of(calendar, 1, today) == 1
    assert stats(calendar)["Current streak"] == "1 day"


def test_unticking_an_item_takes_it_off_the_calendar(learner_client, learner, roadmap):
    subtopic = Subtopic.objects.get(title="Chain rule")
    url = reverse("tracker:mark_subtopic", args=[subtopic.pk])
    learner_client.post(url, {"status": "done"})
    learner_client.post(url, {"status": "learning"})
    calendar = calendar_of(learner_client.get(HOME))
    assert empty_days(calendar) == 365


def test_another_learners_completions_are_not_shown(learner_client, other_learner, roadmap):
    complete(other_learner, dict.fromkeys(days_ago(0, 1), 4))
    calendar = calendar_of(learner_client.get(HOME))
    assert empty_days(calendar) == 365
    assert stats(calendar)["Longest streak"] == "0 days"


def test_the_calendar_needs_no_inline_style_or_script(learner_client, learner, roadmap):
    complete(learner, dict.fromkeys(days_ago(*range(0, 30, 3)), 5))
    calendar = calendar_of(learner_client.get(HOME))
    attributes = {name for element in [calendar, *calendar.iter()] for name in element.attrs}
    assert "style" not in attributes
    assert calendar.find_all("script") == []
    assert [name for name in attributes if name.startswith("on")] == []  # no onclick and the like


def test_the_calendar_comes_after_the_phases_on_home(learner_client, roadmap):
    html = learner_client.get(HOME).content.decode()
    assert html.index('id="phases-title"') < html.index('id="activity-title"')
    assert html.index('id="activity-title"') < html.index('id="recent-title"')


def test_the_template_renders_from_activity_alone(db):
    today = date(2026, 11, 4)
    context = {"activity": activity.build([(date(2026, 11, 2), 3), (today, 1)], today)}
    html = render_to_string("tracker/components/activity.html", context)
    assert "3 completions on Monday 2 November 2026" in day_titles(html)
    assert "1 completion on Wednesday 4 November 2026" in day_titles(html)
    assert description_list(html)["Longest streak"] == "1 day"
    (month,) = [th for th in find_all(html, "th", scope="row") if th.text == "November 2026"]
    row = [(cell.tag, cell.text) for cell in month.parent.children]
    assert row == [("th", "November 2026"), ("td", "4")]


def test_completion_days_come_from_the_loaded_progress_without_a_query(
    learner, roadmap, django_assert_num_queries
):
    today = timezone.localdate()
    complete(learner, {today: 2, today - timedelta(days=3): 1})
    Progress.objects.create(
        user=learner, subtopic=Subtopic.objects.order_by("-id").first(), status="learning"
    )
    progress = load_progress(default_tree(), learner, times=True)
    with django_assert_num_queries(0):
        days = progress.completion_days()
    assert days == [(today - timedelta(days=3), 1), (today, 2)]


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("UTC", [(date(2026, 3, 2), 2)]),
        ("America/New_York", [(date(2026, 3, 1), 1), (date(2026, 3, 2), 1)]),
        ("Pacific/Auckland", [(date(2026, 3, 2), 1), (date(2026, 3, 3), 1)]),
    ],
)
def test_completion_days_are_the_sites_calendar_days(settings, learner, roadmap, zone, expected):
    settings.TIME_ZONE = zone
    first, second = Subtopic.objects.order_by("id")[:2]
    at = [datetime(2026, 3, 2, 3, tzinfo=UTC), datetime(2026, 3, 2, 15, tzinfo=UTC)]
    Progress.objects.bulk_create(
        [
            Progress(user=learner, subtopic=first, status="done", completed_at=at[0]),
            Progress(user=learner, subtopic=second, status="done", completed_at=at[1]),
        ]
    )
    assert load_progress(default_tree(), learner, times=True).completion_days() == expected


def test_a_skip_is_not_a_completion_in_the_calendar_or_the_streaks(
    learner_client, learner, roadmap
):
    today, yesterday = days_ago(0, 1)
    first, second, third = Subtopic.objects.order_by("id")[:3]
    Progress.objects.bulk_create(
        [
            Progress(user=learner, subtopic=first, status="done", completed_at=local_noon(today)),
            Progress(
                user=learner, subtopic=second, status="skipped", completed_at=local_noon(today)
            ),
            Progress(
                user=learner, subtopic=third, status="skipped", completed_at=local_noon(yesterday)
            ),
        ]
    )
    calendar = calendar_of(learner_client.get(HOME))
    assert stats(calendar)["Completions in the last year"] == "1"
    assert stats(calendar)["Current streak"] == "1 day"
    assert heat_of(calendar, 1, today) == 1
    assert heat_of(calendar, 0, yesterday) == 0


def test_home_queries_do_not_grow_with_progress(
    learner_client, learner, roadmap, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as empty:
        learner_client.get(HOME)
    complete(learner, dict.fromkeys(days_ago(*range(0, 400, 4)), 2))
    assert Progress.objects.filter(user=learner).count() == 200
    with django_assert_max_num_queries(9) as busy:
        response = learner_client.get(HOME)
    assert len(busy) == len(empty)
    assert stats(calendar_of(response))["Completions in the last year"] == "184"
