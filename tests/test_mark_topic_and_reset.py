"""Topic-level marking, the whole-roadmap reset, and the signed-in home."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.helpers import HTMX, document, element_by_id, find_all, find_one, first_element
from tracker.models import Progress, Subtopic, Topic


@pytest.fixture
def topic(roadmap):
    return Topic.objects.select_related("section__phase").get(title="Calculus")


def topic_url(topic):
    return reverse("tracker:mark_topic", args=[topic.pk])


def test_it_marks_every_subtopic_of_a_topic_done(learner_client, learner, topic):
    Progress.objects.create(
        user=learner, subtopic=topic.subtopics.get(title="Chain rule"), status="learning"
    )
    response = learner_client.post(topic_url(topic), {"status": "done", "next": "/"})
    assert response.status_code == 302
    assert response.url == f"/#topic-{topic.pk}"
    assert Progress.objects.filter(user=learner, status="done").count() == 4
    assert Progress.objects.filter(user=learner).count() == 4


def test_it_resets_a_topic_and_nothing_else(learner_client, learner, topic):
    elsewhere = Subtopic.objects.get(title="Chain rule").topic.section.phase.sections.last()
    other = Subtopic.objects.filter(topic__section=elsewhere).first()
    Progress.objects.create(user=learner, subtopic=other, status="done")
    learner_client.post(topic_url(topic), {"status": "done"})
    learner_client.post(topic_url(topic), {"status": "pending"})
    assert list(Progress.objects.filter(user=learner).values_list("subtopic", flat=True)) == [
        other.pk
    ]


def test_htmx_gets_the_topic_and_the_counters_above_it(learner_client, topic):
    response = learner_client.post(topic_url(topic), {"status": "done"}, headers=HTMX)
    html = response.content.decode()
    fragment = document(html)
    article = first_element(fragment)
    assert (article.tag, article.attrs["id"]) == ("article", f"topic-{topic.pk}")
    assert article.classes == {"topic", "is-complete"}
    ticks = fragment.find_all("input", type="checkbox", name="done")
    assert len(ticks) == 4
    assert fragment.find_all(checked=True) == ticks
    assert f'id="section-{topic.section.pk}-progress"' in html
    assert f'id="phase-{topic.section.phase.pk}-progress"' in html
    assert 'id="overall-progress"' in html
    announcer = element_by_id(html, "progress-announcer")
    assert "All of Calculus: done. Calculus: 4 of 4 complete." in announcer.text


def test_topic_marking_refuses_what_it_should(learner, learner_client, topic, roadmap):
    anonymous = Client()
    assert anonymous.post(topic_url(topic), {"status": "done"}).status_code == 302
    assert learner_client.get(topic_url(topic)).status_code == 405
    assert learner_client.post(topic_url(topic), {"status": "learning"}).status_code == 400
    missing = reverse("tracker:mark_topic", args=[999_999])
    assert learner_client.post(missing, {"status": "done"}).status_code == 404
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    assert strict.post(topic_url(topic), {"status": "done"}).status_code == 403
    assert not Progress.objects.exists()


def test_reset_needs_the_typed_phrase(learner_client, learner, roadmap):
    Progress.objects.create(user=learner, subtopic=Subtopic.objects.first(), status="done")
    url = reverse("tracker:reset_progress")
    assert learner_client.get(url).status_code == 200
    response = learner_client.post(url, {"confirm": "yes"})
    assert response.status_code == 400
    assert "Type exactly" in response.content.decode()
    assert Progress.objects.filter(user=learner).count() == 1


def test_reset_removes_only_the_learners_progress(learner_client, learner, other_learner, roadmap):
    subtopic = Subtopic.objects.first()
    Progress.objects.create(user=learner, subtopic=subtopic, status="done")
    Progress.objects.create(user=other_learner, subtopic=subtopic, status="done")
    response = learner_client.post(
        reverse("tracker:reset_progress"), {"confirm": "Reset my progress"}
    )
    assert response.status_code == 302
    assert not Progress.objects.filter(user=learner).exists()
    assert Progress.objects.filter(user=other_learner).count() == 1


def test_reset_needs_sign_in(client, roadmap):
    response = client.get(reverse("tracker:reset_progress"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_home_shows_progress_next_item_and_recent_completions(
    learner_client, learner, roadmap, django_assert_max_num_queries
):
    first_topic = Topic.objects.get(title="Linear Algebra")
    for subtopic in first_topic.subtopics.all():
        Progress.objects.create(user=learner, subtopic=subtopic, status="done")
    with django_assert_max_num_queries(8):
        response = learner_client.get(reverse("tracker:home"))
    html = response.content.decode()
    assert "Continue where you left off" in html
    next_item = Subtopic.objects.get(title="Derivatives and partial derivatives")
    links = find_all(html, "a", href=f"/#subtopic-{next_item.pk}")
    assert "Derivatives and partial derivatives" in [link.text for link in links]
    assert "Principal Component Analysis (PCA)" in html  # among the recent completions
    meter = find_one(html, "progress", aria_label="Overall progress")
    assert (meter.attrs["max"], meter.attrs["value"]) == ("100", "1")


def test_home_continues_with_a_learning_item_before_pending_ones(learner_client, learner, roadmap):
    for subtopic in Topic.objects.get(title="Linear Algebra").subtopics.all():
        Progress.objects.create(user=learner, subtopic=subtopic, status="skipped")
    learning = Subtopic.objects.get(title="Derivatives and partial derivatives")
    Progress.objects.create(user=learner, subtopic=learning, status="learning")
    html = learner_client.get(reverse("tracker:home")).content.decode()
    assert find_all(html, "a", href=f"/#subtopic-{learning.pk}")


def test_home_needs_sign_in(client, roadmap):
    assert client.get(reverse("tracker:home")).status_code == 302
