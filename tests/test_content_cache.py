"""The content version and what each process keeps under it (tracker.content.versioning).

Every page reads its tree, its outline's pieces and a visitor's whole page
from memory while the content is unchanged; any write to the content
changes the version, so the next request, in any process, builds afresh.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.helpers import admin_url, element_by_id, find_all, subtopic_items
from tracker.content import versioning
from tracker.content.tree import default_tree
from tracker.models import Phase, Progress, Resource, Section, Subtopic, Topic

ROADMAP = reverse("tracker:roadmap")


def version():
    return versioning.current()


def topic_url(topic):
    return reverse("tracker:topic", args=[topic.section.phase.slug, topic.section.slug, topic.slug])


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def item_titles(response):
    """The titles of the outline's items, as the page shows them."""
    titles = []
    for item in subtopic_items(response):
        label = item.find_all("label") or item.find_all("span", class_="subtopic-title")
        titles.append(label[0].text)
    return titles


def topic_titles(response):
    return [h4.text for h4 in find_all(response, "h4")]


def form_data(response):
    """What a browser would post back from the page's (admin) form, unchanged."""
    data = {}
    for control in find_all(response, "input") + find_all(response, "textarea"):
        name, kind = control.attrs.get("name"), control.attrs.get("type", "text")
        if not name or kind in ("submit", "button", "file", "reset", "image"):
            continue
        if kind in ("checkbox", "radio"):
            if "checked" in control.attrs:
                data.setdefault(name, []).append(control.attrs.get("value", "on"))
            continue
        value = control.raw_text if control.tag == "textarea" else control.attrs.get("value") or ""
        data.setdefault(name, []).append(value)
    for select in find_all(response, "select"):
        name = select.attrs.get("name")
        if name:
            chosen = [
                o.attrs.get("value", o.text) for o in select.find_all("option", selected=True)
            ]
            data[name] = chosen
    data.pop("csrfmiddlewaretoken", None)
    return data


@pytest.fixture
def chain_rule(roadmap):
    return Subtopic.objects.select_related("topic__section__phase").get(title="Chain rule")


@pytest.fixture
def calculus(roadmap):
    return Topic.objects.select_related("section__phase").get(title="Calculus")


# The version


def test_every_kind_of_content_write_changes_the_version(roadmap, chain_rule, calculus):
    before = version()
    writes = [
        lambda: roadmap.save(),
        lambda: Phase.objects.first().save(),
        lambda: Section.objects.first().save(),
        lambda: calculus.save(),
        lambda: chain_rule.save(),
        lambda: Resource.objects.create(topic=calculus, order=99, title="A", url="https://a.test/"),
        lambda: Resource.objects.get(url="https://a.test/").delete(),
        lambda: calculus.prerequisites.add(Topic.objects.exclude(pk=calculus.pk).first()),
        lambda: calculus.prerequisites.clear(),
        lambda: Subtopic.objects.create(topic=calculus, order=99, slug="new", title="New"),
        lambda: Subtopic.objects.filter(slug="new").delete(),
    ]
    seen = {before}
    for write in writes:
        write()
        assert version() not in seen
        seen.add(version())


def test_reading_does_not_change_the_version(client, learner_client, roadmap, calculus):
    before = version()
    client.get(ROADMAP)
    learner_client.get(ROADMAP)
    learner_client.get(topic_url(calculus))
    assert version() == before


def test_a_learners_marks_do_not_change_the_version(learner_client, chain_rule):
    before = version()
    learner_client.post(reverse("tracker:mark"), {"mark": f"{chain_rule.pk}:done"})
    assert Progress.objects.exists()
    assert version() == before


def test_a_reimport_of_an_edited_file_changes_the_version_and_the_page(client, roadmap, tmp_path):
    seed = Path(settings.BASE_DIR) / "fixtures" / "ai_engineer_roadmap.md"
    text = seed.read_text(encoding="utf-8")
    assert text.count("  - Chain rule\n") == 1
    edited = tmp_path / "edited.md"
    edited.write_text(text.replace("  - Chain rule\n", "  - The chain rule, twice\n"), "utf-8")
    assert "Chain rule" in item_titles(client.get(ROADMAP))
    before = version()

    call_command("import_roadmap", str(edited), "--guide", str(seed.parent / "guide"), verbosity=0)

    assert version() != before
    titles = item_titles(client.get(ROADMAP))
    assert "The chain rule, twice" in titles
    assert "Chain rule" not in titles


