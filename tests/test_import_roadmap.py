"""`manage.py import_roadmap`: the seed goes in whole, and re-imports update in place."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tracker.content import importer
from tracker.content.markdown import RoadmapFormatError, parse_roadmap
from tracker.content.versioning import current as content_version
from tracker.models import Phase, Progress, Resource, Roadmap, Section, Subtopic, Topic

SEED_COPY = Path(settings.BASE_DIR) / "fixtures" / "ai_engineer_roadmap.md"
CONTENT_AND_PROGRESS = (Roadmap, Phase, Section, Topic, Subtopic, Progress)
DONE, LEARNING, SKIPPED = Progress.Status.DONE, Progress.Status.LEARNING, Progress.Status.SKIPPED
MOJIBAKE = ("\uf8ff", "üß", "üî", "üñ", "¬∑", "‚Ä", "‚ö", "Ô∏")


def run_import(path, *options):
    out = StringIO()
    call_command("import_roadmap", str(path), *options, stdout=out)
    return out.getvalue()


def snapshot():
    """Every row's primary key and values: equal snapshots mean nothing changed."""
    return {
        model.__name__: list(model.objects.order_by("pk").values_list())
        for model in CONTENT_AND_PROGRESS
    }


def edited_seed(tmp_path, *replacements):
    text = SEED_COPY.read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "edited.md"
    path.write_text(text, encoding="utf-8")
    return path


def subtopic(topic_title, title):
    return Subtopic.objects.get(topic__title=topic_title, title=title)


def mark(subtopic, *marks):
    """Give each (learner, status) in `marks` a Progress row on `subtopic`."""
    for user, status in marks:
        Progress.objects.create(user=user, subtopic=subtopic, status=status)


def statuses(subtopic):
    return dict(subtopic.progress.values_list("user__username", "status"))


@pytest.fixture
def imported(db):
    run_import(SEED_COPY)


@pytest.mark.django_db
def test_it_imports_every_level_of_the_seed():
    output = run_import(SEED_COPY)

    assert Roadmap.objects.count() == 1
    assert Phase.objects.count() == 6
    assert Section.objects.count() == 20
    assert Topic.objects.count() == 55
    assert Subtopic.objects.count() == 210
    # The guide beside the seed comes along: at least two resources per study topic.
    resources = Resource.objects.count()
    assert resources >= 2 * 51
    created = "Created: Roadmap 1, Phase 6, Section 20, Topic 55, Subtopic 210"
    assert f"{created}, Resource {resources}." in output
    assert "Updated: nothing." in output


def test_it_fills_in_the_roadmap_row(imported):
    roadmap = Roadmap.objects.get()

    assert roadmap.slug == "complete-ai-engineer-roadmap"
    assert roadmap.title == "Complete AI Engineer Roadmap"
    assert roadmap.intro.startswith("An interactive guide")
    assert roadmap.duration == "6 months"
    assert roadmap.timeline.endswith("within 6 months of dedicated learning and practice.")


def test_it_numbers_items_in_file_order(imported):
    phases = list(Phase.objects.all())
    first_topic = Topic.objects.get(section__phase=phases[0], order=1, section__order=1)

    assert [phase.order for phase in phases] == [1, 2, 3, 4, 5, 6]
    assert phases[0].title == "Deep Learning Foundations"
    assert phases[-1].title == "Final Goals & Career Outcomes"
    assert first_topic.title == "Linear Algebra"
    assert list(first_topic.subtopics.values_list("order", "title")) == [
        (1, "Vectors and matrices"),
        (2, "Matrix operations"),
        (3, "Eigenvalues and eigenvectors"),
        (4, "Principal Component Analysis (PCA)"),
    ]
    last_section = phases[-1].sections.get()
    assert last_section.title == "Becoming a Complete AI Engineer"
    assert last_section.topics.last().title == "Access career opportunities"
    assert last_section.topics.last().subtopics.last().title == "Consulting opportunities"


