"""A learner's progress, written out as the seed's own Markdown or as JSON.

The Markdown reads like the seed with the learner's ticks, and parses back
with tracker.content.markdown, so it is also what the progress import reads:
`[x]` on a done subtopic, `[ ]` with a `*(learning)*` or `*(skipped)*` note
otherwise. A topic is ticked when it is complete (every subtopic done or
skipped), as on the roadmap page.

A learner's notes and links on a topic travel with it: in the Markdown as
fenced blocks inside the topic (```note, ```links), in the JSON as lists.

Both formats are built from one tracker.progress.loader read and one read
each of the notes and the links, so an export costs the same queries
whatever the progress.
"""

import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.text import slugify

from tracker.content.markdown_writer import write_roadmap
from tracker.progress.counting import Counts
from tracker.progress.loader import load_progress
from tracker.progress.models import Link, Note
from tracker.progress.status import Status

# Unticked items that are not pending carry their state as a note: *(learning)*.
NOTED = (Status.LEARNING, Status.SKIPPED)


@dataclass
class Snapshot:
    """Everything an export shows, loaded once."""

    roadmap: object
    user: object
    phases: list
    overall: Counts
    exported_at: object
    # {topic pk: Note} and {topic pk: [Link]}: the learner's own, on this roadmap.
    notes: dict = field(default_factory=dict)
    links: dict = field(default_factory=dict)


def snapshot(user, tree):
    """`user`'s progress, notes and links on the roadmap of `tree`
    (tracker.content.tree): three queries whatever they hold."""
    progress = load_progress(tree, user, times=True)
    on_roadmap = [pk for phase in progress.phases for pk in _topic_pks(phase)]
    notes = {note.topic_id: note for note in Note.objects.filter(user=user, topic__in=on_roadmap)}
    links = {}
    for link in Link.objects.filter(user=user, topic__in=on_roadmap):
        links.setdefault(link.topic_id, []).append(link)
    return Snapshot(
        tree.roadmap, user, progress.phases, progress.overall, timezone.now(), notes, links
    )


def _topic_pks(phase):
    return [topic.pk for section in phase.sections for topic in section.topics]


def filename(snap, extension):
    who = slugify(snap.user.get_username()) or "learner"
    return f"{snap.roadmap.slug}-progress-{who}.{extension}"


def summary_line(snap):
    counts = snap.overall
    when = timezone.localtime(snap.exported_at)
    return (
        f"Progress of {snap.user.get_username()}, exported {when:%Y-%m-%d %H:%M %Z}: "
        f"{counts.percent}% complete ({counts.done} done, {counts.learning} learning, "
        f"{counts.skipped} skipped of {counts.total})."
    )


def to_markdown(snap):
    """The roadmap in the seed's shape with the learner's ticks and notes."""
    return write_roadmap(
        snap.roadmap,
        snap.phases,
        summary=summary_line(snap),
        topic_checked=lambda topic: topic.counts.is_complete,
        subtopic_mark=_mark,
        topic_blocks=lambda topic: _blocks(snap, topic.pk),
    )


def _blocks(snap, topic_pk):
    """A topic's note and links as the fenced blocks tracker.progress.importing reads."""
    blocks = []
    if topic_pk in snap.notes:
        blocks.append(("note", snap.notes[topic_pk].body))
    if topic_pk in snap.links:
        blocks.append(("links", "\n".join(map(link_line, snap.links[topic_pk]))))
    return blocks


def link_line(link):
    """`- [Title](<https://…>) *(kind)*`: a Markdown link, read back by importing.parse_link."""
    title = re.sub(r"([\\\[\]])", r"\\\1", link.title)
    return f"- [{title}](<{link.url}>) *({link.kind})*"


def _mark(subtopic):
    return subtopic.status == Status.DONE, subtopic.status.value if subtopic.status in NOTED else ""


def to_json(snap):
    """A plain dict for json.dumps; items list every subtopic with a status."""
    counts = snap.overall
    items = []
    for phase in snap.phases:
        for section in phase.sections.all():
            for topic in section.topics.all():
                for subtopic in topic.subtopics.all():
                    if subtopic.status == Status.PENDING:
                        continue
                    completed_at = subtopic.completed_at
                    items.append(
                        {
                            "phase": phase.title,
                            "section": section.title,
                            "topic": topic.title,
                            "subtopic": subtopic.title,
                            "path": [phase.slug, section.slug, topic.slug, subtopic.slug],
                            "status": subtopic.status.value,
                            "completed_at": completed_at.isoformat() if completed_at else None,
                        }
                    )
    return {
        "roadmap": snap.roadmap.slug,
        "title": snap.roadmap.title,
        "exported_at": snap.exported_at.isoformat(timespec="seconds"),
        "username": snap.user.get_username(),
        "summary": {
            "done": counts.done,
            "learning": counts.learning,
            "skipped": counts.skipped,
            "total": counts.total,
            "percent": counts.percent,
        },
        "items": items,
        "notes": [
            {**_where(snap, topic), "body": note.body, "updated_at": _iso(note.updated_at)}
            for topic, note in _mine(snap, snap.notes)
        ],
        "links": [
            {**_where(snap, topic), "title": link.title, "url": link.url, "kind": link.kind}
            for topic, links in _mine(snap, snap.links)
            for link in links
        ],
    }


def _mine(snap, by_topic):
    """(topic view, what the learner has on it) in roadmap order."""
    for phase in snap.phases:
        for section in phase.sections:
            for topic in section.topics:
                if topic.pk in by_topic:
                    yield topic, by_topic[topic.pk]


def _where(snap, topic):
    section = topic.section
    return {
        "phase": section.phase.title,
        "section": section.title,
        "topic": topic.title,
        "path": [section.phase.slug, section.slug, topic.slug],
    }


def _iso(when):
    return when.isoformat(timespec="seconds")
