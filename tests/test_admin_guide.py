"""The guide in the admin: a topic's explanation, why it matters, prerequisites and
resources; a subtopic's explanation and estimate; links that must be web addresses."""

import pytest
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.helpers import admin_url, find_all
from tracker.models import Phase, Resource, Roadmap, Section, Subtopic, Topic

WEB_ADDRESS_ONLY = "Enter a web address starting with http:// or https://."
NOT_WEB_ADDRESSES = ["javascript:alert(document.cookie)", "ftp://files.example.com/paper.pdf"]


def make_topics(count, *, slug="ai"):
    """`count` topics in one section, each with two subtopics of 1 and 2 hours."""
    roadmap = Roadmap.objects.create(slug=slug, title=f"Roadmap {slug}")
    phase = Phase.objects.create(roadmap=roadmap, order=1, slug="p", title="Phase")
    section = Section.objects.create(phase=phase, order=1, slug="s", title="Section")
    topics = [
        Topic.objects.create(section=section, order=n, slug=f"t{n}", title=f"Topic {n}")
        for n in range(count)
    ]
    Subtopic.objects.bulk_create(
        Subtopic(topic=topic, order=i, slug=f"i{i}", title=f"Item {topic.order}.{i}", hours=i + 1)
        for topic in topics
        for i in range(2)
    )
    return topics


def add_resources(topic, count, *, start=0):
    Resource.objects.bulk_create(
        Resource(
            topic=topic,
            order=n,
            title=f"Resource {n}",
            url=f"https://example.com/{topic.slug}/{n}",
            kind=Resource.Kind.DOCS,
        )
        for n in range(start, start + count)
    )


