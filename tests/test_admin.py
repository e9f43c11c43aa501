"""The admin staff use to curate content: who gets in, what the pages show, what saves."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.helpers import admin_url, find_all
from tracker.models import Phase, Progress, Roadmap, Section, Subtopic, Topic

CONTENT_MODELS = [Roadmap, Phase, Section, Topic, Subtopic]
ALL_MODELS = [*CONTENT_MODELS, Progress]


def build_tree(slug="ai", *, phases=2, sections=2, topics=2, subtopics=2):
    """A roadmap with the given number of children at each level."""
    roadmap = Roadmap.objects.create(slug=slug, title=f"Roadmap {slug}", duration="6 months")
    for p in range(phases):
        phase = Phase.objects.create(roadmap=roadmap, order=p, slug=f"p{p}", title=f"Phase {p}")
        for s in range(sections):
            section = Section.objects.create(
                phase=phase, order=s, slug=f"s{s}", title=f"Section {p}.{s}"
            )
            for t in range(topics):
                topic = Topic.objects.create(
                    section=section, order=t, slug=f"t{t}", title=f"Topic {p}.{s}.{t}"
                )
                Subtopic.objects.bulk_create(
                    Subtopic(topic=topic, order=i, slug=f"i{i}", title=f"Item {p}.{s}.{t}.{i}")
                    for i in range(subtopics)
                )
    return roadmap


def add_progress(users, status=Progress.Status.DONE):
    for user in users:
        Progress.objects.bulk_create(
            Progress(user=user, subtopic=subtopic, status=status)
            for subtopic in Subtopic.objects.all()
        )


def make_learners(prefix, count):
    # No password: hashing one per user would only slow the tests down.
    User = get_user_model()
    return [User.objects.create(username=f"{prefix}{n}") for n in range(count)]


def column(response, name):
    """One column of a change list, keyed by each row's linked title."""
    values = {}
    for row in find_all(response, "tr"):
        titles = [
            link
            for th in row.find_all("th")
            if any(cls.startswith("field-") for cls in th.classes)
            for link in th.find_all("a", href=True)
        ]
        cells = row.find_all("td", class_=f"field-{name}")
        if titles and cells:
            values[titles[0].text] = cells[0].text
    return values


def listed(response):
    return list(response.context["cl"].result_list)


@pytest.fixture
def tree(db, learner):
    roadmap = build_tree()
    add_progress([learner])
    return roadmap


# Who gets in


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_it_sends_anonymous_visitors_to_the_admin_login(client, db, model):
    url = admin_url(model, "changelist")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_it_refuses_signed_in_learners(learner_client, model):
    url = admin_url(model, "changelist")

    response = learner_client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_it_does_not_let_a_learner_change_content(learner_client, tree):
    phase = Phase.objects.get(slug="p0")

    learner_client.post(admin_url(Phase, "change", phase.pk), {"title": "Defaced"})

    phase.refresh_from_db()
    assert phase.title == "Phase 0"


def test_the_admin_is_titled_roadmap_tracker(staff_client):
    response = staff_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert response.context["site_header"] == "Roadmap tracker"
    assert response.context["site_title"] == "Roadmap tracker"
    assert "Roadmap tracker" in response.content.decode()


# Every page opens


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_staff_can_open_every_list_page(staff_client, tree, model):
    response = staff_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == model.objects.count()


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_staff_can_open_every_add_page(staff_client, tree, model):
    response = staff_client.get(admin_url(model, "add"))

    assert response.status_code == 200


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_staff_can_open_every_change_page(staff_client, tree, model):
    obj = model.objects.first()

    response = staff_client.get(admin_url(model, "change", obj.pk))

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("model", "child"),
    [(Roadmap, "phases"), (Phase, "sections"), (Section, "topics"), (Topic, "subtopics")],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_each_level_edits_its_children_inline(staff_client, tree, model, child):
    obj = model.objects.first()

    response = staff_client.get(admin_url(model, "change", obj.pk))

    inline = response.context["inline_admin_formsets"][0]  # a topic also has resources
    formset = inline.formset
    assert formset.prefix == child
    assert len(formset.forms) == getattr(obj, child).count()
    assert "order" in formset.forms[0].fields
    # The slug follows the title as a curator types, in new inline rows too.
    assert f"#id_{child}-__prefix__-slug" in response.content.decode()


# Counts on the list pages


