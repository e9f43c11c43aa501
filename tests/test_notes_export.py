"""Notes and links travel with a learner's progress: exported, previewed, imported."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.helpers import find_one, make_user
from tests.test_progress_import import LINEAR_ALGEBRA, token_in, upload
from tracker.models import Link, Note, Topic

EXPORT_MD = reverse("tracker:export_markdown")
EXPORT_JSON = reverse("tracker:export_json")
CONFIRM = reverse("tracker:confirm_import")

# Markdown that would end a careless fence, headings and lists of its own.
TRICKY_NOTE = (
    "# My summary\n\nSelf-attention: every token looks at every other.\n\n"
    "```python\nscores = q @ k.T\n```\n\n\n\n- [ ] **Not a topic**\n  - [x] not an item\n"
    "\tA tab, and ```` four backticks\n## Not a phase"
)


@pytest.fixture
def transformer(roadmap):
    return Topic.objects.select_related("section__phase").get(title="Transformer Architecture")


@pytest.fixture
def algebra(roadmap):
    return Topic.objects.get(title="Linear Algebra")


def give_notes_and_links(learner, transformer, algebra):
    Note.objects.create(user=learner, topic=transformer, body=TRICKY_NOTE)
    Note.objects.create(user=learner, topic=algebra, body="Gilbert Strang's lectures")
    Link.objects.create(
        user=learner,
        topic=transformer,
        title="The [annotated] Transformer \\ notes",
        url="https://nlp.seas.harvard.edu/annotated-transformer/",
        kind="article",
    )
    Link.objects.create(
        user=learner,
        topic=transformer,
        title="Attention paper",
        url="https://arxiv.org/abs/1706.03762",
        kind="paper",
    )


def test_notes_and_links_round_trip_through_the_markdown_into_a_fresh_account(
    learner_client, learner, transformer, algebra
):
    give_notes_and_links(learner, transformer, algebra)
    exported = learner_client.get(EXPORT_MD).content
    assert b"```note" in exported and b"```links" in exported

    newcomer = Client()
    fresh = make_user("linus")
    newcomer.force_login(fresh)
    preview = upload(newcomer, exported)
    assert preview.status_code == 200
    notes = find_one(preview, "section", **{"aria-labelledby": "changes-notes"})
    assert "Transformer Architecture: a new note" in notes.text
    assert "Linear Algebra: a new note" in notes.text
    links = find_one(preview, "section", **{"aria-labelledby": "changes-links"})
    assert "Attention paper" in links.text
    assert not Note.objects.filter(user=fresh).exists()  # a preview writes nothing

    newcomer.post(CONFIRM, {"token": token_in(preview)})

    assert Note.objects.get(user=fresh, topic=transformer).body == TRICKY_NOTE
    assert Note.objects.get(user=fresh, topic=algebra).body == "Gilbert Strang's lectures"
    fields = ("topic_id", "title", "url", "kind")
    assert set(Link.objects.filter(user=fresh).values_list(*fields)) == set(
        Link.objects.filter(user=learner).values_list(*fields)
    )
    # And the note shows on the topic page of the new account.
    page = newcomer.get(
        reverse(
            "tracker:topic",
            args=[transformer.section.phase.slug, transformer.section.slug, transformer.slug],
        )
    )
    assert "<h1>My summary</h1>" in page.content.decode()


def test_importing_your_own_export_again_changes_nothing(
    learner_client, learner, transformer, algebra
):
    give_notes_and_links(learner, transformer, algebra)
    preview = upload(learner_client, learner_client.get(EXPORT_MD).content)
    html = preview.content.decode()
    assert "there is nothing to change" in html
    assert 'aria-labelledby="changes-notes"' not in html


def test_a_note_in_the_file_replaces_yours_and_the_preview_says_so(
    learner_client, learner, algebra
):
    Note.objects.create(user=learner, topic=algebra, body="Old thoughts", revision=3)
    other_topics_note = Note.objects.create(
        user=learner, topic=Topic.objects.get(title="Calculus"), body="Untouched"
    )
    text = LINEAR_ALGEBRA + "\n  ```note\n  New thoughts\n  ```\n"
    preview = upload(learner_client, text)
    assert "Linear Algebra: replaces your note" in preview.content.decode()
    learner_client.post(CONFIRM, {"token": token_in(preview)})
    note = Note.objects.get(user=learner, topic=algebra)
    # A new revision: a tab still open on the old text is told, not overwritten.
    assert (note.body, note.revision) == ("New thoughts", 4)
    other_topics_note.refresh_from_db()
    assert other_topics_note.body == "Untouched"


def test_bad_links_and_overlong_notes_in_a_file_are_warned_about_and_skipped(
    learner_client, learner, algebra
):
    too_long = "x" * 10_001
    text = LINEAR_ALGEBRA + (
        f"\n  ```note\n  {too_long}\n  ```\n\n  ```links\n"
        "  - [Evil](<javascript:alert(1)>) *(article)*\n"
        "  - [Strang](<https://ocw.mit.edu/courses/18-06-linear-algebra-spring-2010/>) *(course)*\n"
        "  - [Unknown kind](<https://example.org/>) *(podcast)*\n"
        "  just words\n  ```\n"
    )
    preview = upload(learner_client, text)
    html = preview.content.decode()
    assert "the note is longer than 10,000 characters" in html
    assert "&#x27;- [Evil](&lt;javascript:alert(1)&gt;) *(article)*&#x27; is not a link" in html
    assert "Unknown kind" in html and "just words" in html
    learner_client.post(CONFIRM, {"token": token_in(preview)})
    assert not Note.objects.exists()
    assert list(Link.objects.values_list("title", "kind")) == [("Strang", "course")]


def test_the_json_export_lists_notes_and_links_under_their_topic(
    learner_client, learner, transformer, algebra
):
    give_notes_and_links(learner, transformer, algebra)
    Note.objects.create(user=make_user("grace"), topic=algebra, body="Someone else's")
    data = json.loads(learner_client.get(EXPORT_JSON).content)
    assert [note["topic"] for note in data["notes"]] == [
        "Linear Algebra",
        "Transformer Architecture",
    ]
    transformer_note = data["notes"][1]
    assert transformer_note["body"] == TRICKY_NOTE
    assert transformer_note["path"] == [
        transformer.section.phase.slug,
        transformer.section.slug,
        transformer.slug,
    ]
    assert {link["url"]: link["kind"] for link in data["links"]} == {
        "https://nlp.seas.harvard.edu/annotated-transformer/": "article",
        "https://arxiv.org/abs/1706.03762": "paper",
    }


def test_an_export_with_notes_costs_the_same_queries_however_many(
    learner_client, learner, transformer, algebra, django_assert_num_queries
):
    learner_client.get(EXPORT_MD)
    with CaptureQueriesContext(connection) as few:
        learner_client.get(EXPORT_MD)
    give_notes_and_links(learner, transformer, algebra)
    for topic in Topic.objects.all()[:40]:
        Note.objects.update_or_create(user=learner, topic=topic, defaults={"body": "n"})
    with django_assert_num_queries(len(few.captured_queries)):
        learner_client.get(EXPORT_MD)
