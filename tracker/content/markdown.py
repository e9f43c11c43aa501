"""Read the roadmap's Markdown checklist into plain dataclasses.

The shape, as the seed uses it::

    # 🔥 Roadmap title
    Intro paragraph.
    ## Table of Contents          (skipped, with its list)
    ## Phase title
    ### 🧠 Phase 1: Tagline        (icon and tagline; a paragraph after it is the phase intro)
    #### Section title
    - [ ] **Topic title** — optional description
      - Subtopic title
    **Timeline**: ... within 6 months ...

A phase whose topics stand directly under its ### line gets one section named
after its tagline. Working on markdown-it's block tree rather than on raw
lines makes the parser indifferent to `*` or `-` bullets, `[x]` or `[ ]`,
indentation widths and loose or tight lists.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

# The emoji in front of a heading: symbols plus the variation selectors,
# zero-width joiners and skin-tone modifiers that complete them.
_ICON_CATEGORIES = {"So", "Sk", "Mn", "Me", "Cf"}
_CHECKBOX = re.compile(r"^\s*\[[ xX]\]\s*")
_TICKED = re.compile(r"^\s*\[[xX]\]")
# A learner's progress export notes these after an unticked subtopic.
STATUS_NOTES = ("learning", "skipped")
# The fenced blocks a topic may hold (ParsedTopic.blocks).
TOPIC_BLOCKS = ("note", "links")
_TIMELINE = re.compile(r"^timeline\s*:\s*(.*)$", re.IGNORECASE | re.DOTALL)
_DURATION = re.compile(r"\b\d+(?:\s*[-–]\s*\d+)?\s+(?:day|week|month|year)s?\b", re.IGNORECASE)
_TABLE_OF_CONTENTS = {"table of contents", "contents"}


class RoadmapFormatError(ValueError):
    """The file does not have the roadmap's shape; `line` is 1-based when known."""

    def __init__(self, message, line=None):
        super().__init__(message, line)
        self.message = message
        self.line = line

    def __str__(self):
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class ParsedSubtopic:
    title: str
    line: int
    # Progress exports tick subtopics (`[x]`) and note other states after the
    # title (`*(learning)*`); roadmap imports ignore both.
    checked: bool = False
    note: str = ""


@dataclass
class ParsedTopic:
    title: str
    line: int
    description: str = ""
    subtopics: list[ParsedSubtopic] = field(default_factory=list)
    # A learner's progress export carries their notes and links on a topic
    # in fenced blocks tagged "note" and "links"; roadmap imports ignore them.
    blocks: dict[str, str] = field(default_factory=dict)


@dataclass
class ParsedSection:
    title: str
    line: int
    topics: list[ParsedTopic] = field(default_factory=list)


@dataclass
class ParsedPhase:
    title: str
    line: int
    tagline: str = ""
    icon: str = ""
    intro: str = ""
    sections: list[ParsedSection] = field(default_factory=list)


@dataclass
class ParsedRoadmap:
    title: str
    line: int
    intro: str = ""
    timeline: str = ""
    duration: str = ""
    phases: list[ParsedPhase] = field(default_factory=list)


