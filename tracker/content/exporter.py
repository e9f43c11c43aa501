"""Write the database's content back to the repository's files.

The inverse of tracker.content.importer: the roadmap's Markdown and one guide
file per topic. What staff changed in the admin comes back as a diff a
reviewer can read, and importing what this writes changes nothing.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import prefetch_related_objects

from tracker.content import guide
from tracker.content.markdown import RoadmapFormatError, parse_roadmap
from tracker.content.markdown_writer import write_roadmap
from tracker.content.models import Subtopic
from tracker.content.mojibake import repair
from tracker.content.queries import phases_with_content


@dataclass
class ExportSummary:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)

    def __str__(self):
        lines = [f"Wrote {len(self.written)} files, {self.unchanged} unchanged."]
        lines += [f"  wrote {path}" for path in self.written]
        lines += [f"  removed {path}" for path in self.removed]
        return "\n".join(lines)


def export_roadmap(roadmap, markdown_path, guide_folder) -> ExportSummary:
    phases = list(phases_with_content(roadmap, Subtopic.objects.all()))
    topics = [topic for phase in phases for s in phase.sections.all() for topic in s.topics.all()]
    prefetch_related_objects(topics, "resources", "prerequisites__section__phase")
    summary = ExportSummary()
    _write_markdown(roadmap, phases, Path(markdown_path), summary)
    folder = Path(guide_folder)
    wanted = {}
    for phase in phases:
        for section in phase.sections.all():
            for topic in section.topics.all():
                path = guide.topic_path(phase.slug, section.slug, topic.slug)
                wanted[folder / f"{path}.md"] = guide.render(guide_topic(topic))
    for path, text in wanted.items():
        _write(path, text, summary)
    # A file for a topic the database no longer has would fail the next import.
    for stale in sorted(set(folder.glob("*/*/*.md")) - set(wanted)):
        stale.unlink()
        summary.removed.append(str(stale))
    return summary


def guide_topic(topic):
    """A topic's guide as the file holds it, from a row with its relations prefetched."""
    return guide.GuideTopic(
        explanation=topic.explanation,
        why_it_matters=topic.why_it_matters,
        prerequisites=sorted(
            guide.topic_path(needed.section.phase.slug, needed.section.slug, needed.slug)
            for needed in topic.prerequisites.all()
        ),
        subtopics=[
            guide.GuideSubtopic(s.slug, s.hours, s.explanation, s.title)
            for s in topic.subtopics.all()
        ],
        resources=[
            guide.GuideResource(r.title, r.url, r.kind, r.is_free) for r in topic.resources.all()
        ],
    )


def _write_markdown(roadmap, phases, path, summary):
    """Rewrite the Markdown only when it no longer says what the database holds.

    The seed is kept byte for byte (encoding damage and all) for as long as
    its content is still the roadmap's.
    """
    text = write_roadmap(roadmap, phases)
    if path.exists():
        try:
            current = parse_roadmap(repair(path.read_text(encoding="utf-8")))
        except (RoadmapFormatError, UnicodeDecodeError):
            current = None
        if current is not None and _outline(current) == _outline(parse_roadmap(text)):
            summary.unchanged += 1
            return
    _write(path, text, summary)


def _write(path, text, summary):
    if path.exists() and path.read_text(encoding="utf-8") == text:
        summary.unchanged += 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    summary.written.append(str(path))


def _outline(parsed):
    """What an import takes from a parsed file: everything but line numbers and marks."""
    return (
        parsed.title,
        parsed.intro,
        parsed.timeline,
        parsed.duration,
        [
            (
                phase.title,
                phase.tagline,
                phase.icon,
                phase.intro,
                [
                    (
                        section.title,
                        [
                            (topic.title, topic.description, [s.title for s in topic.subtopics])
                            for topic in section.topics
                        ],
                    )
                    for section in phase.sections
                ],
            )
            for phase in parsed.phases
        ],
    )