def topic_form(topic, *, prerequisites=(), new_resources=()):
    """The topic change form as a browser posts it: every inline's management
    form, the rows already there, and `new_resources` as extra rows."""
    subtopics = list(topic.subtopics.all())
    resources = list(topic.resources.all())
    data = {
        "section": topic.section_id,
        "order": topic.order,
        "slug": topic.slug,
        "title": topic.title,
        "description": topic.description,
        "explanation": topic.explanation,
        "why_it_matters": topic.why_it_matters,
        "prerequisites": [t.pk for t in prerequisites],
        "subtopics-TOTAL_FORMS": len(subtopics),
        "subtopics-INITIAL_FORMS": len(subtopics),
        "subtopics-MIN_NUM_FORMS": 0,
        "subtopics-MAX_NUM_FORMS": 1000,
        "resources-TOTAL_FORMS": len(resources) + len(new_resources),
        "resources-INITIAL_FORMS": len(resources),
        "resources-MIN_NUM_FORMS": 0,
        "resources-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    for n, subtopic in enumerate(subtopics):
        data |= {
            f"subtopics-{n}-id": subtopic.pk,
            f"subtopics-{n}-topic": topic.pk,
            f"subtopics-{n}-order": subtopic.order,
            f"subtopics-{n}-title": subtopic.title,
            f"subtopics-{n}-slug": subtopic.slug,
            f"subtopics-{n}-explanation": subtopic.explanation,
            f"subtopics-{n}-hours": subtopic.hours,
        }
    for n, resource in enumerate([*resources, *new_resources]):
        data |= {
            f"resources-{n}-id": resource.pk or "",
            f"resources-{n}-topic": topic.pk,
            f"resources-{n}-order": resource.order,
            f"resources-{n}-title": resource.title,
            f"resources-{n}-url": resource.url,
            f"resources-{n}-kind": resource.kind,
        }
        if resource.is_free:
            data[f"resources-{n}-is_free"] = "on"
    return data


def error_messages(response):
    """The text of every error list on an admin page, as the curator reads it."""
    lists = find_all(response, "ul", class_="errorlist")
    return [item.text for errors in lists for item in errors.find_all("li")]


def inlines(response):
    return {inline.formset.prefix: inline for inline in response.context["inline_admin_formsets"]}


@pytest.fixture
def topics(db):
    return make_topics(3)


# Who gets in


GUIDE_PAGES = {
    "Resource list": lambda topic: admin_url(Resource, "changelist"),
    "Resource add": lambda topic: admin_url(Resource, "add"),
    "Topic change": lambda topic: admin_url(Topic, "change", topic.pk),
}


@pytest.mark.parametrize("url_of", GUIDE_PAGES.values(), ids=GUIDE_PAGES.keys())
def test_it_sends_anonymous_visitors_to_the_admin_login(client, topics, url_of):
    url = url_of(topics[0])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


@pytest.mark.parametrize("url_of", GUIDE_PAGES.values(), ids=GUIDE_PAGES.keys())
def test_it_refuses_signed_in_learners(learner_client, topics, url_of):
    response = learner_client.get(url_of(topics[0]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_learner_cannot_add_a_resource_or_a_prerequisite(learner_client, topics):
    topic, other, _ = topics
    data = topic_form(
        topic,
        prerequisites=[other],
        new_resources=[Resource(order=1, title="Spam", url="https://spam.example/", kind="docs")],
    )

    response = learner_client.post(admin_url(Topic, "change", topic.pk), data)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not Resource.objects.exists()
    assert not topic.prerequisites.exists()


# What the topic page shows


def test_the_topic_page_edits_the_explanation_and_why_it_matters_as_markdown(staff_client, topics):
    response = staff_client.get(admin_url(Topic, "change", topics[0].pk))

    fields = response.context["adminform"].form.fields
    assert "Markdown" in fields["explanation"].help_text
    assert "Markdown" in fields["why_it_matters"].help_text
    assert fields["why_it_matters"].label == "Why it matters"


def test_the_topic_page_picks_prerequisites_by_autocomplete(staff_client, topics):
    response = staff_client.get(admin_url(Topic, "change", topics[0].pk))

    field = response.context["adminform"].form.fields["prerequisites"]
    assert isinstance(field.widget.widget, AutocompleteSelectMultiple)


def test_the_prerequisite_autocomplete_finds_topics_by_title(staff_client, topics):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "tracker",
            "model_name": "topic",
            "field_name": "prerequisites",
            "term": "Topic 2",
        },
    )

    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Topic 2"]


def test_the_topic_page_shows_its_estimate_from_its_subtopics(staff_client, topics):
    response = staff_client.get(admin_url(Topic, "change", topics[0].pk))

    (estimate,) = find_all(response, "div", class_="field-total_hours")
    assert estimate.find_one("div", class_="readonly").text == "3"


def test_the_topic_page_edits_subtopics_and_resources_inline(staff_client, topics):
    topic = topics[0]
    add_resources(topic, 2)

    response = staff_client.get(admin_url(Topic, "change", topic.pk))

    assert list(inlines(response)) == ["subtopics", "resources"]
    subtopic_fields = list(inlines(response)["subtopics"].formset.forms[0].fields)
    assert {"order", "title", "slug", "explanation", "hours"} <= set(subtopic_fields)
    resources = inlines(response)["resources"]
    # A table, one row per resource, as the other children are edited.
    assert resources.opts.template == "admin/edit_inline/tabular.html"
    assert [f for f in resources.formset.forms[0].fields if f not in ("id", "topic", "DELETE")] == [
        "order",
        "title",
        "url",
        "kind",
        "is_free",
    ]
    assert [form.instance.order for form in resources.formset.forms] == [0, 1]


def test_the_resource_inline_lists_resources_by_their_order(staff_client, topics):
    topic = topics[0]
    add_resources(topic, 1, start=5)
    add_resources(topic, 1, start=2)

    response = staff_client.get(admin_url(Topic, "change", topic.pk))

    forms = inlines(response)["resources"].formset.forms
    assert [form.instance.title for form in forms] == ["Resource 2", "Resource 5"]


def test_the_topic_list_shows_each_topics_total_hours(staff_client, topics):
    topics[1].subtopics.filter(order=0).update(hours=10)
    topics[2].subtopics.all().delete()

    response = staff_client.get(admin_url(Topic, "changelist"))

    totals = {
        row.find_all("th")[0].text: row.find_one("td", class_="field-total_hours").text
        for row in find_all(response, "tr")
        if row.find_all("td", class_="field-total_hours")
    }
    assert totals == {"Topic 0": "3", "Topic 1": "12", "Topic 2": "0"}


def test_the_total_hours_are_not_multiplied_by_resources_or_prerequisites(staff_client, topics):
    topic, other, third = topics
    add_resources(topic, 4)
    topic.prerequisites.set([other, third])
    other.prerequisites.set([third])

    response = staff_client.get(admin_url(Topic, "changelist"))

    assert {t.title: t.total_hours for t in response.context["cl"].result_list} == {
        "Topic 0": 3,
        "Topic 1": 3,
        "Topic 2": 3,
    }


# Saving the guide


def test_saving_a_topic_stores_its_guide_resources_and_prerequisites(staff_client, topics):
    topic, other, third = topics
    add_resources(topic, 1, start=1)
    data = topic_form(
        topic,
        prerequisites=[third, other],
        new_resources=[
            Resource(order=2, title="Paper", url="https://arxiv.org/abs/1706.03762", kind="paper"),
            Resource(
                order=0, title="Course", url="http://course.example/", kind="course", is_free=False
            ),
        ],
    )
    data |= {"explanation": "Attention is **all** you need.", "why_it_matters": "Everywhere."}

    response = staff_client.post(admin_url(Topic, "change", topic.pk), data)

    assert response.status_code == 302, response.context and error_messages(response)
    topic.refresh_from_db()
    assert (topic.explanation, topic.why_it_matters) == (
        "Attention is **all** you need.",
        "Everywhere.",
    )
    assert sorted(t.title for t in topic.prerequisites.all()) == ["Topic 1", "Topic 2"]
    # Prerequisites point one way: the other topics do not now need this one.
    assert not other.prerequisites.exists()
    assert [t.title for t in other.needed_by.all()] == ["Topic 0"]
    assert [(r.title, r.kind, r.is_free) for r in topic.resources.all()] == [
        ("Course", "course", False),
        ("Resource 1", "docs", True),
        ("Paper", "paper", True),
    ]


def test_resources_can_be_reordered_and_removed_inline(staff_client, topics):
    topic = topics[0]
    add_resources(topic, 3)
    data = topic_form(topic)
    data |= {"resources-0-order": 9, "resources-1-DELETE": "on"}

    response = staff_client.post(admin_url(Topic, "change", topic.pk), data)

    assert response.status_code == 302, response.context and error_messages(response)
    assert [r.title for r in topic.resources.all()] == ["Resource 2", "Resource 0"]


@pytest.mark.parametrize("url", NOT_WEB_ADDRESSES)
def test_a_resource_that_is_not_a_web_address_is_refused_inline(staff_client, topics, url):
    topic, other, _ = topics
    data = topic_form(
        topic,
        prerequisites=[other],
        new_resources=[Resource(order=1, title="Trap", url=url, kind="article")],
    )
    data["title"] = "Renamed"

    response = staff_client.post(admin_url(Topic, "change", topic.pk), data)

    assert response.status_code == 200  # the form again, with the error
    assert inlines(response)["resources"].formset.errors == [{"url": [WEB_ADDRESS_ONLY]}]
    assert WEB_ADDRESS_ONLY in error_messages(response)
    # Nothing of the form is saved, not even its valid parts.
    assert not Resource.objects.exists()
    topic.refresh_from_db()
    assert topic.title == "Topic 0"
    assert not topic.prerequisites.exists()


@pytest.mark.parametrize("url", NOT_WEB_ADDRESSES)
def test_a_resource_that_is_not_a_web_address_is_refused_on_its_own_page(staff_client, topics, url):
    response = staff_client.post(
        admin_url(Resource, "add"),
        {
            "topic": topics[0].pk,
            "order": 1,
            "title": "Trap",
            "url": url,
            "kind": "article",
            "_save": "Save",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"url": [WEB_ADDRESS_ONLY]}
    assert WEB_ADDRESS_ONLY in error_messages(response)
    assert not Resource.objects.exists()


def test_a_resource_can_be_added_on_its_own_page(staff_client, topics):
    response = staff_client.post(
        admin_url(Resource, "add"),
        {
            "topic": topics[1].pk,
            "order": 1,
            "title": "The docs",
            "url": "https://docs.example.com/",
            "kind": "docs",
            "is_free": "on",
            "_save": "Save",
        },
    )

    assert response.status_code == 302, response.context and error_messages(response)
    assert [(r.topic, r.url, r.is_free) for r in Resource.objects.all()] == [
        (topics[1], "https://docs.example.com/", True)
    ]


def test_saving_a_subtopic_stores_its_explanation_and_hours(staff_client, topics):
    subtopic = topics[0].subtopics.get(order=0)
    sentence = "Vectors are arrows you can add and scale."

    response = staff_client.post(
        admin_url(Subtopic, "change", subtopic.pk),
        {
            "topic": subtopic.topic_id,
            "order": subtopic.order,
            "slug": subtopic.slug,
            "title": subtopic.title,
            "explanation": sentence,
            "hours": 6,
            "_save": "Save",
        },
    )

    assert response.status_code == 302, response.context and error_messages(response)
    subtopic.refresh_from_db()
    assert (subtopic.explanation, subtopic.hours) == (sentence, 6)


def test_a_subtopics_explanation_and_hours_save_inline(staff_client, topics):
    topic = topics[0]
    data = topic_form(topic)
    data |= {"subtopics-1-explanation": "One sentence.", "subtopics-1-hours": 8}

    response = staff_client.post(admin_url(Topic, "change", topic.pk), data)

    assert response.status_code == 302, response.context and error_messages(response)
    assert [(s.explanation, s.hours) for s in topic.subtopics.all()] == [
        ("", 1),
        ("One sentence.", 8),
    ]


def test_an_estimate_cannot_be_negative(staff_client, topics):
    topic = topics[0]
    data = topic_form(topic)
    data["subtopics-0-hours"] = -2

    response = staff_client.post(admin_url(Topic, "change", topic.pk), data)

    assert response.status_code == 200
    assert "hours" in inlines(response)["subtopics"].formset.errors[0]
    assert topic.subtopics.get(order=0).hours == 1


def test_the_subtopic_page_edits_its_explanation_and_hours(staff_client, topics):
    subtopic = topics[0].subtopics.first()

    response = staff_client.get(admin_url(Subtopic, "change", subtopic.pk))

    fields = response.context["adminform"].form.fields
    assert {"explanation", "hours"} <= set(fields)


# The resource list


def test_the_resource_list_shows_title_kind_free_and_topic(staff_client, topics):
    add_resources(topics[0], 1)

    response = staff_client.get(admin_url(Resource, "changelist"))

    assert response.context["cl"].list_display[1:] == ["title", "kind", "is_free", "topic"]
    assert [r.title for r in response.context["cl"].result_list] == ["Resource 0"]


def test_resources_filter_by_kind_and_by_free(staff_client, topics):
    add_resources(topics[0], 2)
    Resource.objects.filter(order=1).update(kind=Resource.Kind.PAPER, is_free=False)

    papers = staff_client.get(admin_url(Resource, "changelist"), {"kind__exact": "paper"})
    paid = staff_client.get(admin_url(Resource, "changelist"), {"is_free__exact": "0"})

    assert [r.title for r in papers.context["cl"].result_list] == ["Resource 1"]
    assert [r.title for r in paid.context["cl"].result_list] == ["Resource 1"]


def test_resources_are_found_by_title_and_by_url(staff_client, topics):
    add_resources(topics[0], 1)
    add_resources(topics[1], 1)

    by_title = staff_client.get(admin_url(Resource, "changelist"), {"q": "Resource 0"})
    by_url = staff_client.get(admin_url(Resource, "changelist"), {"q": "example.com/t1/"})

    assert len(by_title.context["cl"].result_list) == 2
    assert [r.topic for r in by_url.context["cl"].result_list] == [topics[1]]


def test_a_resource_picks_its_topic_by_autocomplete(staff_client, topics):
    response = staff_client.get(admin_url(Resource, "add"))

    field = response.context["adminform"].form.fields["topic"]
    assert isinstance(field.widget.widget, AutocompleteSelect)


# Query budgets: a page costs the same with few resources and prerequisites as with many.


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _grow(topics, first):
    """Many more topics, each with many resources, prerequisites and subtopics."""
    more = make_topics(8, slug="more")
    for n, topic in enumerate([*topics, *more]):
        add_resources(topic, 6, start=100)
        topic.prerequisites.add(*[t for t in more if t != topic][: n % 5 + 2])
        Subtopic.objects.create(topic=topic, order=9, slug="extra", title="Extra", hours=4)
    first.prerequisites.add(*more)


BUDGETED_PAGES = {
    "Topic list": lambda topic: admin_url(Topic, "changelist"),
    "Topic change": lambda topic: admin_url(Topic, "change", topic.pk),
    "Topic add": lambda topic: admin_url(Topic, "add"),
    "Subtopic list": lambda topic: admin_url(Subtopic, "changelist"),
    "Resource list": lambda topic: admin_url(Resource, "changelist"),
    "Resource change": lambda topic: admin_url(Resource, "change", topic.resources.first().pk),
}


@pytest.mark.parametrize("url_of", BUDGETED_PAGES.values(), ids=BUDGETED_PAGES.keys())
def test_a_page_runs_the_same_queries_however_many_resources_and_prerequisites(
    staff_client, topics, django_assert_max_num_queries, url_of
):
    first = topics[0]
    add_resources(first, 1)
    first.prerequisites.add(topics[1])
    url = url_of(first)
    staff_client.get(url)  # warm per-process caches such as content types
    budget = _queries(staff_client, url)

    _grow(topics, first)

    with django_assert_max_num_queries(budget):
        response = staff_client.get(url)
    assert response.status_code == 200


# The real roadmap


def test_a_real_topic_opens_with_its_guide(staff_client, roadmap):
    topic = Topic.objects.filter(prerequisites__isnull=False, resources__isnull=False).first()

    response = staff_client.get(admin_url(Topic, "change", topic.pk))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.initial["explanation"] == topic.explanation
    assert set(form.initial["prerequisites"]) == set(topic.prerequisites.all())
    forms = inlines(response)["resources"].formset.forms
    assert [f.instance.pk for f in forms] == [r.pk for r in topic.resources.all()]
    assert [f.instance.order for f in forms] == sorted(f.instance.order for f in forms)


def test_the_real_roadmaps_topic_hours_add_up_to_its_subtopics(staff_client, roadmap):
    response = staff_client.get(admin_url(Topic, "changelist"), {"all": ""})

    listed = response.context["cl"].result_list
    assert len(listed) == Topic.objects.count()
    assert sum(t.total_hours for t in listed) == sum(
        Subtopic.objects.values_list("hours", flat=True)
    )


def test_a_topic_cannot_be_its_own_prerequisite(staff_client, topics):
    topic = topics[0]
    response = staff_client.post(
        admin_url(Topic, "change", topic.pk), topic_form(topic, prerequisites=[topic])
    )
    assert response.status_code == 200
    assert "A topic cannot be its own prerequisite." in error_messages(response)
    assert not topic.prerequisites.exists()
