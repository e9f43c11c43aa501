"""The learning plan page (/plan/) and the pace it puts on home."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.helpers import (
    HTMX,
    assert_site_page,
    description_list,
    element_by_id,
    find_all,
    find_one,
    tick,
)
from tracker.models import Progress, Subtopic
from tracker.progress.models import LearningPlan

PLAN = reverse("tracker:plan")
HOME = reverse("tracker:home")


def roadmap_hours():
    return Subtopic.objects.aggregate(hours=Sum("hours"))["hours"]


def complete_over_weeks(user, hours, weeks):
    """Complete the first items in roadmap order, about `hours` of them,
    spread evenly over the last `weeks` weeks; returns the hours completed."""
    items = Subtopic.objects.order_by(
        "topic__section__phase__order", "topic__section__order", "topic__order", "order", "id"
    )
    chosen, total = [], 0
    for item in items:
        if total >= hours:
            break
        chosen.append(item)
        total += item.hours
    now = timezone.now()
    step = timedelta(days=7 * weeks) / len(chosen)
    Progress.objects.bulk_create(
        Progress(user=user, subtopic=item, status="done", completed_at=now - step * index)
        for index, item in enumerate(reversed(chosen), start=1)
    )
    return total


def pace_section(response):
    return find_one(response, "section", class_="pace")


def status_words(response):
    return element_by_id(response, "pace-status").text


def post_plan(client, hours, start=""):
    return client.post(PLAN, {"hours_per_week": hours, "start_date": start})


# Who may see and change a plan


def test_a_visitor_is_sent_to_sign_in(client, roadmap):
    for response in (client.get(PLAN), post_plan(client, 8)):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert client.get(PLAN, headers=HTMX)["HX-Redirect"].startswith(reverse("account_login"))
    assert not LearningPlan.objects.exists()


def test_other_methods_are_refused(learner_client, roadmap):
    assert learner_client.put(PLAN).status_code == 405
    assert learner_client.delete(PLAN).status_code == 405


def test_a_post_without_the_csrf_token_is_refused(learner, roadmap):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    assert post_plan(strict, 8).status_code == 403
    assert not LearningPlan.objects.exists()


# The form


def test_the_form_says_the_defaults(learner_client, roadmap):
    response = learner_client.get(PLAN)
    assert_site_page(response)
    hours = element_by_id(response, "id_hours_per_week")
    assert (hours.attrs["type"], hours.attrs["value"]) == ("number", "25")
    assert (hours.attrs["min"], hours.attrs["max"]) == ("1", "80")
    assert hours.attrs["aria-describedby"] == "id_hours_per_week_helptext"
    assert element_by_id(response, "id_hours_per_week_helptext").text == (
        f"From 1 to 80. The default is 25, which finishes the roadmap’s {roadmap_hours()} hours "
        "in its 6 months."
    )
    start = element_by_id(response, "id_start_date")
    assert (start.attrs["type"], start.attrs.get("value")) == ("date", None)
    assert element_by_id(response, "id_start_date_helptext").text == (
        "Leave it empty to count from your first tick (there is none yet, so from today)."
    )
    assert find_one(response, "label", for_="id_start_date").text == "Start date (optional)"
    assert find_one(response, "form", action=PLAN).attrs["method"] == "post"


def test_the_form_shows_the_saved_plan_and_the_first_tick(learner_client, learner, roadmap):
    tick(learner, 1)
    start = timezone.localdate() - timedelta(days=3)
    LearningPlan.objects.create(user=learner, roadmap=roadmap, hours_per_week=8, start_date=start)
    response = learner_client.get(PLAN)
    assert element_by_id(response, "id_hours_per_week").attrs["value"] == "8"
    assert element_by_id(response, "id_start_date").attrs["value"] == start.isoformat()
    today = timezone.localdate()
    assert element_by_id(response, "id_start_date_helptext").text == (
        f"Leave it empty to count from your first tick, {today.day} {today:%B %Y}."
    )


def test_saving_a_plan_returns_home_with_a_message(learner_client, learner, roadmap):
    start = timezone.localdate() + timedelta(days=10)
    response = post_plan(learner_client, 8, start.isoformat())
    assert (response.status_code, response.url) == (302, HOME)
    plan = LearningPlan.objects.get()
    assert (plan.user, plan.roadmap, plan.hours_per_week, plan.start_date) == (
        learner,
        roadmap,
        8,
        start,
    )
    home = learner_client.get(HOME)
    assert "Plan saved: 8 hours a week." in [item.text for item in find_all(home, "li")]
    assert status_words(home) == f"Your plan starts on {start.day} {start:%B %Y}."


def test_saving_again_changes_the_one_plan(learner_client, learner, roadmap):
    post_plan(learner_client, 8, "2026-01-05")
    post_plan(learner_client, 1)
    plan = LearningPlan.objects.get()
    assert (plan.hours_per_week, plan.start_date) == (1, None)


@pytest.mark.parametrize(
    ("hours", "start", "field", "message"),
    [
        ("0", "", "hours_per_week", "Enter a whole number of hours from 1 to 80."),
        ("81", "", "hours_per_week", "Enter a whole number of hours from 1 to 80."),
        ("2.5", "", "hours_per_week", "Enter a whole number of hours from 1 to 80."),
        ("lots", "", "hours_per_week", "Enter a whole number of hours from 1 to 80."),
        ("", "", "hours_per_week", "Enter the hours you can give each week."),
        ("8", "2026-13-45", "start_date", "Enter a date such as 2026-03-01 (year, month, day)."),
        ("8", "1066-10-14", "start_date", "Choose a start date within 10 years of today."),
    ],
)
def test_bad_input_is_refused_with_a_message(
    learner_client, learner, roadmap, hours, start, field, message
):
    LearningPlan.objects.create(user=learner, roadmap=roadmap, hours_per_week=12)
    response = post_plan(learner_client, hours, start)
    assert response.status_code == 400
    assert find_one(response, "p", role="alert").text.startswith("Your plan was not saved")
    assert element_by_id(response, f"id_{field}_error").text == message
    control = element_by_id(response, f"id_{field}")
    assert control.attrs["aria-invalid"] == "true"
    assert f"id_{field}_error" in control.attrs["aria-describedby"].split()
    assert element_by_id(response, "id_hours_per_week").attrs.get("value") == (hours or None)
    plan = LearningPlan.objects.get()
    assert (plan.hours_per_week, plan.start_date) == (12, None)


# The pace on home


def test_a_new_learner_has_not_started(learner_client, roadmap):
    response = learner_client.get(HOME)
    section = pace_section(response)
    assert element_by_id(section, "pace-title").text == "Your pace"
    assert status_words(response).startswith("You have not started yet")
    today = timezone.localdate()
    terms = description_list(section)
    assert terms["Hours done"] == f"0 of {roadmap_hours()}"
    assert terms["Your plan"] == f"25 hours a week from {today.day} {today:%B %Y} (the default)"
    # A plan that begins today is paced over its first week.
    assert terms["Projected finish"] == "none yet: no hours completed in the last 7 days"
    assert find_one(section, "a", href=PLAN).text == "Change your plan"
    assert "The roadmap is planned for 6 months: 25 hours a week" in section.text


def test_set_8_hours_a_week_tick_a_few_items_and_see_the_pace(learner_client, learner, roadmap):
    """The issue's done-when: the finish date at the learner's pace, and on track."""
    assert post_plan(learner_client, 8).status_code == 302
    # Three weeks at 8 hours a week is 24 hours planned; the default start is
    # the first tick, three weeks ago.
    done = complete_over_weeks(learner, 24, weeks=3)
    assert 24 <= done <= 32

    response = learner_client.get(HOME)
    assert response.status_code == 200
    assert status_words(response).startswith("You are on track")
    terms = description_list(pace_section(response))
    assert terms["Hours done"] == f"{done} of {roadmap_hours()}"
    assert terms["Hours left"] == str(roadmap_hours() - done)
    assert terms["Your plan"].startswith("8 hours a week from ")
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", terms["Projected finish"])
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", terms["Planned finish"])


def test_the_saved_plan_changes_homes_words(learner_client, learner, roadmap):
    start = (timezone.localdate() - timedelta(days=14)).isoformat()
    done = complete_over_weeks(learner, 30, weeks=2)
    assert 30 <= done <= 34
    # Two weeks at 25 hours a week plan 50: some 30 done is within a week's 25.
    # At 8 hours a week they plan 16, and 30 is more than a week's 8 ahead.
    post_plan(learner_client, 25, start)
    assert status_words(learner_client.get(HOME)).startswith("You are on track")
    post_plan(learner_client, 8, start)
    words = status_words(learner_client.get(HOME))
    assert words == f"You are ahead of plan by {done - 16} hours."
    post_plan(learner_client, 80, start)
    assert status_words(learner_client.get(HOME)).startswith("You are behind plan by ")


def test_everything_done_is_finished(learner_client, learner, roadmap):
    tick(learner, Subtopic.objects.count(), Progress.Status.SKIPPED)
    response = learner_client.get(HOME)
    assert status_words(response) == "You have finished the roadmap. Well done!"
    assert description_list(pace_section(response))["Hours left"] == "0"


def test_the_chart_is_an_image_with_a_text_alternative(learner_client, learner, roadmap):
    post_plan(learner_client, 8)
    complete_over_weeks(learner, 10, weeks=2)
    response = learner_client.get(HOME)
    assert_site_page(response)
    figure = find_one(pace_section(response), "figure")
    chart = figure.find_one("svg", role="img")
    assert chart.attrs["aria-label"].startswith("Chart of hours done against your plan: planned ")
    assert chart.find_one("line", class_="pace-plan")
    assert chart.find_one("line", class_="pace-projection")
    assert chart.find_one("polyline", class_="pace-actual").attrs["points"]
    caption = figure.find_one("figcaption").text
    assert caption.startswith("Plan: 8 hours a week from ")
    assert "Done: " in caption
    assert "At your pace: " in caption


def test_homes_query_count_does_not_grow_with_progress_or_a_plan(
    learner_client, learner, roadmap, django_assert_max_num_queries
):
    def home_queries():
        with CaptureQueriesContext(connection) as queries:
            assert learner_client.get(HOME).status_code == 200
        return len(queries)

    fresh = home_queries()
    complete_over_weeks(learner, 200, weeks=4)
    post_plan(learner_client, 8)
    assert home_queries() == fresh
    with django_assert_max_num_queries(8):
        learner_client.get(HOME)


def test_a_plan_restarted_today_counts_from_today(learner_client, learner, roadmap):
    done = tick(learner, 3)
    Progress.objects.update(completed_at=timezone.now() - timedelta(days=60))
    today = timezone.localdate()
    post_plan(learner_client, 8, today.isoformat())
    response = learner_client.get(HOME)
    assert status_words(response) == (
        f"Nothing completed yet since your plan began on {today.day} {today:%B %Y}."
    )
    hours = sum(item.hours for item in done)
    assert description_list(pace_section(response))["Hours done"] == (
        f"{hours} of {roadmap_hours()}"
    )
