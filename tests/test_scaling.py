"""What a page costs grows with the roadmap at most in proportion, and not with the marks.

Measured without a clock (the machines are shared and noisy): the work is the
number of Python function calls a request makes, counted by cProfile, which
is the same on every run. Pages are rendered each time here (PAGE_MEMO_BYTES
0: no page kept whole), after a first request has built what every later one
reuses, so what is counted is the steady cost of rendering a learner's page.
"""

import cProfile

import pytest
from django.test import Client
from django.urls import reverse

from tracker.content import versioning
from tracker.models import Phase, Progress, Section, Subtopic, Topic

ROADMAP = reverse("tracker:roadmap")
TIMES = 10


def calls(client, url, **extra):
    client.get(url, **extra)  # the first builds the tree and the pieces
    profile = cProfile.Profile()
    profile.enable()
    response = client.get(url, **extra)
    profile.disable()
    assert response.status_code == 200
    return sum(entry.callcount for entry in profile.getstats())


def grow(roadmap, times):
    """The seed's phases copied until the roadmap is `times` its size."""
    phases = list(
        Phase.objects.filter(roadmap=roadmap).prefetch_related("sections__topics__subtopics")
    )
    for copy in range(1, times):
        for phase in phases:
            new_phase = Phase.objects.create(
                roadmap=roadmap,
                order=copy * 100 + phase.order,
                slug=f"{phase.slug}-{copy}",
                title=f"{phase.title} ({copy})",
            )
            for section in phase.sections.all():
                new_section = Section.objects.create(
                    phase=new_phase, order=section.order, slug=section.slug, title=section.title
                )
                for topic in section.topics.all():
                    new_topic = Topic.objects.create(
                        section=new_section, order=topic.order, slug=topic.slug, title=topic.title
                    )
                    Subtopic.objects.bulk_create(
                        Subtopic(
                            topic=new_topic,
                            order=item.order,
                            slug=item.slug,
                            title=item.title,
                            hours=item.hours,
                        )
                        for item in topic.subtopics.all()
                    )
    versioning.bump()  # bulk_create sends no signals


def mark(learner, fraction):
    items = list(Subtopic.objects.order_by("pk"))
    chosen = items[: int(len(items) * fraction)]
    states = ("done", "learning", "skipped")
    Progress.objects.bulk_create(
        Progress(user=learner, subtopic=item, status=states[index % 3])
        for index, item in enumerate(chosen)
    )


@pytest.fixture
def rendered_each_time(settings):
    settings.PAGE_MEMO_BYTES = 0


@pytest.fixture
def signed_in(learner):
    client = Client()
    client.force_login(learner)
    return client


@pytest.mark.parametrize("fraction", [0.5, 1])
def test_a_learners_page_costs_the_same_at_any_progress(
    rendered_each_time, roadmap, learner, signed_in, fraction
):
    none = calls(signed_in, ROADMAP)
    mark(learner, fraction)
    marked = calls(signed_in, ROADMAP)
    # Items in other states are other kept pieces: the same lookups, not more.
    assert marked <= none * 1.05


def test_a_roadmap_ten_times_the_size_costs_at_most_ten_times_as_much(
    rendered_each_time, roadmap, learner, signed_in
):
    mark(learner, 0.5)
    seed = calls(signed_in, ROADMAP)
    grow(roadmap, TIMES)
    assert Subtopic.objects.count() == 210 * TIMES
    Progress.objects.filter(user=learner).delete()
    mark(learner, 0.5)
    grown = calls(signed_in, ROADMAP)
    assert grown <= seed * TIMES
    # And the page is all there, marks and all.
    page = signed_in.get(ROADMAP).content.decode()
    assert page.count('class="subtopic status-') == 210 * TIMES


def test_a_tick_costs_the_same_on_a_roadmap_ten_times_the_size(
    rendered_each_time, roadmap, learner, signed_in
):
    """A tick counts its four levels, not the whole roadmap: it barely grows."""

    def tick_calls():
        item = Subtopic.objects.order_by("pk").first()
        url = reverse("tracker:mark_subtopic", args=[item.pk])
        headers = {"HX-Request": "true", "HX-Target": f"subtopic-{item.pk}"}
        signed_in.post(url, {"status": "done"}, headers=headers)
        signed_in.post(url, {"status": "pending"}, headers=headers)
        profile = cProfile.Profile()
        profile.enable()
        response = signed_in.post(url, {"status": "done"}, headers=headers)
        profile.disable()
        assert response.status_code == 200
        return sum(entry.callcount for entry in profile.getstats())

    mark(learner, 0.5)
    seed = tick_calls()
    grow(roadmap, TIMES)
    Progress.objects.filter(user=learner).delete()
    mark(learner, 0.5)
    grown = tick_calls()
    # Ten times the rows are read back and sorted; nothing else grows.
    assert grown <= seed * 2
