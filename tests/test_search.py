"""Search and filters on the roadmap page (tracker/progress/search.py, tracker.views.pages.roadmap).

Run on SQLite (a contains match) and on PostgreSQL (full-text search with
ranking) alike: every expectation here holds on both.
"""

import re

import pytest
from django.db import connection
from django.urls import reverse

from tests.helpers import HTMX, element_by_id, find_all, make_user, subtopic_items, tick, wsgi
from tracker.models import Progress, Subtopic, Topic
from tracker.progress import search
from tracker.progress.models import Note

ROADMAP = reverse("tracker:roadmap")
IN_PLACE = {**HTMX, "HX-Target": "search-results"}
# A word in no content: only a note can hold it.
NOTE_WORD = "zanzibar"


def topic_titles(response):
    return [heading.text for heading in find_all(response, "h4", id=re.compile(r"topic-\d+-title"))]


def item_pks(response):
    return {int(item.attrs["id"].removeprefix("subtopic-")) for item in subtopic_items(response)}


def count_text(response):
    return element_by_id(response, "search-count").text


def pks(topic_title):
    return {s.pk for s in Subtopic.objects.filter(topic__title=topic_title)}


@pytest.fixture
def transformers(roadmap):
    return Topic.objects.get(title="Transformer Architecture")


# What matches


def test_attention_finds_transformer_architecture_with_all_its_items(client, transformers):
    response = client.get(ROADMAP, {"q": "attention"})

    assert response.status_code == 200
    assert "Transformer Architecture" in topic_titles(response)
    # Matched by its own explanation, the topic shows every item, even one
    # whose own words never say "attention".
    assert "attention" not in Subtopic.objects.get(title="Positional encoding").title.lower()
    assert pks("Transformer Architecture") <= item_pks(response)
    # Not everything: a topic that never mentions attention is left out.
    assert "Calculus" not in topic_titles(response)
    assert len(subtopic_items(response)) < Subtopic.objects.count()


def test_an_item_matched_by_its_own_title_shows_alone_under_its_topic(client, roadmap):
    chroma = Subtopic.objects.get(title="ChromaDB")

    response = client.get(ROADMAP, {"q": "chromadb"})

    assert topic_titles(response) == [chroma.topic.title]
    assert item_pks(response) == {chroma.pk}
    assert count_text(response) == "1 item in 1 topic matches “chromadb”."


def test_a_topics_title_links_to_its_guide_which_the_drawer_opens(client, transformers):
    response = client.get(ROADMAP, {"q": "attention"})

    link = element_by_id(response, f"topic-{transformers.pk}-title").find_one("a")
    assert link.attrs["href"] == reverse(
        "tracker:topic",
        args=[transformers.section.phase.slug, transformers.section.slug, transformers.slug],
    )
    assert "opens-drawer" in link.classes
    # Under its phase and section headings.
    phase = element_by_id(response, f"phase-{transformers.section.phase.pk}-title")
    section = element_by_id(response, f"section-{transformers.section.pk}-title")
    assert phase.text == transformers.section.phase.title
    assert section.text == transformers.section.title


def test_a_topic_edited_in_the_admin_is_found_by_its_new_words_at_once(client, transformers):
    # On PostgreSQL its words are stored parsed (a generated column): it follows the row.
    transformers.description = "Where the qwertyuiop trick lives."
    transformers.save()
    response = client.get(ROADMAP, {"q": "qwertyuiop"})
    assert topic_titles(response) == ["Transformer Architecture"]


def test_nothing_found_says_so(client, roadmap):
    response = client.get(ROADMAP, {"q": "qwertyuiop"})

    assert response.status_code == 200
    assert subtopic_items(response) == []
    assert count_text(response) == "No items match “qwertyuiop”."


def test_the_count_is_a_polite_live_region_with_the_numbers_shown(client, roadmap):
    response = client.get(ROADMAP, {"q": "attention"})

    count = element_by_id(response, "search-count")
    assert count.attrs["role"] == "status"
    topics = len(topic_titles(response))
    items = len(subtopic_items(response))
    assert count.text == f"{items} items in {topics} topics match “attention”."


