"""A learner's private notes and links on a topic: saving, conflicts, limits, privacy."""

import pytest
from django.urls import reverse

from tests.helpers import HTMX, make_user
from tracker.models import Link, Note, Topic
from tracker.progress import notes
from tracker.progress.models import LINKS_PER_TOPIC, NOTE_MAX_CHARS

DRAWER = {**HTMX, "HX-Target": "drawer-content"}


@pytest.fixture
def transformer(roadmap):
    return Topic.objects.select_related("section__phase").get(title="Transformer Architecture")


def topic_url(topic):
    section = topic.section
    return reverse("tracker:topic", args=[section.phase.slug, section.slug, topic.slug])


def save(client, topic, body, revision, headers=None, **extra):
    url = reverse("tracker:save_note", args=[topic.pk])
    return client.post(url, {"body": body, "revision": revision, **extra}, headers=headers or {})


def test_a_note_saved_without_javascript_is_on_the_topic_page_rendered(
    learner_client, learner, transformer
):
    response = save(learner_client, transformer, "Read **Attention Is All You Need**.", 0)
    assert response.status_code == 302
    assert response["Location"] == f"{topic_url(transformer)}#note-{transformer.pk}"
    note = Note.objects.get(user=learner, topic=transformer)
    assert (note.body, note.revision) == ("Read **Attention Is All You Need**.", 1)
    page = learner_client.get(topic_url(transformer)).content.decode()
    assert "<strong>Attention Is All You Need</strong>" in page
    assert 'name="revision" value="1"' in page
    # The box holds the text as written, escaped.
    assert "Read **Attention Is All You Need**.</textarea>" in page


def test_an_htmx_save_answers_with_the_state_and_an_announcement(
    learner_client, learner, transformer
):
    response = save(learner_client, transformer, "First thoughts", 0, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="revision" value="1"' in html
    assert "Saved at" in html
    assert "<p>First thoughts</p>" in html
    assert 'id="progress-announcer" hx-swap-oob="innerHTML"' in html
    assert "Notes on Transformer Architecture saved." in html
    # The box itself is not in the answer: the learner's caret stays where it is.
    assert "<textarea" not in html


def test_a_second_tab_saving_an_old_revision_sees_both_versions_and_nothing_is_lost(
    learner_client, learner, transformer
):
    save(learner_client, transformer, "Tab one, first", 0)
    save(learner_client, transformer, "Tab one, second", 1)
    # A tab opened when the note was at revision 1 now saves.
    response = save(learner_client, transformer, "Tab two's text", 1, headers=HTMX)
    assert response.status_code == 409
    assert response["HX-Retarget"] == f"#note-{transformer.pk}"
    html = response.content.decode()
    assert "changed in another tab" in html
    assert "<p>Tab one, second</p>" in html  # the saved version, shown
    assert "Tab two's text</textarea>" in html.replace("&#x27;", "'")  # and theirs, kept
    assert 'name="revision" value="2"' in html
    assert Note.objects.get(user=learner, topic=transformer).body == "Tab one, second"
    # Only an explicit save writes now; it replaces the saved version.
    assert 'hx-trigger="submit"' in html
    response = save(learner_client, transformer, "Tab two's text", 2, HTMX, after_conflict="1")
    assert response.status_code == 200
    assert "changed in another tab" not in response.content.decode()
    assert Note.objects.get(user=learner, topic=transformer).body == "Tab two's text"


def test_a_conflict_without_javascript_shows_the_page_with_both(
    learner_client, learner, transformer
):
    save(learner_client, transformer, "Saved first", 0)
    response = save(learner_client, transformer, "Written meanwhile", 0)
    assert response.status_code == 409
    html = response.content.decode()
    assert "<h1" in html and "changed in another tab" in html
    assert "<p>Saved first</p>" in html and "Written meanwhile</textarea>" in html


def test_saving_the_stored_text_again_is_no_conflict_and_no_new_revision(
    learner_client, learner, transformer
):
    save(learner_client, transformer, "Same", 0)
    # Ctrl+Enter, then leaving the box: the same text from the same old revision.
    assert save(learner_client, transformer, "Same", 0, headers=HTMX).status_code == 200
    assert Note.objects.get(user=learner, topic=transformer).revision == 1


def test_an_emptied_note_is_deleted(learner_client, learner, transformer):
    save(learner_client, transformer, "Temporary", 0)
    response = save(learner_client, transformer, "  \r\n ", 1, headers=HTMX)
    assert response.status_code == 200
    assert "Notes on Transformer Architecture deleted." in response.content.decode()
    assert not Note.objects.filter(user=learner).exists()


def test_a_note_over_the_limit_is_refused_with_the_text_kept(learner_client, learner, transformer):
    body = "x" * (NOTE_MAX_CHARS + 1)
    response = save(learner_client, transformer, body, 0, headers=HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        f"Your note is {NOTE_MAX_CHARS + 1} characters long; the limit is {NOTE_MAX_CHARS}" in html
    )
    assert f"{body}</textarea>" in html
    assert 'aria-invalid="true"' in html
    assert not Note.objects.exists()
    # Without JavaScript: the page again, with the same message.
    response = save(learner_client, transformer, body, 0)
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [{"body": "x", "revision": "abc"}, {"body": "x"}, {"body": "x", "revision": "-1"}],
    ids=["not a number", "missing", "negative"],
)
def test_a_bad_revision_is_a_400(learner_client, transformer, data):
    response = learner_client.post(reverse("tracker:save_note", args=[transformer.pk]), data)
    assert response.status_code == 400
    assert not Note.objects.exists()


