"""Read a progress export back: match its items to the roadmap, work out the change.

Items are matched by title under their phase, section and topic, compared
case-insensitively with whitespace collapsed, so a hand-edited file or one
from before a spelling fix of capitals still lines up. Titles, not slugs or
ids, because the file is meant to be read and edited by people and to move
between accounts and sites.

The file is a snapshot of the items it lists: each of them takes the state
the file gives it, unticked meaning pending. Roadmap items the file does not
list (added after the export, say) are left as they are.

Notes and links (the fenced blocks of tracker.progress.export) only add: a
note in the file replaces the learner's note on that topic, a link is added
(or, at an address the learner already has there, retitled); a topic the
file has no note for keeps the learner's, and no link is ever removed.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from tracker.content.models import Subtopic, Topic, http_url
from tracker.progress import marking
from tracker.progress.loader import load_progress
from tracker.progress.models import LINKS_PER_TOPIC, NOTE_MAX_CHARS, Link, Note
from tracker.progress.notes import clean_body
from tracker.progress.status import Status

# export.link_line's shape: - [Title](<https://…>) *(kind)*
_LINK_LINE = re.compile(
    r"^\s*[-*+]\s+\[(?P<title>(?:\\.|[^\\\]])*)\]\(<?(?P<url>[^<>\s]+)>?\)"
    r"(?:\s*\*\((?P<kind>[a-z]+)\)\*)?\s*$"
)
_ESCAPED = re.compile(r"\\(.)")

# The order the preview lists its groups in.
STATUS_ORDER = (Status.DONE, Status.LEARNING, Status.SKIPPED, Status.PENDING)


@dataclass(frozen=True)
class Change:
    subtopic_id: int
    title: str
    topic: str
    old: str
    new: str


@dataclass(frozen=True)
class Group:
    status: str
    changes: list
    limit: int

    @property
    def shown(self):
        return self.changes[: self.limit]

    @property
    def more(self):
        return max(len(self.changes) - self.limit, 0)


@dataclass(frozen=True)
class NoteChange:
    topic_id: int
    topic: str
    body: str
    replaces: bool  # the learner has a note there now, which this replaces


@dataclass(frozen=True)
class LinkChange:
    topic_id: int
    topic: str
    title: str
    url: str
    kind: str


@dataclass
class ImportPlan:
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    # Roadmap subtopics the file does not list; they keep their state.
    missing: int = 0
    warnings: list[str] = field(default_factory=list)
    notes: list[NoteChange] = field(default_factory=list)
    links: list[LinkChange] = field(default_factory=list)

    @property
    def matched(self):
        return len(self.changes) + self.unchanged

    @property
    def size(self):
        """How many things applying the plan changes."""
        return len(self.changes) + len(self.notes) + len(self.links)

    def groups(self, limit=25):
        """The changes by the state they lead to, each list cut at `limit`."""
        groups = []
        for status in STATUS_ORDER:
            changes = [change for change in self.changes if change.new == status]
            if changes:
                groups.append(Group(status, changes, limit))
        return groups

    def pairs(self):
        """[[subtopic_id, status]]: all that applying the plan needs to keep.

        Lists, not tuples: they go into the session, which reads back JSON's
        lists from the database but whatever it stored from the cache.
        """
        return [[change.subtopic_id, change.new.value] for change in self.changes]

    def kept_notes(self):
        """[[topic_id, body]], for the session as pairs() is."""
        return [[note.topic_id, note.body] for note in self.notes]

    def kept_links(self):
        return [[link.topic_id, link.title, link.url, link.kind] for link in self.links]


def normalise(title):
    return " ".join(unicodedata.normalize("NFC", title).split()).casefold()


def file_status(parsed_subtopic):
    """A note wins over the box: `[x] Title *(skipped)*` is skipped."""
    if parsed_subtopic.note:
        return Status(parsed_subtopic.note)
    return Status.DONE if parsed_subtopic.checked else Status.PENDING


def plan_import(parsed, progress, mine=None):
    """Compare a parsed file with a learner's RoadmapProgress and their
    notes and links, `mine` (see load_plan)."""
    index, topics = {}, {}
    total = 0
    for phase in progress.phases:
        for section in phase.sections.all():
            for topic in section.topics.all():
                topics[tuple(normalise(level.title) for level in (phase, section, topic))] = topic
                for subtopic in topic.subtopics.all():
                    key = _key(phase, section, topic, subtopic)
                    index.setdefault(key, []).append((subtopic, topic))
                    total += 1

    plan = ImportPlan()
    for phase, section, topic, item in _items(parsed):
        key = _key(phase, section, topic, item)
        candidates = index.get(key)
        where = f"{phase.title} › {section.title} › {topic.title} › {item.title}"
        if candidates is None:
            plan.warnings.append(f"{where} (line {item.line}): not on the roadmap")
            continue
        if not candidates:
            plan.warnings.append(f"{where} (line {item.line}): listed more than once")
            continue
        subtopic, parent = candidates.pop(0)
        old, new = subtopic.status, file_status(item)
        if old == new:
            plan.unchanged += 1
        else:
            plan.changes.append(Change(subtopic.pk, subtopic.title, parent.title, old, new))
    plan.missing = total - plan.matched
    _plan_notes_and_links(parsed, topics, mine or ({}, {}), plan)
    return plan


def _plan_notes_and_links(parsed, topics, mine, plan):
    notes, links = mine
    for phase, section, parsed_topic in _topics(parsed):
        if not parsed_topic.blocks:
            continue
        where = f"{phase.title} › {section.title} › {parsed_topic.title}"
        topic = topics.get(
            tuple(normalise(level.title) for level in (phase, section, parsed_topic))
        )
        if topic is None:
            plan.warnings.append(
                f"{where} (line {parsed_topic.line}): notes or links for a topic not on the roadmap"
            )
            continue
        body = clean_body(parsed_topic.blocks.get("note", ""))
        if len(body) > NOTE_MAX_CHARS:
            plan.warnings.append(f"{where}: the note is longer than {NOTE_MAX_CHARS:,} characters")
        elif body and body != notes.get(topic.pk):
            plan.notes.append(NoteChange(topic.pk, topic.title, body, topic.pk in notes))
        _plan_links(
            parsed_topic.blocks.get("links", ""), topic, links.get(topic.pk, {}), where, plan
        )


def _plan_links(text, topic, existing, where, plan):
    """The file's links on a topic that the learner does not have as they are."""
    room = LINKS_PER_TOPIC - len(existing)
    for line in filter(str.strip, text.split("\n")):
        link = parse_link(line)
        if link is None:
            plan.warnings.append(f"{where}: {line.strip()[:80]!r} is not a link this site can keep")
            continue
        title, url, kind = link
        if existing.get(url) == (title, kind):
            continue
        if url not in existing:
            if room <= 0:
                plan.warnings.append(
                    f"{where}: more than {LINKS_PER_TOPIC} links; {url} is left out"
                )
                continue
            room -= 1
        existing = {**existing, url: (title, kind)}
        plan.links.append(LinkChange(topic.pk, topic.title, title, url, kind))


