"""The guide's text files: one per topic, a TOML header and a Markdown body.

Free of Django, so the format can be read and tested alone; the format
itself is described for staff in fixtures/guide/README.md. `render` writes
exactly what `parse` reads, so a file written from the database and read
back gives the same values, and a file already in the canonical shape is
written back byte for byte.
"""

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

WHY_HEADING = "## Why it matters"
RESOURCE_KINDS = ("docs", "paper", "course", "book", "video", "article", "tool")
_FILE = re.compile(r"\A\+\+\+\n(?P<header>.*?)\n\+\+\+\n(?P<body>.*)\Z", re.DOTALL)
_WHY = re.compile(rf"^{re.escape(WHY_HEADING)}[ \t]*$", re.MULTILINE)


class GuideFormatError(ValueError):
    pass


@dataclass
class GuideSubtopic:
    slug: str
    hours: int = 0
    explanation: str = ""
    title: str = ""  # written as a comment for the reader; not read back


@dataclass
class GuideResource:
    title: str
    url: str
    kind: str
    free: bool = True


@dataclass
class GuideTopic:
    explanation: str = ""
    why_it_matters: str = ""
    prerequisites: list[str] = field(default_factory=list)
    subtopics: list[GuideSubtopic] = field(default_factory=list)
    resources: list[GuideResource] = field(default_factory=list)


def topic_path(phase_slug, section_slug, topic_slug):
    """A topic's slug path: how files are named and prerequisites are written."""
    return f"{phase_slug}/{section_slug}/{topic_slug}"


def parse(text):
    match = _FILE.match(text.replace("\r\n", "\n"))
    if match is None:
        raise GuideFormatError("the file must start with a TOML header between two +++ lines")
    try:
        header = tomllib.loads(match["header"])
    except tomllib.TOMLDecodeError as error:
        raise GuideFormatError(f"the header is not valid TOML: {error}") from None
    parts = _WHY.split(match["body"], maxsplit=1)
    try:
        return GuideTopic(
            explanation=parts[0].strip(),
            why_it_matters=parts[1].strip() if len(parts) > 1 else "",
            prerequisites=[
                _text(path, "a prerequisite") for path in header.get("prerequisites", [])
            ],
            subtopics=[_subtopic(table) for table in header.get("subtopics", [])],
            resources=[_resource(table) for table in header.get("resources", [])],
        )
    except (KeyError, TypeError) as error:
        raise GuideFormatError(f"the header is missing or mistypes {error}") from None


def render(topic):
    lines = ["+++", f"prerequisites = {_list(topic.prerequisites)}"]
    for subtopic in topic.subtopics:
        comment = f"  # {subtopic.title}" if subtopic.title else ""
        lines += [
            "",
            "[[subtopics]]",
            f"slug = {_string(subtopic.slug)}{comment}",
            f"hours = {subtopic.hours}",
            f"explanation = {_string(subtopic.explanation)}",
        ]
    for resource in topic.resources:
        lines += [
            "",
            "[[resources]]",
            f"title = {_string(resource.title)}",
            f"url = {_string(resource.url)}",
            f"kind = {_string(resource.kind)}",
            f"free = {'true' if resource.free else 'false'}",
        ]
    lines += ["+++", "", topic.explanation, "", WHY_HEADING, "", topic.why_it_matters, ""]
    return "\n".join(lines)


def read_folder(folder):
    """{slug path: GuideTopic} for every topic file below `folder`."""
    folder = Path(folder)
    topics = {}
    for path in sorted(folder.glob("*/*/*.md")):
        key = path.relative_to(folder).with_suffix("").as_posix()
        try:
            topics[key] = parse(path.read_text(encoding="utf-8"))
        except (GuideFormatError, UnicodeDecodeError) as error:
            raise GuideFormatError(f"{path}: {error}") from None
    return topics


def _subtopic(table):
    hours = table.get("hours", 0)
    if not isinstance(hours, int) or isinstance(hours, bool) or hours < 0:
        raise GuideFormatError(f"subtopic {table.get('slug')!r}: hours must be a whole number")
    return GuideSubtopic(
        slug=_text(table["slug"], "a subtopic slug"),
        hours=hours,
        explanation=_text(table.get("explanation", ""), "an explanation"),
    )


def _resource(table):
    kind = table["kind"]
    if kind not in RESOURCE_KINDS:
        raise GuideFormatError(f"resource kind {kind!r} is not one of {', '.join(RESOURCE_KINDS)}")
    url = _text(table["url"], "a URL")
    if not url.startswith(("http://", "https://")):
        raise GuideFormatError(f"resource URL {url!r} must start with http:// or https://")
    free = table.get("free", True)
    if not isinstance(free, bool):
        raise GuideFormatError(f"resource {url}: free must be true or false")
    return GuideResource(title=_text(table["title"], "a title"), url=url, kind=kind, free=free)


def _text(value, what):
    if not isinstance(value, str):
        raise GuideFormatError(f"{what} must be text, not {value!r}")
    return value


def _string(value):
    # A JSON string is a TOML basic string, once DEL (which JSON leaves raw) is escaped.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _list(values):
    return "[" + ", ".join(_string(value) for value in values) + "]"