def test_a_note_on_an_unknown_topic_is_a_404(learner_client, roadmap):
    response = learner_client.post(reverse("tracker:save_note", args=[999999]), {"revision": 0})
    assert response.status_code == 404


def test_a_visitor_cannot_save_notes(client, transformer):
    response = save(client, transformer, "Anonymous", 0)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not Note.objects.exists()


def test_notes_are_private_to_their_writer(client, learner, transformer):
    Note.objects.create(user=learner, topic=transformer, body="Ada's secret plan")
    other = make_user("grace")
    client.force_login(other)
    for headers in ({}, DRAWER):
        assert (
            "Ada's secret plan"
            not in client.get(topic_url(transformer), headers=headers).content.decode()
        )
    assert "Ada&#x27;s secret plan" not in client.get(reverse("tracker:roadmap")).content.decode()
    # Grace's save starts her own note; Ada's is untouched.
    save(client, transformer, "Grace's", 0)
    assert Note.objects.get(user=learner).body == "Ada's secret plan"
    client.logout()
    assert "secret plan" not in client.get(topic_url(transformer)).content.decode()


def test_the_public_page_never_shows_notes_or_their_marker(client, learner, transformer):
    from accounts.models import Profile

    Profile.objects.create(user=learner, is_public=True)
    Note.objects.create(user=learner, topic=transformer, body="Private thoughts")
    html = client.get(reverse("accounts:public", args=[learner.username])).content.decode()
    assert "Private thoughts" not in html
    assert "note-mark" not in html


def test_the_outline_marks_topics_with_notes_and_only_those(learner_client, learner, transformer):
    roadmap_url = reverse("tracker:roadmap")
    assert "note-mark" not in learner_client.get(roadmap_url).content.decode()
    save(learner_client, transformer, "Something", 0)
    html = learner_client.get(roadmap_url).content.decode()
    assert html.count('class="note-mark"') == 1
    article = html[html.index(f'id="topic-{transformer.pk}"') :]
    assert article.index("note-mark") < article.index("</article>")
    # Deleting the note takes the marker away (the kept page is not served again).
    save(learner_client, transformer, "", 1)
    assert "note-mark" not in learner_client.get(roadmap_url).content.decode()