def test_it_repairs_the_phase_icon_and_tagline(imported):
    phase = Phase.objects.get(slug="deep-learning-foundations")

    assert phase.icon == "🧠"
    assert phase.tagline == "Phase 1: Building Your Foundation"
    assert list(Phase.objects.values_list("icon", flat=True)) == ["🧠", "🖼️", "⚙️", "🌐", "💻", "📌"]


def test_it_repairs_subtopic_titles(imported):
    assert Subtopic.objects.filter(title="DALL·E models").exists()


def test_no_row_holds_mojibake(imported):
    for model in (Roadmap, Phase, Section, Topic, Subtopic):
        for row in model.objects.values_list():
            for value in row:
                if isinstance(value, str):
                    assert not any(marker in value for marker in MOJIBAKE), value


def test_it_gives_the_last_phase_one_section_from_its_tagline(imported):
    phase = Phase.objects.get(title="Final Goals & Career Outcomes")

    assert phase.icon == "📌"
    assert phase.intro == "After completing this roadmap, you should be able to:"
    assert list(phase.sections.values_list("slug", flat=True)) == [
        "becoming-a-complete-ai-engineer"
    ]


def test_a_second_run_changes_nothing(imported):
    before = snapshot()

    with CaptureQueriesContext(connection) as queries:
        output = run_import(SEED_COPY)

    assert snapshot() == before
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert "Created: nothing.\nUpdated: nothing.\nDeleted: nothing." in output


def test_a_retitled_topic_keeps_its_row_and_slug(imported, tmp_path):
    calculus = Topic.objects.get(title="Calculus")

    run_import(edited_seed(tmp_path, ("**Calculus**", "**Differential Calculus**")))

    calculus.refresh_from_db()
    assert calculus.title == "Differential Calculus"
    assert calculus.slug == "calculus"
    assert calculus.order == 2
    assert Topic.objects.count() == 55


def test_reordered_subtopics_keep_their_rows_with_new_order(imported, tmp_path):
    vectors = subtopic("Linear Algebra", "Vectors and matrices")
    operations = subtopic("Linear Algebra", "Matrix operations")

    output = run_import(
        edited_seed(
            tmp_path,
            (
                "  - Vectors and matrices\n  - Matrix operations\n",
                "  - Matrix operations\n  - Vectors and matrices\n",
            ),
        )
    )

    vectors.refresh_from_db()
    operations.refresh_from_db()
    assert (operations.order, vectors.order) == (1, 2)
    assert "Updated: Subtopic 2." in output
    assert Subtopic.objects.count() == 210


def test_it_deletes_what_the_file_no_longer_has_and_creates_what_is_new(
    imported, tmp_path, learner
):
    hinge = subtopic("Loss Functions", "Hinge Loss")
    Progress.objects.create(user=learner, subtopic=hinge, status=Progress.Status.DONE)
    triplet = subtopic("Loss Functions", "Triplet Loss")

    output = run_import(
        edited_seed(
            tmp_path,
            ("  - Hinge Loss\n", ""),
            ("  - Chain rule\n", "  - Chain rule\n  - Taylor series\n"),
        ),
        "--yes",
    )

    assert not Subtopic.objects.filter(pk=hinge.pk).exists()
    triplet.refresh_from_db()
    assert triplet.order == 3
    assert subtopic("Calculus", "Taylor series").order == 3
    assert Subtopic.objects.count() == 210
    assert "Created: Subtopic 1." in output
    assert "Deleted: Subtopic 1, Progress 1." in output


def test_progress_survives_a_reimport_of_an_edited_file(imported, tmp_path, learner):
    chain_rule = subtopic("Calculus", "Chain rule")
    eigen = subtopic("Linear Algebra", "Eigenvalues and eigenvectors")
    Progress.objects.create(user=learner, subtopic=chain_rule, status=Progress.Status.DONE)
    Progress.objects.create(user=learner, subtopic=eigen, status=Progress.Status.LEARNING)

    run_import(
        edited_seed(
            tmp_path,
            ("**Calculus**", "**Differential Calculus**"),
            ("  - Vectors and matrices\n", ""),
        )
    )

    assert set(learner.progress.values_list("subtopic_id", "subtopic__title", "status")) == {
        (chain_rule.pk, "Chain rule", "done"),
        (eigen.pk, "Eigenvalues and eigenvectors", "learning"),
    }
    assert subtopic("Linear Algebra", "Eigenvalues and eigenvectors").order == 2


