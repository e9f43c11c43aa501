"""The guide shipped with the roadmap: every topic explained, estimated and sourced."""

import re

import pytest

from tracker.models import Resource, Subtopic, Topic

OUTCOMES = "final-goals-career-outcomes"  # the author's outcome list, not study topics
PRIMARY = {Resource.Kind.DOCS, Resource.Kind.PAPER}


def words(markdown):
    return len(markdown.split())


@pytest.fixture
def topics(roadmap):
    return list(Topic.objects.select_related("section__phase").prefetch_related("resources"))


def test_every_topic_is_explained_and_says_why_it_matters(topics):
    assert len(topics) == 55
    for topic in topics:
        assert 120 <= words(topic.explanation) <= 300, topic.title
        assert words(topic.why_it_matters) >= 30, topic.title


def test_every_study_topic_has_two_resources_one_of_them_primary(topics):
    for topic in topics:
        if topic.section.phase.slug == OUTCOMES:
            continue
        resources = list(topic.resources.all())
        assert len(resources) >= 2, topic.title
        assert PRIMARY & {resource.kind for resource in resources}, topic.title


def test_links_are_canonical_web_addresses(roadmap):
    for resource in Resource.objects.all():
        assert re.match(r"https?://[^\s/]+/?", resource.url), resource.url
        if "arxiv.org" in resource.url:
            # The abstract page, not a PDF or a versioned copy.
            assert re.fullmatch(r"https://arxiv\.org/abs/\d{4}\.\d{4,5}", resource.url)
        if "doi.org" in resource.url:
            assert resource.url.startswith("https://doi.org/10.")
        assert "utm_" not in resource.url


def test_every_subtopic_has_one_sentence_and_an_estimate(roadmap):
    for subtopic in Subtopic.objects.all():
        assert subtopic.hours >= 1, subtopic.title
        assert subtopic.explanation.endswith("."), subtopic.title
        assert words(subtopic.explanation) <= 40, subtopic.title


def test_the_estimates_fit_the_six_month_plan(roadmap):
    total = sum(Subtopic.objects.values_list("hours", flat=True))
    weeks = 26
    # Between about 15 and 30 hours a week for six months.
    assert 15 * weeks <= total <= 30 * weeks


def test_prerequisites_point_back_along_the_roadmap_mostly(topics):
    """A guide that sent learners forward to what they have not reached would be odd."""
    position = {
        topic.pk: index
        for index, topic in enumerate(
            sorted(topics, key=lambda t: (t.section.phase.order, t.section.order, t.order))
        )
    }
    pairs = [(topic, needed) for topic in topics for needed in topic.prerequisites.all()]
    assert pairs
    backwards = [pair for pair in pairs if position[pair[1].pk] < position[pair[0].pk]]
    assert len(backwards) >= 0.8 * len(pairs)
