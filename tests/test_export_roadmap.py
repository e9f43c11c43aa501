"""export_roadmap writes the content back to files; importing them changes nothing."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tracker.models import Progress, Resource, Subtopic, Topic

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
CONTENT = ("tracker.Roadmap", "tracker.Phase", "tracker.Section", "tracker.Topic")
CONTENT += ("tracker.Subtopic", "tracker.Resource")


def content_dump():
    out = StringIO()
    call_command(
        "dumpdata", *CONTENT, natural_foreign=True, natural_primary=True, indent=1, stdout=out
    )
    return out.getvalue()


def export(folder):
    out = StringIO()
    call_command("export_roadmap", "--out", str(folder), stdout=out)
    return out.getvalue()


def reimport(folder):
    call_command("import_roadmap", str(folder / "ai_engineer_roadmap.md"), stdout=StringIO())


@pytest.fixture
def copy_of_the_sources(tmp_path):
    """The repository's roadmap sources, copied so a test may overwrite them."""
    shutil.copy(FIXTURES / "ai_engineer_roadmap.md", tmp_path)
    shutil.copytree(FIXTURES / "guide", tmp_path / "guide")
    return tmp_path


def test_importing_an_export_changes_nothing(roadmap, tmp_path):
    before = content_dump()
    export(tmp_path)
    reimport(tmp_path)
    assert content_dump() == before


def test_the_committed_guide_is_what_export_writes(roadmap, copy_of_the_sources):
    """Staff edits come back as small diffs: untouched files are written byte for byte."""
    assert export(copy_of_the_sources).startswith("Wrote 0 files, 56 unchanged.")
    seed = (FIXTURES / "ai_engineer_roadmap.md").read_bytes()
    assert (copy_of_the_sources / "ai_engineer_roadmap.md").read_bytes() == seed


def test_staff_edits_go_back_into_the_files_and_survive_a_reimport(
    roadmap, learner, copy_of_the_sources
):
    topic = Topic.objects.get(title="Transformer Architecture")
    topic.explanation = "A **new** explanation, written in the admin."
    topic.save()
    topic.prerequisites.add(Topic.objects.get(title="Linear Algebra"))
    Resource.objects.create(
        topic=topic, order=99, title="Staff pick", url="https://example.org/x", kind="article"
    )
    chain_rule = Subtopic.objects.get(title="Chain rule")
    Progress.objects.create(user=learner, subtopic=chain_rule, status="done")
    chain_rule.hours = 7
    chain_rule.save()
    edited = content_dump()

    output = export(copy_of_the_sources)
    assert "transformer-architecture.md" in output
    assert "calculus.md" in output
    # Only guide text changed: the seed's Markdown is left as it is.
    seed = (FIXTURES / "ai_engineer_roadmap.md").read_bytes()
    assert (copy_of_the_sources / "ai_engineer_roadmap.md").read_bytes() == seed

    call_command("loaddata", "ai_engineer_roadmap", verbosity=0)  # back to the shipped guide
    assert content_dump() != edited
    reimport(copy_of_the_sources)
    assert content_dump() == edited
    assert Progress.objects.get(user=learner).subtopic == chain_rule


def test_a_retitled_item_rewrites_the_markdown_which_reads_back_the_same(
    roadmap, copy_of_the_sources
):
    subtopic = Subtopic.objects.get(title="Chain rule")
    subtopic.title = "The chain rule"
    subtopic.save()
    edited = content_dump()

    export(copy_of_the_sources)
    markdown = (copy_of_the_sources / "ai_engineer_roadmap.md").read_text(encoding="utf-8")
    assert "  - [ ] The chain rule" in markdown
    assert "🧠" in markdown  # written repaired, not in the seed's damaged encoding
    reimport(copy_of_the_sources)
    assert content_dump() == edited
    assert export(copy_of_the_sources).startswith("Wrote 0 files")


def test_a_deleted_topic_takes_its_guide_file_with_it(roadmap, copy_of_the_sources):
    Topic.objects.get(title="Audio-Text Models").delete()
    edited = content_dump()
    output = export(copy_of_the_sources)
    assert "removed" in output
    assert not list(copy_of_the_sources.glob("guide/*/*/audio-text-models.md"))
    reimport(copy_of_the_sources)
    assert content_dump() == edited


@pytest.mark.django_db
def test_a_guide_file_for_an_unknown_topic_is_refused_and_nothing_is_written(copy_of_the_sources):
    stray = copy_of_the_sources / "guide" / "no-such-phase" / "section" / "topic.md"
    stray.parent.mkdir(parents=True)
    shutil.copy(next(copy_of_the_sources.glob("guide/*/*/calculus.md")), stray)
    with pytest.raises(Exception, match="no-such-phase/section/topic"):
        reimport(copy_of_the_sources)
    assert not Topic.objects.exists()
