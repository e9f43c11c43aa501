"""Keyboard shortcuts are an account setting: on by default, off in the profile settings."""

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import Profile
from tests.helpers import find_all
from tracker.models import Topic

SETTINGS = reverse("accounts:settings")
ROADMAP = reverse("tracker:roadmap")


@pytest.fixture
def topic_url(roadmap):
    topic = Topic.objects.select_related("section__phase").get(title="Transformer Architecture")
    section = topic.section
    return reverse("tracker:topic", args=[section.phase.slug, section.slug, topic.slug])


def has_shortcuts(html):
    return bool(find_all(html, "dialog", id="shortcuts-help")) and "js/shortcuts.js" in html


def settings(client, learner, **extra):
    data = {"username": learner.username, "display_name": "", "visibility": "private", **extra}
    return client.post(SETTINGS, data)


def test_shortcuts_are_on_until_turned_off_in_the_settings(learner_client, learner, topic_url):
    for url in (ROADMAP, topic_url):
        assert has_shortcuts(learner_client.get(url).content.decode())
    page = learner_client.get(SETTINGS).content.decode()
    assert find_all(page, "input", name="keyboard_shortcuts", checked=True)

    assert settings(learner_client, learner).status_code == 302  # the box left unticked
    assert Profile.objects.get(user=learner).keyboard_shortcuts is False
    for url in (ROADMAP, topic_url):
        html = learner_client.get(url).content.decode()
        assert not has_shortcuts(html), url
        assert "js/marks.js" in html  # ticking itself is untouched

    settings(learner_client, learner, keyboard_shortcuts="on")
    assert has_shortcuts(learner_client.get(ROADMAP).content.decode())


def test_the_setting_costs_no_query_it_comes_with_the_session(
    learner_client, learner, roadmap, django_assert_num_queries, memory_cache
):
    learner_client.get(ROADMAP)
    with django_assert_num_queries(2) as without_profile:
        learner_client.get(ROADMAP)
    Profile.objects.create(user=learner, keyboard_shortcuts=False)
    with django_assert_num_queries(len(without_profile.captured_queries)):
        html = learner_client.get(ROADMAP).content.decode()
    assert not has_shortcuts(html)
    if connection.vendor == "postgresql":
        session_read = without_profile.captured_queries[0]["sql"]
        assert "accounts_profile" in session_read


def test_a_visitor_has_no_shortcuts(client, roadmap):
    assert not has_shortcuts(client.get(ROADMAP).content.decode())
