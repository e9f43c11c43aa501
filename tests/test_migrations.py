"""An existing database moves to the current schema with its content and progress intact."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tracker.models import Phase, Progress, Roadmap, Section, Subtopic, Topic

BEFORE_THE_SPLIT = [("tracker", "0001_initial")]
FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "ai_engineer_roadmap.json"
# What the content fixture held before the guide: each model's fields then.
OLD_FIELDS = {
    "tracker.roadmap": {"slug", "title", "intro", "timeline", "duration"},
    "tracker.phase": {"roadmap", "order", "slug", "title", "tagline", "icon", "intro"},
    "tracker.section": {"phase", "order", "slug", "title"},
    "tracker.topic": {"section", "order", "slug", "title", "description"},
    "tracker.subtopic": {"topic", "order", "slug", "title"},
}
PARENT = {"tracker.phase": "roadmap", "tracker.section": "phase", "tracker.topic": "section"}
PARENT["tracker.subtopic"] = "topic"


def load_old_fixture(apps):
    """The content fixture as shipped before the guide, written through the old models.

    loaddata would save today's fields into yesterday's tables, so the rows
    are made here, their parents found by natural key (the slug path).
    """
    pks = {}
    for entry in json.loads(FIXTURE.read_text(encoding="utf-8")):
        label = entry["model"]
        if label not in OLD_FIELDS:
            continue
        fields = {
            name: value for name, value in entry["fields"].items() if name in OLD_FIELDS[label]
        }
        key = (fields["slug"],)
        if label in PARENT:
            parent_key = tuple(fields.pop(PARENT[label]))
            fields[f"{PARENT[label]}_id"] = pks[parent_key]
            key = (*parent_key, fields["slug"])
        model = apps.get_model(*label.split("."))
        pks[key] = model.objects.create(**fields).pk


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes("tracker")


@pytest.mark.django_db(transaction=True)
def test_content_and_progress_survive_migrating_to_the_current_schema():
    old = migrate(BEFORE_THE_SPLIT)
    try:
        load_old_fixture(old)
        user = old.get_model("auth", "User").objects.create(username="ada")
        OldProgress = old.get_model("tracker", "Progress")  # noqa: N806
        subtopics = list(old.get_model("tracker", "Subtopic").objects.order_by("id")[:3])
        for subtopic, status in zip(subtopics, ["done", "learning", "skipped"], strict=True):
            OldProgress.objects.create(user_id=user.pk, subtopic_id=subtopic.pk, status=status)
        before = list(
            OldProgress.objects.order_by("id").values_list(
                "user_id", "subtopic_id", "status", "created_at", "completed_at"
            )
        )
    finally:
        migrate(latest())

    counts = [model.objects.count() for model in (Roadmap, Phase, Section, Topic, Subtopic)]
    assert counts == [1, 6, 20, 55, 210]
    after = list(
        Progress.objects.order_by("id").values_list(
            "user_id", "subtopic_id", "status", "created_at", "completed_at"
        )
    )
    assert after == before
    assert [row[2] for row in after] == ["done", "learning", "skipped"]