@pytest.fixture
def uneven_tree(db):
    """Children in different numbers per row, so a count cannot be right by accident."""
    roadmap = Roadmap.objects.create(slug="ai", title="AI")
    big = Phase.objects.create(roadmap=roadmap, order=1, slug="big", title="Big phase")
    small = Phase.objects.create(roadmap=roadmap, order=2, slug="small", title="Small phase")
    Phase.objects.create(roadmap=roadmap, order=3, slug="empty", title="Empty phase")
    maths = Section.objects.create(phase=big, order=1, slug="maths", title="Maths")
    Section.objects.create(phase=big, order=2, slug="code", title="Code")
    tools = Section.objects.create(phase=small, order=1, slug="tools", title="Tools")
    algebra = Topic.objects.create(section=maths, order=1, slug="algebra", title="Algebra")
    calculus = Topic.objects.create(section=maths, order=2, slug="calculus", title="Calculus")
    git = Topic.objects.create(section=tools, order=1, slug="git", title="Git")
    for topic, count in [(algebra, 3), (calculus, 1), (git, 2)]:
        for i in range(count):
            Subtopic.objects.create(topic=topic, order=i, slug=f"i{i}", title=f"{topic} {i}")
    return roadmap


def test_the_roadmap_list_counts_every_level(staff_client, uneven_tree):
    response = staff_client.get(admin_url(Roadmap, "changelist"))

    assert column(response, "phase_count") == {"AI": "3"}
    assert column(response, "section_count") == {"AI": "3"}
    assert column(response, "topic_count") == {"AI": "3"}
    assert column(response, "subtopic_count") == {"AI": "6"}


def test_the_phase_list_counts_sections_topics_and_subtopics(staff_client, uneven_tree):
    response = staff_client.get(admin_url(Phase, "changelist"))

    assert column(response, "section_count") == {
        "Big phase": "2",
        "Small phase": "1",
        "Empty phase": "0",
    }
    assert column(response, "topic_count") == {
        "Big phase": "2",
        "Small phase": "1",
        "Empty phase": "0",
    }
    assert column(response, "subtopic_count") == {
        "Big phase": "4",
        "Small phase": "2",
        "Empty phase": "0",
    }


def test_the_section_list_counts_topics_and_subtopics(staff_client, uneven_tree):
    response = staff_client.get(admin_url(Section, "changelist"))

    assert column(response, "topic_count") == {"Maths": "2", "Code": "0", "Tools": "1"}
    assert column(response, "subtopic_count") == {"Maths": "4", "Code": "0", "Tools": "2"}


def test_the_topic_list_counts_subtopics(staff_client, uneven_tree):
    response = staff_client.get(admin_url(Topic, "changelist"))

    assert column(response, "subtopic_count") == {"Algebra": "3", "Calculus": "1", "Git": "2"}


def test_the_list_sorts_by_a_count(staff_client, uneven_tree):
    # Column 0 is the action checkbox; 6 is "Sections" and 8 "Subtopics".
    by_sections = staff_client.get(admin_url(Phase, "changelist"), {"o": "-6"})
    by_subtopics = staff_client.get(admin_url(Phase, "changelist"), {"o": "8"})

    assert [p.slug for p in listed(by_sections)] == ["big", "small", "empty"]
    assert [p.slug for p in listed(by_subtopics)] == ["empty", "small", "big"]


# Query budgets: a page costs the same with a few rows as with many.


def _first_in(roadmap, model):
    path = {
        Roadmap: "pk",
        Phase: "roadmap",
        Section: "phase__roadmap",
        Topic: "section__phase__roadmap",
        Subtopic: "topic__section__phase__roadmap",
    }[model]
    return model.objects.filter(**{path: roadmap.pk}).order_by("pk").first()


PAGES = {
    **{f"{m.__name__} list": lambda roadmap, m=m: admin_url(m, "changelist") for m in ALL_MODELS},
    # Change pages list children inline (and Topic's lists every section to pick from).
    **{
        f"{m.__name__} change": lambda roadmap, m=m: admin_url(
            m, "change", _first_in(roadmap, m).pk
        )
        for m in CONTENT_MODELS
    },
    "Topic add": lambda roadmap: admin_url(Topic, "add"),
}


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url_of", PAGES.values(), ids=PAGES.keys())
def test_a_page_runs_the_same_queries_however_many_rows(
    staff_client, learner, django_assert_max_num_queries, url_of
):
    small = build_tree("small", phases=1, sections=2, topics=1, subtopics=2)
    add_progress([learner])
    staff_client.get(url_of(small))  # warm per-process caches such as content types
    budget = _queries(staff_client, url_of(small))

    large = build_tree("large", phases=4, sections=5, topics=3, subtopics=4)
    add_progress(make_learners("extra", 3), status=Progress.Status.LEARNING)

    url = url_of(large)
    with django_assert_max_num_queries(budget):
        response = staff_client.get(url)
    assert response.status_code == 200