def test_it_deduplicates_slugs_within_a_parent(db, tmp_path):
    path = tmp_path / "twins.md"
    path.write_text(
        "# Twins\n\n## Phase\n### Tagline\n#### Section\n"
        "- [ ] **Same**\n  - Item\n  - Item\n- [ ] **Same**\n  - Item\n",
        encoding="utf-8",
    )

    run_import(path)
    before = snapshot()
    run_import(path)

    assert snapshot() == before
    assert list(Topic.objects.values_list("slug", flat=True)) == ["same", "same-2"]
    subtopics = Subtopic.objects.order_by("topic__order", "order")
    assert list(subtopics.values_list("slug", flat=True)) == ["item", "item-2", "item"]


def test_a_failure_half_way_writes_nothing(db, monkeypatch):
    real_values = importer._values

    def fail_on_subtopics(model, item, order):
        if model is Subtopic:
            raise RoadmapFormatError("simulated failure", item.line)
        return real_values(model, item, order)

    monkeypatch.setattr(importer, "_values", fail_on_subtopics)

    with pytest.raises(CommandError, match="line 20: simulated failure"):
        run_import(SEED_COPY)

    assert all(rows == [] for rows in snapshot().values())


def test_it_refuses_a_title_longer_than_its_column(db, tmp_path):
    path = tmp_path / "long.md"
    path.write_text(
        f"# Roadmap\n\n## Phase\n#### Section\n- [ ] **Topic**\n  - {'x' * 201}\n",
        encoding="utf-8",
    )

    with pytest.raises(CommandError, match="line 6: the subtopic title is 201 characters long"):
        run_import(path)

    assert Roadmap.objects.count() == 0


def test_import_roadmap_returns_counts_per_model(db):
    summary = importer.import_roadmap(parse_roadmap(SEED_COPY.read_text(encoding="utf-8")))

    assert dict(summary.created) == {
        "Roadmap": 1,
        "Phase": 6,
        "Section": 20,
        "Topic": 55,
        "Subtopic": 210,
    }
    assert not summary.updated
    assert not summary.deleted


BAD_INPUTS = {
    "missing": (None, "no such file"),
    "empty": (b"", "the file is empty"),
    "blank": (b"  \n\n", "the file is empty"),
    "subtopic first": (
        b"# Roadmap\n\n## Phase\n#### Section\n  - Orphan\n- [ ] **Topic**\n  - Item\n",
        "line 5: a subtopic comes before any topic",
    ),
    "no phase": (b"# Roadmap\n\nOnly an intro.\n", "no phase"),
    "nul bytes": (b"# Roadmap\n\x00\x01\x02\x03", "line 2: not a text file"),
    "invalid utf-8": (b"# Roadmap\n\n\xff\xfe\xfd\n", "line 3: not valid UTF-8"),
}


@pytest.mark.parametrize("already_imported", [False, True], ids=["empty db", "seeded db"])
@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_fails_and_writes_nothing(db, tmp_path, learner, case, already_imported):
    if already_imported:
        run_import(SEED_COPY)
        first = Subtopic.objects.first()
        Progress.objects.create(user=learner, subtopic=first, status=Progress.Status.DONE)
    content, message = BAD_INPUTS[case]
    path = tmp_path / "bad.md"
    if content is not None:
        path.write_bytes(content)
    before = snapshot()

    with pytest.raises(CommandError) as caught:
        run_import(path)

    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)
    assert snapshot() == before


# Moves, replacements and the plan that asks before progress goes

