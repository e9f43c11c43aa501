"""Downloading a learner's progress as the seed's Markdown and as JSON."""

import json
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tracker.content.markdown import parse_roadmap, read_roadmap_file
from tracker.content.mojibake import repair
from tracker.content.tree import default_tree
from tracker.models import Phase, Progress, Roadmap, Subtopic
from tracker.progress import export as progress_export
from tracker.progress.counting import Counts
from tracker.progress.importing import file_status

SEED_COPY = Path(__file__).resolve().parent.parent / "fixtures" / "ai_engineer_roadmap.md"
MARKDOWN = reverse("tracker:export_markdown")
JSON = reverse("tracker:export_json")
CYCLE = ["done", "learning", "skipped", None]


def all_subtopics():
    return list(
        Subtopic.objects.order_by(
            "topic__section__phase__order",
            "topic__section__order",
            "topic__order",
            "order",
        )
    )


def give_progress(user, subtopics, cycle=CYCLE):
    """Every fourth item done, learning, skipped or pending, in roadmap order."""
    rows = [
        Progress(user=user, subtopic=subtopic, status=cycle[index % len(cycle)])
        for index, subtopic in enumerate(subtopics)
        if cycle[index % len(cycle)]
    ]
    for row in rows:
        row.save()
    return {row.subtopic_id: row.status for row in rows}


def tree(parsed):
    return [
        (
            phase.title,
            [
                (section.title, [(t.title, [s.title for s in t.subtopics]) for t in section.topics])
                for section in phase.sections
            ],
        )
        for phase in parsed.phases
    ]


def statuses_in(markdown):
    """{(topic title, subtopic title): status} as the file states it."""
    parsed = parse_roadmap(markdown)
    return {
        (topic.title, subtopic.title): file_status(subtopic)
        for phase in parsed.phases
        for section in phase.sections
        for topic in section.topics
        for subtopic in topic.subtopics
    }


def test_the_markdown_shows_the_learners_ticks_and_notes(
    learner_client, learner, other_learner, roadmap
):
    linear_algebra = list(Subtopic.objects.filter(topic__title="Linear Algebra").order_by("order"))
    give_progress(learner, linear_algebra)
    Progress.objects.create(
        user=other_learner, subtopic=linear_algebra[3], status="done"
    )  # not the learner's

    text = learner_client.get(MARKDOWN).content.decode()

    assert "  - [x] Vectors and matrices\n" in text
    assert "  - [ ] Matrix operations *(learning)*\n" in text
    assert "  - [ ] Eigenvalues and eigenvectors *(skipped)*\n" in text
    assert "  - [ ] Principal Component Analysis (PCA)\n" in text


def test_every_subtopic_in_the_markdown_has_the_learners_status(
    learner_client, learner, other_learner, roadmap
):
    subtopics = all_subtopics()
    mine = give_progress(learner, subtopics)
    give_progress(other_learner, subtopics, cycle=[None, "done", "done", "learning", "skipped"])

    in_file = statuses_in(learner_client.get(MARKDOWN).content.decode())

    assert len(in_file) == 210
    for subtopic in subtopics:
        assert in_file[(subtopic.topic.title, subtopic.title)] == mine.get(subtopic.pk, "pending")


def test_a_topic_is_ticked_only_when_every_subtopic_is_done_or_skipped(
    learner_client, learner, roadmap
):
    calculus = list(Subtopic.objects.filter(topic__title="Calculus").order_by("order"))
    give_progress(learner, calculus, cycle=["done", "skipped"])
    give_progress(learner, Subtopic.objects.filter(topic__title="Linear Algebra"), cycle=["done"])
    Progress.objects.filter(user=learner, subtopic__title="Vectors and matrices").update(
        status="learning"
    )

    text = learner_client.get(MARKDOWN).content.decode()

    assert "- [x] **Calculus**\n" in text
    assert "- [ ] **Linear Algebra**\n" in text
    assert "- [ ] **Optimization**\n" in text


def test_the_markdown_is_a_utf8_attachment_named_after_the_learner(learner_client, roadmap):
    response = learner_client.get(MARKDOWN)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="complete-ai-engineer-roadmap-progress-ada.md"'
    )
    assert "no-store" in response["Cache-Control"]
    assert "### 🧠 Phase 1: Building Your Foundation" in response.content.decode("utf-8")


def test_the_markdown_says_whose_progress_when_and_how_far(learner_client, learner, roadmap):
    give_progress(learner, all_subtopics()[:105], cycle=["done", "skipped", "learning"])

    text = learner_client.get(MARKDOWN).content.decode()
    header = text.split("## Table of Contents")[0]

    assert header.startswith("# Complete AI Engineer Roadmap\n\nAn interactive guide")
    assert re.search(
        r"\*Progress of ada, exported \d{4}-\d\d-\d\d \d\d:\d\d UTC: 33% complete "
        r"\(35 done, 35 learning, 35 skipped of 210\)\.\*",
        header,
    )