def test_without_a_search_the_page_is_the_whole_outline_with_an_empty_count(client, roadmap):
    for query in ({}, {"q": ""}, {"q": "  ", "show": "everything"}):
        response = client.get(ROADMAP, query)
        assert len(subtopic_items(response)) == 210
        assert count_text(response) == ""
        assert element_by_id(response, "toc-title")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranking is PostgreSQL's")
def test_on_postgresql_the_best_match_comes_first(client, roadmap):
    # The topic named for it ranks above those that only mention it.
    response = client.get(ROADMAP, {"q": "attention"})
    assert topic_titles(response)[0] == "Attention Mechanisms"
    ranks = search.find("attention")
    attention = Topic.objects.get(title="Attention Mechanisms")
    assert ranks[("topic", attention.pk)] == max(
        rank for (kind, _), rank in ranks.items() if kind == "topic"
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's contains match")
def test_on_sqlite_results_keep_the_roadmap_order(client, roadmap):
    shown = topic_titles(client.get(ROADMAP, {"q": "attention"}))
    in_roadmap = Topic.objects.order_by("section__phase__order", "section__order", "order")
    assert shown == [topic.title for topic in in_roadmap if topic.title in shown]
    assert len(shown) > 1


# Notes: one's own, never anyone else's


def test_a_learner_finds_a_topic_by_their_own_note(learner_client, learner, transformers):
    Note.objects.create(user=learner, topic=transformers, body=f"Revise this in {NOTE_WORD}.")

    response = learner_client.get(ROADMAP, {"q": NOTE_WORD})

    assert topic_titles(response) == ["Transformer Architecture"]
    assert item_pks(response) == pks("Transformer Architecture")


def test_no_one_finds_a_topic_by_another_learners_note(
    client, learner, other_learner, transformers
):
    Note.objects.create(user=other_learner, topic=transformers, body=f"Notes from {NOTE_WORD}.")

    for viewer in (learner, None):
        client.logout()
        if viewer:
            client.force_login(viewer)
        response = client.get(ROADMAP, {"q": NOTE_WORD})
        assert response.status_code == 200
        assert subtopic_items(response) == []
    assert search.find(NOTE_WORD) == {}
    assert search.find(NOTE_WORD, learner) == {}
    assert set(search.find(NOTE_WORD, other_learner)) == {("topic", transformers.pk)}


def test_a_note_written_since_the_same_search_shows_at_once(learner_client, learner, transformers):
    # The learner's page is kept whole (page_memo): what the search found is
    # part of its key, so a new note is not hidden behind the kept page.
    assert subtopic_items(learner_client.get(ROADMAP, {"q": NOTE_WORD})) == []
    Note.objects.create(user=learner, topic=transformers, body=NOTE_WORD)
    assert topic_titles(learner_client.get(ROADMAP, {"q": NOTE_WORD})) == [transformers.title]


# Filters


@pytest.fixture
def marked(learner, roadmap):
    """Calculus's items: the first done, the second learning, the third
    skipped, the rest not started."""
    items = list(Topic.objects.get(title="Calculus").subtopics.order_by("order"))
    for item, status in zip(items, ("done", "learning", "skipped"), strict=False):
        Progress.objects.create(user=learner, subtopic=item, status=status)
    return items


@pytest.mark.parametrize(
    ("show", "kept"),
    [
        ("hide-completed", {"learning", "pending"}),
        ("learning", {"learning"}),
        ("not-started", {"pending"}),
        ("everything", {"done", "learning", "skipped", "pending"}),
    ],
)
def test_a_filter_shows_only_the_items_in_its_states(learner_client, marked, show, kept):
    response = learner_client.get(ROADMAP, {"q": "calculus", "show": show})

    shown = {item.pk for item in marked} & item_pks(response)
    statuses = {item.pk: _status_of(item) for item in marked}
    assert shown == {pk for pk, status in statuses.items() if status in kept}


def _status_of(item):
    row = Progress.objects.filter(subtopic=item).first()
    return row.status if row else "pending"


def test_a_filter_alone_covers_the_whole_roadmap(learner_client, marked):
    response = learner_client.get(ROADMAP, {"show": "learning"})
    assert item_pks(response) == {marked[1].pk}
    assert count_text(response) == "1 item in 1 topic shown (only learning)."

    response = learner_client.get(ROADMAP, {"show": "hide-completed"})
    assert item_pks(response) == {s.pk for s in Subtopic.objects.all()} - {
        marked[0].pk,
        marked[2].pk,
    }


def test_hide_completed_drops_a_topic_with_nothing_left(learner_client, learner, transformers):
    Progress.objects.bulk_create(
        Progress(user=learner, subtopic=item, status="done")
        for item in transformers.subtopics.all()
    )
    response = learner_client.get(ROADMAP, {"q": "attention", "show": "hide-completed"})
    assert "Transformer Architecture" not in topic_titles(response)
    assert "Attention Mechanisms" in topic_titles(response)


def test_a_visitor_gets_the_search_box_but_no_filters(client, roadmap):
    response = client.get(ROADMAP)
    form = find_all(response, "form", role="search")[0]
    assert form.find_one("input", type="search", name="q")
    assert form.find_all("input", name="show") == []
    # A learner's bookmarked filter shows a visitor the whole outline.
    response = client.get(ROADMAP, {"show": "learning"})
    assert len(subtopic_items(response)) == 210
    assert element_by_id(response, "toc-title")
    assert count_text(response) == ""
    # With words, only those count.
    response = client.get(ROADMAP, {"q": "chromadb", "show": "learning"})
    assert count_text(response) == "1 item in 1 topic matches “chromadb”."


def test_a_learner_gets_the_filters_as_one_labelled_radio_group(learner_client, marked):
    response = learner_client.get(ROADMAP, {"show": "not-started"})
    group = element_by_id(response, "search-show")
    assert group.tag == "fieldset"
    assert group.find_one("legend").text == "Show"
    radios = group.find_all("input", type="radio", name="show")
    assert [radio.attrs["value"] for radio in radios] == [v for v, _ in search.SHOW_CHOICES]
    assert [radio.attrs["value"] for radio in radios if "checked" in radio.attrs] == ["not-started"]
    # Every radio is named by its label.
    assert all(radio.parent.tag == "label" and radio.parent.text for radio in radios)


# The results tick like the outline


def test_results_items_are_the_outlines_own_in_the_one_marks_form(learner_client, marked):
    outline = learner_client.get(ROADMAP)
    results = learner_client.get(ROADMAP, {"q": "calculus"})

    form = find_all(results, "form", class_="marks")[0]
    for item in marked:
        in_results = element_by_id(results, f"subtopic-{item.pk}")
        in_outline = element_by_id(outline, f"subtopic-{item.pk}")
        assert in_results.classes == in_outline.classes
        assert in_results.find_one("input").attrs == in_outline.find_one("input").attrs
        assert item_pks(form) >= {item.pk}
    # The topic's and levels' counters are there, for a tick's answer to update.
    topic = marked[0].topic
    for level in (f"topic-{topic.pk}", f"section-{topic.section.pk}"):
        assert element_by_id(results, f"{level}-progress")


def test_ticking_in_results_without_javascript_comes_back_to_the_results(learner_client, marked):
    results = learner_client.get(ROADMAP, {"q": "calculus", "show": "not-started"})
    form = find_all(results, "form", class_="marks")[0]
    back = form.find_one("input", name="next").attrs["value"]
    assert back == f"{ROADMAP}?q=calculus&show=not-started"

    topic = marked[0].topic
    response = learner_client.post(
        reverse("tracker:mark"), {"mark_topic": f"{topic.pk}:done", "next": back}
    )
    assert response.status_code == 302
    assert response.url == f"{back}#topic-{topic.pk}"


# In place, with htmx


def test_htmx_gets_the_results_region_and_the_count_out_of_band(learner_client, marked):
    response = learner_client.get(ROADMAP, {"q": "calculus", "show": "learning"}, headers=IN_PLACE)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "search-q" not in html
    count = element_by_id(response, "search-count")
    assert count.attrs["hx-swap-oob"] == "innerHTML"
    assert count.text == "1 item in 1 topic matches “calculus” (only learning)."
    assert item_pks(response) == {marked[1].pk}
    assert find_all(response, "form", class_="marks")


def test_htmx_without_a_search_gets_the_whole_outline_back(learner_client, roadmap):
    response = learner_client.get(ROADMAP, {"q": ""}, headers=IN_PLACE)
    assert len(subtopic_items(response)) == 210
    assert element_by_id(response, "search-count").text == ""
    assert "<html" not in response.content.decode()


def test_the_form_works_without_javascript_and_with_htmx(client, roadmap):
    form = find_all(client.get(ROADMAP), "form", role="search")[0]
    # A plain GET to the page itself, so the address holds the search.
    assert form.attrs["action"] == ROADMAP
    assert form.attrs.get("method", "get").lower() == "get"
    assert form.find_one("label", for_="search-q")
    assert form.find_one("button", type="submit")
    assert form.attrs["hx-get"] == ROADMAP
    assert form.attrs["hx-target"] == "#search-results"
    assert form.attrs["hx-push-url"] == "true"
    assert "submit" in form.attrs["hx-trigger"]


# Bad input


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"q": "x" * (search.MAX_QUERY_CHARS + 1)}, "at most 200 characters"),
        ({"show": "done-only"}, "Show one of: everything, hide completed"),
        ({"q": "attention", "show": ""}, None),
    ],
)
@pytest.mark.parametrize("who", ["visitor", "learner"])
def test_a_malformed_search_is_a_400_that_says_why(client, roadmap, who, query, message):
    if who == "learner":
        client.force_login(make_user("ada"))
    response = client.get(ROADMAP, query)
    if message is None:
        assert response.status_code == 200
        return
    assert response.status_code == 400
    errors = element_by_id(response, "search-errors")
    assert message in errors.text
    assert subtopic_items(response) == []
    # The form is there to correct it.
    assert find_all(response, "form", role="search")