def parse_link(line):
    """(title, url, kind) from a line export.link_line wrote, or None when it
    is no http(s) link with a title."""
    match = _LINK_LINE.match(line)
    if not match:
        return None
    title = " ".join(_ESCAPED.sub(r"\1", match["title"]).split())[:200]
    url, kind = match["url"], match["kind"] or Link.Kind.ARTICLE
    try:
        http_url(url)
    except ValidationError:
        return None
    if not title or len(url) > 500 or kind not in Link.Kind.values:
        return None
    return title, url, kind


def load_plan(user, tree, parsed):
    """plan_import against the database: the same queries whatever the file holds."""
    notes = dict(Note.objects.filter(user=user).values_list("topic_id", "body"))
    links = {}
    for topic_pk, url, title, kind in Link.objects.filter(user=user).values_list(
        "topic_id", "url", "title", "kind"
    ):
        links.setdefault(topic_pk, {})[url] = (title, kind)
    return plan_import(parsed, load_progress(tree, user), (notes, links))


def apply_changes(user, roadmap, pairs, notes=(), links=()):
    """Apply a plan at once, all or nothing: [(subtopic_id, status)], the
    notes [(topic_id, body)] and links [(topic_id, title, url, kind)] it
    kept; return how many things changed.

    Items and topics removed from the roadmap since the preview are dropped
    rather than failing the whole import. The write is one transaction, the
    outermost, so an item removed between this check and its commit is its
    ItemGone (a 404), not an IntegrityError raised on the way out.
    """
    wanted = {pk: status for pk, status in pairs if status in STATUS_ORDER}
    existing = set(
        Subtopic.objects.filter(
            pk__in=list(wanted), topic__section__phase__roadmap=roadmap
        ).values_list("pk", flat=True)
    )
    changes = [(pk, status) for pk, status in wanted.items() if pk in existing]
    topics = {pk for pk, *_ in (*notes, *links)}
    on_roadmap = set(
        Topic.objects.filter(pk__in=topics, section__phase__roadmap=roadmap).values_list(
            "pk", flat=True
        )
    )
    notes = [(pk, body) for pk, body in notes if pk in on_roadmap]
    links = [link for link in links if link[0] in on_roadmap]
    with marking.items_must_exist(), transaction.atomic():
        marking.apply_statuses(user, changes)
        _write_notes(user, notes)
        _write_links(user, links)
    return len(changes) + len(notes) + len(links)


def _write_notes(user, notes):
    """Each note in place of the learner's on its topic: a new revision, so a
    tab still editing the old text is told (tracker.progress.notes)."""
    stored = {
        note.topic_id: note
        for note in Note.objects.filter(user=user, topic__in=[pk for pk, _ in notes])
    }
    for topic_pk, body in notes:
        note = stored.get(topic_pk) or Note(user=user, topic_id=topic_pk, revision=0)
        note.body, note.revision = body, note.revision + 1
        note.save()


def _write_links(user, links):
    for topic_pk, title, url, kind in links:
        Link.objects.update_or_create(
            user=user, topic_id=topic_pk, url=url, defaults={"title": title, "kind": kind}
        )


def _topics(parsed):
    for phase in parsed.phases:
        for section in phase.sections:
            for topic in section.topics:
                yield phase, section, topic


def _items(parsed):
    for phase in parsed.phases:
        for section in phase.sections:
            for topic in section.topics:
                for subtopic in topic.subtopics:
                    yield phase, section, topic, subtopic


def _key(phase, section, topic, subtopic):
    return tuple(normalise(item.title) for item in (phase, section, topic, subtopic))
