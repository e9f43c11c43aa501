"""An existing database moves to the current schema with its content and progress intact."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tracker.models import Phase, Progress, Roadmap, Section, Subtopic, Topic

BEFORE_THE_SPLIT = [("tracker", "0001_initial")]


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
        # The content fixture as shipped before tracker was split in two.
        call_command("loaddata", "ai_engineer_roadmap", verbosity=0)
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