MOVE_CHAIN_RULE_TO_LINEAR_ALGEBRA = (
    ("  - Chain rule\n", ""),
    (
        "  - Principal Component Analysis (PCA)\n",
        "  - Principal Component Analysis (PCA)\n  - Chain rule\n",
    ),
)
REPLACE_HINGE_WITH_FOCAL = (("  - Hinge Loss\n", "  - Focal Loss\n"),)


def seed_lines(start, end):
    """The seed's text from the line starting `start` up to the line starting `end`."""
    text = SEED_COPY.read_text(encoding="utf-8")
    return text[text.index(start) : text.index(end)]


def plan_lines(output):
    return [line.strip() for line in output.splitlines()]


def test_a_moved_item_keeps_each_learners_status(imported, tmp_path, learner, other_learner):
    chain_rule = subtopic("Calculus", "Chain rule")
    mark(chain_rule, (learner, DONE), (other_learner, LEARNING))

    output = run_import(edited_seed(tmp_path, *MOVE_CHAIN_RULE_TO_LINEAR_ALGEBRA))

    moved = Subtopic.objects.get(pk=chain_rule.pk)
    assert (moved.topic.title, moved.order, moved.slug) == ("Linear Algebra", 5, "chain-rule")
    assert statuses(moved) == {"ada": DONE, "grace": LEARNING}
    calculus = Topic.objects.get(title="Calculus")
    assert list(calculus.subtopics.values_list("order", flat=True)) == [1, 2, 3]
    assert Subtopic.objects.count() == 210
    assert "Deleted: nothing." in output


def test_a_moved_topic_keeps_its_row_and_its_subtopics_progress(
    imported, tmp_path, learner, other_learner
):
    losses = Topic.objects.get(title="Loss Functions")
    hinge = subtopic("Loss Functions", "Hinge Loss")
    mark(hinge, (learner, DONE), (other_learner, SKIPPED))
    block = seed_lines("- [ ] **Loss Functions**", "- [ ] **Regularization Techniques**")

    run_import(
        edited_seed(
            tmp_path, (block, ""), ("- [ ] **Optimization**", block + "- [ ] **Optimization**")
        )
    )

    losses.refresh_from_db()
    assert losses.section.title == "Mathematical Foundations"
    assert list(losses.section.topics.values_list("title", flat=True))[3] == "Loss Functions"
    assert Subtopic.objects.get(pk=hinge.pk).topic_id == losses.pk
    assert statuses(hinge) == {"ada": DONE, "grace": SKIPPED}
    assert Topic.objects.count() == 55


def test_a_different_item_at_the_same_position_starts_not_started(
    imported, tmp_path, learner, other_learner
):
    hinge = subtopic("Loss Functions", "Hinge Loss")
    mark(hinge, (learner, DONE), (other_learner, LEARNING))

    output = run_import(edited_seed(tmp_path, *REPLACE_HINGE_WITH_FOCAL), "--yes")

    focal = subtopic("Loss Functions", "Focal Loss")
    assert focal.pk != hinge.pk
    assert focal.order == 3
    assert not focal.progress.exists()
    assert not Subtopic.objects.filter(pk=hinge.pk).exists()
    assert not Progress.objects.exists()
    assert "Deleted: Subtopic 1, Progress 2." in output


def test_a_retitle_that_keeps_the_old_words_keeps_the_progress_without_yes(
    imported, tmp_path, learner
):
    chain_rule = subtopic("Calculus", "Chain rule")
    mark(chain_rule, (learner, DONE))

    output = run_import(edited_seed(tmp_path, ("  - Chain rule\n", "  - The chain rule\n")))

    assert Subtopic.objects.get(pk=chain_rule.pk).title == "The chain rule"
    assert statuses(chain_rule) == {"ada": DONE}
    assert 'subtopic "Chain rule" to "The chain rule" in' in output