def test_a_huge_search_through_the_wire_is_a_400_not_echoed_whole(roadmap):
    status, _, body = wsgi("GET", "/", query="q=" + "a" * 300_000)
    assert status == 400
    assert len(body) < 200_000


# Caches and budgets


def test_a_visitors_stored_page_is_never_served_for_a_search(client, roadmap):
    assert len(subtopic_items(client.get(ROADMAP))) == 210  # stored for visitors

    response = client.get(ROADMAP, {"q": "chromadb"})

    assert len(subtopic_items(response)) == 1
    assert len(subtopic_items(client.get(ROADMAP))) == 210


@pytest.mark.parametrize("words", ["attention", "a", "qwertyuiop"])
def test_a_search_costs_one_query_whatever_it_finds(
    learner_client, learner, roadmap, django_assert_num_queries, words
):
    tick(learner, 105)
    Note.objects.create(user=learner, topic=Topic.objects.first(), body="a note")
    # The session with its user, the version with the learner's rows, the search.
    with django_assert_num_queries(3):
        response = learner_client.get(ROADMAP, {"q": words, "show": "hide-completed"})
    assert response.status_code == 200


def test_a_filter_alone_costs_no_query(learner_client, learner, roadmap, django_assert_num_queries):
    tick(learner, 105)
    with django_assert_num_queries(2):
        response = learner_client.get(ROADMAP, {"show": "not-started"})
    assert len(subtopic_items(response)) == 105


def test_a_visitors_search_costs_the_version_and_the_search(
    client, roadmap, django_assert_num_queries
):
    with django_assert_num_queries(2):
        response = client.get(ROADMAP, {"q": "attention"})
    assert response.status_code == 200
