"""Writing a learner's progress.

Every write stores the explicit state it was sent, never a toggle, so repeating
a request (a double click, a retry, a second tab) changes nothing. Inserts
ignore conflicts on (user, subtopic), so two identical requests racing each
other cannot raise an IntegrityError.

The one IntegrityError left is a write racing a re-import that removes its
item: the view read the item from content it had, the import deleted it,
and the row's foreign key no longer holds. The constraints are deferred to
the end of the transaction: a tick's one statement commits on its own, so
the error comes from that statement; a write of many rows raises it as its
transaction commits. Either way it becomes ItemGone, a 404: the item is gone.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import DateTimeField, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from tracker.content import versioning
from tracker.content.models import ContentVersion
from tracker.progress.models import Progress
from tracker.progress.status import COMPLETE, Status


class ItemGone(Http404):
    """The item being written no longer exists (removed by a re-import meanwhile)."""


@contextmanager
def items_must_exist():
    try:
        yield
    except IntegrityError as error:
        raise ItemGone("That item is no longer on the roadmap.") from error


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


def set_subtopic_status(user, subtopic_pk, status):
    """One item, written in one statement, atomic on its own; returns the
    content version and the learner's [(subtopic_id, status)] as they stand
    after the write.

    A tick is the site's most frequent write, so it is written out: an
    upsert (PostgreSQL and SQLite speak the same ON CONFLICT) rather than
    the ORM's update-then-insert, and a plain DELETE for "not started"
    rather than the ORM's, which wraps its one statement in a transaction.
    The upsert changes a row only when the status differs, so a repeat keeps
    its times, and keeps the first completion time when moving between done
    and skipped.

    Its answer needs the version (to know the tree it drew the item from is
    current) and every row read back: on PostgreSQL the write and the read
    are one statement (a data-modifying WITH, whose SELECT sees the rows as
    they were before it, so the written item is added here); SQLite has no
    such WITH and runs the two in turn.
    """
    if status == Status.PENDING:
        write, params = _DELETE, [user.pk, subtopic_pk]
    else:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        completed_at = now if status in COMPLETE else None
        write, params = _UPSERT, [user.pk, subtopic_pk, status.value, now, now, completed_at]
    read = [user.pk, subtopic_pk, versioning.VERSION_ROW]
    commit = ["off" if settings.TICK_ASYNC_COMMIT else "on"]
    with items_must_exist(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_TICK.format(write=write), commit + params + read)
        else:
            cursor.execute(write, params)
            cursor.execute(_VERSION_AND_OTHER_ROWS, read)
        found = cursor.fetchall()
    token = found[0][0] if found else None
    rows = [(pk, value) for _, pk, value in found if pk is not None]
    if status != Status.PENDING:
        rows.append((subtopic_pk, status.value))
    return token, rows


_TABLE = Progress._meta.db_table
_UPSERT = f"""
    INSERT INTO {_TABLE} (user_id, subtopic_id, status, created_at, updated_at, completed_at)
    VALUES (%s, %s, %s, %s, %s, %s)
    ON CONFLICT (user_id, subtopic_id) DO UPDATE SET
        status = excluded.status,
        updated_at = excluded.updated_at,
        completed_at = CASE WHEN excluded.completed_at IS NULL THEN NULL
                            ELSE COALESCE({_TABLE}.completed_at, excluded.completed_at) END
    WHERE {_TABLE}.status <> excluded.status
"""  # noqa: S608 - a model's table name
_DELETE = f"DELETE FROM {_TABLE} WHERE user_id = %s AND subtopic_id = %s"  # noqa: S608
# On PostgreSQL: the write, then the version and the other rows, in one statement;
# `async_commit` (when settings.TICK_ASYNC_COMMIT, on by default) makes its commit
# asynchronous: PostgreSQL answers before the write reaches the disk. A tick is a
# single explicit state, repeated at no harm; should the database server crash, the
# ticks of its last moment (up to three times wal_writer_delay, 0.6 s by default)
# can be lost, never half-written. Waiting for the disk is most of a tick's time on
# shared storage. Every other write (imports, plans, accounts) commits as usual.
_ASYNC_COMMIT = "async_commit AS MATERIALIZED (SELECT set_config('synchronous_commit', %s, true))"
_PG_TICK = f"""
    WITH {_ASYNC_COMMIT}, written AS ({{write}})
    SELECT version.token, progress.subtopic_id, progress.status
    FROM {ContentVersion._meta.db_table} AS version
    CROSS JOIN async_commit
    LEFT JOIN {Progress._meta.db_table} AS progress
        ON progress.user_id = %s AND progress.subtopic_id <> %s
    WHERE version.id = %s
"""  # noqa: S608 - models' table names
# The version row comes back even when the learner has no other rows (LEFT JOIN).
_VERSION_AND_OTHER_ROWS = f"""
    SELECT version.token, progress.subtopic_id, progress.status
    FROM {ContentVersion._meta.db_table} AS version
    LEFT JOIN {_TABLE} AS progress ON progress.user_id = %s AND progress.subtopic_id <> %s
    WHERE version.id = %s
"""  # noqa: S608 - models' table names


def reset_roadmap(user, roadmap):
    Progress.objects.filter(user=user, subtopic__topic__section__phase__roadmap=roadmap).delete()


def apply_statuses(user, changes):
    """Many items at once, all or nothing: [(subtopic_id, status)], status may be pending.

    A fixed number of statements per status, however many items change.
    """
    with items_must_exist(), transaction.atomic():
        _apply(user, changes)


def _apply(user, changes):
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
