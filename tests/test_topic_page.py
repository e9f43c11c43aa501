"""A topic's guide: its own page, the roadmap's drawer, and ticking inside it."""

import pytest
from django.urls import reverse

from tests.helpers import (
    HTMX,
    accessible_name,
    document,
    element_by_id,
    find_all,
    find_one,
    first_element,
    item_control,
    make_user,
)
from tracker.models import Progress, Resource, Subtopic, Topic

DRAWER = {**HTMX, "HX-Target": "drawer-content"}


def topic_url(topic):
    section = topic.section
    return reverse("tracker:topic", args=[section.phase.slug, section.slug, topic.slug])


@pytest.fixture
def transformer(roadmap):
    return Topic.objects.select_related("section__phase").get(title="Transformer Architecture")


def test_a_visitor_reads_the_explanation_and_the_primary_sources(client, transformer):
    response = client.get(topic_url(transformer))
    assert response.status_code == 200
    html = response.content.decode()
    assert find_one(html, "h1").text == "Transformer Architecture"
    guide = find_one(html, "article", class_="topic-guide")
    explanation = guide.find_all("div", class_="guide-text")[0]
    assert len(explanation.text.split()) >= 120
    assert "Why it matters" in [h2.text for h2 in guide.find_all("h2")]
    paper = guide.find_one("a", href="https://arxiv.org/abs/1706.03762")
    assert paper.attrs["rel"] == "noopener noreferrer"
    kinds = [h3.text for h3 in guide.find_all("h3")]
    assert "Paper" in kinds
    assert "Official documentation" in kinds
    assert 'type="checkbox"' not in html  # nothing to tick signed out


def test_resources_are_grouped_by_kind_with_free_or_paid_shown(client, transformer):
    Resource.objects.create(
        topic=transformer,
        order=50,
        title="A paid book",
        url="https://example.org/b",
        kind="book",
        is_free=False,
    )
    html = client.get(topic_url(transformer)).content.decode()
    book = find_one(html, "a", href="https://example.org/b").parent
    assert book.find_one("span", class_="resource-cost").text == "paid"
    headings = [h3.text for h3 in find_all(html, "h3")]
    assert headings == sorted(set(headings), key=headings.index)  # each kind once
    kinds = [kind.label for kind in Resource.Kind]
    assert headings == sorted(headings, key=kinds.index)  # in the vocabulary's order


def test_each_subtopic_has_its_explanation_and_estimate(client, transformer):
    html = client.get(topic_url(transformer)).content.decode()
    for subtopic in transformer.subtopics.all():
        item = element_by_id(html, f"guide-subtopic-{subtopic.pk}")
        explanation = item.find_one("p", class_="subtopic-explanation").text
        assert subtopic.explanation in explanation
        assert f"About {subtopic.hours} hour" in explanation


def test_prerequisites_link_to_their_guides_and_say_whether_they_are_complete(
    learner_client, learner, transformer
):
    needed = list(transformer.prerequisites.select_related("section__phase"))
    assert needed
    for subtopic in needed[0].subtopics.all():
        Progress.objects.create(user=learner, subtopic=subtopic, status="done")
    html = learner_client.get(topic_url(transformer)).content.decode()
    items = find_one(html, "ul", class_="prerequisites").find_all("li")
    marks = {item.find_one("a").attrs["href"]: item.find_one("span").text for item in items}
    assert marks[topic_url(needed[0])] == "✓ complete"
    assert all(marks[topic_url(other)] == "not complete yet" for other in needed[1:])


def test_a_learner_has_all_four_states_on_each_item(learner_client, learner, transformer):
    subtopic = transformer.subtopics.first()
    Progress.objects.create(user=learner, subtopic=subtopic, status="learning")
    html = learner_client.get(topic_url(transformer)).content.decode()
    item = element_by_id(html, f"guide-subtopic-{subtopic.pk}")
    assert item.classes == {"subtopic", "status-learning"}
    # The checkbox sets done (or not started, unticked); the buttons name the item and a state.
    assert item.find_one("input", type="checkbox", name="done").attrs["value"] == str(subtopic.pk)
    values = {button.attrs["value"] for button in item.find_all("button", name="mark")}
    # Learning is pressed: pressing it again is "not started".
    assert values == {f"{subtopic.pk}:pending", f"{subtopic.pk}:skipped"}
    assert item_control(html, subtopic.pk, "learning", "guide-").attrs["aria-pressed"] == "true"
    page = document(html)
    for kind, name in (("learning", "Learning"), ("skip", "Skip")):
        control = item_control(page, subtopic.pk, kind, "guide-")
        assert accessible_name(page, control) == f"{name}: {subtopic.title}"