def test_the_plan_names_what_is_added_renamed_moved_and_removed_with_learner_counts(
    imported, tmp_path, learner, other_learner, staff_user
):
    mark(subtopic("Loss Functions", "Hinge Loss"), (learner, DONE), (other_learner, DONE))
    mark(subtopic("Regularization Techniques", "Dropout"), (learner, DONE), (staff_user, SKIPPED))
    mark(subtopic("Regularization Techniques", "Weight Decay (L1/L2)"), (learner, LEARNING))
    path = edited_seed(
        tmp_path,
        *MOVE_CHAIN_RULE_TO_LINEAR_ALGEBRA,
        ("**Calculus**", "**Differential Calculus**"),
        ("  - Optimization techniques\n", "  - Optimization techniques\n  - Taylor series\n"),
        ("  - Hinge Loss\n", ""),
        (seed_lines("- [ ] **Regularization Techniques**", "#### Deep Learning Libraries"), ""),
    )

    lines = plan_lines(run_import(path, "--dry-run"))

    foundations = "Deep Learning Foundations › Mathematical Foundations"
    theory = "Deep Learning Foundations › Deep Learning Theory & Core Concepts"
    assert lines[lines.index("Added (1):") + 1] == (
        f'subtopic "Taylor series" in {foundations} › Differential Calculus'
    )
    assert lines[lines.index("Renamed (1):") + 1] == (
        f'topic "Calculus" to "Differential Calculus" in {foundations}'
    )
    assert lines[lines.index("Moved (1):") + 1] == (
        f'subtopic "Chain rule" from {foundations} › Calculus to {foundations} › Linear Algebra'
    )
    removed = lines.index("Removed (2):")
    assert lines[removed + 1 : removed + 3] == [
        f'subtopic "Hinge Loss" from {theory} › Loss Functions: deletes the progress of 2 learners',
        f'topic "Regularization Techniques" from {theory}, with 4 subtopics: '
        "deletes the progress of 2 learners",
    ]
    # Ada is on both removals: three learners, five rows.
    assert "This deletes the progress of 3 learners (5 rows in all)." in lines


def test_without_yes_a_removal_of_progress_fails_and_writes_nothing(imported, tmp_path, learner):
    mark(subtopic("Loss Functions", "Hinge Loss"), (learner, DONE))
    before, version = snapshot(), content_version()
    out = StringIO()

    with pytest.raises(CommandError) as refused:
        call_command(
            "import_roadmap", str(edited_seed(tmp_path, *REPLACE_HINGE_WITH_FOCAL)), stdout=out
        )

    assert str(refused.value) == (
        "This import deletes the progress of 1 learner; nothing was written. "
        "Run again with --yes to go ahead, or with --dry-run to see the plan only."
    )
    # The plan was shown before the refusal.
    assert 'subtopic "Focal Loss" in' in out.getvalue()
    assert "Hinge Loss" in out.getvalue()
    assert snapshot() == before
    assert content_version() == version


def test_dry_run_prints_the_plan_and_writes_nothing(imported, tmp_path, learner):
    mark(subtopic("Loss Functions", "Hinge Loss"), (learner, DONE))
    before, version = snapshot(), content_version()
    path = edited_seed(tmp_path, *REPLACE_HINGE_WITH_FOCAL, *MOVE_CHAIN_RULE_TO_LINEAR_ALGEBRA)

    with CaptureQueriesContext(connection) as queries:
        output = run_import(path, "--dry-run")

    assert "Removed (1):" in plan_lines(output)
    assert output.rstrip().endswith("Dry run: nothing was written.")
    assert snapshot() == before
    assert content_version() == version
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


def test_yes_applies_a_plan_that_removes_progress(imported, tmp_path, learner):
    mark(subtopic("Loss Functions", "Hinge Loss"), (learner, DONE))
    version = content_version()

    output = run_import(edited_seed(tmp_path, *REPLACE_HINGE_WITH_FOCAL), "--yes")

    assert "This deletes the progress of 1 learner (1 row in all)." in plan_lines(output)
    assert "Created: Subtopic 1." in output
    assert not Subtopic.objects.filter(title="Hinge Loss").exists()
    assert not learner.progress.exists()
    assert content_version() != version
