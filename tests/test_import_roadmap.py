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
from tracker.models import Phase, Progress, Resource, Roadmap, Section, Subtopic, Topic

SEED_COPY = Path(settings.BASE_DIR) / "fixtures" / "ai_engineer_roadmap.md"
CONTENT_AND_PROGRESS = (Roadmap, Phase, Section, Topic, Subtopic, Progress)
MOJIBAKE = ("\uf8ff", "üß", "üî", "üñ", "¬∑", "‚Ä", "‚ö", "Ô∏")


def run_import(path):
    out = StringIO()
    call_command("import_roadmap", str(path), stdout=out)
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
        )
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
