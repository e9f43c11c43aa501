"""`make run` loads the shipped roadmap once and never undoes staff's edits."""

import shutil
import subprocess
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count

from tracker.models import Phase, Roadmap, Section, Subtopic, Topic

MAKE = shutil.which("make")


def load_roadmap():
    out = StringIO()
    call_command("load_roadmap", stdout=out)
    return out.getvalue()


def content_counts():
    return [model.objects.count() for model in (Roadmap, Phase, Section, Topic, Subtopic)]


def test_it_loads_the_shipped_roadmap_into_an_empty_database(db):
    load_roadmap()

    assert content_counts() == [1, 6, 20, 55, 210]


def test_a_second_run_keeps_what_staff_edited(db):
    load_roadmap()
    # What staff do in the admin: rename a topic, reorder its subtopics,
    # delete one that no longer belongs.
    topic = Topic.objects.annotate(n=Count("subtopics")).filter(n__gte=3).first()
    topic.title = "Renamed by staff"
    topic.save()
    first, second, *rest = topic.subtopics.order_by("order")
    first.order, second.order = second.order, first.order
    Subtopic.objects.bulk_update([first, second], ["order"])
    removed = rest[-1]
    removed.delete()

    output = load_roadmap()

    topic.refresh_from_db()
    assert topic.title == "Renamed by staff"
    assert list(topic.subtopics.order_by("order"))[:2] == [second, first]
    assert not Subtopic.objects.filter(topic=topic, slug=removed.slug).exists()
    assert content_counts() == [1, 6, 20, 55, 209]
    assert "nothing loaded" in output
    assert "Installed" not in output  # loaddata's report


def test_it_points_at_the_importer_for_a_newer_roadmap(db):
    load_roadmap()

    output = load_roadmap()

    assert "import_roadmap fixtures/ai_engineer_roadmap.md" in output


@pytest.mark.skipif(not MAKE, reason="make is not installed")
def test_make_run_loads_through_the_command_that_keeps_edits():
    # --dry-run prints the recipes without running any of them.
    result = subprocess.run(
        [MAKE, "--dry-run", "--always-make", "run"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert "manage.py load_roadmap" in result.stdout
    assert "loaddata" not in result.stdout
