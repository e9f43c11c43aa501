"""The import plan: which row each item keeps, and what applying it deletes.

Small roadmaps written inline, so each case shows the whole file it imports.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tracker.content.import_plan import plan_import
from tracker.content.importer import ProgressLossRefused, apply_plan, import_roadmap
from tracker.content.markdown import parse_roadmap
from tracker.models import Progress, Section, Subtopic, Topic

DONE = Progress.Status.DONE


def outline(sections):
    """A one-phase roadmap from {section: {topic: [item, ...]}}."""
    lines = ["# Tiny", "", "## Phase", "### Tagline"]
    for section, topics in sections.items():
        lines.append(f"#### {section}")
        for topic, items in topics.items():
            lines.append(f"- [ ] **{topic}**")
            lines.extend(f"  - {item}" for item in items)
    return parse_roadmap("\n".join(lines) + "\n")


BEFORE = {
    "Maths": {"Algebra": ["Vectors", "Matrices"], "Calculus": ["Limits", "Chain rule"]},
    "Theory": {"Losses": ["Hinge", "Triplet"]},
}


def item(title):
    return Subtopic.objects.get(title=title)


@pytest.fixture
def tiny(db):
    import_roadmap(outline(BEFORE))


def test_planning_reads_and_never_writes(tiny, learner):
    Progress.objects.create(user=learner, subtopic=item("Hinge"), status=DONE)
    after = {"Maths": {"Algebra": ["Vectors", "Chain rule"]}, "Theory": {"Losses": ["Focal"]}}

    with CaptureQueriesContext(connection) as queries:
        plan = plan_import(outline(after))

    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries)
    assert [(change.kind, change.title) for change in plan.added] == [("subtopic", "Focal")]
    assert [(change.title, change.where) for change in plan.moved] == [
        ("Chain rule", ("Phase", "Maths", "Algebra"))
    ]
    assert [(change.kind, change.title, change.learners) for change in plan.removed] == [
        ("subtopic", "Matrices", 0),
        ("topic", "Calculus", 0),
        ("subtopic", "Hinge", 1),
        ("subtopic", "Triplet", 0),
    ]
    assert plan.removes_progress


def test_a_removed_topic_counts_each_learner_once(tiny, learner, other_learner):
    for title, user in (("Hinge", learner), ("Triplet", learner), ("Triplet", other_learner)):
        Progress.objects.create(user=user, subtopic=item(title), status=DONE)

    plan = plan_import(outline({"Maths": BEFORE["Maths"]}))

    (removed,) = plan.removed
    assert (removed.kind, removed.title, removed.items) == ("section", "Theory", 2)
    assert (removed.learners, removed.progress_rows) == (2, 3)
    assert (plan.learners, plan.progress_rows) == (2, 3)


def test_an_item_moved_out_of_a_removed_topic_survives_its_delete(tiny, learner):
    chain_rule = item("Chain rule")
    Progress.objects.create(user=learner, subtopic=chain_rule, status=DONE)
    after = {"Maths": {"Algebra": ["Vectors", "Matrices", "Chain rule", "Limits"]}}

    import_roadmap(outline(after | {"Theory": BEFORE["Theory"]}))

    assert not Topic.objects.filter(title="Calculus").exists()
    assert item("Chain rule").pk == chain_rule.pk
    assert learner.progress.get().subtopic_id == chain_rule.pk


def test_a_topic_moved_out_of_a_removed_section_into_a_new_one_keeps_its_items(tiny, learner):
    hinge = item("Hinge")
    Progress.objects.create(user=learner, subtopic=hinge, status=DONE)

    plan = plan_import(outline({"Maths": BEFORE["Maths"], "Practice": BEFORE["Theory"]}))
    apply_plan(plan)

    assert item("Hinge").topic.section.title == "Practice"
    assert learner.progress.get().subtopic_id == hinge.pk
    assert [(change.kind, change.title) for change in plan.added] == [("section", "Practice")]
    assert [(change.kind, change.title) for change in plan.removed] == [("section", "Theory")]
    assert [(change.title, change.old_where) for change in plan.moved] == [
        ("Losses", ("Phase", "Theory"))
    ]


def test_a_title_two_rows_share_is_not_guessed_as_a_move(db, learner):
    before = {"Algebra": ["Vectors", "Projects"], "Calculus": ["Limits", "Projects"]}
    import_roadmap(outline({"Maths": before}))
    algebra_projects = Subtopic.objects.get(topic__title="Algebra", title="Projects")

    after = {"Algebra": ["Vectors"], "Calculus": ["Limits"], "Losses": ["Projects"]}
    plan = plan_import(outline({"Maths": after}))

    assert plan.moved == []
    assert algebra_projects in plan.removed_rows
    assert [change.title for change in plan.added] == ["Losses"]


def test_a_retitle_in_place_is_a_rename_only_when_the_words_carry_over(tiny):
    after = {
        "Maths": {"Algebra": ["Vectors and tensors", "Matrices"], "Calculus": ["Limits", "Rule"]},
        "Theory": BEFORE["Theory"],
    }

    plan = plan_import(outline(after))

    # "Chain rule" to "Rule" drops a word: the same item. "Vectors" to
    # "Vectors and tensors" adds words: the same item too.
    assert [(change.old_title, change.title) for change in plan.renamed] == [
        ("Vectors", "Vectors and tensors"),
        ("Chain rule", "Rule"),
    ]
    assert plan.removed == []


def test_a_moved_item_whose_slug_is_taken_there_gets_a_numbered_one(db, learner):
    import_roadmap(outline({"Maths": {"Algebra": ["Vectors", "Café"], "Calculus": ["Cafe"]}}))
    cafe = Subtopic.objects.get(title="Café")
    Progress.objects.create(user=learner, subtopic=cafe, status=DONE)

    import_roadmap(outline({"Maths": {"Algebra": ["Vectors"], "Calculus": ["Cafe", "Café"]}}))

    cafe.refresh_from_db()
    assert (cafe.topic.title, cafe.slug) == ("Calculus", "cafe-2")
    assert learner.progress.get().subtopic_id == cafe.pk


def test_a_moved_item_never_collides_with_a_row_the_import_removes(db):
    import_roadmap(outline({"Maths": {"Algebra": ["Vectors", "Café"], "Calculus": ["Cafe"]}}))

    import_roadmap(outline({"Maths": {"Algebra": ["Vectors"], "Calculus": ["Café"]}}))

    assert list(Subtopic.objects.filter(topic__title="Calculus").values_list("title", "slug")) == [
        ("Café", "cafe-2")
    ]


def test_progress_ticked_after_the_plan_was_read_is_not_deleted_silently(tiny, learner):
    after = {"Maths": BEFORE["Maths"], "Theory": {"Losses": ["Triplet"]}}
    plan = plan_import(outline(after))
    assert not plan.removes_progress
    Progress.objects.create(user=learner, subtopic=item("Hinge"), status=DONE)
    before = list(Subtopic.objects.values_list("pk", "title"))

    with pytest.raises(ProgressLossRefused, match="tracker.Progress"):
        apply_plan(plan)

    assert list(Subtopic.objects.values_list("pk", "title")) == before
    assert learner.progress.count() == 1


def test_a_renamed_section_keeps_its_row(tiny):
    theory = Section.objects.get(title="Theory")

    import_roadmap(outline({"Maths": BEFORE["Maths"], "Theory of Losses": BEFORE["Theory"]}))

    theory.refresh_from_db()
    assert (theory.title, theory.slug) == ("Theory of Losses", "theory")
