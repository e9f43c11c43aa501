"""Write a roadmap's content tree back out as Markdown in the seed's shape.

What tracker.content.markdown parses, this writes: the roadmap export of
`manage.py export_roadmap` and the learner's progress export share it, the
latter with ticks and notes on the items.
"""

import re

# Characters Markdown would read as markup inside a title or a paragraph.
_INLINE_MARKUP = re.compile(r"([\\`*_\[\]<])|&(?=#?\w+;)")
_BLANK_RUNS = re.compile(r"\n{3,}")
_BACKTICKS = re.compile(r"`+")
# A paragraph starting with one of these would become a heading, list or quote.
_BLOCK_START = re.compile(r"^(\d+(?=[.)])|)([#>+=.)-])")


def write_roadmap(
    roadmap,
    phases,
    *,
    summary="",
    topic_checked=lambda topic: False,
    subtopic_mark=lambda subtopic: (False, ""),
    topic_blocks=lambda topic: [],
):
    """Markdown for `roadmap` and its prefetched `phases`.

    `summary` is an italic line under the intro; `topic_checked(topic)` ticks
    a topic's box; `subtopic_mark(subtopic)` gives (ticked, note) for an item,
    the note written as `*(note)*` after its title; `topic_blocks(topic)`
    gives [(info, text)] written as fenced blocks inside the topic (a
    learner's notes and links: see fenced()).
    """
    lines = [f"# {_inline(roadmap.title)}", ""]
    lines += _paragraphs(roadmap.intro)
    if summary:
        lines += [f"*{_inline(summary)}*", ""]
    lines += ["## Table of Contents"]
    lines += [f"- [{_inline(phase.title)}](#{_anchor(phase.title)})" for phase in phases]
    for phase in phases:
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
                lines += _topic(topic, topic_checked, subtopic_mark, topic_blocks)
    if roadmap.timeline:
        lines += ["", f"**Timeline**: {_inline(roadmap.timeline)}"]
    # Each block ends with its own blank line; one is enough between blocks.
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n") + "\n"


def _topic(topic, topic_checked, subtopic_mark, topic_blocks):
    box = "[x]" if topic_checked(topic) else "[ ]"
    title = f"- {box} **{_inline(topic.title)}**"
    if topic.description:
        title += f" — {_inline(topic.description)}"
    lines = [title]
    for subtopic in topic.subtopics.all():
        ticked, note = subtopic_mark(subtopic)
        box = "[x]" if ticked else "[ ]"
        note = f" *({note})*" if note else ""
        lines.append(f"  - {box} {_inline(subtopic.title)}{note}")
    for info, text in topic_blocks(topic):
        lines += ["", *fenced(info, text, indent="  ")]
    return [*lines, ""]


def fenced(info, text, indent=""):
    """`text` as a fenced code block tagged `info`, each line indented: read
    back exactly (tracker.content.markdown), whatever Markdown it holds. Its
    fence is longer than any run of backticks in the text, so none closes it."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    # A blank line keeps its indent: write_roadmap's runs of blank lines are
    # folded into one, and the text's own must come back as they were.
    body = [f"{indent}{line}" for line in text.split("\n")]
    return [f"{indent}{fence}{info}", *body, f"{indent}{fence}"]


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