def test_loading_the_fixture_again_changes_the_version(roadmap):
    before = version()
    call_command("loaddata", "ai_engineer_roadmap", verbosity=0)
    assert version() != before


def test_loaddata_over_an_edited_roadmap_shows_the_fixtures_titles_at_once(client, chain_rule):
    # Edited behind the signals' back, as raw SQL would: the fixture puts it right.
    Subtopic.objects.filter(pk=chain_rule.pk).update(title="Edited behind the signals")
    client.get(ROADMAP)
    call_command("loaddata", "ai_engineer_roadmap", verbosity=0)
    titles = item_titles(client.get(ROADMAP))
    assert "Chain rule" in titles
    assert "Edited behind the signals" not in titles


# An edit shows at once


@pytest.mark.parametrize("who", ["visitor", "learner"])
def test_an_admin_edit_of_a_subtopic_shows_at_once_on_the_roadmap(
    staff_client, learner, chain_rule, who
):
    reader = Client() if who == "visitor" else signed_in(learner)
    assert "Chain rule" in item_titles(reader.get(ROADMAP))  # now kept for this version
    change = admin_url(Subtopic, "change", chain_rule.pk)
    data = form_data(staff_client.get(change)) | {"title": "Chain rule (composition)", "_save": ""}

    response = staff_client.post(change, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    titles = item_titles(reader.get(ROADMAP))
    assert "Chain rule (composition)" in titles
    assert "Chain rule" not in titles
    assert len(titles) == 210


@pytest.mark.parametrize("who", ["visitor", "learner"])
def test_an_admin_edit_of_a_topic_shows_at_once_on_every_page(staff_client, learner, calculus, who):
    reader = Client() if who == "visitor" else signed_in(learner)
    phase = reverse("tracker:phase", args=[calculus.section.phase.slug])
    pages = [ROADMAP, phase, topic_url(calculus)]
    for page in pages:
        assert reader.get(page).status_code == 200
    change = admin_url(Topic, "change", calculus.pk)
    data = form_data(staff_client.get(change)) | {"title": "Calculus for models", "_save": ""}

    response = staff_client.post(change, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    for page in (ROADMAP, phase):
        titles = topic_titles(reader.get(page))
        assert "Calculus for models" in titles, page
        assert "Calculus" not in titles, page
    # Its slug stays, so its page is where it was.
    assert (
        element_by_id(reader.get(topic_url(calculus)), "guide-title").text == "Calculus for models"
    )


def test_an_orm_save_shows_at_once_for_a_visitor_and_a_learner(client, learner, chain_rule):
    learner_client = signed_in(learner)
    client.get(ROADMAP)
    learner_client.get(ROADMAP)
    chain_rule.title = "Chain rule, saved in a shell"
    chain_rule.save()
    for reader in (client, learner_client):
        titles = item_titles(reader.get(ROADMAP))
        assert "Chain rule, saved in a shell" in titles
        assert "Chain rule" not in titles


@pytest.mark.parametrize("who", ["visitor", "learner"])
def test_deleting_a_subtopic_in_the_admin_removes_it_at_once(
    staff_client, learner, chain_rule, who
):
    Progress.objects.create(user=learner, subtopic=chain_rule, status="done")
    reader = Client() if who == "visitor" else signed_in(learner)
    assert len(subtopic_items(reader.get(ROADMAP))) == 210

    response = staff_client.post(admin_url(Subtopic, "delete", chain_rule.pk), {"post": "yes"})

    assert response.status_code == 302
    page = reader.get(ROADMAP)
    items = subtopic_items(page)
    assert len(items) == 209
    assert f"subtopic-{chain_rule.pk}" not in {item.attrs["id"] for item in items}
    assert "Chain rule" not in item_titles(page)
    if who == "learner":
        # Its mark went with it: the learner's counts are of what is left.
        overall = element_by_id(page, "overall-progress").find_one("span", class_="counts")
        assert overall.text == "0 done · 0 learning · 0 skipped · 209 total"


def test_a_new_topic_shows_at_once(client, calculus):
    client.get(ROADMAP)
    topic = Topic.objects.create(section=calculus.section, order=99, slug="new", title="Brand new")
    Subtopic.objects.create(topic=topic, order=1, slug="first", title="Its first item")
    page = client.get(ROADMAP)
    assert "Brand new" in topic_titles(page)
    assert "Its first item" in item_titles(page)
    assert client.get(topic_url(topic)).status_code == 200


def test_a_new_prerequisite_shows_at_once_on_the_topics_page(client, calculus):
    page = topic_url(calculus)
    before = {a.text for a in find_all(client.get(page), "a")}
    needed = Topic.objects.exclude(title__in=before).exclude(pk=calculus.pk).order_by("pk").last()
    calculus.prerequisites.add(needed)
    links = find_all(client.get(page), "ul", class_="prerequisites")[0].find_all("a")
    assert needed.title in [a.text for a in links]


def test_an_edit_rolled_back_never_shows(client, chain_rule):
    client.get(ROADMAP)
    with pytest.raises(RuntimeError), transaction.atomic():
        chain_rule.title = "Never committed"
        chain_rule.save()
        # Inside the transaction the new version is what this connection reads.
        assert "Never committed" in item_titles(client.get(ROADMAP))
        raise RuntimeError
    titles = item_titles(client.get(ROADMAP))
    assert "Never committed" not in titles
    assert "Chain rule" in titles


def test_the_tree_is_shared_while_the_version_holds(roadmap, chain_rule):
    first = default_tree()
    assert default_tree() is first
    chain_rule.save()
    rebuilt = default_tree()
    assert rebuilt is not first
    assert rebuilt.token == version()


# What a warm page costs

# The visitor's page: the content version, nothing else.
VISITOR_WARM = 1
# A learner's page: the session with its user (accounts/sessions.py), then
# the content version and the learner's rows, asked together. Nothing grows
# with the marks.
SESSION_AND_USER = 1
LEARNER_WARM = SESSION_AND_USER + 1
# The first request after a change: the first roadmap and its tree (four
# levels, resources, prerequisites) on top of a warm page's queries; a
# visitor's also reads the version twice (once for the stored page, once for
# the tree inside it).
REBUILD = 7
VISITOR_COLD = VISITOR_WARM + 1 + REBUILD
LEARNER_COLD = LEARNER_WARM + REBUILD


def _progress_everywhere(user, fraction):
    subtopics = list(Subtopic.objects.order_by("pk"))
    chosen = subtopics[: int(len(subtopics) * fraction)]
    Progress.objects.bulk_create(
        Progress(user=user, subtopic=s, status=("done", "learning", "skipped")[i % 3])
        for i, s in enumerate(chosen)
    )


@pytest.mark.parametrize("page", ["roadmap", "phase", "topic"], ids=["roadmap", "phase", "topic"])
def test_a_visitors_warm_page_costs_one_query(client, calculus, django_assert_num_queries, page):
    url = {
        "roadmap": ROADMAP,
        "phase": reverse("tracker:phase", args=[calculus.section.phase.slug]),
        "topic": topic_url(calculus),
    }[page]
    client.get(url)
    with django_assert_num_queries(VISITOR_WARM):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("fraction", [0, 0.5, 1])
def test_a_learners_warm_roadmap_costs_the_same_at_any_progress(
    learner_client, learner, roadmap, django_assert_num_queries, fraction
):
    _progress_everywhere(learner, fraction)
    learner_client.get(ROADMAP)
    with django_assert_num_queries(LEARNER_WARM):
        response = learner_client.get(ROADMAP)
    assert response.status_code == 200


# Home: the session with its user (as above), then on PostgreSQL the version, the rows with
# their times and the saved plan in one query; SQLite reads the rows' times
# through the ORM (its raw times are text) and the plan on its own.
HOME_WARM = SESSION_AND_USER + (1 if connection.vendor == "postgresql" else 3)
# A tick: the session with its user, then on PostgreSQL one statement that
# writes and reads back the version and the rows; SQLite writes, then reads.
TICK = SESSION_AND_USER + (1 if connection.vendor == "postgresql" else 2)


@pytest.mark.parametrize("fraction", [0, 0.5, 1])
@pytest.mark.parametrize("plan", [False, True], ids=["default-plan", "saved-plan"])
def test_home_costs_the_same_at_any_progress_with_or_without_a_plan(
    learner_client, learner, roadmap, django_assert_num_queries, fraction, plan
):
    _progress_everywhere(learner, fraction)
    if plan:
        learner_client.post(reverse("tracker:plan"), {"hours_per_week": "11", "start_date": ""})
    learner_client.get(reverse("tracker:home"))
    for _ in range(2):  # rendered once (no message left), then kept: the same reads
        with django_assert_num_queries(HOME_WARM):
            response = learner_client.get(reverse("tracker:home"))
        assert response.status_code == 200
    assert ("11 hours a week from" in response.content.decode()) is plan


def test_home_reads_the_plan_of_the_current_roadmap_after_a_change(
    learner_client, learner, roadmap, chain_rule
):
    learner_client.post(reverse("tracker:plan"), {"hours_per_week": "7", "start_date": ""})
    learner_client.get(reverse("tracker:home"))
    chain_rule.title = "Chain rule, changed"
    chain_rule.save()
    response = learner_client.get(reverse("tracker:home"))
    assert "7 hours a week from" in response.content.decode()


@pytest.mark.parametrize("fraction", [0, 0.5, 1])
@pytest.mark.parametrize("status", ["done", "pending"])
def test_a_tick_costs_the_same_at_any_progress(
    learner_client, learner, roadmap, django_assert_num_queries, fraction, status
):
    _progress_everywhere(learner, fraction)
    item = Subtopic.objects.order_by("-pk").first()
    learner_client.get(ROADMAP)
    url = reverse("tracker:mark_subtopic", args=[item.pk])
    with django_assert_num_queries(TICK):
        response = learner_client.post(url, {"status": status}, headers={"HX-Request": "true"})
    assert response.status_code == 200


def _grow(roadmap):
    """More of everything: a phase, sections, topics with items, resources, prerequisites."""
    phase = Phase.objects.create(roadmap=roadmap, order=99, slug="extra", title="Extra phase")
    first = Topic.objects.get(title="Calculus")
    for s in range(3):
        section = Section.objects.create(phase=phase, order=s, slug=f"s{s}", title=f"Extra {s}")
        for t in range(4):
            topic = Topic.objects.create(
                section=section, order=t, slug=f"t{t}", title=f"Extra topic {s}.{t}"
            )
            Subtopic.objects.bulk_create(
                Subtopic(topic=topic, order=i, slug=f"i{i}", title=f"Extra item {s}.{t}.{i}")
                for i in range(6)
            )
            Resource.objects.create(topic=topic, order=1, title="R", url=f"https://r.test/{s}{t}")
            topic.prerequisites.add(first)


@pytest.mark.parametrize("grown", [False, True], ids=["seed", "grown"])
@pytest.mark.parametrize("who", ["visitor", "learner"])
def test_the_first_request_after_a_change_costs_a_fixed_number_of_queries(
    client, learner, roadmap, chain_rule, django_assert_num_queries, grown, who
):
    if who == "learner":
        client.force_login(learner)
        _progress_everywhere(learner, 0.5)
    if grown:
        _grow(roadmap)
    client.get(ROADMAP)
    chain_rule.title = "Chain rule, changed"
    chain_rule.save()
    warm, cold = (VISITOR_WARM, VISITOR_COLD) if who == "visitor" else (LEARNER_WARM, LEARNER_COLD)
    with django_assert_num_queries(cold):
        response = client.get(ROADMAP)
    assert "Chain rule, changed" in item_titles(response)
    # And the next one is warm again.
    with django_assert_num_queries(warm):
        client.get(ROADMAP)


def test_a_change_costs_each_process_one_rebuild_not_one_per_page(
    client, learner, roadmap, chain_rule, calculus
):
    learner_client = signed_in(learner)
    chain_rule.save()
    with CaptureQueriesContext(connection) as first:
        client.get(ROADMAP)
    with CaptureQueriesContext(connection) as after:
        learner_client.get(ROADMAP)
        learner_client.get(topic_url(calculus))
        client.get(topic_url(calculus))
    # The learner's and the visitor's pages after the first all share its tree:
    # none of them reads the content again.
    assert len(first) == VISITOR_COLD
    content_tables = ("tracker_phase", "tracker_section", "tracker_topic", "tracker_subtopic")
    rereads = [
        q["sql"] for q in after.captured_queries if any(t in q["sql"] for t in content_tables)
    ]
    assert rereads == []
