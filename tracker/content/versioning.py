"""The content version, and what each process keeps for it.

Everything derived from the content alone (the tree of a roadmap, the pieces
of its outline rendered once) is built once per process and per content
version and then shared by every request, for every learner: nothing kept
here may hold a learner's data. Any write to the content (the admin, an
import, a fixture) changes the version in the same transaction as the write,
so a reader that sees the new content's version never uses the old pieces.
"""

import uuid

from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save

from tracker.content.models import (
    ContentVersion,
    Phase,
    Resource,
    Roadmap,
    Section,
    Subtopic,
    Topic,
)

CONTENT_MODELS = (Roadmap, Phase, Section, Topic, Subtopic, Resource)
VERSION_ROW = 1
_CURRENT = f"SELECT token FROM {ContentVersion._meta.db_table} WHERE id = %s"  # noqa: S608 - a model's table name

# (the version these entries were built for, {key: value}), swapped whole so a
# thread of a threaded server never pairs one version's token with another's entries.
_kept = [(None, {})]


def current():
    """The content's version token: one query.

    Every page asks first, so it is written out: building the ORM's query
    costs seven times what running it does.
    """
    with connection.cursor() as cursor:
        cursor.execute(_CURRENT, [VERSION_ROW])
        row = cursor.fetchone()
    token = row[0] if row else None
    # No row yet (a database that was flushed): a fresh token, so nothing is reused.
    return token or uuid.uuid4().hex


def last_seen():
    """The version this process last built for, without a query; None at first.

    It may be stale: a caller that uses it must check it against a version
    read in the same statement as its own work (the tick does).
    """
    return _kept[0][0]


def bump():
    """Mark the content as changed; call inside the transaction that changes it.

    One UPDATE: it runs on every content row saved, 557 times for the shipped fixture.
    """
    token = uuid.uuid4().hex
    if not ContentVersion.objects.filter(pk=VERSION_ROW).update(token=token):
        ContentVersion.objects.create(pk=VERSION_ROW, token=token)


def kept(token, key, build):
    """What `build()` returns for the content at `token`, built once per process.

    The first request after a change of version drops every entry built for
    the old one.
    """
    kept_token, entries = _kept[0]
    if kept_token != token:
        entries = {}
        _kept[0] = (token, entries)
    try:
        return entries[key]
    except KeyError:
        value = entries[key] = build()
        return value


def _content_changed(sender, raw=False, **kwargs):
    bump()


def connect_signals():
    """Bump the version on every save or delete of content, and on prerequisite edits."""
    for model in CONTENT_MODELS:
        post_save.connect(_content_changed, sender=model, dispatch_uid=f"version-{model.__name__}")
        post_delete.connect(
            _content_changed, sender=model, dispatch_uid=f"version-del-{model.__name__}"
        )
    m2m_changed.connect(
        _content_changed, sender=Topic.prerequisites.through, dispatch_uid="version-prerequisites"
    )