def test_an_untouched_export_stripped_of_its_boxes_is_the_seeds_tree(learner_client, roadmap):
    text = learner_client.get(MARKDOWN).content.decode()
    seed = parse_roadmap(repair(read_roadmap_file(SEED_COPY)))

    stripped = re.sub(r"^(\s*- )\[[ x]\] ", r"\1", text, flags=re.MULTILINE)
    exported = parse_roadmap(stripped)

    assert "[x]" not in text
    assert tree(exported) == tree(seed)
    assert [(p.icon, p.tagline, p.intro) for p in exported.phases] == [
        (p.icon, p.tagline, p.intro) for p in seed.phases
    ]
    assert (exported.timeline, exported.duration) == (seed.timeline, seed.duration)


def test_the_last_phase_has_no_section_heading_like_the_seed(learner_client, roadmap):
    text = learner_client.get(MARKDOWN).content.decode()
    last_phase = text.split("## Final Goals & Career Outcomes\n")[1]

    assert last_phase.startswith(
        "### 📌 Becoming a Complete AI Engineer\n\n"
        "After completing this roadmap, you should be able to:\n\n"
        "- [ ] **Build & deploy AI models at scale**\n"
        "  - [ ] From prototype to production\n"
    )
    assert "####" not in last_phase
    assert text.endswith(
        "  - [ ] Consulting opportunities\n\n**Timeline**: This roadmap is designed to help you "
        "become a high-value AI Full-Stack Engineer within 6 months of dedicated learning and "
        "practice.\n"
    )


def test_titles_with_markdown_characters_survive_the_round_trip(learner, roadmap):
    subtopic = Subtopic.objects.get(title="Chain rule")
    subtopic.title = "*args, `kwargs` & [x] <b>_private_</b> &amp; C++"
    subtopic.save()
    Phase.objects.filter(order=1).update(intro="1. Start here\n\n# not a heading")
    Roadmap.objects.update(intro="- not a list")
    roadmap.refresh_from_db()

    text = progress_export.to_markdown(progress_export.snapshot(learner, default_tree()))
    parsed = parse_roadmap(text)

    titles = [s.title for s in parsed.phases[0].sections[0].topics[1].subtopics]
    assert titles[1] == subtopic.title
    assert parsed.phases[0].intro == "1. Start here\n\n# not a heading"
    assert parsed.intro.startswith("- not a list\n\nProgress of ada")


def test_the_json_lists_every_item_with_a_status_and_nothing_else(
    learner_client, learner, other_learner, roadmap
):
    subtopics = all_subtopics()
    mine = give_progress(learner, subtopics)
    give_progress(other_learner, subtopics, cycle=["done"])

    response = learner_client.get(JSON)
    data = json.loads(response.content)

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        'attachment; filename="complete-ai-engineer-roadmap-progress-ada.json"'
    )
    assert data["roadmap"] == "complete-ai-engineer-roadmap"
    assert data["title"] == "Complete AI Engineer Roadmap"
    assert data["username"] == "ada"
    assert data["exported_at"].endswith("+00:00")
    expected = Counts.of(mine.get(subtopic.pk) for subtopic in subtopics)
    assert data["summary"] == {
        "done": expected.done,
        "learning": expected.learning,
        "skipped": expected.skipped,
        "total": 210,
        "percent": expected.percent,
    }
    assert len(data["items"]) == len(mine) == 158
    by_subtopic = {tuple(item["path"]): item for item in data["items"]}
    for subtopic in subtopics:
        path = subtopic.natural_key()[1:]
        if subtopic.pk not in mine:
            assert path not in by_subtopic
            continue
        item = by_subtopic[path]
        assert item["status"] == mine[subtopic.pk]
        assert (item["topic"], item["subtopic"]) == (subtopic.topic.title, subtopic.title)
        assert (item["completed_at"] is None) == (item["status"] == "learning")


def test_the_json_gives_completion_times_in_iso_format(learner_client, learner, roadmap):
    row = Progress.objects.create(
        user=learner, subtopic=Subtopic.objects.get(title="Chain rule"), status="done"
    )

    item = json.loads(learner_client.get(JSON).content)["items"][0]

    assert item == {
        "phase": "Deep Learning Foundations",
        "section": "Mathematical Foundations",
        "topic": "Calculus",
        "subtopic": "Chain rule",
        "path": ["deep-learning-foundations", "mathematical-foundations", "calculus", "chain-rule"],
        "status": "done",
        "completed_at": row.completed_at.isoformat(),
    }


@pytest.mark.parametrize("url", [MARKDOWN, JSON])
def test_exports_send_visitors_to_sign_in(url, roadmap):
    response = Client().get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("url", [MARKDOWN, JSON])
def test_exports_refuse_other_methods(url, learner_client, roadmap):
    assert learner_client.post(url).status_code == 405
    assert learner_client.delete(url).status_code == 405


@pytest.mark.parametrize("url", [MARKDOWN, JSON])
def test_an_export_costs_the_same_queries_whatever_the_progress(
    url, learner_client, learner, roadmap
):
    with CaptureQueriesContext(connection) as empty:
        assert learner_client.get(url).status_code == 200
    give_progress(learner, all_subtopics(), cycle=["done", "skipped", "learning"])
    with CaptureQueriesContext(connection) as full:
        assert learner_client.get(url).status_code == 200

    assert Progress.objects.filter(user=learner).count() == 210
    assert len(empty) == len(full) <= 9
