"""A learner's own notes and links on a topic: reading them, and saving safely.

A note is saved against the revision the learner was editing. A save that
names an older revision than the stored one (another tab saved since this
one was opened) writes nothing and reports a Conflict carrying both texts,
so the page can show them side by side: two tabs never silently overwrite
each other. The check and the write are one conditional UPDATE (or an
INSERT that the unique constraint guards), so no lock is held and two saves
racing each other cannot both win.
"""

from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from tracker.progress.models import LINKS_PER_TOPIC, Link, Note


@dataclass(frozen=True)
class Saved:
    """The note as stored after a save: `note` is None once emptied (deleted)."""

    note: Note | None

    @property
    def revision(self):
        return self.note.revision if self.note else 0


@dataclass(frozen=True)
class Conflict:
    """A save refused because the stored note changed since `base` was read."""

    mine: str
    stored: Note | None

    @property
    def revision(self):
        return self.stored.revision if self.stored else 0


@dataclass(frozen=True)
class TopicNotes:
    """What a learner keeps on one topic: a note (or None) and their links."""

    note: Note | None
    links: tuple

    @property
    def key(self):
        """Everything shown, to compare by equality (tracker.views.page_memo)."""
        note = (self.note.pk, self.note.revision) if self.note else None
        return note, tuple((link.pk, link.title, link.url, link.kind) for link in self.links)


NONE = TopicNotes(None, ())


def of_topic(user, topic_pk):
    """The learner's note and links on a topic, in one query whatever their number."""
    if not user.is_authenticated:
        return NONE
    with connection.cursor() as cursor:
        cursor.execute(_NOTE_AND_LINKS, [user.pk, topic_pk, user.pk, topic_pk])
        found = cursor.fetchall()
    note, links = None, []
    for kind, pk, text, revision, when, url, link_kind in found:
        if kind == "note":
            note = Note(pk=pk, user=user, topic_id=topic_pk, body=text, revision=revision)
            note.updated_at = _aware(when)
        else:
            links.append(
                Link(pk=pk, user=user, topic_id=topic_pk, title=text, url=url, kind=link_kind)
            )
    return TopicNotes(note, tuple(links))


def _aware(value):
    """A time from a raw query: SQLite hands it back as text, PostgreSQL as a datetime."""
    if isinstance(value, str):
        return Note._meta.get_field("updated_at").to_python(value)
    return value


_NOTE_AND_LINKS = f"""
    SELECT 'note', id, body, revision, updated_at, NULL, NULL FROM {Note._meta.db_table}
    WHERE user_id = %s AND topic_id = %s
    UNION ALL
    SELECT 'link', id, title, NULL, created_at, url, kind FROM {Link._meta.db_table}
    WHERE user_id = %s AND topic_id = %s
    ORDER BY 1 DESC, 5, 2
"""  # noqa: S608 - models' table names


def save_note(user, topic_pk, body, base):
    """Store `body` as the learner's note on a topic if the stored one is
    still at revision `base` (0: there was none). An empty body deletes the
    note. Returns Saved, or Conflict when another save came first.

    A save of what is already stored changes nothing, whatever revision it
    names: leaving the box after Ctrl+Enter saves the same text twice.
    """
    body = clean_body(body)
    stored = Note.objects.filter(user=user, topic_id=topic_pk)
    current = stored.first()
    if (current.body if current else "") == body:
        return Saved(current)
    if (current.revision if current else 0) != base:
        return Conflict(body, current)
    # The check again, in the write itself: another save may land in between.
    if not body:
        deleted, _ = stored.filter(revision=base).delete()
        return Saved(None) if deleted else Conflict(body, stored.first())
    if current is None:
        try:
            with transaction.atomic():
                return Saved(Note.objects.create(user=user, topic_id=topic_pk, body=body))
        except IntegrityError:  # another tab's first save came first
            return Conflict(body, stored.first())
    if not stored.filter(revision=base).update(body=body, revision=F("revision") + 1):
        return Conflict(body, stored.first())
    return Saved(stored.first())


def clean_body(body):
    """A note as kept: a browser's CRLF line ends as LF, no blank lines or
    spaces at either end that Markdown would ignore anyway (an indented first
    line keeps its indent)."""
    return body.replace("\r\n", "\n").rstrip().lstrip("\n")


class TooManyLinks(ValueError):
    pass


def add_link(user, topic_pk, title, url, kind):
    """A link of the learner's own on a topic; the same URL twice updates it."""
    with transaction.atomic():
        existing = Link.objects.filter(user=user, topic_id=topic_pk)
        link = existing.filter(url=url).first()
        if link is None and existing.count() >= LINKS_PER_TOPIC:
            raise TooManyLinks(f"A topic holds {LINKS_PER_TOPIC} links of yours at most.")
        if link is None:
            link = Link(user=user, topic_id=topic_pk, url=url)
        link.title, link.kind = title, kind
        link.save()
    return link


def delete_link(user, topic_pk, pk):
    """Delete one of the learner's own links on a topic; another's is never
    touched. Returns whether there was one."""
    deleted, _ = Link.objects.filter(user=user, topic_id=topic_pk, pk=pk).delete()
    return bool(deleted)