def test_marking_a_whole_topic_keeps_its_note_marker(learner_client, learner, transformer):
    Note.objects.create(user=learner, topic=transformer, body="Kept")
    response = learner_client.post(
        reverse("tracker:mark"), {"mark_topic": f"{transformer.pk}:done"}, headers=HTMX
    )
    assert 'class="note-mark"' in response.content.decode()


def test_user_text_in_a_note_is_escaped(learner_client, transformer):
    save(learner_client, transformer, "<script>alert(1)</script> [x](javascript:alert(1))", 0)
    html = learner_client.get(topic_url(transformer)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert 'href="javascript:' not in html


def test_the_topic_page_reads_notes_and_links_in_one_query_however_many(
    learner_client, learner, transformer, django_assert_num_queries, memory_cache
):
    learner_client.get(topic_url(transformer))  # the tree, read once
    with django_assert_num_queries(3) as few:
        learner_client.get(topic_url(transformer))
    Note.objects.create(user=learner, topic=transformer, body="A note")
    for number in range(LINKS_PER_TOPIC):
        Link.objects.create(
            user=learner, topic=transformer, title=f"L{number}", url=f"https://example.org/{number}"
        )
    with django_assert_num_queries(len(few.captured_queries)):
        html = learner_client.get(topic_url(transformer)).content.decode()
    assert html.count("· yours") == LINKS_PER_TOPIC


def add_link(client, topic, headers=None, **data):
    values = {
        "title": "The Illustrated Transformer",
        "url": "https://example.org/t",
        "kind": "article",
    }
    return client.post(
        reverse("tracker:add_link", args=[topic.pk]), {**values, **data}, headers=headers or {}
    )


def test_a_learner_adds_and_removes_their_own_link(learner_client, learner, transformer):
    response = add_link(learner_client, transformer)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#links-{transformer.pk}")
    html = learner_client.get(topic_url(transformer)).content.decode()
    assert (
        '<a href="https://example.org/t" rel="noopener noreferrer">The Illustrated Transformer</a>'
        in html
    )
    assert "Article · yours" in html
    link = Link.objects.get(user=learner)
    response = learner_client.post(
        reverse("tracker:delete_link", args=[transformer.pk, link.pk]), headers=HTMX
    )
    assert response.status_code == 200
    assert "The Illustrated Transformer" not in response.content.decode()
    assert not Link.objects.exists()


def test_another_learners_link_cannot_be_removed(client, learner, transformer):
    link = Link.objects.create(
        user=learner, topic=transformer, title="Mine", url="https://example.org/"
    )
    client.force_login(make_user("grace"))
    response = client.post(reverse("tracker:delete_link", args=[transformer.pk, link.pk]))
    assert response.status_code == 404
    assert Link.objects.filter(pk=link.pk).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "javascript:alert(1)"}, "Enter a web address starting with http:// or https://."),
        (
            {"url": "ftp://example.org/file"},
            "Enter a web address starting with http:// or https://.",
        ),
        ({"title": ""}, "This field is required."),
        ({"kind": "podcast"}, "Select a valid choice."),
        ({"title": "t" * 201}, "at most 200 characters"),
    ],
    ids=["javascript", "ftp", "no title", "unknown kind", "long title"],
)
def test_a_bad_link_is_refused_with_a_message(learner_client, transformer, data, message):
    for headers in ({}, HTMX):
        response = add_link(learner_client, transformer, headers=headers, **data)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not Link.objects.exists()


def test_a_topic_holds_a_limited_number_of_links(learner_client, learner, transformer):
    for number in range(LINKS_PER_TOPIC):
        notes.add_link(
            learner, transformer.pk, f"L{number}", f"https://example.org/{number}", "article"
        )
    response = add_link(learner_client, transformer, headers=HTMX)
    assert response.status_code == 400
    assert f"holds {LINKS_PER_TOPIC} links of yours at most" in response.content.decode()
    # The same address again updates its link rather than adding one.
    response = add_link(
        learner_client, transformer, headers=HTMX, url="https://example.org/3", title="Three"
    )
    assert response.status_code == 200
    assert Link.objects.get(user=learner, url="https://example.org/3").title == "Three"