def read_roadmap_file(path) -> str:
    """Return a file's text, or raise RoadmapFormatError saying why it is unusable."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise RoadmapFormatError("no such file") from None
    except OSError as error:
        raise RoadmapFormatError(f"cannot read the file ({error.strerror})") from None
    return decode_roadmap_bytes(data)


def decode_roadmap_bytes(data: bytes) -> str:
    """Return the bytes as text, or raise RoadmapFormatError if they are not UTF-8 text."""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise RoadmapFormatError("not a text file (it contains NUL bytes)", line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RoadmapFormatError("not valid UTF-8 text", line) from None


def parse_roadmap(text: str) -> ParsedRoadmap:
    if not text.strip():
        raise RoadmapFormatError("the file is empty")
    builder = _Builder()
    for node in SyntaxTreeNode(MarkdownIt("commonmark").parse(text)).children:
        builder.add(node)
    return builder.finish()


def split_icon(text: str) -> tuple[str, str]:
    """Split "🧠 Phase 1: ..." into ("🧠", "Phase 1: ...")."""
    end = 0
    while end < len(text) and unicodedata.category(text[end]) in _ICON_CATEGORIES:
        end += 1
    return text[:end], text[end:].strip()


class _Builder:
    def __init__(self):
        self.roadmap = None
        self.phase = None
        self.section = None
        self.topic = None
        self.in_contents = False
        self.phase_has_tagline = False

    def add(self, node):
        line = node.map[0] + 1
        if node.type == "hr":
            return
        if node.type == "heading":
            text = _plain(node.children[0]).strip()
            if not text:
                raise RoadmapFormatError("an empty heading", line)
            self.heading(int(node.tag[1]), text, line)
        elif self.roadmap is None:
            raise RoadmapFormatError("the file must start with the roadmap's `# Title`", line)
        elif self.in_contents:
            return
        elif node.type == "paragraph":
            self.paragraph(_plain(node.children[0]).strip())
        elif node.type in ("bullet_list", "ordered_list"):
            for item in node.children:
                self.list_item(item)
        else:
            # A stray code block is usually a subtopic indented too far with
            # no topic above it; silently dropping it would lose content.
            kind = node.type.replace("_", " ")
            raise RoadmapFormatError(f"unexpected {kind}; expected headings and bullets", line)

    def heading(self, level, text, line):
        if level == 1:
            if self.roadmap is not None:
                raise RoadmapFormatError("a second `# Title`; a file holds one roadmap", line)
            _, title = split_icon(text)
            self.roadmap = ParsedRoadmap(title=title or text, line=line)
            return
        if self.roadmap is None:
            raise RoadmapFormatError("the file must start with the roadmap's `# Title`", line)
        if level == 2:
            self.in_contents = text.lower() in _TABLE_OF_CONTENTS
            self.section = self.topic = None
            self.phase = None
            if not self.in_contents:
                self.phase = ParsedPhase(title=text, line=line)
                self.roadmap.phases.append(self.phase)
                self.phase_has_tagline = False
        elif self.in_contents:
            return
        elif self.phase is None:
            raise RoadmapFormatError(f"a {'#' * level} heading comes before any phase", line)
        elif level == 3:
            if self.phase_has_tagline or self.phase.sections:
                raise RoadmapFormatError("a phase has one ### line, before its sections", line)
            self.phase.icon, self.phase.tagline = split_icon(text)
            self.phase_has_tagline = True
        elif level == 4:
            self.section = ParsedSection(title=text, line=line)
            self.phase.sections.append(self.section)
            self.topic = None
        else:
            raise RoadmapFormatError(f"unexpected {'#' * level} heading; use # to ####", line)

    def paragraph(self, text):
        timeline = _TIMELINE.match(text)
        if timeline:
            self.roadmap.timeline = timeline.group(1).strip()
            duration = _DURATION.search(self.roadmap.timeline)
            self.roadmap.duration = duration.group(0) if duration else ""
        elif self.phase is None:
            self.roadmap.intro = _join(self.roadmap.intro, text)
        elif not self.phase.sections:
            self.phase.intro = _join(self.phase.intro, text)
        # Other prose (a note under a section, say) has no place in the model.

    def list_item(self, item):
        line = item.map[0] + 1
        blocks = list(item.children)
        if not blocks or blocks[0].type != "paragraph":
            raise RoadmapFormatError("an empty bullet", line)
        parts = _topic_parts(blocks[0].children[0])
        if parts is None:
            if self.topic is None:
                raise RoadmapFormatError("a subtopic comes before any topic", line)
            raise RoadmapFormatError(
                "a bullet that is neither a topic (`- [ ] **Title**`) nor indented under one",
                line,
            )
        if self.phase is None:
            raise RoadmapFormatError("a topic comes before any phase", line)
        if self.section is None:
            # Topics straight under the ### line: one section named after it.
            self.section = ParsedSection(title=self.phase.tagline or self.phase.title, line=line)
            self.phase.sections.append(self.section)
        title, description = parts
        self.topic = ParsedTopic(title=title, description=description, line=line)
        self.section.topics.append(self.topic)
        for block in blocks[1:]:
            if block.type == "paragraph":
                self.topic.description = _join(
                    self.topic.description, _plain(block.children[0]).strip()
                )
            elif block.type in ("bullet_list", "ordered_list"):
                self.topic.subtopics.extend(_subtopic(sub) for sub in block.children)
            elif block.type == "fence" and block.info.strip() in TOPIC_BLOCKS:
                self.topic.blocks[block.info.strip()] = block.content.removesuffix("\n")
            else:
                kind = block.type.replace("_", " ")
                raise RoadmapFormatError(f"unexpected {kind} inside a topic", block.map[0] + 1)

    def finish(self):
        if self.roadmap is None:
            raise RoadmapFormatError("the file has no `# Title` heading")
        if not self.roadmap.phases:
            raise RoadmapFormatError("the file has no phase (a `## ` heading)")
        for phase in self.roadmap.phases:
            if not phase.sections:
                raise RoadmapFormatError(f'phase "{phase.title}" has no topics', phase.line)
            for section in phase.sections:
                if not section.topics:
                    message = f'section "{section.title}" has no topics'
                    raise RoadmapFormatError(message, section.line)
                for topic in section.topics:
                    if not topic.subtopics:
                        # Learners tick subtopics: a topic without any could
                        # never be worked through.
                        message = f'topic "{topic.title}" has no subtopics'
                        raise RoadmapFormatError(message, topic.line)
        return self.roadmap


def _subtopic(item):
    line = item.map[0] + 1
    blocks = list(item.children)
    if any(block.type in ("bullet_list", "ordered_list") for block in blocks):
        raise RoadmapFormatError("bullets nest two levels deep at most (topic, subtopic)", line)
    if not blocks or blocks[0].type != "paragraph":
        raise RoadmapFormatError("an empty subtopic", line)
    children = list(blocks[0].children[0].children)
    note = ""
    if children and children[-1].type == "em":
        word = _plain(children[-1]).strip()
        if word.startswith("(") and word.endswith(")") and word[1:-1].lower() in STATUS_NOTES:
            note, children = word[1:-1].lower(), children[:-1]
    text = _plain_all(children)
    title = _CHECKBOX.sub("", text).strip()
    if not title:
        raise RoadmapFormatError("an empty subtopic", line)
    return ParsedSubtopic(title=title, line=line, checked=bool(_TICKED.match(text)), note=note)


def _topic_parts(inline):
    """(title, description) for "[ ] **Title** — words", or None if not a topic."""
    children = list(inline.children)
    checkbox = None
    if children and children[0].type == "text":
        checkbox = _CHECKBOX.match(children[0].content)
        if not _CHECKBOX.sub("", children[0].content).strip():
            children = children[1:]
    if children and children[0].type == "strong":
        title = _plain(children[0]).strip()
        description = _plain_all(children[1:]).strip().lstrip("—–-:").strip()
        return (title, description) if title else None
    if checkbox:
        title = _CHECKBOX.sub("", _plain(inline)).strip()
        return (title, "") if title else None
    return None


def _plain(node):
    """The text a reader sees, without Markdown markup."""
    if node.type in ("text", "code_inline"):
        return node.content
    if node.type in ("softbreak", "hardbreak"):
        return " "
    if node.type == "html_inline":
        return ""
    return _plain_all(node.children)


def _plain_all(nodes):
    return "".join(_plain(node) for node in nodes)


def _join(existing, text):
    return f"{existing}\n\n{text}" if existing else text
