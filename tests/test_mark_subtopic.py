"""Ticking one subtopic: POST /progress/subtopics/<pk>/ with an explicit status."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.helpers import HTMX, element_by_id, find_one, first_element, item_control, make_user
from tracker.models import Progress, Subtopic


@pytest.fixture
def subtopic(roadmap):
    return Subtopic.objects.select_related("topic__section__phase").get(title="Chain rule")


def url(subtopic):
    return reverse("tracker:mark_subtopic", args=[subtopic.pk])


def statuses(user):
    return dict(Progress.objects.filter(user=user).values_list("subtopic__title", "status"))


def test_it_marks_done_and_redirects_back_to_the_item_without_javascript(
    learner_client, learner, subtopic
):
    response = learner_client.post(url(subtopic), {"status": ["pending", "done"], "next": "/"})
    assert response.status_code == 302
    assert response.url == f"/#subtopic-{subtopic.pk}"
    assert statuses(learner) == {"Chain rule": "done"}


def test_an_unticked_checkbox_posts_only_pending(learner_client, learner, subtopic):
    Progress.objects.create(user=learner, subtopic=subtopic, status="done")
    learner_client.post(url(subtopic), {"status": "pending"})
    assert statuses(learner) == {}


@pytest.mark.parametrize("status", ["learning", "skipped", "done"])
def test_it_stores_each_explicit_state(learner_client, learner, subtopic, status):
    learner_client.post(url(subtopic), {"status": status})
    assert statuses(learner) == {"Chain rule": status}


def test_repeating_a_request_changes_nothing(learner_client, learner, subtopic):
    learner_client.post(url(subtopic), {"status": "done"})
    first = Progress.objects.get(user=learner)
    learner_client.post(url(subtopic), {"status": "done"})
    again = Progress.objects.get(user=learner)
    assert (again.pk, again.status, again.updated_at, again.completed_at) == (
        first.pk,
        first.status,
        first.updated_at,
        first.completed_at,
    )


def test_it_keeps_the_first_completion_time_from_done_to_skipped(learner_client, learner, subtopic):
    learner_client.post(url(subtopic), {"status": "done"})
    completed_at = Progress.objects.get(user=learner).completed_at
    learner_client.post(url(subtopic), {"status": "skipped"})
    assert Progress.objects.get(user=learner).completed_at == completed_at
    learner_client.post(url(subtopic), {"status": "learning"})
    assert Progress.objects.get(user=learner).completed_at is None


def test_htmx_gets_the_item_and_every_counter_out_of_band(learner_client, subtopic):
    response = learner_client.post(url(subtopic), {"status": "done"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    topic, section, phase = subtopic.topic, subtopic.topic.section, subtopic.topic.section.phase
    item = first_element(html)
    assert (item.tag, item.attrs["id"]) == ("li", f"subtopic-{subtopic.pk}")
    assert item.classes == {"subtopic", "status-done"}
    assert "checked" in item_control(html, subtopic.pk, "tick").attrs
    counters = {
        f"topic-{topic.pk}-progress": "progress-topic",
        f"section-{section.pk}-progress": "progress-section",
        f"phase-{phase.pk}-progress": "progress-phase",
        "overall-progress": "progress-overall",
    }
    for counter_id, kind in counters.items():
        counter = element_by_id(html, counter_id)
        assert (counter.tag, counter.classes) == ("div", {kind, "meter"})
        assert counter.attrs.get("hx-swap-oob") == "true", counter_id
    # Calculus has four subtopics: one of four is 25%; the roadmap has 210.
    meter = find_one(html, "progress", aria_label="Calculus progress")
    assert (meter.attrs["max"], meter.attrs["value"]) == ("100", "25")
    assert "210 total" in element_by_id(html, "overall-progress").text
    announcer = element_by_id(html, "progress-announcer")
    assert "Chain rule: done. Calculus: 1 of 4 complete. Overall 0% complete." in announcer.text


def test_it_changes_only_the_signed_in_learners_progress(
    learner_client, learner, other_learner, subtopic
):
    Progress.objects.create(user=other_learner, subtopic=subtopic, status="learning")
    learner_client.post(url(subtopic), {"status": "done", "user": other_learner.pk})
    assert statuses(learner) == {"Chain rule": "done"}
    assert statuses(other_learner) == {"Chain rule": "learning"}


def test_a_visitor_is_sent_to_sign_in(client, subtopic):
    response = client.post(url(subtopic), {"status": "done"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Progress.objects.exists()


def test_a_visitor_using_htmx_gets_a_client_redirect(client, subtopic):
    response = client.post(
        url(subtopic), {"status": "done"}, headers={**HTMX, "HX-Current-URL": "http://testserver/"}
    )
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith(reverse("account_login"))
    assert not Progress.objects.exists()


def test_get_is_not_allowed(learner_client, subtopic):
    assert learner_client.get(url(subtopic)).status_code == 405


def test_it_needs_a_csrf_token(learner, subtopic):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert client.post(url(subtopic), {"status": "done"}).status_code == 403
    assert not Progress.objects.exists()


def test_an_unknown_subtopic_is_404(learner_client, roadmap):
    response = learner_client.post(
        reverse("tracker:mark_subtopic", args=[999_999]), {"status": "done"}
    )
    assert response.status_code == 404


def test_an_unknown_state_is_400_with_a_message(learner_client, subtopic):
    response = learner_client.post(url(subtopic), {"status": "mastered"})
    assert response.status_code == 400
    assert "'mastered' is not a state that can be set here." in response.content.decode()
    assert not Progress.objects.exists()


def test_a_malformed_body_is_400(learner_client, subtopic):
    response = learner_client.post(
        url(subtopic), data=b"\xff\x00{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert not Progress.objects.exists()


def test_a_foreign_next_url_is_ignored(learner_client, subtopic):
    response = learner_client.post(
        url(subtopic), {"status": "done", "next": "https://evil.example/"}
    )
    assert response.url == f"/#subtopic-{subtopic.pk}"


@pytest.mark.parametrize("status", ["done", "pending", "learning"])
def test_one_write_runs_at_most_eight_queries(
    learner_client, learner, subtopic, django_assert_max_num_queries, status
):
    Progress.objects.create(user=learner, subtopic=subtopic, status="skipped")
    with django_assert_max_num_queries(8):
        response = learner_client.post(url(subtopic), {"status": status}, headers=HTMX)
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_identical_writes_racing_each_other_never_fail(roadmap):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL (CI runs both).")
    learner = make_user("racer")
    subtopic = Subtopic.objects.get(title="Chain rule")
    start = threading.Barrier(6)
    codes = []

    def post():
        client = Client()
        client.force_login(learner)
        start.wait()
        codes.append(client.post(url(subtopic), {"status": "done"}, headers=HTMX).status_code)
        connection.close()

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [200] * 6
    assert Progress.objects.filter(user=learner, subtopic=subtopic, status="done").count() == 1


@pytest.mark.parametrize("asynchronous", [True, False])
@pytest.mark.parametrize("status", ["done", "pending"])
def test_a_tick_commits_asynchronously_when_the_setting_says_so(
    learner_client, learner, subtopic, settings, asynchronous, status
):
    """On PostgreSQL a tick's statement sets synchronous_commit for its own
    transaction (tracker/progress/marking.py). Here every request runs inside
    the test's one transaction, so the setting it made can be read back."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "synchronous_commit is PostgreSQL's; SQLite commits its own way (CI runs both)."
        )
    settings.TICK_ASYNC_COMMIT = asynchronous
    response = learner_client.post(url(subtopic), {"status": status}, headers=HTMX)
    assert response.status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == ("off" if asynchronous else "on")
    stored = Progress.objects.filter(user=learner, subtopic=subtopic).values_list(
        "status", flat=True
    )
    assert list(stored) == ([] if status == "pending" else ["done"])