def test_ticking_in_the_guide_updates_the_outline_out_of_band(learner_client, transformer):
    subtopic = transformer.subtopics.first()
    response = learner_client.post(
        reverse("tracker:mark_subtopic", args=[subtopic.pk]),
        {"status": "done"},
        headers={**HTMX, "HX-Target": f"guide-subtopic-{subtopic.pk}"},
    )
    html = response.content.decode()
    item = first_element(html)
    assert (item.attrs["id"], item.classes) == (
        f"guide-subtopic-{subtopic.pk}",
        {"subtopic", "status-done"},
    )
    assert item.find_one("p", class_="subtopic-explanation")
    outline_item = element_by_id(html, f"subtopic-{subtopic.pk}")
    assert outline_item.attrs["hx-swap-oob"] == "true"
    assert "checked" in item_control(html, subtopic.pk, "tick").attrs
    for counter in (f"topic-{transformer.pk}-progress", "overall-progress"):
        assert element_by_id(html, counter).attrs["hx-swap-oob"] == "true"


def test_the_drawer_gets_the_guide_without_the_page_around_it(client, transformer):
    response = client.get(topic_url(transformer), headers=DRAWER)
    html = response.content.decode()
    assert "<html" not in html
    title = find_one(html, "h2", id="guide-title")
    assert (title.text, title.attrs["tabindex"]) == ("Transformer Architecture", "-1")
    page_link = find_one(html, "p", class_="drawer-page-link").find_one("a")
    assert page_link.attrs["href"] == topic_url(transformer)


def test_on_the_roadmap_a_topic_title_opens_its_guide(client, transformer):
    html = client.get(reverse("tracker:roadmap")).content.decode()
    link = element_by_id(html, f"topic-{transformer.pk}-title").find_one("a")
    assert link.attrs["href"] == topic_url(transformer)
    # static/js/drawer.js loads it into the drawer: one handler for every title.
    assert "opens-drawer" in link.classes
    assert element_by_id(html, "topic-drawer").tag == "dialog"


def test_estimates_roll_up_to_every_level(client, transformer):
    html = client.get(reverse("tracker:roadmap")).content.decode()
    hours = sum(s.hours for s in transformer.subtopics.all())
    topic = element_by_id(html, f"topic-{transformer.pk}")
    assert topic.find_one("p", class_="estimate").text == f"About {hours} hours"
    section = transformer.section
    section_hours = sum(s.hours for s in Subtopic.objects.filter(topic__section=section))
    header = element_by_id(html, f"section-{section.pk}").find_one(
        "header", class_="section-header"
    )
    assert header.find_one("p", class_="estimate").text == f"About {section_hours} hours"


def test_staff_text_with_a_script_comes_out_inert(client, transformer):
    transformer.explanation = (
        "<script>alert(1)</script> <img src=x onerror=alert(2)> "
        "[click](javascript:alert(3)) [ok](https://example.org)"
    )
    transformer.save()
    html = client.get(topic_url(transformer)).content.decode()
    text = find_all(html, "div", class_="guide-text")[0]
    assert text.find_all("script") == [] and text.find_all("img") == []
    assert [a.attrs["href"] for a in text.find_all("a")] == ["https://example.org"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_unknown_topic_is_404(client, transformer):
    url = reverse("tracker:topic", args=["no-phase", transformer.section.slug, transformer.slug])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("headers", [{}, DRAWER], ids=["page", "drawer"])
def test_queries_do_not_grow_with_resources_or_prerequisites(
    client, transformer, headers, django_assert_max_num_queries
):
    learner = make_user("counted")
    client.force_login(learner)
    with django_assert_max_num_queries(9) as few:
        client.get(topic_url(transformer), headers=headers)
    for number in range(20):
        Resource.objects.create(
            topic=transformer,
            order=100 + number,
            title=f"R{number}",
            url=f"https://example.org/{number}",
            kind="article",
        )
    transformer.prerequisites.add(*Topic.objects.exclude(pk=transformer.pk)[:15])
    Progress.objects.bulk_create(
        Progress(user=learner, subtopic=s, status="done") for s in Subtopic.objects.all()[:100]
    )
    client.get(topic_url(transformer), headers=headers)  # reads the edited content once
    with django_assert_max_num_queries(9) as many:
        html = client.get(topic_url(transformer), headers=headers).content.decode()
    assert len(many) == len(few)
    assert len(find_one(html, "ul", class_="prerequisites").find_all("li")) == 17