# Saving through the inlines and the list


def phase_form(phase, sections, *, extra=()):
    """The phase change form as a browser posts it, sections inline."""
    data = {
        "roadmap": phase.roadmap_id,
        "order": phase.order,
        "slug": phase.slug,
        "title": phase.title,
        "tagline": phase.tagline,
        "icon": phase.icon,
        "intro": phase.intro,
        "sections-TOTAL_FORMS": len(sections) + len(extra),
        "sections-INITIAL_FORMS": len(sections),
        "sections-MIN_NUM_FORMS": 0,
        "sections-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    for n, section in enumerate([*sections, *extra]):
        data |= {
            f"sections-{n}-id": section.pk or "",
            f"sections-{n}-phase": phase.pk,
            f"sections-{n}-order": section.order,
            f"sections-{n}-title": section.title,
            f"sections-{n}-slug": section.slug,
        }
    return data


def test_saving_a_phase_saves_its_inline_sections(staff_client, tree):
    phase = Phase.objects.get(roadmap=tree, slug="p0")
    first, second = phase.sections.all()
    data = phase_form(phase, [first, second])
    data |= {
        "title": "Foundations",
        "sections-0-title": "Mathematics",
        "sections-0-order": 2,
        "sections-1-order": 1,
    }

    response = staff_client.post(admin_url(Phase, "change", phase.pk), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    phase.refresh_from_db()
    assert phase.title == "Foundations"
    assert [s.slug for s in phase.sections.all()] == ["s1", "s0"]
    assert phase.sections.get(slug="s0").title == "Mathematics"


def test_a_new_section_can_be_added_inline(staff_client, tree):
    phase = Phase.objects.get(roadmap=tree, slug="p0")
    new = Section(order=9, title="Ethics", slug="ethics")

    response = staff_client.post(
        admin_url(Phase, "change", phase.pk),
        phase_form(phase, list(phase.sections.all()), extra=[new]),
    )

    assert response.status_code == 302
    assert phase.sections.order_by("order").last().slug == "ethics"


def test_an_inline_slug_must_be_unique_within_its_phase(staff_client, tree):
    phase = Phase.objects.get(roadmap=tree, slug="p0")
    data = phase_form(phase, list(phase.sections.all()))
    data["sections-1-slug"] = data["sections-0-slug"]

    response = staff_client.post(admin_url(Phase, "change", phase.pk), data)

    assert response.status_code == 200  # the form again, with the error
    assert sorted(phase.sections.values_list("slug", flat=True)) == ["s0", "s1"]


def test_order_can_be_changed_from_the_list_page(staff_client, tree):
    topic = Topic.objects.get(section__phase__slug="p1", section__slug="s1", slug="t1")
    first, second = topic.subtopics.all()
    url = admin_url(Subtopic, "changelist") + f"?topic__id__exact={topic.pk}"

    response = staff_client.post(
        url,
        {
            "form-TOTAL_FORMS": 2,
            "form-INITIAL_FORMS": 2,
            "form-MIN_NUM_FORMS": 0,
            "form-MAX_NUM_FORMS": 1000,
            "form-0-id": first.pk,
            "form-0-order": 5,
            "form-1-id": second.pk,
            "form-1-order": 4,
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    assert list(topic.subtopics.all()) == [second, first]


def test_the_add_form_fills_the_slug_from_the_title(staff_client, db):
    response = staff_client.get(admin_url(Topic, "add"))

    assert response.context["adminform"].prepopulated_fields[0]["field"].name == "slug"


# Search and filters


def test_search_finds_topics_by_title(staff_client, tree):
    response = staff_client.get(admin_url(Topic, "changelist"), {"q": '"Topic 1.0."'})

    assert sorted(t.title for t in listed(response)) == ["Topic 1.0.0", "Topic 1.0.1"]


def test_search_finds_subtopics_by_their_topics_title(staff_client, tree):
    response = staff_client.get(admin_url(Subtopic, "changelist"), {"q": '"Topic 0.1.1"'})

    assert sorted(s.title for s in listed(response)) == ["Item 0.1.1.0", "Item 0.1.1.1"]


def test_sections_filter_by_phase(staff_client, tree):
    phase = Phase.objects.get(slug="p1")

    response = staff_client.get(admin_url(Section, "changelist"), {"phase__id__exact": phase.pk})

    assert {s.phase_id for s in listed(response)} == {phase.pk}
    assert len(listed(response)) == 2


def test_topics_filter_by_phase_and_by_section(staff_client, tree):
    phase = Phase.objects.get(slug="p1")
    section = phase.sections.get(slug="s0")

    by_phase = staff_client.get(
        admin_url(Topic, "changelist"), {"section__phase__id__exact": phase.pk}
    )
    by_section = staff_client.get(
        admin_url(Topic, "changelist"), {"section__id__exact": section.pk}
    )

    assert sorted(t.title for t in listed(by_phase)) == [
        "Topic 1.0.0",
        "Topic 1.0.1",
        "Topic 1.1.0",
        "Topic 1.1.1",
    ]
    assert sorted(t.title for t in listed(by_section)) == ["Topic 1.0.0", "Topic 1.0.1"]


def test_the_section_filter_names_each_sections_phase(staff_client, tree):
    response = staff_client.get(admin_url(Topic, "changelist"))

    assert "Phase 1 › Section 1.0" in response.content.decode()


def test_progress_filters_by_status(staff_client, tree, other_learner):
    Progress.objects.create(
        user=other_learner, subtopic=Subtopic.objects.first(), status=Progress.Status.SKIPPED
    )

    response = staff_client.get(admin_url(Progress, "changelist"), {"status__exact": "skipped"})

    assert [(p.user, p.status) for p in listed(response)] == [(other_learner, "skipped")]


def test_progress_search_finds_rows_by_username_and_by_item(staff_client, tree, other_learner):
    item = Subtopic.objects.get(title="Item 1.1.0.1")
    Progress.objects.create(user=other_learner, subtopic=item, status=Progress.Status.LEARNING)

    by_user = staff_client.get(admin_url(Progress, "changelist"), {"q": "grace"})
    by_item = staff_client.get(admin_url(Progress, "changelist"), {"q": '"Item 1.1.0.1"'})

    assert [p.user.username for p in listed(by_user)] == ["grace"]
    assert sorted(p.user.username for p in listed(by_item)) == ["ada", "grace"]


def test_progress_lists_user_item_status_and_update_time(staff_client, tree):
    response = staff_client.get(admin_url(Progress, "changelist"))

    assert response.context["cl"].list_display[1:5] == [
        "user",
        "subtopic",
        "status",
        "updated_at",
    ]


def test_progress_picks_subtopics_by_autocomplete(staff_client, tree):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "tracker",
            "model_name": "progress",
            "field_name": "subtopic",
            "term": '"Item 0.0.1."',
        },
    )

    assert response.status_code == 200
    assert sorted(r["text"] for r in response.json()["results"]) == [
        "Item 0.0.1.0",
        "Item 0.0.1.1",
    ]


# Progress is read-mostly


def test_a_progress_rows_learner_and_item_cannot_be_changed(staff_client, tree, learner):
    row = Progress.objects.filter(user=learner).first()

    response = staff_client.get(admin_url(Progress, "change", row.pk))

    assert list(response.context["adminform"].form.fields) == ["status"]


def test_staff_changing_a_status_keeps_completed_at_true(staff_client, tree, learner):
    row = Progress.objects.filter(user=learner).first()
    url = admin_url(Progress, "change", row.pk)

    staff_client.post(url, {"status": "learning", "_save": "Save"})
    row.refresh_from_db()
    assert (row.status, row.completed_at) == ("learning", None)

    staff_client.post(url, {"status": "done", "_save": "Save"})
    row.refresh_from_db()
    assert row.status == "done"
    assert row.completed_at is not None


# The real roadmap


def test_the_real_roadmaps_counts_show_on_the_roadmap_list(staff_client, roadmap):
    response = staff_client.get(admin_url(Roadmap, "changelist"))

    assert column(response, "phase_count") == {roadmap.title: "6"}
    # The seed's last phase has no section heading, so the fixture gives its
    # topics a section of their own: one more than the seed's 19 headings.
    assert column(response, "section_count") == {roadmap.title: str(Section.objects.count())}
    assert column(response, "topic_count") == {roadmap.title: "55"}
    assert column(response, "subtopic_count") == {roadmap.title: "210"}


def test_the_real_phases_subtopic_counts_add_up_to_the_roadmaps(staff_client, roadmap):
    response = staff_client.get(admin_url(Phase, "changelist"))

    counts = column(response, "subtopic_count")
    assert len(counts) == 6
    assert sum(int(n) for n in counts.values()) == 210
    for phase in roadmap.phases.all():
        expected = Subtopic.objects.filter(topic__section__phase=phase).count()
        assert counts[phase.title] == str(expected)
