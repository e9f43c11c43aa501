"""A learner's progress, written out as the seed's own Markdown or as JSON.

The Markdown reads like the seed with the learner's ticks, and parses back
with tracker.content.markdown, so it is also what the progress import reads:
`[x]` on a done subtopic, `[ ]` with a `*(learning)*` or `*(skipped)*` note
otherwise. A topic is ticked when it is complete (every subtopic done or
skipped), as on the roadmap page.

Both formats are built from one tracker.progress.loader read, so an export
costs the same queries whatever the progress.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import slugify

from tracker.content.markdown_writer import write_roadmap
from tracker.progress.counting import Counts
from tracker.progress.loader import load_progress
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


def snapshot(user, tree):
    """`user`'s progress on the roadmap of `tree` (tracker.content.tree)."""
    progress = load_progress(tree, user, times=True)
    return Snapshot(tree.roadmap, user, progress.phases, progress.overall, timezone.now())


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
    )


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
    }
