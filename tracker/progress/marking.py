"""Writing a learner's progress.

Every write stores the explicit state it was sent, never a toggle, so repeating
a request (a double click, a retry, a second tab) changes nothing. Inserts
ignore conflicts on (user, subtopic), so two identical requests racing each
other cannot raise an IntegrityError.
"""

from django.db import transaction
from django.db.models import DateTimeField, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from tracker.progress.models import Progress
from tracker.progress.status import COMPLETE, Status


def _change_existing(rows, status, now):
    """Move rows that differ to `status`; return how many changed."""
    if status in COMPLETE:
        # Keep the first completion time when moving between done and skipped.
        completed_at = Coalesce("completed_at", Value(now, output_field=DateTimeField()))
    else:
        completed_at = None
    return rows.exclude(status=status).update(
        status=status, updated_at=now, completed_at=completed_at
    )


def _insert(user, subtopic_ids, status, now):
    completed_at = now if status in COMPLETE else None
    Progress.objects.bulk_create(
        [
            Progress(user=user, subtopic_id=pk, status=status, completed_at=completed_at)
            for pk in subtopic_ids
        ],
        ignore_conflicts=True,
    )


def set_subtopic_status(user, subtopic, status):
    """One item: at most two statements, each atomic on its own."""
    mine = Progress.objects.filter(user=user, subtopic=subtopic)
    if status == Status.PENDING:
        mine.delete()
        return
    now = timezone.now()
    if not _change_existing(mine, status, now):
        # Either no row yet, or it already has this status: the insert is a
        # no-op in the second case.
        _insert(user, [subtopic.pk], status, now)


def set_topic_status(user, topic, status):
    """Every subtopic of a topic at once, all or nothing."""
    subtopic_ids = topic.subtopics.values_list("pk", flat=True)
    apply_statuses(user, [(pk, status) for pk in subtopic_ids])


def reset_roadmap(user, roadmap):
    Progress.objects.filter(user=user, subtopic__topic__section__phase__roadmap=roadmap).delete()


@transaction.atomic
def apply_statuses(user, changes):
    """Many items at once, all or nothing: [(subtopic_id, status)], status may be pending.

    A fixed number of statements per status, however many items change.
    """
    by_status = {}
    for subtopic_id, status in changes:
        by_status.setdefault(status, []).append(subtopic_id)
    pending = by_status.pop(Status.PENDING, [])
    if pending:
        Progress.objects.filter(user=user, subtopic_id__in=pending).delete()
    now = timezone.now()
    for status, subtopic_ids in by_status.items():
        _change_existing(
            Progress.objects.filter(user=user, subtopic_id__in=subtopic_ids), status, now
        )
        # Rows that already exist were just updated; the insert skips them.
        _insert(user, subtopic_ids, status, now)
