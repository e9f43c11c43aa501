"""A learner's progress, written out as the seed's own Markdown or as JSON.

The Markdown reads like the seed with the learner's ticks, and parses back
with tracker.content.markdown, so it is also what the progress import reads:
`[x]` on a done subtopic, `[ ]` with a `*(learning)*` or `*(skipped)*` note
otherwise. A topic is ticked when it is complete (every subtopic done or
skipped), as on the roadmap page.

Both formats are built from one tracker.progress.loader read, so an export
costs the same queries whatever the progress.
"""

import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import slugify

from tracker.progress.counting import Counts
from tracker.progress.loader import load_progress
from tracker.progress.status import Status

# Unticked items that are not pending carry their state as a note.
NOTES = {status: f" *({status.value})*" for status in (Status.LEARNING, Status.SKIPPED)}
# Characters Markdown would read as markup inside a title or a paragraph.
_INLINE_MARKUP = re.compile(r"([\\`*_\[\]<])|&(?=#?\w+;)")
_BLANK_RUNS = re.compile(r"\n{3,}")
# A paragraph starting with one of these would become a heading, list or quote.
_BLOCK_START = re.compile(r"^(\d+(?=[.)])|)([#>+=.)-])")


@dataclass
class Snapshot:
    """Everything an export shows, loaded once."""

    roadmap: object
    user: object
    phases: list
    overall: Counts
    exported_at: object


def snapshot(user, roadmap):
    progress = load_progress(roadmap, user)
    return Snapshot(roadmap, user, progress.phases, progress.overall, timezone.now())


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
    roadmap = snap.roadmap
    lines = [f"# {_inline(roadmap.title)}", ""]
    lines += _paragraphs(roadmap.intro)
    lines += [f"*{_inline(summary_line(snap))}*", ""]
    lines += ["## Table of Contents"]
    lines += [f"- [{_inline(phase.title)}](#{_anchor(phase.title)})" for phase in snap.phases]
    for phase in snap.phases:
        lines += ["", "---", "", f"## {_inline(phase.title)}"]
        heading = " ".join(part for part in (phase.icon, _inline(phase.tagline)) if part)
        if heading:
            lines.append(f"### {heading}")
        lines.append("")
        lines += _paragraphs(phase.intro)
        sections = list(phase.sections.all())
        synthetic = _is_synthetic(phase, sections)
        for section in sections:
            if not synthetic:
                lines += [f"#### {_inline(section.title)}"]
            for topic in section.topics.all():
                lines += _topic(topic)
    if roadmap.timeline:
        lines += ["", f"**Timeline**: {_inline(roadmap.timeline)}"]
    # Each block ends with its own blank line; one is enough between blocks.
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n") + "\n"


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


def _topic(topic):
    box = "[x]" if topic.counts.is_complete else "[ ]"
    title = f"- {box} **{_inline(topic.title)}**"
    if topic.description:
        title += f" — {_inline(topic.description)}"
    lines = [title]
    for subtopic in topic.subtopics.all():
        box = "[x]" if subtopic.status == Status.DONE else "[ ]"
        note = NOTES.get(subtopic.status, "")
        lines.append(f"  - {box} {_inline(subtopic.title)}{note}")
    return [*lines, ""]


def _is_synthetic(phase, sections):
    """The parser names the one section of a phase without #### after its tagline."""
    return len(sections) == 1 and sections[0].title == (phase.tagline or phase.title)


def _paragraphs(text):
    lines = []
    for paragraph in text.split("\n\n") if text else []:
        escaped = _inline(" ".join(paragraph.split()))
        lines += [_BLOCK_START.sub(_escape_block_start, escaped), ""]
    return lines


def _escape_block_start(match):
    digits, mark = match.groups()
    return f"{digits}\\{mark}"


def _inline(text):
    return _INLINE_MARKUP.sub(lambda match: "\\" + match.group(0), text)


def _anchor(title):
    """GitHub's heading anchor, as the seed's table of contents uses."""
    kept = "".join(char for char in title.lower() if char.isalnum() or char in " -_")
    return kept.replace(" ", "-")
